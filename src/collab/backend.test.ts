import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../core/index.ts'
import { loadTf } from '../tf/index.ts'

const require = createRequire(import.meta.url)
const gpuInstalled = (() => {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu')
    return true
  } catch {
    return false
  }
})()

// One process per test file (vitest forks): this file decides the process's TF.js backend.
describe.skipIf(gpuInstalled)('TF.js backend fallback without tfjs-node-gpu', () => {
  it('refuses an explicit GPU choice with collab.backend_unavailable', async () => {
    await expect(loadTf('tensorflow-gpu')).rejects.toMatchObject({ code: 'collab.backend_unavailable' })
  })

  it('falls back to wasm or cpu on auto and logs why the GPU backend was skipped', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) })
    const runtime = await loadTf('auto', logger)
    expect(['wasm', 'cpu']).toContain(runtime.backend)
    expect(runtime.tf.getBackend()).toBe(runtime.backend)
    const records = lines.map(
      (l) =>
        JSON.parse(l) as { msg: string; backend?: string; skipped?: Record<string, string>; failures?: Record<string, string> },
    )
    const ready = records.find((r) => r.backend === runtime.backend || r.failures)
    expect(ready).toBeDefined()
    expect(Object.keys(ready?.skipped ?? ready?.failures ?? {})).toContain('tensorflow-gpu')
    // A model trains and scores on the fallback backend.
    const x = runtime.tf.tensor1d([1, 2, 3])
    expect(Array.from(runtime.tf.square(x).dataSync())).toEqual([1, 4, 9])
  })
})
