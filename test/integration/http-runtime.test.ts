import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import type { Runtime } from '../../src/runtime.ts'
import { createWidgetApp, parseEventStream, type WidgetApp } from '../../src/widget/index.ts'
import { dataDir, repoRoot, sharedModelsDir } from '../support/data.ts'
import { tinyBuild } from '../support/tiny-build.ts'

// The build of the checkout (or CONCIERGE_INDEXES_DIR/CONCIERGE_MODELS_DIR, e.g. a scratch build) when there is
// one; otherwise (a fresh clone, CI) a real build of the tiny fixture made by the test.
const indexesDir = resolve(repoRoot, process.env.CONCIERGE_INDEXES_DIR ?? 'indexes')
const modelsDir = resolve(repoRoot, process.env.CONCIERGE_MODELS_DIR ?? 'models')
const hasBuild = Boolean(dataDir()) && existsSync(join(indexesDir, 'current'))
if (!hasBuild && !sharedModelsDir())
  console.warn(
    '[concierge tests] no build in indexes/current and no shared tokenizer: the HTTP test on the real runtime is skipped',
  )

describe.skipIf(!hasBuild && !sharedModelsDir())('HTTP API on the real runtime', () => {
  let runtime: Runtime
  let app: WidgetApp
  let dir: string
  const secret = { authorization: 'Bearer sk_runtime_test_key' }
  const env = { CONCIERGE_SECRET_KEYS: 'sk_runtime_test_key' }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-http-store-'))
    const config = hasBuild
      ? loadConfig(
          { ...env, CONCIERGE_DATA_DIR: dataDir() },
          { cwd: repoRoot, overrides: { indexesDir, modelsDir, 'store.path': join(dir, 'store.db') } },
        )
      : (await tinyBuild(dir, env)).config
    const logger = createLogger({ level: 'warn' })
    const { createRuntime } = await import('../../src/runtime.ts')
    runtime = await createRuntime(config, { logger })
    app = await createWidgetApp(config.server, { backend: () => runtime, logger })
  })
  afterAll(async () => {
    await app?.close()
    await runtime?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.fetch(
      new Request(`http://localhost${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo', ...headers },
        body: JSON.stringify(body),
      }),
    )

  it('streams a real reply with catalogue items, records a like, and forgets the user on DELETE', async () => {
    const res = await post('/v1/conversations/rt-1/messages?stream=1', {
      text: 'a funny animated movie for kids',
      userId: 'rt-user-1',
    })
    expect(res.status).toBe(200)
    const parts = parseEventStream(await res.text())
    expect(parts.at(-1)).toBe('done')
    const items = (
      parts.find((p) => p !== 'done' && p.type === 'data-items') as { data: { id: string; title: string; explanation: string }[] }
    ).data
    expect(items.length).toBeGreaterThan(0)
    for (const item of items) {
      expect(runtime.chat.getItem(item.id)?.title).toBeTruthy()
      expect(item.explanation.length).toBeGreaterThan(10)
    }

    const liked = items[0]!
    const fb = await post('/v1/conversations/rt-1/feedback', { itemId: liked.id, kind: 'like', userId: 'rt-user-1' })
    expect(fb.status).toBe(200)
    expect((await runtime.chat.getProfile('web:demo:rt-user-1')).likes.map((i) => i.id)).toContain(liked.id)

    const del = await app.fetch(
      new Request('http://localhost/v1/users/web:demo:rt-user-1', { method: 'DELETE', headers: secret }),
    )
    expect(del.status).toBe(204)
    const profile = await runtime.chat.getProfile('web:demo:rt-user-1')
    expect(profile.likes).toEqual([])
    expect(profile.dislikes).toEqual([])
  })

  it('serves a real item and reports the build in /readyz and /metrics', async () => {
    const ready = (await (await app.fetch(new Request('http://localhost/readyz'))).json()) as {
      buildId: string
      itemCount: number
    }
    expect(ready.buildId).toBe(runtime.buildId)
    expect(ready.itemCount).toBe(runtime.itemCount)
    expect(ready.itemCount).toBeGreaterThan(hasBuild ? 1000 : 0)
    const metrics = await (await app.fetch(new Request('http://localhost/metrics', { headers: secret }))).text()
    expect(metrics).toContain(`concierge_build_info{build_id="${runtime.buildId}"} 1`)
  })
})
