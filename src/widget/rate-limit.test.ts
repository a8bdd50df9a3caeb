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

  it('forgets refilled buckets when the key table is full', () => {
    const limiter = createRateLimiter({ perMinute: 60, maxKeys: 100 })
    for (let i = 0; i < 100; i++) limiter.take(`k${i}`, 0)
    limiter.take('late', 120_000)
    expect(limiter.size).toBe(1)
  })
})
