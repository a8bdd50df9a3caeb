import { Redis } from 'ioredis'

/** The Redis the shared-state tests use: CONCIERGE_TEST_REDIS_URL, else the local server CI and dev machines run. */
export const TEST_REDIS_URL = process.env.CONCIERGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** Undefined when the test Redis answers; otherwise why it does not (printed by the skipped tests). */
export async function redisUnavailable(): Promise<string | undefined> {
  const probe = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
    return undefined
  } catch (error) {
    return `no Redis answers at ${TEST_REDIS_URL} (${(error as Error).message}); set CONCIERGE_TEST_REDIS_URL`
  } finally {
    probe.disconnect()
  }
}

/** Deletes every key under `prefix` (a test run's own namespace). */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
  } finally {
    client.disconnect()
  }
}
