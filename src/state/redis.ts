import { createHash, randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { AppError, errorMessage, redactUrl, wrapError } from '../core/index.ts'
import { acquireWithBackoff } from './acquire.ts'
import { CLAIM_KEY, DELETE_IF, REPLACE_IF, TAKE_TOKENS } from './redis-scripts.ts'
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

export interface RedisStateOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string
  /** Put before every key and channel, so several deployments can share one Redis. */
  prefix: string
  /** Default window of `deduper.firstSeen`. */
  dedupeTtlMs: number
  /** How long to wait for the server at start-up and per command before failing. */
  timeoutMs?: number
}

/** Runs a Lua script by its SHA-1, sending its text once when the server does not know it yet. */
type RunScript = (script: string, keys: string[], args: (string | number)[]) => Promise<unknown>

/** A Redis command's result; a failure (server gone, timeout) becomes `unavailable`, which edges answer as 503. */
async function call<T>(command: Promise<T>): Promise<T> {
  try {
    return await command
  } catch (error) {
    throw wrapError(error, 'unavailable', `Redis did not answer: ${errorMessage(error)}`)
  }
}

function scriptRunner(client: Redis): RunScript {
  const shas = new Map<string, string>()
  const evalsha = async (sha: string, script: string, keys: string[], args: (string | number)[]) => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!errorMessage(error).startsWith('NOSCRIPT')) throw error
      return client.eval(script, keys.length, ...keys, ...args)
    }
  }
  return (script, keys, args) => {
    let sha = shas.get(script)
    if (sha === undefined) {
      sha = createHash('sha1').update(script).digest('hex')
      shas.set(script, sha)
    }
    return call(evalsha(sha, script, keys, args))
  }
}

/**
 * Shared state in Redis, for several replicas. Ready on return: connects and pings first. Throws `unavailable`
 * (details.url without the password) when the server does not answer within `timeoutMs`.
 */
export async function createRedisState(options: RedisStateOptions): Promise<SharedState> {
  const timeoutMs = options.timeoutMs ?? 2000
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    // After a drop, reconnect for as long as it takes; commands meanwhile fail fast as `unavailable`.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  })
  client.on('error', () => {}) // surfaced by the failing command instead
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    client.disconnect()
    throw new AppError('unavailable', `Cannot reach Redis at ${redactUrl(options.url)}: check CONCIERGE_REDIS_URL`, {
      cause: error,
      details: { url: redactUrl(options.url), reason: errorMessage(error) },
    })
  }
  const run = scriptRunner(client)
  const key = (kind: string, name: string) => `${options.prefix}${kind}:${name}`
  const builds = redisBuilds(client, key('build', 'current'), key('build', 'notices'))
  let closed: Promise<void> | undefined
  return {
    kind: 'redis',
    limiter: redisLimiter(run, (k) => key('bucket', k)),
    deduper: redisDeduper(client, (k) => key('seen', k), options.dedupeTtlMs),
    idempotency: redisIdempotency(run, (k) => key('idem', k)),
    turnLocks: redisTurnLocks(client, run, (k) => key('lock', k)),
    builds,
    close: () =>
      (closed ??= (async () => {
        await builds.close()
        await client.quit().catch(() => client.disconnect())
      })()),
  }
}

function redisLimiter(run: RunScript, key: (name: string) => string): RateLimiter {
  return {
    take: async (name, cost, capacity, refillPerSec) => {
      checkBucket(cost, capacity, refillPerSec)
      const [ok, retry, remaining] = (await run(TAKE_TOKENS, [key(name)], [cost, capacity, refillPerSec])) as [
        number,
        number,
        string,
      ]
      return { ok: ok === 1, retryAfterMs: Number(retry), remaining: Number(remaining) }
    },
  }
}

function redisDeduper(client: Redis, key: (name: string) => string, defaultTtlMs: number): SharedDeduper {
  return {
    firstSeen: async (name, ttlMs = defaultTtlMs) => {
      checkMs('ttlMs', ttlMs)
      return (await call(client.set(key(name), '1', 'PX', ttlMs, 'NX'))) === 'OK'
    },
  }
}

function redisIdempotency(run: RunScript, key: (name: string) => string): IdempotencyStore {
  return {
    claim: async (name, inProgressTtlMs) => {
      checkMs('inProgressTtlMs', inProgressTtlMs)
      const token = randomUUID()
      const [state, reply] = (await run(CLAIM_KEY, [key(name)], [token, inProgressTtlMs])) as [string, string?]
      if (state === 'claimed') return { state, token }
      if (state === 'done') return { state, reply: reply ?? '' }
      return { state: 'in_progress' }
    },
    complete: async (name, token, reply, ttlMs) => {
      checkMs('ttlMs', ttlMs)
      return (await run(REPLACE_IF, [key(name)], [`p:${token}`, `d:${reply}`, ttlMs])) === 1
    },
    abandon: async (name, token) => {
      await run(DELETE_IF, [key(name)], [`p:${token}`])
    },
  }
}

function redisTurnLocks(client: Redis, run: RunScript, key: (name: string) => string): TurnLocks {
  const tryAcquire = async (name: string, leaseMs: number): Promise<TurnLock | undefined> => {
    checkMs('leaseMs', leaseMs)
    const token = randomUUID()
    if ((await call(client.set(key(name), token, 'PX', leaseMs, 'NX'))) !== 'OK') return undefined
    let released = false
    return {
      key: name,
      token,
      renew: async (ms) => {
        checkMs('leaseMs', ms)
        return !released && (await run(REPLACE_IF, [key(name)], [token, token, ms])) === 1
      },
      release: async () => {
        if (released) return false
        released = true
        return (await run(DELETE_IF, [key(name)], [token])) === 1
      },
    }
  }
  return { tryAcquire, acquire: (name, options) => acquireWithBackoff(name, options, tryAcquire) }
}

/** Publishes on a channel and keeps the last build in a key; subscribes on a second connection (Redis needs one). */
function redisBuilds(client: Redis, currentKey: string, channel: string): BuildNotices & { close(): Promise<void> } {
  const listeners = new Set<(buildId: string) => void>()
  let subscriber: Promise<Redis> | undefined
  const subscribed = () =>
    (subscriber ??= (async () => {
      const connection = client.duplicate()
      connection.on('error', () => {})
      connection.on('message', (from: string, buildId: string) => {
        if (from === channel) for (const listener of [...listeners]) listener(buildId)
      })
      await connection.subscribe(channel)
      return connection
    })())
  return {
    publish: async (buildId) => {
      await call(client.multi().set(currentKey, buildId).publish(channel, buildId).exec())
    },
    current: async () => (await call(client.get(currentKey))) ?? undefined,
    subscribe: async (listener) => {
      await call(subscribed())
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close: async () => {
      listeners.clear()
      if (subscriber) await (await subscriber).quit().catch(() => undefined)
    },
  }
}
