import { Worker } from 'node:worker_threads'
import { AppError, type ErrorCode, type Logger } from '../core/index.ts'
import type { TokenBatch } from './use-model.ts'

export type WorkerRequest =
  | { type: 'embed'; id: number; values: Int32Array; lengths: Int32Array }
  | { type: 'embed-texts'; id: number; texts: string[] }

/** What a worker embeds in one graph call: token ids already made, or texts it tokenises itself. */
export type WorkerBatch = TokenBatch | { texts: string[] }

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'result'; id: number; vectors: Float32Array }
  | { type: 'error'; id?: number; code: ErrorCode; message: string }

/** USE-lite workers, one model each, sharing out token batches. */
export interface UseWorkerPool {
  readonly size: number
  /** Embeds every batch on whichever worker is free; result i holds batch i's unit vectors (rows × 512). */
  run(batches: readonly WorkerBatch[], onBatchDone?: (index: number) => void): Promise<Float32Array[]>
  close(): Promise<void>
}

const START_TIMEOUT_MS = 120_000

interface Slot {
  worker: Worker
  pending?: { id: number; resolve: (v: Float32Array) => void; reject: (e: unknown) => void }
  dead?: AppError
}

/**
 * Starts `size` workers (each loads the model itself) and resolves when all are ready. Throws
 * `embed.unavailable` when one cannot start. Idle workers do not keep the process alive.
 */
export async function createUseWorkerPool(options: {
  size: number
  dir?: string
  /** OS niceness of the workers' threads (0–19, Linux): higher lets other threads of the machine go first. */
  nice?: number
  logger: Logger
}): Promise<UseWorkerPool> {
  const { size, logger } = options
  const slots: Slot[] = []
  let nextId = 1
  let closed: Promise<void> | undefined

  const startOne = (index: number): Promise<Slot> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./use-worker-entry.js', import.meta.url), {
        workerData: { dir: options.dir, nice: options.nice ?? 0 },
      })
      const slot: Slot = { worker }
      let ready = false
      const timer = setTimeout(
        () => fail(new AppError('embed.unavailable', `Embedding worker ${index} did not start in time`)),
        START_TIMEOUT_MS,
      )
      const fail = (error: AppError) => {
        slot.dead ??= error
        clearTimeout(timer)
        const job = slot.pending
        slot.pending = undefined
        job?.reject(error)
        if (!ready) {
          void worker.terminate()
          reject(error)
        }
      }
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          ready = true
          clearTimeout(timer)
          worker.unref()
          if (reply.backend === 'cpu')
            logger.warn('Embedding worker runs TF.js on the plain cpu backend: about 25x slower', { index })
          resolve(slot)
          return
        }
        const job = slot.pending
        if (reply.type === 'error' && reply.id === undefined) {
          fail(new AppError(reply.code, `Embedding worker ${index} failed: ${reply.message}`, { details: { worker: index } }))
          return
        }
        if (!job || job.id !== reply.id) return
        slot.pending = undefined
        worker.unref()
        if (reply.type === 'result') job.resolve(reply.vectors)
        else job.reject(new AppError(reply.code, reply.message, { details: { worker: index } }))
      })
      worker.on('error', (error) =>
        fail(new AppError('embed.failed', `Embedding worker ${index} crashed`, { cause: error, details: { worker: index } })),
      )
      worker.on('exit', (code) =>
        fail(
          closed
            ? new AppError('embed.unavailable', 'The embedding worker pool was closed')
            : new AppError('embed.failed', `Embedding worker ${index} exited`, { details: { worker: index, code } }),
        ),
      )
    })

  const send = (slot: Slot, batch: WorkerBatch): Promise<Float32Array> =>
    new Promise((resolve, reject) => {
      if (slot.dead) return reject(slot.dead)
      const id = nextId++
      slot.pending = { id, resolve, reject }
      slot.worker.ref()
      const request: WorkerRequest =
        'texts' in batch
          ? { type: 'embed-texts', id, texts: batch.texts }
          : { type: 'embed', id, values: batch.values, lengths: batch.lengths }
      slot.worker.postMessage(request)
    })

  const close = (): Promise<void> => (closed ??= Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined))

  const started = await Promise.allSettled(Array.from({ length: size }, (_, i) => startOne(i)))
  for (const result of started) if (result.status === 'fulfilled') slots.push(result.value)
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) {
    await close()
    throw failure.reason instanceof AppError
      ? failure.reason
      : new AppError('embed.unavailable', 'Embedding workers could not start', { cause: failure.reason })
  }
  logger.debug('embedding workers ready', { workers: size })

  // Runs take turns: each worker holds one batch at a time, and a run keeps every worker busy anyway.
  let tail: Promise<unknown> = Promise.resolve()
  const run = (batches: readonly WorkerBatch[], onBatchDone?: (index: number) => void): Promise<Float32Array[]> => {
    const result = tail.then(() => runNow(batches, onBatchDone))
    tail = result.catch(() => undefined)
    return result
  }

  const runNow = async (batches: readonly WorkerBatch[], onBatchDone?: (index: number) => void): Promise<Float32Array[]> => {
    if (closed) throw new AppError('embed.unavailable', 'The embedding worker pool is closed')
    const results: Float32Array[] = new Array(batches.length)
    let next = 0
    let failed = false
    const drive = async (slot: Slot) => {
      while (!failed && next < batches.length) {
        const index = next++
        try {
          results[index] = await send(slot, batches[index]!)
        } catch (error) {
          failed = true
          throw error
        }
        onBatchDone?.(index)
      }
    }
    await Promise.all(slots.map(drive))
    return results
  }

  return { size, run, close }
}
