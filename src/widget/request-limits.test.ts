import { describe, expect, it } from 'vitest'
import { createRequestLimits } from './request-limits.ts'

describe('createRequestLimits', () => {
  it('still serves a new visitor when many addresses of one client spent the key budget', () => {
    const limits = createRequestLimits({ perMinute: 10, keyMultiplier: 10 })
    const attacker = Array.from({ length: 30 }, (_, i) => `198.51.100.${i}`)
    const attackerWaits = attacker.flatMap((ip) => Array.from({ length: 10 }, () => limits.takePublishable('pk', ip, 0)))
    expect(attackerWaits.filter((w) => w === 0).length).toBeLessThanOrEqual(200)
    expect(attackerWaits.filter((w) => w > 0).length).toBeGreaterThanOrEqual(100)
    expect(limits.takePublishable('pk', '203.0.113.9', 0)).toBe(0)
    expect(limits.takePublishable('pk', '203.0.113.10', 0)).toBe(0)
  })

  it('refuses every address once more addresses are active than the key budget has requests', () => {
    const limits = createRequestLimits({ perMinute: 2, keyMultiplier: 100 })
    const waits = Array.from({ length: 201 }, (_, i) => limits.takePublishable('pk', `172.16.${i >> 8}.${i & 255}`, 0))
    expect(waits.filter((w) => w === 0)).toHaveLength(200)
    expect(waits.at(-1)).toBeGreaterThan(0)
  })

  it('limits an IPv6 client by its /64, however it rotates the host part', () => {
    const limits = createRequestLimits({ perMinute: 3, keyMultiplier: 100 })
    const waits = Array.from({ length: 5 }, (_, i) => limits.takePublishable('pk', `2001:db8:1:2::${i + 1}`, 0))
    expect(waits.slice(0, 3)).toEqual([0, 0, 0])
    expect(waits[3]).toBeGreaterThan(0)
    expect(limits.takePublishable('pk', '2001:db8:1:3::1', 0)).toBe(0)
  })

  it('counts failed authentication against the address', () => {
    const limits = createRequestLimits({ perMinute: 2, keyMultiplier: 100 })
    expect([limits.takeFailure('192.0.2.1', 0), limits.takeFailure('192.0.2.1', 0)]).toEqual([0, 0])
    expect(limits.takeFailure('192.0.2.1', 0)).toBeGreaterThan(0)
    expect(limits.takePublishable('pk', '192.0.2.1', 0)).toBeGreaterThan(0)
  })
})
