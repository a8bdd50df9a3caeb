import type { Config } from '../config/index.ts'
import { createMemoryState } from './memory.ts'
import { createRedisState } from './redis.ts'
import type { SharedState } from './types.ts'

/** Slack retries a delivery for up to about an hour at most; remembering ids for two covers replays too. */
export const DEFAULT_DEDUPE_TTL_MS = 2 * 60 * 60 * 1000

/**
 * The shared state for this process: in Redis when `redis.url` (CONCIERGE_REDIS_URL) is set, so replicas share
 * rate limits, dedupe, idempotency keys, turn locks and build notices; in memory otherwise. Ready on return;
 * throws `unavailable` when Redis is configured but does not answer.
 */
export async function createSharedState(config: Config['redis']): Promise<SharedState> {
  if (config.url === undefined) return createMemoryState({ dedupeTtlMs: DEFAULT_DEDUPE_TTL_MS })
  return createRedisState({ url: config.url, prefix: config.prefix, dedupeTtlMs: DEFAULT_DEDUPE_TTL_MS })
}
