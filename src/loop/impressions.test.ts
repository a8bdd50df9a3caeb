import { describe, expect, it } from 'vitest'
import { openImpressionLog } from './impressions.ts'

describe('impression log: top items', () => {
  it('ranks items by times shown and by likes, leaving out items nobody liked from the liked list', () => {
    const log = openImpressionLog(':memory:')
    const show = (userId: string, itemIds: string[], at: number) =>
      log.recordShown({ conversationId: `c-${userId}`, userId, variant: 'a', itemIds, at })
    show('u1', ['x', 'y', 'z'], 1000)
    show('u2', ['y', 'z'], 1000)
    show('u3', ['z'], 1000)
    log.recordOutcome({ userId: 'u1', itemId: 'x', kind: 'like', at: 2000 }, 60_000)
    log.recordOutcome({ userId: 'u2', itemId: 'y', kind: 'like', at: 2000 }, 60_000)
    log.recordOutcome({ userId: 'u1', itemId: 'y', kind: 'dislike', at: 2000 }, 60_000)
    const top = log.topItems(2)
    expect(top.shown).toEqual([
      { itemId: 'z', shown: 3, liked: 0 },
      { itemId: 'y', shown: 2, liked: 1 },
    ])
    expect(top.liked).toEqual([
      { itemId: 'x', shown: 1, liked: 1 },
      { itemId: 'y', shown: 2, liked: 1 },
    ])
    log.close()
  })
})
