/** Token buckets keyed by caller: `capacity` tokens, refilled continuously at `perMinute` a minute. */
export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the seconds to wait before the next token. */
  take(key: string, now?: number): number
  readonly size: number
}

export function createRateLimiter(options: { perMinute: number; capacity?: number; maxKeys?: number }): RateLimiter {
  const perMs = options.perMinute / 60_000
  const capacity = options.capacity ?? Math.max(1, options.perMinute)
  const maxKeys = options.maxKeys ?? 50_000
  const buckets = new Map<string, { tokens: number; at: number }>()

  // Dropping buckets that have refilled is lossless: a missing bucket starts full.
  const sweep = (now: number) => {
    for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= capacity) buckets.delete(k)
    if (buckets.size >= maxKeys) buckets.clear()
  }

  return {
    get size() {
      return buckets.size
    },
    take(key, now = Date.now()) {
      let b = buckets.get(key)
      if (!b) {
        if (buckets.size >= maxKeys) sweep(now)
        b = { tokens: capacity, at: now }
        buckets.set(key, b)
      }
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs)
      b.at = now
      if (b.tokens >= 1) {
        b.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000))
    },
  }
}
