import { describe, expect, it } from 'vitest'
import { embedCached, LruCache } from './lru.ts'

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now the most recent
    lru.set('c', 3)
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
    expect(lru.size).toBe(2)
  })

  it('embeds only texts it has not seen, once each, and keeps the order', async () => {
    const lru = new LruCache<string, Float32Array>(10)
    const calls: string[][] = []
    const embed = async (texts: string[]) => {
      calls.push(texts)
      return texts.map((t) => Float32Array.of(t.length))
    }
    expect((await embedCached(lru, ['ab', 'c', 'ab'], embed)).map((v) => v[0])).toEqual([2, 1, 2])
    expect((await embedCached(lru, ['c', 'dddd'], embed)).map((v) => v[0])).toEqual([1, 4])
    expect(calls).toEqual([['ab', 'c'], ['dddd']])
  })
})
