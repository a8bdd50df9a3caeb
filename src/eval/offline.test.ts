import { describe, expect, it } from 'vitest'
import type { CollabScorer } from '../core/index.ts'
import { evaluateScorer, type ModelResult, type OfflineEvalResult, offlineTargetChecks } from './offline.ts'
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

describe('offlineTargetChecks', () => {
  const mi = (mean: number) => ({ mean, halfWidth: 0.04, n: 121 })
  const model = (name: string, r20: number, n100: number, trainSeconds = 1): ModelResult => ({
    name,
    recallAt20: mi(r20),
    recallAt50: mi(r20 + 0.1),
    ndcgAt100: mi(n100),
    hrAt10: mi(0.8),
    recallCurve: [],
    trainSeconds,
    params: {},
  })
  const result = (models: ModelResult[]) => ({ dataset: 'd', protocol: {}, models }) as unknown as OfflineEvalResult

  it('checks the autoencoder against EASE, the weaker baselines and the training budget', () => {
    const base = [model('popularity', 0.18, 0.22), model('item-knn', 0.25, 0.3), model('ease', 0.331, 0.391)]
    const level = offlineTargetChecks(result([...base, model('mult-dae', 0.339, 0.394, 31)]))
    expect(level.map((c) => c.met)).toEqual([true, true, true, true])
    expect(level[0]).toMatchObject({ target: 'mult-dae Recall@20 ≥ EASE', measured: '0.339 vs 0.331' })
    // Behind EASE on NDCG@100 only, and over the time budget.
    const behind = offlineTargetChecks(result([...base, model('mult-dae', 0.34, 0.389, 61)]))
    expect(behind.map((c) => c.met)).toEqual([true, false, true, false])
    // Below item-kNN on one metric fails the baseline check.
    expect(offlineTargetChecks(result([...base, model('mult-dae', 0.4, 0.29)]))[2]?.met).toBe(false)
  })

  it('has nothing to check without an autoencoder, and skips the comparisons whose models did not run', () => {
    expect(offlineTargetChecks(result([model('ease', 0.3, 0.4)]))).toEqual([])
    const alone = offlineTargetChecks(result([model('mult-dae', 0.3, 0.4, 10)]))
    expect(alone.map((c) => c.target)).toEqual(['mult-dae trains within 60 s'])
  })
})
