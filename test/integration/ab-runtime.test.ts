import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openImpressionLog } from '../../src/loop/index.ts'
import { startTinyRuntimeApp, type TinyRuntimeApp } from '../support/runtime-app.ts'

const SECRET = 'sk_ab_runtime_key'

describe('A/B variants on the real runtime', () => {
  let t: TinyRuntimeApp

  beforeAll(async () => {
    t = await startTinyRuntimeApp(SECRET, {
      CONCIERGE_VARIANTS: '{"a": {"share": 0.5}, "b": {"share": 0.5, "blend": {"popularity": 3}}}',
    })
  })
  afterAll(async () => t?.close())

  it('answers each user in their variant, stores the impressions beside the store and counts them in /metrics', async () => {
    const impressionsPath = t.config.loop.impressionsPath
    expect(impressionsPath).toBe(join(t.dir, 'impressions.db'))
    const shown: Record<string, number> = {}
    for (let i = 0; i < 20; i++) {
      const res = await t.post(`/v1/conversations/ab-${i}/messages`, { text: 'an adventure movie', userId: `ab-user-${i}` })
      const { reply } = (await res.json()) as { reply: { variant: string; items: unknown[] } }
      shown[reply.variant] = (shown[reply.variant] ?? 0) + reply.items.length
    }
    expect(Object.keys(shown).sort()).toEqual(['a', 'b'])
    const metrics = await (
      await t.app.fetch(new Request('http://localhost/metrics', { headers: { authorization: `Bearer ${SECRET}` } }))
    ).text()
    const log = openImpressionLog(impressionsPath)
    for (const c of log.counts()) {
      expect(c.impressions).toBe(shown[c.variant])
      expect(metrics).toContain(`concierge_impressions_total{variant="${c.variant}"} ${c.impressions}`)
    }
    log.close()
  })
})
