import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { errorMessage, isAppError } from '../core/index.ts'
import { loadUseModel, packTokens, type TokenBatch, tokenIds } from './use-model.ts'
import type { WorkerReply, WorkerRequest } from './worker-pool.ts'

/** One USE-lite worker: loads its own copy of the model, then embeds token batches sent by the pool. */
const port = parentPort
if (!port) throw new Error('use-worker.ts must run in a worker thread')

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer)

const data = (workerData ?? {}) as { dir?: string; nice?: number }
if (data.nice) lowerThisThreadsPriority(data.nice)

try {
  const model = await loadUseModel({ dir: data.dir })
  port.on('message', async (request: WorkerRequest) => {
    try {
      const batch: TokenBatch =
        request.type === 'embed-texts'
          ? packTokens(request.texts.map((text) => tokenIds(model.tokenizer, text)))
          : { values: request.values, lengths: request.lengths }
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

/**
 * Raises this thread's niceness, so the machine's other threads (a server's turns) go first when both want a core
 * and this one uses what is left. Linux only (a thread's id from /proc/thread-self); elsewhere, or when refused,
 * the thread keeps its priority.
 */
function lowerThisThreadsPriority(nice: number): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, nice)
  } catch {
    // Not Linux or not allowed: embedding still works, at the usual priority.
  }
}
