import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assignVariant, openImpressionLog, readStoreInteractions } from '../../src/loop/index.ts'
import { type LlmEndpoint, startLlmEndpoint } from '../support/llm-endpoint.ts'
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
    for (const c of await log.counts()) {
      expect(c.impressions).toBe(shown[c.variant])
      expect(metrics).toContain(`concierge_impressions_total{variant="${c.variant}"} ${c.impressions}`)
    }
    await log.close()
  })

  it('joins "more like the second one" and an opened item to their impressions as accepted outcomes', async () => {
    const userId = 'outcome-user'
    const accepted = async () => {
      const log = openImpressionLog(t.config.loop.impressionsPath)
      const counts = await log.counts()
      await log.close()
      return counts.find((c) => c.variant === variant)?.accepted ?? 0
    }
    const variant = assignVariant(userId, { a: { share: 0.5 }, b: { share: 0.5 } })
    const before = await accepted()
    const first = await t.post('/v1/conversations/outcomes/messages', { text: 'an adventure movie', userId })
    const { reply } = (await first.json()) as { reply: { items: { id: string; title: string }[] } }
    expect(reply.items.length).toBeGreaterThan(1)
    await t.post('/v1/conversations/outcomes/messages', { text: 'more like the second one', userId })
    expect(await accepted()).toBe(before + 1)
    const opened = await t.post('/v1/conversations/outcomes/opened', { itemId: reply.items[0]!.id, userId })
    expect(opened.status).toBe(200)
    expect(await accepted()).toBe(before + 2)
    const unknown = await t.post('/v1/conversations/outcomes/opened', { itemId: 'no-such-item', userId })
    expect(unknown.status).toBe(404)
    // The widget's "More like this" names the title: an outcome of the same (already accepted) impression.
    await t.post('/v1/conversations/outcomes/messages', { text: `more like ${reply.items[0]!.title}`, userId })
    expect(await accepted()).toBe(before + 2)

    const metrics = await (
      await t.app.fetch(new Request('http://localhost/metrics', { headers: { authorization: `Bearer ${SECRET}` } }))
    ).text()
    expect(metrics).toContain(`concierge_feedback_total{variant="${variant}",kind="more_like_this"} 2`)
    expect(metrics).toContain(`concierge_feedback_total{variant="${variant}",kind="open"} 1`)
    // The open is training data too (an implicit positive, like a view).
    const stored = await readStoreInteractions(t.config.store)
    expect(stored).toContainEqual(expect.objectContaining({ userId, itemId: reply.items[0]!.id, event: 'open' }))
  })
})

describe('A/B variant without the LLM on the real runtime', () => {
  let t: TinyRuntimeApp
  let llm: LlmEndpoint
  const VARIANTS = { a: { share: 0.5 }, t: { share: 0.5, llm: false, sources: { lexical: false } } }

  beforeAll(async () => {
    // Every call fails at once: the chat falls back to the rules and templates, but the calls are counted.
    llm = await startLlmEndpoint([], () => ({ status: 500, body: '{}' }))
    t = await startTinyRuntimeApp(SECRET, {
      CONCIERGE_VARIANTS: JSON.stringify(VARIANTS),
      CONCIERGE_LLM_BASE_URL: llm.baseUrl,
      CONCIERGE_LLM_MODEL: 'test-model',
    })
  })
  afterAll(async () => {
    await t?.close()
    await llm?.close()
  })

  it('asks the configured LLM in the control variant only; the `llm: false` variant answers by templates', async () => {
    const calls: Record<string, number> = { a: 0, t: 0 }
    for (let i = 0; i < 12; i++) {
      const userId = `llm-user-${i}`
      const before = llm.requests.length
      const res = await t.post(`/v1/conversations/llm-${i}/messages`, { text: 'an adventure movie', userId })
      const { reply } = (await res.json()) as { reply: { variant: string; items: unknown[] } }
      expect(reply.variant).toBe(assignVariant(userId, VARIANTS))
      expect(reply.items.length).toBeGreaterThan(0)
      calls[reply.variant] = (calls[reply.variant] ?? 0) + llm.requests.length - before
    }
    expect(calls.a).toBeGreaterThan(0)
    expect(calls.t).toBe(0)
  })
})
