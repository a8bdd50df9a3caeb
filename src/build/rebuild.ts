import { existsSync } from 'node:fs'
import { mkdir, readdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { itemText } from '../catalog/index.ts'
import { reuseCollab, trainCollab } from '../collab/index.ts'
import type { Config } from '../config/index.ts'
import {
  AppError,
  type Logger,
  newBuildId,
  noProgress,
  type ProgressListener,
  readCurrent,
  removeDir,
  silentLogger,
  switchCurrent,
} from '../core/index.ts'
import { createEmbedder, createEmbeddingCache, embedWithCache } from '../embed/index.ts'
import { buildIndex } from '../index/index.ts'
import { readStoreInteractions, withStoreInteractions } from '../loop/index.ts'
import { loadTf } from '../tf/index.ts'
import { type DialogueLog, loadTrainingCatalog } from './dialogues.ts'
import { writeSnapshot } from './snapshot.ts'

/** What a rebuild did, printed by `concierge rebuild` (as JSON with `--json`). */
export interface RebuildSummary {
  buildId: string
  dir: string
  dataset: string
  dataDir: string
  dataFingerprint: string
  items: number
  interactions: number
  /** Interactions recorded by the running service (feedback, accepted recommendations, events) trained on. */
  storeInteractions: number
  users: number
  /** Conversation logs learned from (their dialogues are among `users`), when configured. */
  dialogues?: Omit<DialogueLog, 'interactions'>
  encoderId: string
  dimension: number
  indexKind: 'hnsw' | 'exact'
  embedding: { cached: number; embedded: number; seconds: number; itemsPerSecond: number }
  indexSeconds: number
  /** The model trained (or `reused` from the previous build when data and settings are unchanged), or why not. */
  collab: { dir: string; model: string; seconds: number; metrics: Record<string, unknown>; reused: boolean } | { skipped: string }
  totalSeconds: number
}

export interface RebuildOptions {
  logger?: Logger
  onProgress?: ProgressListener
  /** Train the collaborative model too (default: when the catalogue has interactions). */
  train?: boolean
  /** Train even when the current model was trained on the same data and settings (default: reuse it). */
  retrain?: boolean
  /** How many earlier builds to keep besides the new one (default 2). */
  keep?: number
}

/**
 * Loads and validates the catalogue, embeds item texts (only new or changed ones: the cache), builds the
 * vector index, trains the collaborative model, writes `indexes/<build-id>/` and then switches
 * `indexes/current` to it. Any failure leaves the previous build in place and removes the partial one.
 * Throws `data.not_found`, `catalog.invalid` (bad input) or the failing step's error.
 */
export async function runRebuild(config: Readonly<Config>, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const logger = options.logger ?? silentLogger
  const onProgress = options.onProgress ?? noProgress
  const started = performance.now()
  const dataDir = config.dataDir
  if (!dataDir || !existsSync(dataDir)) {
    throw new AppError(
      'data.not_found',
      'No data folder. Set CONCIERGE_DATA_DIR to a folder holding items.jsonl or movielens/ml-latest-small/, or run `concierge data movielens`.',
      { details: { dataDir } },
    )
  }
  // The configured TF.js backend must win before an encoder or model asks for one.
  await loadTf(config.collab.backend, logger)
  const loaded = await loadTrainingCatalog(config, { logger, onProgress })
  const { dialogues, popularity, catalogPopularity } = loaded
  const { catalog, storeInteractions } = withStoreInteractions(loaded.catalog, await readStoreInteractions(config.store))
  const users = new Set(catalog.interactions.map((i) => i.userId)).size
  logger.info('catalogue loaded', {
    dataset: catalog.name,
    items: catalog.items.length,
    interactions: catalog.interactions.length,
    storeInteractions,
    users,
  })

  const buildId = newBuildId()
  await mkdir(config.indexesDir, { recursive: true })
  const tmpDir = join(config.indexesDir, `.tmp-${buildId}`)
  const finalDir = join(config.indexesDir, buildId)
  const embedder = await createEmbedder(config.embed, { logger })
  const cache = await createEmbeddingCache(join(config.indexesDir, '.embedding-cache'))
  // Training points models/current at the new model; a later failure puts the previous one back.
  const previousModel = await readCurrent(config.modelsDir)
  let trainedModel = false
  try {
    const embedStart = performance.now()
    const texts = catalog.items.map(itemText)
    const embedded = await embedWithCache(embedder, texts, cache, onProgress)
    const embedSeconds = (performance.now() - embedStart) / 1000
    logger.info('items embedded', {
      encoder: embedder.id,
      cached: embedded.hits,
      embedded: embedded.misses,
      seconds: round(embedSeconds),
    })

    const indexStart = performance.now()
    const ids = catalog.items.map((item) => item.id)
    const index = buildIndex(ids, embedded.vectors, {
      exactBelow: config.index.exactBelow,
      m: config.index.m,
      efConstruction: config.index.efConstruction,
      efSearch: config.index.efSearch,
      seed: config.index.seed,
      onProgress,
    })
    const indexSeconds = (performance.now() - indexStart) / 1000

    let collab: RebuildSummary['collab'] = { skipped: 'the catalogue has no interactions' }
    if ((options.train ?? true) && catalog.interactions.length > 0) {
      const trainStart = performance.now()
      const trainOptions = {
        modelsDir: config.modelsDir,
        buildId,
        seed: config.collab.seed,
        positiveThreshold: config.collab.positiveThreshold,
        logger,
      }
      const reused = options.retrain ? undefined : await reuseCollab(catalog, trainOptions)
      const trained = reused ?? (await trainCollab(catalog, { ...trainOptions, backend: config.collab.backend, onProgress }))
      trainedModel = true
      collab = {
        dir: trained.dir,
        model: trained.manifest.model,
        seconds: round((performance.now() - trainStart) / 1000),
        metrics: trained.manifest.metrics,
        reused: reused !== undefined,
      }
    } else if (options.train === false) {
      collab = { skipped: 'training turned off' }
    }

    await index.save(tmpDir, {
      encoderId: embedder.id,
      dataFingerprint: catalog.fingerprint,
      dataset: catalog.name,
      buildId,
      extra: {
        collabDir: 'dir' in collab ? collab.dir : null,
        dialogues: dialogues ? { ...dialogueSummary(dialogues), popularityWeight: config.dialoguePopularity } : null,
        embedding: { cached: embedded.hits, embedded: embedded.misses },
        catalogPopularity,
      },
    })
    await writeSnapshot(tmpDir, catalog.items, popularity)
    await index.close()
    await rename(tmpDir, finalDir)
    await switchCurrent(config.indexesDir, buildId)
    await pruneBuilds(config.indexesDir, buildId, options.keep ?? 2, logger)
    await pruneBuilds(config.modelsDir, buildId, options.keep ?? 2, logger)

    const summary: RebuildSummary = {
      buildId,
      dir: finalDir,
      dataset: catalog.name,
      dataDir,
      dataFingerprint: catalog.fingerprint,
      items: catalog.items.length,
      interactions: catalog.interactions.length,
      storeInteractions,
      users,
      ...(dialogues ? { dialogues: dialogueSummary(dialogues) } : {}),
      encoderId: embedder.id,
      dimension: embedder.dimension,
      indexKind: index.kind,
      embedding: {
        cached: embedded.hits,
        embedded: embedded.misses,
        seconds: round(embedSeconds),
        itemsPerSecond: round(embedded.misses / Math.max(embedSeconds, 1e-3)),
      },
      indexSeconds: round(indexSeconds),
      collab,
      totalSeconds: round((performance.now() - started) / 1000),
    }
    logger.info('build ready', { buildId, seconds: summary.totalSeconds })
    return summary
  } catch (error) {
    await removeDir(tmpDir)
    if (trainedModel) {
      await removeDir(join(config.modelsDir, buildId))
      if (previousModel) await switchCurrent(config.modelsDir, previousModel).catch(() => undefined)
    }
    throw error
  } finally {
    await Promise.allSettled([embedder.close(), cache.close()])
  }
}

const BUILD_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/

/** Removes build folders older than the newest `keep` (never the current one); a failure here only warns. */
async function pruneBuilds(root: string, currentId: string, keep: number, logger: Logger): Promise<void> {
  try {
    const current = (await readCurrent(root)) ?? currentId
    const builds = (await readdir(root, { withFileTypes: true }))
      // Only build folders (20261123T191904Z-a1b2c3): models/ also holds the Hub cache.
      .filter((e) => e.isDirectory() && BUILD_ID_RE.test(e.name) && e.name !== current)
      .map((e) => e.name)
      .sort()
    for (const old of builds.slice(0, Math.max(0, builds.length - keep))) await removeDir(join(root, old))
  } catch (error) {
    logger.warn('could not prune old builds', { reason: error instanceof Error ? error.message : String(error) })
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}

function dialogueSummary({ interactions: _interactions, ...rest }: DialogueLog): Omit<DialogueLog, 'interactions'> {
  return rest
}
