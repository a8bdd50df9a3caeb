/** Token buckets keyed by caller: `capacity` tokens, refilled continuously at `perMinute` a minute. */
export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the seconds to wait before the next token. */
  take(key: string, now?: number): number
  /** Tokens taken and not yet refilled (0 for a caller not seen lately): how much of its budget a caller used. */
  used(key: string, now?: number): number
  readonly capacity: number
  readonly size: number
}

/**
 * Creates a limiter holding at most `maxKeys` buckets (default 50,000). When full, the bucket idle the longest is
 * dropped (it is the likeliest to have refilled), so a flood of new callers never resets the limits of the others.
 */
export function createRateLimiter(options: { perMinute: number; capacity?: number; maxKeys?: number }): RateLimiter {
  const perMs = options.perMinute / 60_000
  const capacity = options.capacity ?? Math.max(1, options.perMinute)
  const maxKeys = options.maxKeys ?? 50_000
  // A Map iterates in insertion order; re-inserting a bucket on every use keeps the longest idle first.
  const buckets = new Map<string, { tokens: number; at: number }>()

  const refilled = (key: string, now: number) => {
    const b = buckets.get(key)
    if (!b) return undefined
    b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs)
    b.at = now
    return b
  }

  return {
    capacity,
    get size() {
      return buckets.size
    },
    used: (key, now = Date.now()) => capacity - (refilled(key, now)?.tokens ?? capacity),
    take(key, now = Date.now()) {
      const b = refilled(key, now) ?? { tokens: capacity, at: now }
      buckets.delete(key)
      while (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string)
      buckets.set(key, b)
      if (b.tokens >= 1) {
        b.tokens -= 1
        return 0
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000))
    },
  }
}
