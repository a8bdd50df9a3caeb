import { describe, expect, it } from 'vitest'
import type { CollabScorer, ItemId } from '../core/index.ts'
import { rememberingScores } from './collab-cache.ts'

function countingModel(): CollabScorer & { calls: ItemId[][] } {
  const calls: ItemId[][] = []
  return {
    calls,
    name: 'counting',
    itemIds: ['a', 'b', 'c'],
    score(liked) {
      calls.push([...liked])
      return Float32Array.from([liked.length, liked.includes('a') ? 1 : 0, 0])
    },
    close: async () => {},
  }
}

describe('rememberingScores', () => {
  it('asks the model once for a fold-in list asked again, and gives the same scores', () => {
    const model = countingModel()
    const scorer = rememberingScores(model)
    const first = scorer.score(['a', 'b'])
    const again = scorer.score(['a', 'b'])
    expect(Array.from(again)).toEqual(Array.from(first))
    expect(model.calls).toEqual([['a', 'b']])
  })

  it('scores another list (or the same items in another order) with the model', () => {
    const model = countingModel()
    const scorer = rememberingScores(model)
    scorer.score(['a'])
    expect(Array.from(scorer.score(['b']))).toEqual([1, 0, 0])
    scorer.score(['b', 'a'])
    scorer.score(['a', 'b'])
    expect(model.calls).toHaveLength(4)
  })
})
