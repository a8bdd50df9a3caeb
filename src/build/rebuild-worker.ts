// The rebuild thread (see runRebuildInThread): runs one rebuild and posts its log lines, progress and result.
import { parentPort, workerData } from 'node:worker_threads'
import type { Config } from '../config/index.ts'
import { createLogger } from '../core/index.ts'
import { serialiseError } from './read.ts'
import { runRebuild } from './rebuild.ts'

const { config, level } = workerData as { config: Config; level: 'debug' | 'info' | 'warn' | 'error' | 'silent' }
const post = (message: unknown) => parentPort?.postMessage(message)
const logger = createLogger({ level, format: 'json', write: (line) => post({ type: 'log', line }) })
try {
  const summary = await runRebuild(config, { logger, onProgress: (event) => post({ type: 'progress', event }) })
  post({ type: 'done', summary })
} catch (error) {
  post({ type: 'error', error: serialiseError(error) })
}
