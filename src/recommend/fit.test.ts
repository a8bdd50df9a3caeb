import { describe, expect, it } from 'vitest'
import { type FitGroup, fitBlend, rankTargets } from './index.ts'

/** Deterministic pseudo-random numbers (mulberry32), so the test data is the same on every run. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Pools whose target is drawn from a softmax over a hidden blend (semantic 2, popularity 1, noise 0) of parts on
 * different scales: what a fit must recover from the decisions alone.
 */
function decisions(count: number, seed: number): (FitGroup & { targets: number })[] {
  const next = random(seed)
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next())
  return Array.from({ length: count }, (_, g) => {
    const pool = Array.from({ length: 40 }, (_, i) => {
      const semantic = normal()
      const popularity = 5 * normal() // five times the spread: the fit must give it a fifth of the weight per unit
      const noise = normal()
      const total = 2 * semantic + popularity / 5
      return { id: `g${g}-${i}`, parts: { semantic, collaborative: 0, popularity, noise, total } }
    })
    const weights = pool.map((c) => Math.exp(2 * c.parts.total))
    let u = next() * weights.reduce((a, b) => a + b, 0)
    let target = 0
    while (target < pool.length - 1 && u > (weights[target] as number)) u -= weights[target++] as number
    return { pool, positives: [target], targets: 1 }
  })
}

describe('fitBlend', () => {
  it('recovers the ratios of the blend that picked the targets, on each part’s own scale', () => {
    const w = fitBlend(decisions(300, 1), ['semantic', 'popularity', 'noise'])
    const semantic = w.semantic as number
    // Hidden blend per unit: semantic 2 × 2 = 4, popularity 2 / 5 = 0.4, noise 0.
    expect(semantic / (w.popularity as number)).toBeGreaterThan(7)
    expect(semantic / (w.popularity as number)).toBeLessThan(14)
    expect(Math.abs((w.noise as number) / semantic)).toBeLessThan(0.1)
  })

  it('ranks held-out decisions better than the wrong blend does', () => {
    const w = fitBlend(decisions(300, 2), ['semantic', 'popularity', 'noise'])
    const held = decisions(200, 3)
    const fitted = rankTargets(held, w, [1, 10])
    const wrong = rankTargets(held, { semantic: 0, popularity: 1, noise: 1 }, [1, 10])
    expect(fitted.targets).toBe(200)
    expect(fitted.hits[1]).toBeGreaterThan((wrong.hits[1] as number) + 40)
    expect(fitted.hits[0]).toBeGreaterThan(wrong.hits[0] as number)
  })

  it('counts targets outside their pool as missed, and refuses data it cannot learn from', () => {
    const held = [...decisions(5, 4), { pool: [], positives: [], targets: 2 }]
    expect(rankTargets(held, { semantic: 1 }, [40]).targets).toBe(7)
    expect(rankTargets(held, { semantic: 1 }, [40]).hits[0]).toBe(5)
    expect(() => fitBlend([{ pool: [], positives: [] }], ['semantic'])).toThrow(/at least one group/)
    expect(() => fitBlend(decisions(3, 5), ['recency'])).toThrow(/no finite score part "recency"/)
  })
})
