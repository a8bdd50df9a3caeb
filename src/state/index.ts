/**
 * State that several replicas share: rate-limit buckets, delivery dedupe, idempotency keys, per-conversation turn
 * locks and the "build X is current" notice. Each sits behind an interface with two implementations: memory (the
 * default, right for one process) and Redis (CONCIERGE_REDIS_URL, for replicas). The same contract tests run
 * against both (src/state/state.test.ts).
 *
 * Wiring: `const state = await createSharedState(config.redis)` in the composition root, then
 * - widget rate limits: `state.limiter.take(key, cost, capacity, refillPerSec)` → `{ ok, retryAfterMs, remaining }`
 * - Slack dedupe: `state.deduper` is a Slack `Deduper` (`firstSeen(key)`; an optional second argument sets the TTL)
 * - idempotency keys: `claim` → run the request → `complete` (or `abandon` on failure); repeats get `done` + reply
 * - turn queue: `turnLocks.acquire(conversationId, { leaseMs, waitMs })`, `renew` for long turns, `release` after
 * - hot swap: `builds.publish(buildId)` after a rebuild; every replica's `builds.subscribe(load)` swaps to it
 * and `await state.close()` on shutdown.
 */

export { createSharedState, DEFAULT_DEDUPE_TTL_MS } from './create.ts'
export { DEFAULT_TURN_LOCK, type TurnLockOptions, withTurnLocks } from './locked-chat.ts'
export { createMemoryState, type MemoryStateOptions } from './memory.ts'
export { createRedisState, type RedisStateOptions } from './redis.ts'
export type {
  AcquireOptions,
  BuildNotices,
  IdempotencyClaim,
  IdempotencyStore,
  RateLimiter,
  SharedDeduper,
  SharedState,
  TakeResult,
  TurnLock,
  TurnLocks,
} from './types.ts'
