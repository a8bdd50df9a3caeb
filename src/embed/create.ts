import type { Config } from '../config/index.ts'
import { AppError, type Embedder, errorMessage, type Logger } from '../core/index.ts'
import {
  createTransformersEmbedder,
  hubHasModel,
  resolveTransformersModel,
  TRANSFORMERS_PREFIX,
} from './transformers-embedder.ts'
import { createUseEmbedder, type UseEmbedderOptions } from './use-embedder.ts'
import { USE_ID } from './use-model.ts'

export type EmbedConfig = Config['embed']

export interface EmbedDeps {
  logger: Logger
  /** How long `auto` and `transformers` wait for the Hub before giving up; default 3000 ms. */
  hubTimeoutMs?: number
  /** Hub address; default https://huggingface.co/ (tests point it at a closed local port). */
  hubHost?: string
  /**
   * For a server: USE-lite embeds small calls (utterances) on `config.serveWorkers` worker threads (when > 0), so
   * the event loop keeps answering other requests while an utterance is embedded, and bulk calls (live items) on
   * `config.liveWorkers` others (0: the main thread, batch by batch). Bulk embedding (rebuild) leaves it off.
   */
  serving?: boolean
}

/**
 * The encoder the config asks for, probed and ready. `use`: USE-lite; `transformers`: the transformers.js model
 * (downloaded when missing and the Hub answers); `auto`: transformers.js when the model is on disk or the Hub
 * answers quickly, else USE-lite with a warning. Throws `embed.unavailable` when the chosen encoder cannot load.
 */
export async function createEmbedder(config: EmbedConfig, deps: EmbedDeps): Promise<Embedder> {
  const { logger } = deps
  if (config.encoder === 'use') return createUseEmbedder(useOptions(config, deps))
  const model = resolveTransformersModel(config.transformersModel, config.cacheDir)
  let reachable: { ok: boolean; reason?: string } = { ok: model.cached }
  if (!model.cached && model.local) reachable = { ok: false, reason: 'the model folder lacks some of its files' }
  if (!model.cached && !model.local)
    reachable = await hubHasModel(model.ref, { timeoutMs: deps.hubTimeoutMs, host: deps.hubHost })
  if (config.encoder === 'transformers') {
    if (!model.cached && !reachable.ok) {
      throw new AppError(
        'embed.unavailable',
        model.local
          ? `The model folder ${model.ref} lacks config.json, tokenizer.json, tokenizer_config.json or onnx/model.onnx.`
          : `The model ${model.ref} is not cached in ${config.cacheDir} and cannot be downloaded: ${reachable.reason}. ` +
              'Connect to the internet once, copy the model into that folder, or set CONCIERGE_ENCODER=use.',
        { details: { model: model.ref, cacheDir: config.cacheDir, reason: reachable.reason } },
      )
    }
    return createTransformersEmbedder(transformersOptions(config, model.ref, deps))
  }
  if (model.cached || reachable.ok) {
    try {
      return await createTransformersEmbedder(transformersOptions(config, model.ref, deps))
    } catch (error) {
      logger.warn('transformers.js encoder failed to load; using the Universal Sentence Encoder instead', {
        model: model.ref,
        reason: errorMessage(error),
      })
    }
  } else {
    logger.warn('transformers.js model not available offline; using the Universal Sentence Encoder instead', {
      model: model.ref,
      reason: reachable.reason,
    })
  }
  return createUseEmbedder(useOptions(config, deps))
}

/** In a server, calls with more texts than this are bulk (live items), not a turn's few preference texts. */
const SERVE_BULK_ABOVE = 32
/**
 * Niceness of a server's bulk embedding threads: turns (main thread, utterance worker) go first for a core. 19 was
 * measured too: 1,000 items took 64 s instead of 55 s under the same chat load, with no better turn latency.
 */
const SERVE_BULK_NICE = 10
/** With `liveWarm`, the bulk workers start this long after the server's encoder: after its first build is read. */
const LIVE_WARM_AFTER_MS = 1000

function useOptions(config: EmbedConfig, deps: EmbedDeps): UseEmbedderOptions {
  const { batchSize } = config
  const { logger } = deps
  if (!deps.serving) return { batchSize, workers: config.workers, logger }
  return {
    batchSize,
    smallWorkers: config.serveWorkers,
    workers: config.liveWorkers,
    bulkInWorkers: config.liveWorkers > 0,
    tokenizeInWorkers: true,
    bulkNice: SERVE_BULK_NICE,
    bulkAbove: SERVE_BULK_ABOVE,
    ...(config.liveWarm ? { warmBulkAfterMs: LIVE_WARM_AFTER_MS } : {}),
    logger,
  }
}

/**
 * The encoder named by an id recorded in a manifest (`use-lite@1` or `transformers:<model>`), so queries are
 * embedded the way the index was built. Throws `embed.unavailable` for an unknown id or a model that cannot load.
 */
export async function createEmbedderFromId(id: string, config: EmbedConfig, deps: EmbedDeps): Promise<Embedder> {
  if (id === USE_ID) return createEmbedder({ ...config, encoder: 'use' }, deps)
  if (id.startsWith(TRANSFORMERS_PREFIX) && id.length > TRANSFORMERS_PREFIX.length) {
    return createEmbedder({ ...config, encoder: 'transformers', transformersModel: id.slice(TRANSFORMERS_PREFIX.length) }, deps)
  }
  throw new AppError('embed.unavailable', `Unknown encoder id "${id}": expected ${USE_ID} or ${TRANSFORMERS_PREFIX}<model>`, {
    details: { id },
  })
}

function transformersOptions(config: EmbedConfig, model: string, deps: EmbedDeps) {
  return {
    model,
    cacheDir: config.cacheDir,
    batchSize: config.batchSize,
    allowRemote: true,
    logger: deps.logger,
    hubHost: deps.hubHost,
  }
}
