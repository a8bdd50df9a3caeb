import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRebuild } from '../../src/build/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { startTinyRuntimeApp, type TinyRuntimeApp } from '../support/runtime-app.ts'

const SECRET = 'sk_events_test_key'
const logger = createLogger({ level: 'silent' })

describe('POST /v1/events on the real runtime', () => {
  let t: TinyRuntimeApp

  beforeAll(async () => {
    t = await startTinyRuntimeApp(SECRET)
  })
  afterAll(async () => t?.close())

  const post = (path: string, body: unknown, key?: string) => t.post(path, body, key)
  const shownTo = async (userId: string, conversation: string) => {
    const res = await post(`/v1/conversations/${conversation}/messages`, { text: 'recommend me a movie', userId })
    expect(res.status).toBe(200)
    return ((await res.json()) as { reply: { items: { id: string }[] } }).reply.items.map((i) => i.id)
  }

  it('records events in the profile, so the next turn leaves out a disliked item, and the rebuild trains on them', async () => {
    expect(await shownTo('control', 'c-control')).toContain('2571')
    const res = await post('/v1/events', {
      events: [
        { userId: 'shopper', itemId: '29', type: 'like' },
        { userId: 'shopper', itemId: '1', type: 'purchase', timestamp: '2026-12-01T10:00:00Z' },
        { userId: 'shopper', itemId: '2571', type: 'rating', value: 1, timestamp: 1_764_000_000 },
        { userId: 'shopper', itemId: '114335', type: 'view' },
      ],
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ recorded: 4 })
    const profile = await t.runtime.chat.getProfile('shopper')
    expect(profile.likes.map((i) => i.id).sort()).toEqual(['1', '29'])
    expect(profile.dislikes.map((i) => i.id)).toEqual(['2571'])
    expect(await shownTo('shopper', 'c-shopper')).not.toContain('2571')

    const summary = await runRebuild(t.config, { logger })
    expect(summary.storeInteractions).toBeGreaterThanOrEqual(4)
  })

  it('refuses an unknown item, naming the event and field, and records none of the call', async () => {
    const res = await post('/v1/events', {
      events: [
        { userId: 'careful', itemId: '29', type: 'like' },
        { userId: 'careful', itemId: 'no-such-film', type: 'like' },
      ],
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; details: { issues: string[] } } }
    expect(body.error.code).toBe('input.invalid')
    expect(body.error.details.issues).toEqual(['events[1].itemId: no item "no-such-film"'])
    expect((await t.runtime.chat.getProfile('careful')).likes).toEqual([])
  })

  it('takes 1,000 events in a call but refuses more, a rating without a value, an unknown type and a publishable key', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({
      userId: `visitor-${'x'.repeat(100)}-${i}`,
      itemId: '29',
      type: 'view',
    }))
    const full = await post('/v1/events', { events: many.slice(0, 1000) })
    expect(await full.json()).toEqual({ recorded: 1000 })
    expect((await post('/v1/events', { events: many })).status).toBe(400)
    expect((await post('/v1/events', { events: [{ userId: 'u', itemId: '29', type: 'rating' }] })).status).toBe(400)
    expect((await post('/v1/events', { events: [{ userId: 'u', itemId: '29', type: 'wishlist' }] })).status).toBe(400)
    const withPublishable = await t.app.fetch(
      new Request('http://localhost/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
        body: JSON.stringify({ events: [{ userId: 'u', itemId: '29', type: 'like' }] }),
      }),
    )
    expect(withPublishable.status).toBe(401)
  })
})
