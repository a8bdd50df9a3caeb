import type { RateLimiter as SharedRateLimiter, TakeResult } from '../state/index.ts'
import { addressGroup } from './client-address.ts'
import { createRateLimiter } from './rate-limit.ts'

/** Seconds to wait (0 when allowed): at once in memory, after a round trip with shared buckets. */
type Wait = number | Promise<number>

/** Rate limits of the API: per client address, per key, and for failed authentication. */
export interface RequestLimits {
  /** A request under a publishable key from a client address: 0 when allowed, else seconds to wait. */
  takePublishable(key: string, address: string, now?: number): Wait
  /** A request under a secret key (servers): its key's budget only. */
  takeSecret(label: string, now?: number): Wait
  /** A failed authentication counts against the address: 0 while the address is within its budget. */
  takeFailure(address: string, now?: number): Wait
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
  const activeOn = createActivity(maxKeys)

  return {
    takePublishable(key, address, now = Date.now()) {
      const group = addressGroup(address)
      const addressWait = addresses.take(group, now)
      if (addressWait > 0) return addressWait
      const active = activeOn(key, group, now)
      const keyWait = keys.take(key, now)
      if (keyWait === 0) return 0
      return withinFairShare(addresses.used(group, now), keys.capacity, active) ? 0 : keyWait
    },
    takeSecret: (label, now = Date.now()) => keys.take(label, now),
    takeFailure: (address, now = Date.now()) => addresses.take(addressGroup(address), now),
  }
}

/** An address that used no more than an equal share of its key's budget is served when the key is spent. */
function withinFairShare(usedByAddress: number, keyCapacity: number, activeAddresses: number): boolean {
  return usedByAddress <= keyCapacity / activeAddresses
}

/** Counts the address groups seen on each key in the last minute (at most `maxKeys` per key). */
function createActivity(maxKeys: number): (key: string, group: string, now: number) => number {
  const activity = new Map<string, Map<string, number>>()
  return (key, group, now) => {
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
}

/**
 * The same limits with buckets in the shared state (Redis with replicas), so N replicas allow the configured rate,
 * not N times it. The fair share counts the addresses this replica saw on a key (a load balancer spreads them
 * alike), against the bucket's shared use.
 */
export function createSharedRequestLimits(limiter: SharedRateLimiter, options: RequestLimitOptions): RequestLimits {
  const addressCapacity = options.perMinute
  const keyCapacity = options.perMinute * options.keyMultiplier
  const activeOn = createActivity(options.maxKeys ?? 50_000)
  const takeAddress = (group: string) => limiter.take(`rate:address:${group}`, 1, addressCapacity, addressCapacity / 60)
  const takeKey = (key: string) => limiter.take(`rate:key:${key}`, 1, keyCapacity, keyCapacity / 60)
  const wait = (result: TakeResult) => (result.ok ? 0 : Math.max(1, Math.ceil(result.retryAfterMs / 1000)))
  return {
    async takePublishable(key, address, now = Date.now()) {
      const group = addressGroup(address)
      const byAddress = await takeAddress(group)
      if (!byAddress.ok) return wait(byAddress)
      const active = activeOn(key, group, now)
      const byKey = await takeKey(key)
      if (byKey.ok) return 0
      return withinFairShare(addressCapacity - byAddress.remaining, keyCapacity, active) ? 0 : wait(byKey)
    },
    takeSecret: async (label) => wait(await takeKey(label)),
    takeFailure: async (address) => wait(await takeAddress(addressGroup(address))),
  }
}
