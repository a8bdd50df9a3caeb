import { AppError } from '../core/index.ts'

/** The outcome of taking tokens from a bucket. */
export interface TakeResult {
  /** True when the tokens were taken. */
  ok: boolean
  /** When refused: milliseconds until enough tokens will be there (0 when ok). */
  retryAfterMs: number
  /** Tokens left in the bucket after this call (fractional). */
  remaining: number
}

/** Token buckets, one per key: the primitive under per-client and per-key rate limits. */
export interface RateLimiter {
  /**
   * Takes `cost` tokens from the bucket `key`, which holds at most `capacity` tokens, starts full and refills at
   * `refillPerSec` tokens a second. Atomic: concurrent callers (on any replica) never take the same token twice.
   * Throws `input.invalid` when cost is not in 1..capacity or the refill rate is not positive.
   */
  take(key: string, cost: number, capacity: number, refillPerSec: number): Promise<TakeResult>
}

/**
 * Recognises repeated deliveries (Slack retries, replayed commands). Shaped like the Slack `Deduper`, so it can be
 * passed where that is expected.
 */
export interface SharedDeduper {
  /** True the first time `key` is seen within `ttlMs` (default: the state's dedupe TTL); false for a repeat. */
  firstSeen(key: string, ttlMs?: number): Promise<boolean>
}

/** What {@link IdempotencyStore.claim} found for a key. */
export type IdempotencyClaim =
  /** This caller is first: it runs the request, then calls `complete` (or `abandon` on failure) with `token`. */
  | { state: 'claimed'; token: string }
  /** Another request with this key is running (its claim lasts until its TTL). */
  | { state: 'in_progress' }
  /** The request already ran: its stored reply. */
  | { state: 'done'; reply: string }

/** Idempotency keys: the first request with a key runs, its reply is kept for a while and repeats get it back. */
export interface IdempotencyStore {
  /** Claims `key` (an in-progress marker that lapses after `inProgressTtlMs`, so a crashed claimant frees it). */
  claim(key: string, inProgressTtlMs: number): Promise<IdempotencyClaim>
  /**
   * Stores `reply` for `key`, kept `ttlMs`, if `token` still holds the claim. False when the claim lapsed and
   * someone else claimed or completed the key meanwhile: the first writer wins.
   */
  complete(key: string, token: string, reply: string, ttlMs: number): Promise<boolean>
  /** Gives up a claim (the request failed), so a retry can run; no effect unless `token` holds it. */
  abandon(key: string, token: string): Promise<void>
}

/** A held turn lock. */
export interface TurnLock {
  readonly key: string
  /** Proves ownership; a lock taken over after its lease ran out has another token. */
  readonly token: string
  /** Extends the lease to `leaseMs` from now; false when the lock is no longer ours (the lease ran out). */
  renew(leaseMs: number): Promise<boolean>
  /** Releases the lock if still ours; false when it had already been lost. Idempotent. */
  release(): Promise<boolean>
}

export interface AcquireOptions {
  /** How long the lock is held unless renewed: a crashed holder frees it after this. */
  leaseMs: number
  /** How long to keep retrying before giving up; 0 tries once. */
  waitMs: number
  signal?: AbortSignal
}

/** One lock per conversation, so two turns of it never run at once, on one replica or several. */
export interface TurnLocks {
  /** The lock, or undefined when someone else holds it. */
  tryAcquire(key: string, leaseMs: number): Promise<TurnLock | undefined>
  /**
   * Waits for the lock, retrying with growing, jittered pauses. Throws `unavailable` (details.reason
   * `lock_timeout`) when `waitMs` passes without getting it, and the signal's reason when aborted.
   */
  acquire(key: string, options: AcquireOptions): Promise<TurnLock>
}

/** "Build X is current": lets replicas swap to a new build together. */
export interface BuildNotices {
  /** Records `buildId` as current and tells every subscriber (on every replica). */
  publish(buildId: string): Promise<void>
  /** The last build published, for a replica that starts later; undefined when none was. */
  current(): Promise<string | undefined>
  /** Calls `listener` with each build published from now on; returns the unsubscribe function. */
  subscribe(listener: (buildId: string) => void): Promise<() => void>
}

/** What replicas share, in memory (one process) or in Redis (several). */
export interface SharedState {
  readonly kind: 'memory' | 'redis'
  limiter: RateLimiter
  deduper: SharedDeduper
  idempotency: IdempotencyStore
  turnLocks: TurnLocks
  builds: BuildNotices
  /** Releases connections and timers. Idempotent. */
  close(): Promise<void>
}

/** Refuses a bucket request that could never succeed or never refill. One place for both implementations. */
export function checkBucket(cost: number, capacity: number, refillPerSec: number): void {
  const valid =
    Number.isFinite(cost) && cost > 0 && Number.isFinite(capacity) && cost <= capacity && Number.isFinite(refillPerSec)
  if (!valid || refillPerSec <= 0) {
    throw new AppError('input.invalid', 'A rate-limit bucket needs 0 < cost ≤ capacity and a positive refill rate', {
      details: { cost, capacity, refillPerSec },
    })
  }
}

/** Refuses a TTL or lease that is not a positive whole number of milliseconds. */
export function checkMs(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new AppError('input.invalid', `${name} must be a positive whole number of milliseconds, got ${ms}`, {
      details: { [name]: ms },
    })
  }
}
