import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSchemas, postgresUnavailable } from '../support/postgres.ts'
import { dropRedisPrefix, redisUnavailable, TEST_REDIS_URL } from '../support/redis.ts'
import { type Replica, startReplica } from '../support/replicas.ts'
import { ML_TINY, tinyBuild } from '../support/tiny-build.ts'

// Two `concierge serve` processes sharing PostgreSQL (a fresh schema) and Redis (a prefix of this run's own), as
// replicas behind a load balancer would.
const missing = (await postgresUnavailable()) ?? (await redisUnavailable())
if (missing) console.warn(`[replicas] skipping the replica tests: ${missing}`)

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
    body: JSON.stringify(body),
  })

type Reply = { reply: { text: string; items: { id: string }[] } }

describe.skipIf(missing)('two replicas on shared PostgreSQL and Redis', () => {
  const schemas = createSchemas()
  const prefix = `concierge-replicas-test:${randomUUID()}:`
  let dir: string
  let storeUrl: string
  let a: Replica
  let b: Replica

  // What the store holds for a widget conversation (the session the replicas share).
  const session = async (conversation: string) => {
    const client = new pg.Client({ connectionString: storeUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ state: string }>('SELECT state FROM sessions WHERE conversation_id = $1', [
        `web:demo:${conversation}`,
      ])
      return rows[0] ? (JSON.parse(rows[0].state) as { turn: number; liked: string[]; shown: string[] }) : undefined
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-replicas-'))
    await tinyBuild(dir)
    storeUrl = await schemas.fresh()
    const env = {
      CONCIERGE_DATA_DIR: ML_TINY,
      CONCIERGE_ENCODER: 'transformers',
      CONCIERGE_TRANSFORMERS_MODEL: join(dir, 'model'),
      CONCIERGE_EMBED_WORKERS: '1',
      CONCIERGE_INDEXES_DIR: join(dir, 'indexes'),
      CONCIERGE_MODELS_DIR: join(dir, 'models'),
      CONCIERGE_STORE_URL: storeUrl,
      CONCIERGE_REDIS_URL: TEST_REDIS_URL,
      CONCIERGE_REDIS_PREFIX: prefix,
      CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000',
      CONCIERGE_LOG_LEVEL: 'warn',
      CONCIERGE_LOG_FORMAT: 'json',
    }
    ;[a, b] = await Promise.all([startReplica(env), startReplica(env)])
  }, 120_000)

  afterAll(async () => {
    for (const replica of [a, b]) replica?.process.kill('SIGKILL')
    await schemas.drop()
    await dropRedisPrefix(prefix)
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('keeps one conversation across replicas: what was shown is not shown again, and a like holds', async () => {
    const first = (await (
      await post(a.url, '/v1/conversations/alt/messages', { text: 'something fun', userId: 'ann' })
    ).json()) as Reply
    const shownFirst = first.reply.items.map((item) => item.id)
    expect(shownFirst.length).toBeGreaterThan(0)
    const liked = shownFirst[0] as string
    expect((await post(b.url, '/v1/conversations/alt/feedback', { itemId: liked, kind: 'like', userId: 'ann' })).status).toBe(200)
    const second = (await (
      await post(b.url, '/v1/conversations/alt/messages', { text: 'more like that', userId: 'ann' })
    ).json()) as Reply
    for (const item of second.reply.items) expect(shownFirst).not.toContain(item.id)
    const stored = await session('alt')
    expect(stored).toMatchObject({ turn: 2 })
    expect(stored?.liked).toContain(liked)
    expect(stored?.shown).toEqual(expect.arrayContaining(shownFirst))
  })

  it('serialises two turns of one conversation sent to both replicas at once: both answered, both recorded', async () => {
    for (let round = 0; round < 3; round++) {
      const statuses = await Promise.all([
        post(a.url, '/v1/conversations/both/messages', { text: 'a comedy', userId: 'bo' }).then((r) => r.status),
        post(b.url, '/v1/conversations/both/messages', { text: 'a space film', userId: 'bo' }).then((r) => r.status),
      ])
      expect(statuses).toEqual([200, 200])
    }
    expect((await session('both'))?.turn).toBe(6)
  })

  it('keeps serving when one replica is killed under load, and loses no acknowledged feedback', async () => {
    const items = ['1', '2571', '29', '114335', '149334']
    const acknowledged: { user: string; item: string }[] = []
    const send = async (replica: Replica, i: number) => {
      const user = `load-${i}`
      const item = items[i % items.length] as string
      const response = await post(replica.url, `/v1/conversations/load-${i}/feedback`, {
        itemId: item,
        kind: 'like',
        userId: user,
      }).catch(() => undefined)
      if (response?.status === 200) acknowledged.push({ user, item })
      return { replica, status: response?.status }
    }
    const turnsOnB = Array.from({ length: 6 }, (_, i) =>
      post(b.url, `/v1/conversations/load-turn-${i}/messages`, { text: 'a drama' }).then((r) => r.status),
    )
    // Requests keep arriving at both while A is killed halfway through: A's later ones fail, B's must not.
    const sent: ReturnType<typeof send>[] = []
    for (let i = 0; i < 80; i++) {
      if (i === 40) a.process.kill('SIGKILL')
      sent.push(send(i % 2 ? b : a, i))
      await sleep(2)
    }
    const results = await Promise.all(sent)
    expect(results.filter((r) => r.replica === b).every((r) => r.status === 200)).toBe(true)
    expect(results.some((r) => r.replica === a && r.status !== 200)).toBe(true)
    expect(await Promise.all(turnsOnB)).toEqual(Array(6).fill(200))
    expect((await post(b.url, '/v1/conversations/after-kill/messages', { text: 'anything' })).status).toBe(200)
    const client = new pg.Client({ connectionString: storeUrl })
    await client.connect()
    try {
      const { rows } = await client.query<{ user_id: string; item_id: string }>(
        "SELECT user_id, item_id FROM preferences WHERE kind = 'like' AND user_id LIKE 'web:%'",
      )
      const stored = new Set(rows.map((row) => `${row.user_id}|${row.item_id}`))
      const lost = acknowledged.filter(({ user, item }) => ![...stored].some((key) => key.endsWith(`${user}|${item}`)))
      expect(lost).toEqual([])
      expect(acknowledged.length).toBeGreaterThanOrEqual(40)
    } finally {
      await client.end()
    }
  })
})
