import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../core/index.ts'
import type { IdempotencyStore as SharedIdempotency } from '../state/index.ts'

/**
 * Remembers what a request with an `Idempotency-Key` produced, so a client retrying after a lost response gets the
 * same reply and the turn does not run twice. The in-memory store below serves one process; a shared store
 * (Redis: SET NX for the claim, the value under the key with an expiry) can implement the same interface.
 */
export interface IdempotencyStore<T> {
  /**
   * Runs `work` once per `key` while the key is remembered: a later call with the same key and the same `fingerprint`
   * gets the first call's value (waiting while it runs). A failed `work` is not remembered, so a retry runs again.
   * Rejects with `input.invalid` when the key was used with a different fingerprint (another request body).
   */
  once(key: string, fingerprint: string, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }>
}

export interface MemoryIdempotencyOptions {
  /** How long a key is remembered. Default 24 h. */
  ttlMs?: number
  /** Keys remembered at most; the oldest are forgotten first. Default 10,000. */
  maxEntries?: number
  now?: () => number
}

interface Entry<T> {
  fingerprint: string
  expiresAt: number
  value: Promise<T>
}

export function createMemoryIdempotencyStore<T>(options: MemoryIdempotencyOptions = {}): IdempotencyStore<T> {
  const ttlMs = options.ttlMs ?? 24 * 3600_000
  const maxEntries = options.maxEntries ?? 10_000
  const now = options.now ?? Date.now
  // Insertion order is expiry order (every entry lives ttlMs), so expired entries are always at the front.
  const entries = new Map<string, Entry<T>>()

  const forgetExpired = (at: number) => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt > at && entries.size <= maxEntries) break
      entries.delete(key)
    }
  }

  return {
    async once(key, fingerprint, work) {
      const at = now()
      forgetExpired(at)
      const known = entries.get(key)
      if (known) {
        if (known.fingerprint !== fingerprint) throw reusedKey()
        return { value: await known.value, replayed: true }
      }
      const value = work()
      const entry = { fingerprint, expiresAt: at + ttlMs, value }
      entries.set(key, entry)
      forgetExpired(at)
      try {
        return { value: await value, replayed: false }
      } catch (error) {
        if (entries.get(key) === entry) entries.delete(key)
        throw error
      }
    },
  }
}

/** A short digest of a request body, to tell a retry from another request reusing the key. */
export function fingerprintOf(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22)
}

export interface SharedIdempotencyOptions {
  /** How long a finished reply is kept. Default 24 h. */
  ttlMs?: number
  /** How long a claim lasts while its turn runs: a replica killed mid-turn frees the key after this. Default 2 min. */
  inProgressTtlMs?: number
  /** How often a repeat polls while the first request runs elsewhere. Default 100 ms. */
  pollMs?: number
}

/**
 * The widget's idempotency keys over the shared store (Redis with replicas), so a retry that reaches another
 * replica gets the stored reply too. Values are kept as JSON beside the request's fingerprint; a repeat that arrives
 * while the first request runs waits for its reply (up to the claim's lifetime, then runs itself).
 */
export function createSharedIdempotencyStore<T>(
  shared: SharedIdempotency,
  options: SharedIdempotencyOptions = {},
): IdempotencyStore<T> {
  const ttlMs = options.ttlMs ?? 24 * 3600_000
  const inProgressTtlMs = options.inProgressTtlMs ?? 120_000
  const pollMs = options.pollMs ?? 100
  const replay = (fingerprint: string, reply: string) => {
    const stored = JSON.parse(reply) as { fingerprint: string; value: T }
    if (stored.fingerprint !== fingerprint) throw reusedKey()
    return { value: stored.value, replayed: true }
  }
  const once: IdempotencyStore<T>['once'] = async (key, fingerprint, work) => {
    const deadline = Date.now() + inProgressTtlMs
    for (;;) {
      const claim = await shared.claim(key, inProgressTtlMs)
      if (claim.state === 'done') return replay(fingerprint, claim.reply)
      if (claim.state === 'claimed') return runClaimed(key, claim.token, fingerprint, work)
      if (Date.now() > deadline) return runClaimed(key, undefined, fingerprint, work)
      await sleep(pollMs)
    }
  }
  const runClaimed = async (key: string, token: string | undefined, fingerprint: string, work: () => Promise<T>) => {
    let value: T
    try {
      value = await work()
    } catch (error) {
      if (token) await shared.abandon(key, token)
      throw error
    }
    if (token) await shared.complete(key, token, JSON.stringify({ fingerprint, value }), ttlMs)
    return { value, replayed: false }
  }
  return { once }
}

const reusedKey = () =>
  new AppError('input.invalid', 'This Idempotency-Key was already used for a different message.', {
    details: { field: 'header.idempotency-key' },
  })
