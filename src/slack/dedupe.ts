import { createHash } from 'node:crypto'

/**
 * Remembers keys (Slack event ids, message timestamps, slash-command and button deliveries) for a while, with a
 * cap, so a retried or replayed delivery is recognised. Asynchronous so that a shared store (Redis `SET NX PX`)
 * can implement it for several replicas; {@link createDeduper} is the in-memory default.
 */
export interface Deduper {
  /** True the first time a key is seen within the time window; false for a repeat. */
  firstSeen(key: string): Promise<boolean>
}

export interface MemoryDeduper extends Deduper {
  readonly size: number
}

/**
 * In-memory deduper. After a restart a repeat is processed once more, which Slack's retry window makes rare.
 * The oldest keys go first when `max` is reached.
 */
export function createDeduper(options: { ttlMs: number; max: number; now?: () => number }): MemoryDeduper {
  const now = options.now ?? Date.now
  // Map keeps insertion order, so the oldest entries are at the front.
  const seen = new Map<string, number>()
  const evict = (at: number) => {
    for (const [key, expires] of seen) {
      if (expires > at && seen.size <= options.max) break
      seen.delete(key)
    }
  }
  const firstSeen = (key: string) => {
    const at = now()
    evict(at)
    const expires = seen.get(key)
    if (expires !== undefined && expires > at) return false
    seen.set(key, at + options.ttlMs)
    if (seen.size > options.max) evict(at)
    return true
  }
  return {
    firstSeen: async (key) => firstSeen(key),
    get size() {
      return seen.size
    },
  }
}

/**
 * The identity of one Slack delivery, the same for a retry or a replay of it and different for anything the
 * person did anew: the event id of an Events API callback; for a slash command the invocation's trigger id and
 * response URL; for an interactive payload its trigger id and the pressed action's timestamp. Undefined for bodies
 * that carry none of these (url_verification, ssl_check), which are not deduplicated. Command and click keys are
 * hashed: a response URL is a capability and should not sit in a shared store.
 */
export function deliveryKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const b = body as Record<string, unknown>
  if (typeof b.event_id === 'string') return `event:${b.event_id}`
  if (typeof b.command === 'string') {
    const parts = [b.team_id, b.user_id, b.trigger_id, b.response_url]
    return parts.some((p) => typeof p === 'string' && p !== '') ? `command:${digest(parts)}` : undefined
  }
  if (typeof b.type === 'string' && typeof b.trigger_id === 'string') {
    const user = b.user as { id?: unknown } | undefined
    const action = (Array.isArray(b.actions) ? b.actions[0] : undefined) as Record<string, unknown> | undefined
    const parts = [b.type, user?.id, b.trigger_id, action?.action_ts, action?.action_id, action?.block_id]
    return `interaction:${digest(parts)}`
  }
  return undefined
}

function digest(parts: unknown[]): string {
  const joined = parts.map((p) => (typeof p === 'string' ? p : '')).join('\u0000')
  return createHash('sha256').update(joined).digest('base64url')
}
