import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './rate-limit.ts'

describe('createRateLimiter', () => {
  it('allows a burst of capacity, then asks to wait until a token refills', () => {
    const limiter = createRateLimiter({ perMinute: 6 })
    const t = 1_000_000
    const waits = Array.from({ length: 7 }, () => limiter.take('ip', t))
    expect(waits.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0])
    expect(waits[6]).toBe(10)
    expect(limiter.take('ip', t + 9_000)).toBeGreaterThan(0)
    expect(limiter.take('ip', t + 10_000)).toBe(0)
    expect(limiter.take('other', t)).toBe(0)
  })

  it('keeps a limited caller limited when the key table fills up, dropping the longest idle buckets instead', () => {
    const limiter = createRateLimiter({ perMinute: 2, maxKeys: 100 })
    limiter.take('idle', 0)
    for (let i = 0; i < 99; i++) limiter.take(`k${i}`, 1)
    expect(limiter.take('abuser', 2)).toBe(0)
    expect(limiter.take('abuser', 2)).toBe(0)
    expect(limiter.take('abuser', 2)).toBeGreaterThan(0)
    const abuserWaits: number[] = []
    for (let i = 0; i < 500; i++) {
      limiter.take(`new${i}`, 3)
      if (i % 50 === 0) abuserWaits.push(limiter.take('abuser', 3))
    }
    expect(limiter.size).toBe(100)
    expect(abuserWaits.every((wait) => wait > 0)).toBe(true)
    expect(limiter.used('idle', 3)).toBe(0)
  })

  it('reports how much of its budget a caller used, refilling over time', () => {
    const limiter = createRateLimiter({ perMinute: 60 })
    for (let i = 0; i < 10; i++) limiter.take('a', 0)
    expect(limiter.used('a', 0)).toBe(10)
    expect(limiter.used('a', 5_000)).toBeCloseTo(5)
    expect(limiter.used('nobody', 0)).toBe(0)
  })
})
