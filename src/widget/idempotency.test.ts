import { describe, expect, it } from 'vitest'
import { createMemoryState } from '../state/index.ts'
import { createMemoryIdempotencyStore, createSharedIdempotencyStore, type IdempotencyStore } from './idempotency.ts'

describe('createMemoryIdempotencyStore', () => {
  it('runs the work once per key and replays its value, also to a call made while it runs', async () => {
    const store = createMemoryIdempotencyStore<string>()
    let runs = 0
    const work = async () => {
      runs++
      await new Promise((r) => setTimeout(r, 10))
      return `reply ${runs}`
    }
    const [a, b] = await Promise.all([store.once('k', 'f', work), store.once('k', 'f', work)])
    const c = await store.once('k', 'f', work)
    expect(runs).toBe(1)
    expect([a.value, b.value, c.value]).toEqual(['reply 1', 'reply 1', 'reply 1'])
    expect([a.replayed, b.replayed, c.replayed]).toEqual([false, true, true])
  })

  it('runs again after a failure and after the key expired', async () => {
    let clock = 0
    const store = createMemoryIdempotencyStore<number>({ ttlMs: 1000, now: () => clock })
    await expect(store.once('k', 'f', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect((await store.once('k', 'f', async () => 1)).value).toBe(1)
    clock = 999
    expect((await store.once('k', 'f', async () => 2)).value).toBe(1)
    clock = 1000
    expect((await store.once('k', 'f', async () => 3)).value).toBe(3)
  })

  it('refuses a key reused for another request with input.invalid', async () => {
    const store = createMemoryIdempotencyStore<number>()
    await store.once('k', 'first body', async () => 1)
    await expect(store.once('k', 'other body', async () => 2)).rejects.toMatchObject({ code: 'input.invalid' })
  })

  it('forgets the oldest keys beyond maxEntries', async () => {
    const store = createMemoryIdempotencyStore<number>({ maxEntries: 2 })
    for (const key of ['a', 'b', 'c']) await store.once(key, 'f', async () => 1)
    expect((await store.once('a', 'f', async () => 9)).value).toBe(9)
    expect((await store.once('c', 'f', async () => 9)).value).toBe(1)
  })
})

describe('createSharedIdempotencyStore', () => {
  // Two replicas' stores over one shared state: what one ran, the other replays.
  const twoReplicas = <T>(): [IdempotencyStore<T>, IdempotencyStore<T>] => {
    const shared = createMemoryState({ dedupeTtlMs: 1000 }).idempotency
    return [createSharedIdempotencyStore<T>(shared, { pollMs: 5 }), createSharedIdempotencyStore<T>(shared, { pollMs: 5 })]
  }

  it('runs the work once across replicas; a retry on the other replica waits for the reply and replays it', async () => {
    const [a, b] = twoReplicas<{ text: string }>()
    let runs = 0
    const work = async () => {
      runs++
      await new Promise((r) => setTimeout(r, 30))
      return { text: `reply ${runs}` }
    }
    const [first, retry] = await Promise.all([a.once('k', 'f', work), b.once('k', 'f', work)])
    expect(runs).toBe(1)
    expect([first.value, retry.value]).toEqual([{ text: 'reply 1' }, { text: 'reply 1' }])
    expect([first.replayed, retry.replayed]).toEqual([false, true])
  })

  it('runs again after a failure and refuses a key reused for another request', async () => {
    const [a, b] = twoReplicas<number>()
    await expect(a.once('k', 'f', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await b.once('k', 'f', async () => 2)).toEqual({ value: 2, replayed: false })
    await expect(a.once('k', 'other body', async () => 3)).rejects.toMatchObject({ code: 'input.invalid' })
  })
})
