import { describe, expect, it } from 'vitest'
import type { CollabScorer } from '../core/index.ts'
import { evaluateScorer } from './offline.ts'
import { recallCurveSvg } from './svg.ts'

/** A scorer with fixed scores: a > b > c > d. */
const fixed: CollabScorer = {
  name: 'fixed',
  itemIds: ['a', 'b', 'c', 'd'],
  score: () => Float32Array.from([4, 3, 2, 1]),
  close: async () => {},
}

describe('evaluateScorer', () => {
  it('excludes folded-in items and counts unknown held-out items as misses', () => {
    const result = evaluateScorer(fixed, [
      // Ranking without a: b c d. Held out c and z (unknown): 1 hit of min(20, 2).
      { userId: 'u1', foldIn: ['a'], heldOut: ['c', 'z'] },
      // Ranking without b: a c d. Held out a: hit at rank 1.
      { userId: 'u2', foldIn: ['b'], heldOut: ['a'] },
    ])
    expect(result.recallAt20.mean).toBeCloseTo((0.5 + 1) / 2, 10)
    // u1: DCG = 1/log2(3), IDCG = 1 + 1/log2(3) → 0.386853; u2: 1
    expect(result.ndcgAt100.mean).toBeCloseTo((0.386853 + 1) / 2, 5)
    expect(result.hrAt10.mean).toBe(1)
    expect(result.recallCurve.find((p) => p.k === 1)?.recall).toBeCloseTo(0.5, 10)
  })
})

describe('recallCurveSvg', () => {
  it('draws one line and one legend entry per model', () => {
    const svg = recallCurveSvg({
      dataset: 'tiny',
      models: [
        {
          name: 'm1',
          recallCurve: [
            { k: 1, recall: 0.1 },
            { k: 10, recall: 0.3 },
          ],
        },
        {
          name: 'm<2>',
          recallCurve: [
            { k: 1, recall: 0.05 },
            { k: 10, recall: 0.2 },
          ],
        },
      ],
    })
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/<path /g)).toHaveLength(2)
    expect(svg).toContain('m&lt;2&gt;')
    expect(svg).toContain('>10</text>')
  })
})
