import { describe, expect, it } from 'vitest'
import { hitRateAtK, meanInterval, ndcgAtK, recallAtK, topK } from './metrics.ts'

// Ranking a b c d e; relevant b, e and x (x never ranked).
const ranked = ['a', 'b', 'c', 'd', 'e']
const relevant = new Set(['b', 'e', 'x'])

describe('ranking metrics', () => {
  it('normalises recall by min(K, |relevant|)', () => {
    expect(recallAtK(ranked, relevant, 1)).toBe(0)
    expect(recallAtK(ranked, relevant, 2)).toBeCloseTo(1 / 2, 10) // 1 hit of min(2, 3)
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3, 10) // 2 hits of min(5, 3)
    expect(recallAtK(['b', 'e', 'x'], relevant, 2)).toBe(1)
  })

  it('computes NDCG with binary relevance against the ideal ranking', () => {
    // DCG@5 = 1/log2(3) + 1/log2(6) = 1.017782; IDCG@5 = 1 + 1/log2(3) + 1/log2(4) = 2.130930
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(0.477627, 5)
    // DCG@2 = 1/log2(3) = 0.630930; IDCG@2 = 1.630930
    expect(ndcgAtK(ranked, relevant, 2)).toBeCloseTo(0.386853, 5)
    expect(ndcgAtK(['x', 'b', 'e'], relevant, 3)).toBeCloseTo(1, 10)
    expect(ndcgAtK(ranked, new Set<string>(), 5)).toBe(0)
  })

  it('counts a hit when any relevant item is in the top K', () => {
    expect(hitRateAtK(ranked, relevant, 1)).toBe(0)
    expect(hitRateAtK(ranked, relevant, 2)).toBe(1)
  })

  it('gives the mean with a 95% normal interval', () => {
    const m = meanInterval([1, 0, 1, 0])
    expect(m.mean).toBe(0.5)
    // sd = sqrt(1/3) = 0.577350, se = 0.288675, 1.96·se = 0.565803
    expect(m.halfWidth).toBeCloseTo(0.565803, 5)
    expect(meanInterval([]).n).toBe(0)
  })

  it('selects the top K indices best first, skipping excluded ones and breaking ties by index', () => {
    const scores = Float32Array.from([0.1, 0.5, 0.3, 0.5, 0.9, -1])
    expect(topK(scores, 3, new Set([4]))).toEqual([1, 3, 2])
    expect(topK(scores, 10)).toEqual([4, 1, 3, 2, 0, 5])
    expect(topK(scores, 0)).toEqual([])
  })
})
