import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFakeChat } from '../../test/support/fake-chat.ts'
import { reportJson } from '../../test/support/report-cli.ts'
import { loadConfig } from '../config/index.ts'
import { createLogger } from '../core/index.ts'
import { createMemoryStore } from '../store/index.ts'
import { createWidgetApp } from '../widget/index.ts'
import { createEventRecorder } from './events.ts'
import { openImpressionLog } from './impressions.ts'
import { openLearningLoop } from './learning-loop.ts'

const tmp = mkdtempSync(join(tmpdir(), 'concierge-loop-ab-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const logger = createLogger({ level: 'silent' })
const SECRET = 'sk_loop_test'
const VARIANTS = '{"a": {"share": 0.5}, "b": {"share": 0.5, "blend": {"popularity": 0.5}}}'

function loopConfig(path: string, env: Record<string, string> = {}) {
  return loadConfig({ CONCIERGE_VARIANTS: VARIANTS, CONCIERGE_IMPRESSIONS_PATH: path, ...env }, { cwd: tmp }).loop
}

/** Per variant: what the script did, counted independently of the log. */
type Expected = Record<string, { impressions: number; liked: number; accepted: number; likes: number; clicks: number }>

describe('learning loop with two variants', () => {
  it('200 scripted conversations: /metrics and `report --json` agree exactly with the stored impressions', async () => {
    const path = join(tmp, 'ab.db')
    const loop = openLearningLoop(loopConfig(path), { logger })
    const chat = loop.wrap(createFakeChat())
    const events = createEventRecorder(await createMemoryStore(), { onRecorded: loop.recordEvents })
    const server = loadConfig({ CONCIERGE_SECRET_KEYS: SECRET }, { cwd: tmp }).server
    const backend = { chat, buildId: 'b', itemCount: 10, events, loopMetrics: loop.metricsText }
    const app = await createWidgetApp(server, { backend: () => backend, logger })
    const post = (p: string, body: unknown) =>
      app.fetch(
        new Request(`http://localhost${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
          body: JSON.stringify(body),
        }),
      )

    const expected: Expected = {}
    for (let i = 0; i < 200; i++) {
      const userId = `sim-${i}`
      const res = await post(`/v1/conversations/conv-${i}/messages`, { text: 'a funny movie', userId })
      const { reply } = (await res.json()) as { reply: { variant: string; items: { id: string }[] } }
      expected[reply.variant] ??= { impressions: 0, liked: 0, accepted: 0, likes: 0, clicks: 0 }
      const e = expected[reply.variant]!
      e.impressions += reply.items.length
      const [first, second] = reply.items
      const liked = i % 3 === 0 && first !== undefined
      const clicked = i % 4 === 0 && first !== undefined
      if (liked) await post(`/v1/conversations/conv-${i}/feedback`, { itemId: first.id, kind: 'like', userId })
      if (clicked) await post('/v1/events', { events: [{ userId, itemId: first.id, type: 'click' }] })
      if (i % 5 === 0 && second)
        await post(`/v1/conversations/conv-${i}/feedback`, { itemId: second.id, kind: 'dislike', userId })
      e.liked += liked ? 1 : 0
      e.likes += liked ? 1 : 0
      e.clicks += clicked ? 1 : 0
      e.accepted += liked || clicked ? 1 : 0
    }
    expect(Object.keys(expected).sort()).toEqual(['a', 'b'])
    for (const e of Object.values(expected)) expect(e.impressions).toBeGreaterThan(150)

    const metrics = await (
      await app.fetch(new Request('http://localhost/metrics', { headers: { authorization: `Bearer ${SECRET}` } }))
    ).text()
    const counter = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(metrics)?.[1])
    const stored = openImpressionLog(path)
    const counts = await stored.counts()
    await stored.close()
    for (const c of counts) {
      expect(counter('concierge_impressions_total', `variant="${c.variant}"`)).toBe(c.impressions)
      expect(c).toEqual({ variant: c.variant, ...pick(expected[c.variant]!) })
      expect(counter('concierge_feedback_total', `variant="${c.variant}",kind="like"`)).toBe(expected[c.variant]!.likes)
      expect(counter('concierge_feedback_total', `variant="${c.variant}",kind="event:click"`)).toBe(expected[c.variant]!.clicks)
    }

    const report = await reportJson({ CONCIERGE_IMPRESSIONS_PATH: path })
    for (const v of report.variants) {
      const c = counts.find((x) => x.variant === v.variant)!
      expect([v.impressions, v.likes.count, v.acceptance.count]).toEqual([c.impressions, c.liked, c.accepted])
      expect(v.likes.rate).toBeCloseTo(c.liked / c.impressions, 12)
      expect(v.likes.interval[0]).toBeLessThan(v.likes.rate)
    }
    // The same script on both sides: no real difference, so none should be called significant.
    expect(report.comparisons.map((c) => [c.metric, c.significant])).toEqual([
      ['likeRate', false],
      ['acceptanceRate', false],
    ])
    await app.close()
    await loop.close()
  })

  it('assigns a user the same variant on every turn, and a forgotten user leaves no impressions', async () => {
    const path = join(tmp, 'sticky.db')
    const loop = openLearningLoop(loopConfig(path), { logger })
    const chat = loop.wrap(createFakeChat())
    const variants = new Set<string | undefined>()
    for (let turn = 0; turn < 5; turn++) {
      const reply = await chat.handleTurn({ conversationId: `c-${turn}`, userId: 'steady', text: 'an action movie' })
      variants.add(reply.variant)
    }
    expect(variants.size).toBe(1)
    await chat.forgetUser('steady')
    const log = openImpressionLog(path)
    expect(await log.counts()).toEqual([])
    await log.close()
    await loop.close()
  })

  it('deletes impressions older than the retention when it opens', async () => {
    const path = join(tmp, 'retention.db')
    const log = openImpressionLog(path)
    const day = 86_400_000
    const base = { conversationId: 'c', userId: 'u', variant: 'a', itemIds: ['1', '2'] }
    await log.recordShown({ ...base, at: Date.now() - 91 * day })
    await log.recordShown({ ...base, at: Date.now() - 89 * day })
    await log.close()
    const loop = openLearningLoop(loopConfig(path, { CONCIERGE_IMPRESSIONS_RETENTION: '90d' }), { logger })
    await loop.close()
    const after = openImpressionLog(path)
    expect(await after.counts()).toEqual([{ variant: 'a', impressions: 2, liked: 0, accepted: 0 }])
    await after.close()
  })

  it('refuses variants whose shares do not sum to 1', () => {
    expect(() => loadConfig({ CONCIERGE_VARIANTS: '{"a": {"share": 0.5}, "b": {"share": 0.6}}' }, { cwd: tmp })).toThrow(
      expect.objectContaining({ code: 'config.invalid' }),
    )
  })
})

function pick(e: Expected[string]) {
  return { impressions: e.impressions, liked: e.liked, accepted: e.accepted }
}
