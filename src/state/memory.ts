import { randomUUID } from 'node:crypto'
import { acquireWithBackoff } from './acquire.ts'
import {
  type BuildNotices,
  checkBucket,
  checkMs,
  type IdempotencyStore,
  type RateLimiter,
  type SharedDeduper,
  type SharedState,
  type TurnLock,
  type TurnLocks,
} from './types.ts'

export interface MemoryStateOptions {
  /** Default window of `deduper.firstSeen`. */
  dedupeTtlMs: number
  /** Most keys kept per kind (buckets, dedupe, idempotency, locks); the oldest go first beyond it. */
  maxKeys?: number
  now?: () => number
}

/** Keys with an expiry, oldest first, like a tiny Redis: what the memory implementations are built on. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>()
  constructor(
    private readonly now: () => number,
    private readonly maxKeys: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > this.now()) return entry.value
    this.entries.delete(key)
    return undefined
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs })
    this.evict()
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  private evict(): void {
    const at = this.now()
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxKeys && entry.expiresAt > at) break
      this.entries.delete(key)
    }
  }
}

/** In-memory shared state: right for one process; replicas each keep their own (see the Redis one). */
export function createMemoryState(options: MemoryStateOptions): SharedState {
  const now = options.now ?? Date.now
  const map = <V>() => new ExpiringMap<V>(now, options.maxKeys ?? 100_000)
  const builds = memoryBuilds()
  return {
    kind: 'memory',
    limiter: memoryLimiter(map(), now),
    deduper: memoryDeduper(map(), options.dedupeTtlMs),
    idempotency: memoryIdempotency(map()),
    turnLocks: memoryTurnLocks(map()),
    builds,
    close: async () => builds.clear(),
  }
}

function memoryLimiter(buckets: ExpiringMap<{ tokens: number; at: number }>, now: () => number): RateLimiter {
  return {
    take: async (key, cost, capacity, refillPerSec) => {
      checkBucket(cost, capacity, refillPerSec)
      const at = now()
      const bucket = buckets.get(key) ?? { tokens: capacity, at }
      let tokens = Math.min(capacity, bucket.tokens + (Math.max(0, at - bucket.at) * refillPerSec) / 1000)
      const ok = tokens >= cost
      if (ok) tokens -= cost
      // A bucket untouched for as long as it takes to fill is full again, so it can be forgotten.
      buckets.set(key, { tokens, at }, Math.ceil((capacity * 1000) / refillPerSec) + 1000)
      const retryAfterMs = ok ? 0 : Math.ceil(((cost - tokens) * 1000) / refillPerSec)
      return { ok, retryAfterMs, remaining: tokens }
    },
  }
}

function memoryDeduper(seen: ExpiringMap<true>, defaultTtlMs: number): SharedDeduper {
  return {
    firstSeen: async (key, ttlMs = defaultTtlMs) => {
      checkMs('ttlMs', ttlMs)
      if (seen.get(key)) return false
      seen.set(key, true, ttlMs)
      return true
    },
  }
}

type IdempotencyEntry = { state: 'in_progress'; token: string } | { state: 'done'; reply: string }

function memoryIdempotency(entries: ExpiringMap<IdempotencyEntry>): IdempotencyStore {
  const heldBy = (key: string, token: string) => {
    const entry = entries.get(key)
    return entry?.state === 'in_progress' && entry.token === token
  }
  return {
    claim: async (key, inProgressTtlMs) => {
      checkMs('inProgressTtlMs', inProgressTtlMs)
      const entry = entries.get(key)
      if (entry?.state === 'done') return { state: 'done', reply: entry.reply }
      if (entry) return { state: 'in_progress' }
      const token = randomUUID()
      entries.set(key, { state: 'in_progress', token }, inProgressTtlMs)
      return { state: 'claimed', token }
    },
    complete: async (key, token, reply, ttlMs) => {
      checkMs('ttlMs', ttlMs)
      if (!heldBy(key, token)) return false
      entries.set(key, { state: 'done', reply }, ttlMs)
      return true
    },
    abandon: async (key, token) => {
      if (heldBy(key, token)) entries.delete(key)
    },
  }
}

function memoryTurnLocks(owners: ExpiringMap<string>): TurnLocks {
  const tryAcquire = async (key: string, leaseMs: number): Promise<TurnLock | undefined> => {
    checkMs('leaseMs', leaseMs)
    if (owners.get(key) !== undefined) return undefined
    const token = randomUUID()
    owners.set(key, token, leaseMs)
    let released = false
    return {
      key,
      token,
      renew: async (ms) => {
        checkMs('leaseMs', ms)
        if (released || owners.get(key) !== token) return false
        owners.set(key, token, ms)
        return true
      },
      release: async () => {
        if (released) return false
        released = true
        if (owners.get(key) !== token) return false
        owners.delete(key)
        return true
      },
    }
  }
  return { tryAcquire, acquire: (key, options) => acquireWithBackoff(key, options, tryAcquire) }
}

function memoryBuilds(): BuildNotices & { clear(): void } {
  const listeners = new Set<(buildId: string) => void>()
  let current: string | undefined
  return {
    publish: async (buildId) => {
      current = buildId
      for (const listener of [...listeners]) listener(buildId)
    },
    current: async () => current,
    subscribe: async (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    clear: () => listeners.clear(),
  }
}
