/**
 * Remembers keys (Slack event ids, message timestamps) for a while, with a cap, so a retried delivery is
 * recognised. Memory only: after a restart a retry is processed once more, which Slack's retry window makes rare.
 */
export interface Deduper {
  /** True the first time a key is seen within the time window; false for a repeat. */
  firstSeen(key: string): boolean
  readonly size: number
}

export function createDeduper(options: { ttlMs: number; max: number; now?: () => number }): Deduper {
  const now = options.now ?? Date.now
  // Map keeps insertion order, so the oldest entries are at the front.
  const seen = new Map<string, number>()
  const evict = (at: number) => {
    for (const [key, expires] of seen) {
      if (expires > at && seen.size <= options.max) break
      seen.delete(key)
    }
  }
  return {
    firstSeen(key) {
      const at = now()
      evict(at)
      const expires = seen.get(key)
      if (expires !== undefined && expires > at) return false
      seen.set(key, at + options.ttlMs)
      if (seen.size > options.max) evict(at)
      return true
    },
    get size() {
      return seen.size
    },
  }
}
