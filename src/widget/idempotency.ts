import { createHash } from 'node:crypto'
import { AppError } from '../core/index.ts'

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
        if (known.fingerprint !== fingerprint) {
          throw new AppError('input.invalid', 'This Idempotency-Key was already used for a different message.', {
            details: { field: 'header.idempotency-key' },
          })
        }
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
