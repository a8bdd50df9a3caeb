import { parentPort, workerData } from 'node:worker_threads'
import { errorMessage, isAppError } from '../core/index.ts'
import { loadUseModel, type TokenBatch } from './use-model.ts'
import type { WorkerReply, WorkerRequest } from './worker-pool.ts'

/** One USE-lite worker: loads its own copy of the model, then embeds token batches sent by the pool. */
const port = parentPort
if (!port) throw new Error('use-worker.ts must run in a worker thread')

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer)

try {
  const model = await loadUseModel({ dir: (workerData as { dir?: string } | undefined)?.dir })
  port.on('message', async (request: WorkerRequest) => {
    try {
      const batch: TokenBatch = { values: request.values, lengths: request.lengths }
      const vectors = await model.embedTokens(batch)
      post({ type: 'result', id: request.id, vectors }, [vectors.buffer as ArrayBuffer])
    } catch (error) {
      post({ type: 'error', id: request.id, code: isAppError(error) ? error.code : 'embed.failed', message: errorMessage(error) })
    }
  })
  post({ type: 'ready', backend: model.backend })
} catch (error) {
  post({ type: 'error', code: isAppError(error) ? error.code : 'embed.unavailable', message: errorMessage(error) })
}
