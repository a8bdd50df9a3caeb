import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import { type RunningServer, startServe } from '../../src/serve.ts'
import { ML_TINY, tinyBuildConfig, writeTinyModel } from '../support/tiny-build.ts'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

// The first start with no build yet: the tiny fixture's real build.
describe('first run', () => {
  let dir: string
  let server: RunningServer | undefined
  afterAll(async () => {
    await server?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('listens at once: /healthz answers and /readyz is 503 with the build’s progress until the first build is loaded', async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-first-run-'))
    await writeTinyModel(dir)
    const port = await freePort()
    const config = tinyBuildConfig(dir, ML_TINY, { CONCIERGE_PORT: String(port), CONCIERGE_HOST: '127.0.0.1' })
    const starting = startServe(config, { logger: createLogger({ level: 'silent' }), pollMs: 60_000 })
    const seen: { health?: number; loading: Record<string, unknown>[] } = { loading: [] }
    let done = false
    starting.then(
      () => {
        done = true
      },
      () => {
        done = true
      },
    )
    const t0 = performance.now()
    while (!done) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined)
      if (health?.status === 200) seen.health ??= performance.now() - t0
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
      if (ready?.status === 503) seen.loading.push((await ready.json()) as Record<string, unknown>)
      await new Promise((r) => setTimeout(r, 10))
    }
    server = await starting
    expect(seen.health).toBeLessThan(5000)
    expect(seen.loading.length).toBeGreaterThan(0)
    expect(seen.loading[0]).toMatchObject({ status: 'loading', phase: expect.any(String), seconds: expect.any(Number) })
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', buildId: server.buildId })
  })
})
