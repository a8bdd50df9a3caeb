import { describe, expect, it } from 'vitest'
import { createMemoryIdempotencyStore } from './idempotency.ts'

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
