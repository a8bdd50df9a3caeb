import { Worker } from 'node:worker_threads'
import type { Config } from '../config/index.ts'
import { AppError, type Logger, type LogLevel, noProgress, type ProgressEvent, type ProgressListener } from '../core/index.ts'
import { deserialiseError, type SerialisedError } from './read.ts'
import type { RebuildSummary } from './rebuild.ts'

type RebuildReply =
  | { type: 'log'; line: string }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'done'; summary: RebuildSummary }
  | { type: 'error'; error: SerialisedError }

/**
 * `runRebuild` in a worker thread, so the calling thread (a server starting up) stays free to answer: its steps
 * (index construction, training) hold a thread for seconds at a time. Log lines go through `logger`, progress to
 * `onProgress`. Throws what the rebuild throws (code, message and details), `build.failed` if the thread dies.
 * Aborting `signal` terminates the thread (its lock and temporary folder are cleared by the next rebuild once this
 * process has ended) and rejects with `unavailable`.
 */
export function runRebuildInThread(
  config: Readonly<Config>,
  options: { logger: Logger; onProgress?: ProgressListener; signal?: AbortSignal },
): Promise<RebuildSummary> {
  const { logger } = options
  const onProgress = options.onProgress ?? noProgress
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./rebuild-worker-entry.js', import.meta.url), {
      workerData: { config, level: logger.level },
    })
    let settled = false
    const settle = (fn: () => void) => {
      if (settled) return
      settled = true
      fn()
      void worker.terminate()
    }
    worker.on('message', (reply: RebuildReply) => {
      if (reply.type === 'log') relay(logger, reply.line)
      else if (reply.type === 'progress') onProgress(reply.event)
      else if (reply.type === 'done') settle(() => resolve(reply.summary))
      else settle(() => reject(deserialiseError(reply.error)))
    })
    const died = (reason: string) =>
      settle(() => reject(new AppError('build.failed', `The rebuild thread stopped: ${reason}`, { details: { reason } })))
    worker.on('error', (error) => died(error.message))
    worker.on('exit', (code) => died(`exit code ${code}`))
    const aborted = () => settle(() => reject(new AppError('unavailable', 'The rebuild was stopped (shutting down)')))
    if (options.signal?.aborted) aborted()
    options.signal?.addEventListener('abort', aborted, { once: true })
  })
}

/** Re-logs a JSON line of the rebuild thread's logger through this thread's logger. */
function relay(logger: Logger, line: string): void {
  const { level, msg, time: _time, ...fields } = JSON.parse(line) as { level: LogLevel; msg: string; time: string }
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') logger[level](msg, fields)
}
