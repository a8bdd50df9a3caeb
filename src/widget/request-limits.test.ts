import { describe, expect, it } from 'vitest'
import { createMemoryState } from '../state/index.ts'
import { createRequestLimits, createSharedRequestLimits, type RequestLimitOptions, type RequestLimits } from './request-limits.ts'

// The same rules in this process's buckets and in the shared ones (here the memory state, frozen in time).
const implementations: [string, (options: RequestLimitOptions) => RequestLimits][] = [
  ['memory', createRequestLimits],
  ['shared', (options) => createSharedRequestLimits(createMemoryState({ dedupeTtlMs: 1000, now: () => 0 }).limiter, options)],
]

describe.each(implementations)('request limits (%s buckets)', (_name, createLimits) => {
  it('still serves a new visitor when many addresses of one client spent the key budget', async () => {
    const limits = createLimits({ perMinute: 10, keyMultiplier: 10 })
    const attacker = Array.from({ length: 30 }, (_, i) => `198.51.100.${i}`)
    const attackerWaits: number[] = []
    for (const ip of attacker) for (let i = 0; i < 10; i++) attackerWaits.push(await limits.takePublishable('pk', ip, 0))
    expect(attackerWaits.filter((w) => w === 0).length).toBeLessThanOrEqual(200)
    expect(attackerWaits.filter((w) => w > 0).length).toBeGreaterThanOrEqual(100)
    expect(await limits.takePublishable('pk', '203.0.113.9', 0)).toBe(0)
    expect(await limits.takePublishable('pk', '203.0.113.10', 0)).toBe(0)
  })

  it('refuses every address once more addresses are active than the key budget has requests', async () => {
    const limits = createLimits({ perMinute: 2, keyMultiplier: 100 })
    const waits: number[] = []
    for (let i = 0; i < 201; i++) waits.push(await limits.takePublishable('pk', `172.16.${i >> 8}.${i & 255}`, 0))
    expect(waits.filter((w) => w === 0)).toHaveLength(200)
    expect(waits.at(-1)).toBeGreaterThan(0)
  })

  it('limits an IPv6 client by its /64, however it rotates the host part', async () => {
    const limits = createLimits({ perMinute: 3, keyMultiplier: 100 })
    const waits: number[] = []
    for (let i = 0; i < 5; i++) waits.push(await limits.takePublishable('pk', `2001:db8:1:2::${i + 1}`, 0))
    expect(waits.slice(0, 3)).toEqual([0, 0, 0])
    expect(waits[3]).toBeGreaterThan(0)
    expect(await limits.takePublishable('pk', '2001:db8:1:3::1', 0)).toBe(0)
  })

  it('counts failed authentication against the address', async () => {
    const limits = createLimits({ perMinute: 2, keyMultiplier: 100 })
    expect([await limits.takeFailure('192.0.2.1', 0), await limits.takeFailure('192.0.2.1', 0)]).toEqual([0, 0])
    expect(await limits.takeFailure('192.0.2.1', 0)).toBeGreaterThan(0)
    expect(await limits.takePublishable('pk', '192.0.2.1', 0)).toBeGreaterThan(0)
  })
})
