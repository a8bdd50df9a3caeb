import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { dropRedisPrefix, redisUnavailable, TEST_REDIS_URL } from '../../test/support/redis.ts'
import { createMemoryState, createRedisState, createSharedState, type SharedState } from './index.ts'

const REDIS_URL = TEST_REDIS_URL
const TEST_PREFIX = `concierge-test:${randomUUID()}:`

const redisMissing = await redisUnavailable()
if (redisMissing) console.warn(`[state] skipping the Redis contract tests: ${redisMissing}`)

afterAll(async () => {
  if (!redisMissing) await dropRedisPrefix(TEST_PREFIX)
})

/** Two replicas' views of the state: for memory one object (one process), for Redis two connections. */
type OpenPair = () => Promise<[SharedState, SharedState]>

const variants: { name: string; skip: string | undefined; open: OpenPair }[] = [
  {
    name: 'memory',
    skip: undefined,
    open: async () => {
      const state = createMemoryState({ dedupeTtlMs: 60_000 })
      return [state, state]
    },
  },
  {
    name: 'redis',
    skip: redisMissing,
    open: async () => {
      const prefix = `${TEST_PREFIX}${randomUUID()}:`
      const options = { url: REDIS_URL, prefix, dedupeTtlMs: 60_000 }
      return [await createRedisState(options), await createRedisState(options)]
    },
  },
]

for (const variant of variants) {
  describe.skipIf(variant.skip !== undefined)(`shared state (${variant.name})`, () => {
    const opened: SharedState[] = []
    const open = async () => {
      const pair = await variant.open()
      opened.push(...pair)
      return pair
    }
    afterAll(async () => {
      for (const state of opened) await state.close()
    })

    describe('limiter', () => {
      it('takes up to the capacity, then refuses with the wait until enough tokens are back', async () => {
        const [a] = await open()
        const results = []
        for (let i = 0; i < 4; i++) results.push(await a.limiter.take('ip:1', 1, 3, 2))
        expect(results.map((r) => r.ok)).toEqual([true, true, true, false])
        const refused = results[3]
        // Timings leave room for a loaded machine: a token comes back every 500 ms.
        expect(refused?.retryAfterMs).toBeGreaterThan(250)
        expect(refused?.retryAfterMs).toBeLessThanOrEqual(500)
        expect((await a.limiter.take('ip:2', 1, 3, 2)).ok).toBe(true)
        await sleep((refused?.retryAfterMs ?? 0) + 20)
        expect((await a.limiter.take('ip:1', 1, 3, 2)).ok).toBe(true)
      })

      it('never hands out more than the capacity to concurrent callers on two replicas', async () => {
        const [a, b] = await open()
        const takes = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).limiter.take('burst', 1, 10, 0.001))
        const granted = (await Promise.all(takes)).filter((r) => r.ok)
        expect(granted).toHaveLength(10)
      })

      it('throws input.invalid for a cost above the capacity or no refill', async () => {
        const [a] = await open()
        await expect(a.limiter.take('k', 5, 3, 1)).rejects.toMatchObject({ code: 'input.invalid' })
        await expect(a.limiter.take('k', 1, 3, 0)).rejects.toMatchObject({ code: 'input.invalid' })
      })
    })

    describe('deduper', () => {
      it('sees a key first once per window, on any replica', async () => {
        const [a, b] = await open()
        expect(await a.deduper.firstSeen('event:E1', 300)).toBe(true)
        expect(await a.deduper.firstSeen('event:E1', 300)).toBe(false)
        expect(await b.deduper.firstSeen('event:E1', 300)).toBe(false)
        expect(await b.deduper.firstSeen('event:E2')).toBe(true)
        await sleep(400)
        expect(await b.deduper.firstSeen('event:E1', 300)).toBe(true)
      })

      it('lets exactly one of concurrent deliveries through', async () => {
        const [a, b] = await open()
        const seen = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).deduper.firstSeen('event:R')))
        expect(seen.filter(Boolean)).toHaveLength(1)
      })
    })

    describe('idempotency', () => {
      it('runs the first request and returns its reply to repeats', async () => {
        const [a, b] = await open()
        const first = await a.idempotency.claim('key-1', 1000)
        expect(first.state).toBe('claimed')
        expect(await b.idempotency.claim('key-1', 1000)).toEqual({ state: 'in_progress' })
        if (first.state !== 'claimed') throw new Error('unreachable')
        expect(await a.idempotency.complete('key-1', first.token, '{"reply":"hi"}', 60_000)).toBe(true)
        expect(await b.idempotency.claim('key-1', 1000)).toEqual({ state: 'done', reply: '{"reply":"hi"}' })
      })

      it('gives one claim to concurrent requests and frees it when abandoned', async () => {
        const [a, b] = await open()
        const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).idempotency.claim('key-2', 1000)))
        const winners = claims.filter((c) => c.state === 'claimed')
        expect(winners).toHaveLength(1)
        const winner = winners[0]
        if (winner?.state !== 'claimed') throw new Error('unreachable')
        await b.idempotency.abandon('key-2', 'not-the-token')
        expect((await b.idempotency.claim('key-2', 1000)).state).toBe('in_progress')
        await a.idempotency.abandon('key-2', winner.token)
        expect((await b.idempotency.claim('key-2', 1000)).state).toBe('claimed')
      })

      it('keeps the first writer when a lapsed claimant completes late', async () => {
        const [a, b] = await open()
        const slow = await a.idempotency.claim('key-3', 30)
        await sleep(60)
        const fast = await b.idempotency.claim('key-3', 1000)
        if (slow.state !== 'claimed' || fast.state !== 'claimed') throw new Error('both should have claimed')
        expect(await b.idempotency.complete('key-3', fast.token, 'fast', 60_000)).toBe(true)
        expect(await a.idempotency.complete('key-3', slow.token, 'slow', 60_000)).toBe(false)
        expect(await a.idempotency.claim('key-3', 1000)).toEqual({ state: 'done', reply: 'fast' })
      })
    })

    describe('turn locks', () => {
      it('holds a conversation for one owner; only the owner releases', async () => {
        const [a, b] = await open()
        const lock = await a.turnLocks.tryAcquire('conv-1', 5000)
        expect(lock).toBeDefined()
        expect(await b.turnLocks.tryAcquire('conv-1', 5000)).toBeUndefined()
        expect(await b.turnLocks.tryAcquire('conv-2', 5000)).toBeDefined()
        expect(await lock?.release()).toBe(true)
        expect(await lock?.release()).toBe(false)
        expect(await b.turnLocks.tryAcquire('conv-1', 5000)).toBeDefined()
      })

      it("frees a crashed holder's lock when its lease runs out, and the old holder cannot touch the new lock", async () => {
        const [a, b] = await open()
        const crashed = await a.turnLocks.tryAcquire('conv-3', 40)
        const waited = await b.turnLocks.acquire('conv-3', { leaseMs: 5000, waitMs: 2000 })
        expect(waited.token).not.toBe(crashed?.token)
        expect(await crashed?.renew(5000)).toBe(false)
        expect(await crashed?.release()).toBe(false)
        expect(await a.turnLocks.tryAcquire('conv-3', 5000)).toBeUndefined()
      })

      it('keeps a renewed lock past its first lease', async () => {
        const [a, b] = await open()
        const lock = await a.turnLocks.tryAcquire('conv-4', 300)
        await sleep(100)
        expect(await lock?.renew(1000)).toBe(true)
        await sleep(300)
        expect(await b.turnLocks.tryAcquire('conv-4', 1000)).toBeUndefined()
      })

      it('throws unavailable (lock_timeout) when the wait runs out', async () => {
        const [a, b] = await open()
        await a.turnLocks.tryAcquire('conv-5', 5000)
        await expect(b.turnLocks.acquire('conv-5', { leaseMs: 1000, waitMs: 50 })).rejects.toMatchObject({
          code: 'unavailable',
          details: { reason: 'lock_timeout' },
        })
      })

      it('runs concurrent turns of one conversation one at a time across replicas, none lost', async () => {
        const [a, b] = await open()
        let running = 0
        let most = 0
        const done: number[] = []
        const turn = async (n: number) => {
          const lock = await (n % 2 ? a : b).turnLocks.acquire('conv-6', { leaseMs: 5000, waitMs: 5000 })
          running++
          most = Math.max(most, running)
          await sleep(5)
          done.push(n)
          running--
          await lock.release()
        }
        await Promise.all(Array.from({ length: 8 }, (_, n) => turn(n)))
        expect(most).toBe(1)
        expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
      })
    })

    describe('build notices', () => {
      it('tells subscribers on every replica which build is current', async () => {
        const [a, b] = await open()
        expect(await b.builds.current()).toBeUndefined()
        const heard: string[] = []
        const unsubscribe = await b.builds.subscribe((id) => heard.push(id))
        await a.builds.publish('build-2026-12-06')
        await expect.poll(() => heard, { timeout: 2000 }).toEqual(['build-2026-12-06'])
        expect(await b.builds.current()).toBe('build-2026-12-06')
        unsubscribe()
        await a.builds.publish('build-2')
        await sleep(50)
        expect(heard).toEqual(['build-2026-12-06'])
        expect(await a.builds.current()).toBe('build-2')
      })
    })

    it('closes idempotently', async () => {
      const [a] = await open()
      await Promise.all([a.close(), a.close()])
      await a.close()
    })
  })
}

