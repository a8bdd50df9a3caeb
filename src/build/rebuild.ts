import { existsSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
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
  temporaryDirName,
} from '../core/index.ts'
import { createEmbedder, createEmbeddingCache, embedWithCache } from '../embed/index.ts'
import { buildIndex, readIndexManifest } from '../index/index.ts'
import { readLiveState, withLiveCatalogue } from '../live/index.ts'
import { readStoreInteractions, withStoreInteractions } from '../loop/index.ts'
import { loadTf } from '../tf/index.ts'
import { type DialogueLog, loadTrainingCatalog } from './dialogues.ts'
import { syncPath, syncTree } from './durable.ts'
import { acquireRebuildLock, removeLeftovers } from './lock.ts'
import { factMeaningsOf, MEANING_VECTORS_FILE, MEANINGS_FILE, writeFactMeanings } from './meanings.ts'
import { pruneBuilds } from './prune.ts'
import { ITEMS_FILE, POPULARITY_FILE, writeSnapshot } from './snapshot.ts'
import { TABLES_FILE, writeCatalogueTables } from './tables.ts'
import { type BuildModelFacts, buildModel } from './verify.ts'

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
 * One rebuild at a time: a second one throws `build.failed` (details.reason `locked`) at once; the first cleans
 * what crashed rebuilds left behind. Throws `data.not_found`, `catalog.invalid` (bad input) or the failing step's error.
 */
export async function runRebuild(config: Readonly<Config>, options: RebuildOptions = {}): Promise<RebuildSummary> {
  const logger = options.logger ?? silentLogger
  const lock = await acquireRebuildLock(config.indexesDir, logger)
  try {
    await removeLeftovers(config.indexesDir, logger)
    await removeLeftovers(config.modelsDir, logger)
    return await rebuildLocked(config, options)
  } finally {
    await lock.release()
  }
}

async function rebuildLocked(config: Readonly<Config>, options: RebuildOptions): Promise<RebuildSummary> {
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
  // Items changed through the API while serving are part of the catalogue from now on.
  const files = withLiveCatalogue(loaded.catalog, await readLiveState(config.indexesDir))
  const { catalog, storeInteractions } = withStoreInteractions(files, await readStoreInteractions(config.store))
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
  const tmpDir = join(config.indexesDir, temporaryDirName(buildId))
  const finalDir = join(config.indexesDir, buildId)
  const embedder = await createEmbedder(config.embed, { logger })
  const cache = await createEmbeddingCache(join(config.indexesDir, '.embedding-cache'))
  // The model may be reused from the one the current build names; models/current moves only with indexes/current.
  const reuseFrom = await currentBuildModelDir(config)
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

    // The facts' names in the encoder's space, so a wish votes for the facts closest to its meaning (`facts.ts`).
    const factMeanings = await factMeaningsOf(
      catalog.items,
      embedded.vectors,
      async (names) => (await embedWithCache(embedder, names, cache)).vectors,
    )

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
    let modelFacts: BuildModelFacts | null = null
    if ((options.train ?? true) && catalog.interactions.length > 0) {
      const trainStart = performance.now()
      const trainOptions = {
        modelsDir: config.modelsDir,
        buildId,
        seed: config.collab.seed,
        positiveThreshold: config.collab.positiveThreshold,
        logger,
        switchCurrent: false,
        ...(reuseFrom ? { reuseFrom } : {}),
      }
      const reused = options.retrain ? undefined : await reuseCollab(catalog, trainOptions)
      const trained = reused ?? (await trainCollab(catalog, { ...trainOptions, backend: config.collab.backend, onProgress }))
      trainedModel = true
      modelFacts = { itemCount: trained.manifest.itemCount, weightsSha256: trained.manifest.weightsSha256 }
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

    await writeSnapshot(tmpDir, catalog.items, popularity)
    await writeCatalogueTables(tmpDir, catalog.items)
    await writeFactMeanings(tmpDir, factMeanings)
    await index.save(tmpDir, {
      encoderId: embedder.id,
      dataFingerprint: catalog.fingerprint,
      dataset: catalog.name,
      buildId,
      files: [ITEMS_FILE, POPULARITY_FILE, TABLES_FILE, MEANINGS_FILE, MEANING_VECTORS_FILE],
      extra: {
        collabDir: 'dir' in collab ? collab.dir : null,
        model: modelFacts,
        dialogues: dialogues ? { ...dialogueSummary(dialogues), popularityWeight: config.dialoguePopularity } : null,
        embedding: { cached: embedded.hits, embedded: embedded.misses },
        catalogPopularity,
      },
    })
    await index.close()
    // Everything on disk before the switch: a crash right after it must not leave `current` on a half-written build.
    if (trainedModel) await syncTree(join(config.modelsDir, buildId)).then(() => syncPath(config.modelsDir))
    await syncTree(tmpDir)
    await rename(tmpDir, finalDir)
    await syncPath(config.indexesDir)
    await switchCurrent(config.indexesDir, buildId)
    await syncPath(config.indexesDir)
    // models/current mirrors the model of the current build (for `concierge train` and tools that read it).
    if (trainedModel) await switchCurrent(config.modelsDir, buildId)
    await pruneBuilds(config, options.keep ?? 2, logger)

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
    if (trainedModel && (await readCurrent(config.indexesDir)) !== buildId) await removeDir(join(config.modelsDir, buildId))
    throw error
  } finally {
    await Promise.allSettled([embedder.close(), cache.close()])
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}

function dialogueSummary({ interactions: _interactions, ...rest }: DialogueLog): Omit<DialogueLog, 'interactions'> {
  return rest
}

/** The model folder the current build names, if any. */
async function currentBuildModelDir(config: Readonly<Config>): Promise<string | undefined> {
  const current = await readCurrent(config.indexesDir)
  if (!current) return undefined
  try {
    return buildModel(await readIndexManifest(join(config.indexesDir, current))).dir
  } catch {
    return undefined
  }
}
