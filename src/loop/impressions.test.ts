import { afterAll, describe, expect, it } from 'vitest'
import { createSchemas, postgresUnavailable } from '../../test/support/postgres.ts'
import { type ImpressionLog, openImpressionLog, openPostgresImpressionLog } from './impressions.ts'

const pgUnavailable = await postgresUnavailable()
const schemas = createSchemas()
afterAll(() => schemas.drop())

type Open = () => Promise<ImpressionLog>
const backends: [string, Open][] = [
  ['sqlite', async () => openImpressionLog(':memory:')],
  ...(pgUnavailable ? [] : [['postgres', async () => openPostgresImpressionLog(await schemas.fresh())] as [string, Open]]),
]
if (pgUnavailable) {
  console.warn(`[concierge tests] the impression log on PostgreSQL is skipped: ${pgUnavailable}`)
  it.skip(`impression log on PostgreSQL (skipped: ${pgUnavailable})`, () => {})
}

const WINDOW = 60_000

describe.each(backends)('impression log (%s)', (_name, open) => {
  it('ranks items by times shown and by likes, leaving out items nobody liked from the liked list', async () => {
    const log = await open()
    const show = (userId: string, itemIds: string[], at: number) =>
      log.recordShown({ conversationId: `c-${userId}`, userId, variant: 'a', itemIds, at })
    await show('u1', ['x', 'y', 'z'], 1000)
    await show('u2', ['y', 'z'], 1000)
    await show('u3', ['z'], 1000)
    await log.recordOutcome({ userId: 'u1', itemId: 'x', kind: 'like', at: 2000 }, WINDOW)
    await log.recordOutcome({ userId: 'u2', itemId: 'y', kind: 'like', at: 2000 }, WINDOW)
    await log.recordOutcome({ userId: 'u1', itemId: 'y', kind: 'dislike', at: 2000 }, WINDOW)
    const top = await log.topItems(2)
    expect(top.shown).toEqual([
      { itemId: 'z', shown: 3, liked: 0 },
      { itemId: 'y', shown: 2, liked: 1 },
    ])
    expect(top.liked).toEqual([
      { itemId: 'x', shown: 1, liked: 1 },
      { itemId: 'y', shown: 2, liked: 1 },
    ])
    await log.close()
  })

  it('joins an outcome to the newest impression within the window only, and counts likes and acceptances per variant', async () => {
    const log = await open()
    await log.recordShown({ conversationId: 'c1', userId: 'u', variant: 'a', itemIds: ['1', '2'], at: 1_000 })
    await log.recordShown({ conversationId: 'c2', userId: 'u', variant: 'b', itemIds: ['1', '3'], at: 50_000 })
    await log.recordShown({ conversationId: 'c3', userId: 'v', variant: 'a', itemIds: ['4'], at: 50_000 })
    // The newest impression of item 1 to u is variant b's.
    expect(await log.recordOutcome({ userId: 'u', itemId: '1', kind: 'like', at: 60_000 }, WINDOW)).toBe('b')
    expect(await log.recordOutcome({ userId: 'u', itemId: '3', kind: 'more_like_this', at: 60_000 }, WINDOW)).toBe('b')
    expect(await log.recordOutcome({ userId: 'v', itemId: '4', kind: 'open', at: 60_000 }, WINDOW)).toBe('a')
    // Item 2 was shown more than the window before: no impression to join.
    expect(await log.recordOutcome({ userId: 'u', itemId: '2', kind: 'like', at: 70_000 }, WINDOW)).toBeUndefined()
    expect(await log.counts()).toEqual([
      { variant: 'a', impressions: 3, liked: 0, accepted: 1 },
      { variant: 'b', impressions: 2, liked: 1, accepted: 2 },
    ])
    expect(await log.counts(10_000)).toEqual([
      { variant: 'a', impressions: 1, liked: 0, accepted: 1 },
      { variant: 'b', impressions: 2, liked: 1, accepted: 2 },
    ])
    await log.close()
  })

  it('deletes old impressions with their outcomes, and every impression of a forgotten user', async () => {
    const log = await open()
    await log.recordShown({ conversationId: 'c', userId: 'u', variant: 'a', itemIds: ['1', '2'], at: 1_000 })
    await log.recordShown({ conversationId: 'c', userId: 'u', variant: 'a', itemIds: ['3'], at: 90_000 })
    await log.recordShown({ conversationId: 'd', userId: 'w', variant: 'a', itemIds: ['1'], at: 90_000 })
    await log.recordOutcome({ userId: 'u', itemId: '1', kind: 'like', at: 2_000 }, WINDOW)
    expect(await log.deleteBefore(50_000)).toBe(2)
    expect(await log.counts()).toEqual([{ variant: 'a', impressions: 2, liked: 0, accepted: 0 }])
    await log.forgetUser('u')
    expect(await log.counts()).toEqual([{ variant: 'a', impressions: 1, liked: 0, accepted: 0 }])
    await log.close()
  })
})