describe.skipIf(redisMissing !== undefined)('redis state', () => {
  it('answers unavailable, not a client error, when Redis is gone', async () => {
    const state = await createRedisState({ url: REDIS_URL, prefix: TEST_PREFIX, dedupeTtlMs: 1000 })
    await state.close()
    await expect(state.limiter.take('k', 1, 1, 1)).rejects.toMatchObject({ code: 'unavailable' })
    await expect(state.deduper.firstSeen('k')).rejects.toMatchObject({ code: 'unavailable' })
    await expect(state.turnLocks.tryAcquire('k', 1000)).rejects.toMatchObject({ code: 'unavailable' })
    await expect(state.builds.current()).rejects.toMatchObject({ code: 'unavailable' })
  })
})

describe('createSharedState', () => {
  it('uses memory when no Redis URL is set', async () => {
    const state = await createSharedState({ prefix: 'concierge:' })
    expect(state.kind).toBe('memory')
    await state.close()
  })

  it('throws unavailable, without the password, when Redis does not answer', async () => {
    const failing = createSharedState({ url: 'redis://:hunter2@127.0.0.1:1', prefix: 'concierge:' })
    await expect(failing).rejects.toMatchObject({ code: 'unavailable', details: { url: 'redis://:***@127.0.0.1:1' } })
    await expect(failing).rejects.not.toThrow(/hunter2/)
  })

  it.skipIf(redisMissing !== undefined)('uses Redis when a URL is set', async () => {
    const state = await createSharedState({ url: REDIS_URL, prefix: TEST_PREFIX })
    expect(state.kind).toBe('redis')
    await state.close()
  })
})
