import { describe, expect, it } from 'vitest'
import { createDeduper } from './dedupe.ts'

describe('createDeduper', () => {
  it('recognises a repeat within the window and forgets it after', () => {
    let now = 0
    const dedupe = createDeduper({ ttlMs: 1000, max: 100, now: () => now })
    expect(dedupe.firstSeen('Ev1')).toBe(true)
    now = 999
    expect(dedupe.firstSeen('Ev1')).toBe(false)
    now = 1001
    expect(dedupe.firstSeen('Ev1')).toBe(true)
  })

  it('keeps at most max keys, dropping the oldest', () => {
    const now = 0
    const dedupe = createDeduper({ ttlMs: 60_000, max: 3, now: () => now })
    for (const key of ['a', 'b', 'c', 'd']) expect(dedupe.firstSeen(key)).toBe(true)
    expect(dedupe.size).toBe(3)
    expect(dedupe.firstSeen('d')).toBe(false)
    expect(dedupe.firstSeen('a')).toBe(true)
  })
})
