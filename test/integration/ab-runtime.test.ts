import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import { openImpressionLog } from '../../src/loop/index.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { createWidgetApp, type WidgetApp } from '../../src/widget/index.ts'
import { tinyBuild } from '../support/tiny-build.ts'

const SECRET = 'sk_ab_runtime_key'
const logger = createLogger({ level: 'silent' })

describe('A/B variants on the real runtime', () => {
  let dir: string
  let runtime: Runtime
  let app: WidgetApp
  let impressionsPath: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-ab-'))
    const { config } = await tinyBuild(dir, {
      CONCIERGE_SECRET_KEYS: SECRET,
      CONCIERGE_VARIANTS: '{"a": {"share": 0.5}, "b": {"share": 0.5, "blend": {"popularity": 3}}}',
    })
    impressionsPath = config.loop.impressionsPath
    runtime = await createRuntime(config, { logger })
    app = await createWidgetApp(config.server, { backend: () => runtime, logger })
  })
  afterAll(async () => {
    await app?.close()
    await runtime?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('answers each user in their variant, stores the impressions beside the store and counts them in /metrics', async () => {
    expect(impressionsPath).toBe(join(dir, 'impressions.db'))
    const shown: Record<string, number> = {}
    for (let i = 0; i < 20; i++) {
      const res = await app.fetch(
        new Request(`http://localhost/v1/conversations/ab-${i}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
          body: JSON.stringify({ text: 'an adventure movie', userId: `ab-user-${i}` }),
        }),
      )
      const { reply } = (await res.json()) as { reply: { variant: string; items: unknown[] } }
      shown[reply.variant] = (shown[reply.variant] ?? 0) + reply.items.length
    }
    expect(Object.keys(shown).sort()).toEqual(['a', 'b'])
    const metrics = await (
      await app.fetch(new Request('http://localhost/metrics', { headers: { authorization: `Bearer ${SECRET}` } }))
    ).text()
    const log = openImpressionLog(impressionsPath)
    for (const c of log.counts()) {
      expect(c.impressions).toBe(shown[c.variant])
      expect(metrics).toContain(`concierge_impressions_total{variant="${c.variant}"} ${c.impressions}`)
    }
    log.close()
  })
})
