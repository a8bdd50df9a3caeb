import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { AppError, type Logger, silentLogger } from '../core/index.ts'

/** TF.js types for collab/ (the only other folder working with tensors); nothing else imports @tensorflow. */
export type { GradSaveFunc, Rank, Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs'
export type TfModule = typeof tf

export type TfBackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
export type TfBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

export interface TfRuntime {
  tf: typeof tf
  /** Which backend runs: a GPU via tfjs-node-gpu, native TensorFlow, wasm (SIMD), or plain JS cpu. */
  backend: TfBackendName
}

const require = createRequire(import.meta.url)
let loading: Promise<TfRuntime> | undefined
let loadedChoice: TfBackendChoice | undefined

/**
 * The one TF.js of the process. `auto` tries tfjs-node-gpu, then tfjs-node, then wasm, then cpu, and logs
 * the one that runs (cpu with a warning: it is about 25x slower than wasm). An explicit choice that cannot
 * load throws `collab.backend_unavailable` instead of silently falling back.
 * The first call decides; later calls get the same runtime.
 */
export function loadTf(choice: TfBackendChoice = 'auto', logger: Logger = silentLogger): Promise<TfRuntime> {
  if (loading) {
    if (choice !== 'auto' && loadedChoice !== choice && loadedChoice !== 'auto') {
      logger.warn('TF.js backend already chosen for this process', { requested: choice, chosen: loadedChoice })
    }
    return loading
  }
  loadedChoice = choice
  loading = selectBackend(choice, logger)
  loading.catch(() => {
    loading = undefined
  })
  return loading
}

async function selectBackend(choice: TfBackendChoice, logger: Logger): Promise<TfRuntime> {
  const order: TfBackendName[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice]
  const failures: Record<string, string> = {}
  for (const name of order) {
    try {
      await activate(name)
      if (name === 'cpu' && choice === 'auto') {
        logger.warn('TF.js runs on the plain cpu backend, about 25x slower than wasm', { failures })
      } else {
        // Say why faster backends were skipped (e.g. tfjs-node-gpu not installed): the first question when training is slow.
        logger.info('TF.js backend ready', { backend: name, ...(Object.keys(failures).length > 0 ? { skipped: failures } : {}) })
      }
      return { tf, backend: name }
    } catch (error) {
      failures[name] = error instanceof Error ? error.message.split('\n')[0]! : String(error)
    }
  }
  throw new AppError('collab.backend_unavailable', `TF.js backend "${choice}" could not be loaded`, { details: { failures } })
}

async function activate(name: TfBackendName): Promise<void> {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    // Optional native packages: they register the `tensorflow` backend on the shared tfjs-core when they load.
    await import(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node')
    if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend did not initialise')
    return
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
    wasm.setWasmPaths(`${join(dir, 'dist')}/`)
    // Threads need SharedArrayBuffer workers that Node's loader does not give the wasm backend; SIMD works.
    wasm.setThreadsCount?.(1)
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not initialise')
    return
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend did not initialise')
}

/** The tensor count, for leak checks in tests and benchmarks. */
export function tensorCount(): number {
  return tf.memory().numTensors
}
