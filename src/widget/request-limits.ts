import { addressGroup } from './client-address.ts'
import { createRateLimiter } from './rate-limit.ts'

/** Rate limits of the API: per client address, per key, and for failed authentication. */
export interface RequestLimits {
  /** A request under a publishable key from a client address: 0 when allowed, else seconds to wait. */
  takePublishable(key: string, address: string, now?: number): number
  /** A request under a secret key (servers): its key's budget only. */
  takeSecret(label: string, now?: number): number
  /** A failed authentication counts against the address: 0 while the address is within its budget. */
  takeFailure(address: string, now?: number): number
}

export interface RequestLimitOptions {
  /** Requests a minute per client address (the burst is the same number). */
  perMinute: number
  /** A key's budget is this many times an address's (a site has many visitors). */
  keyMultiplier: number
  /** Buckets (and addresses tracked per key) kept at most. Default 50,000. */
  maxKeys?: number
}

const ACTIVE_WINDOW_MS = 60_000

/**
 * Per-address buckets (IPv6 grouped by /64) and per-key buckets. A key's budget is shared fairly: when it is
 * spent, an address that has used no more than an equal share of it (key capacity ÷ addresses active on the key in
 * the last minute) is still served, so one client with many addresses cannot lock out a site's other visitors.
 * Only heavier addresses are refused; the key can overshoot by at most its capacity again.
 */
export function createRequestLimits(options: RequestLimitOptions): RequestLimits {
  const maxKeys = options.maxKeys ?? 50_000
  const addresses = createRateLimiter({ perMinute: options.perMinute, maxKeys })
  const keys = createRateLimiter({ perMinute: options.perMinute * options.keyMultiplier, maxKeys })
  const activity = new Map<string, Map<string, number>>()

  const activeOn = (key: string, group: string, now: number): number => {
    let seen = activity.get(key)
    if (!seen) {
      seen = new Map()
      activity.set(key, seen)
    }
    seen.delete(group)
    seen.set(group, now)
    // Oldest sightings come first (re-inserted on each sighting): drop them once outside the window or over the cap.
    for (const [oldest, at] of seen) {
      if (at > now - ACTIVE_WINDOW_MS && seen.size <= maxKeys) break
      seen.delete(oldest)
    }
    return seen.size
  }

  return {
    takePublishable(key, address, now = Date.now()) {
      const group = addressGroup(address)
      const addressWait = addresses.take(group, now)
      if (addressWait > 0) return addressWait
      const active = activeOn(key, group, now)
      const keyWait = keys.take(key, now)
      if (keyWait === 0) return 0
      return addresses.used(group, now) <= keys.capacity / active ? 0 : keyWait
    },
    takeSecret: (label, now = Date.now()) => keys.take(label, now),
    takeFailure: (address, now = Date.now()) => addresses.take(addressGroup(address), now),
  }
}
