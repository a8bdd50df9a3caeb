import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { createWidgetApp, parseEventStream, type WidgetApp } from '../../src/widget/index.ts'
import { createFakeChat, type FakeChat } from '../support/fake-chat.ts'

// The faults and attacks of issue 24 that reach the HTTP API, replayed in-process, one test per row.

const SITE = 'https://shop.example'

async function makeApp(env: Record<string, string>, chat: FakeChat = createFakeChat(), keyRateMultiplier?: number) {
  return createWidgetApp(loadConfig(env, { cwd: '/tmp' }).server, {
    backend: () => ({ chat, buildId: 'b', itemCount: 10 }),
    logger: createLogger({ level: 'silent' }),
    keyRateMultiplier,
  })
}

function get(app: WidgetApp, path: string, headers: Record<string, string>, base = 'http://api.test') {
  return app.fetch(new Request(`${base}${path}`, { headers }))
}

function postMessage(app: WidgetApp, conversation: string, text: string, headers: Record<string, string> = {}) {
  return app.fetch(
    new Request(`http://api.test/v1/conversations/${conversation}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-key': 'pk_site', ...headers },
      body: JSON.stringify({ text }),
    }),
  )
}

const KEYS = { CONCIERGE_PUBLISHABLE_KEYS: `pk_site=${SITE},pk_other=*`, CONCIERGE_TRUST_PROXY: '1' }

describe('client address behind a trusted proxy', () => {
  it('limits a client that forges the leftmost X-Forwarded-For entry by the address the proxy added', async () => {
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '5' })
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const res = await get(app, '/v1/items/1', { 'x-concierge-key': 'pk_site', 'x-forwarded-for': `6.6.${i}.6, 203.0.113.7` })
      statuses.push(res.status)
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true)
  })

  it('counts CONCIERGE_TRUST_PROXY=2 hops from the right', async () => {
    const app = await makeApp({ ...KEYS, CONCIERGE_TRUST_PROXY: '2', CONCIERGE_RATE_LIMIT_PER_MINUTE: '2' })
    const from = (forged: string) =>
      get(app, '/v1/items/1', { 'x-concierge-key': 'pk_site', 'x-forwarded-for': `${forged}, 203.0.113.8, 10.0.0.1` })
    expect([(await from('1.1.1.1')).status, (await from('2.2.2.2')).status, (await from('3.3.3.3')).status]).toEqual([
      200, 200, 429,
    ])
  })
})

describe("a key's shared budget", () => {
  it('still serves a new, well-behaved visitor after one client with many addresses spent it', async () => {
    // 5 a minute per address, 50 for the key: 20 addresses of one client send 5 requests each.
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '5' }, createFakeChat(), 10)
    let attackerServed = 0
    for (let i = 0; i < 100; i++) {
      const res = await get(app, '/v1/items/1', { 'x-concierge-key': 'pk_site', 'x-forwarded-for': `198.51.100.${i % 20}` })
      if (res.status === 200) attackerServed++
    }
    expect(attackerServed).toBeLessThanOrEqual(60)
    const visitor = await get(app, '/v1/items/1', { 'x-concierge-key': 'pk_site', 'x-forwarded-for': '203.0.113.50' })
    expect(visitor.status).toBe(200)
  })
})

describe('failed authentication', () => {
  it('answers 429, not 401, to wrong keys from an address that is already limited', async () => {
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '3' })
    const from = { 'x-forwarded-for': '192.0.2.44' }
    for (let i = 0; i < 3; i++)
      expect((await get(app, '/v1/items/1', { ...from, 'x-concierge-key': 'pk_site' })).status).toBe(200)
    const statuses = new Set<number>()
    for (let i = 0; i < 100; i++)
      statuses.add((await get(app, '/v1/items/1', { ...from, 'x-concierge-key': `pk_guess${i}` })).status)
    expect([...statuses]).toEqual([429])
  })

  it('limits key guessing from a fresh address after its budget', async () => {
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '3' })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await get(app, '/v1/items/1', { 'x-forwarded-for': '192.0.2.45', authorization: `Bearer sk_guess_${i}` })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429])
  })
})

describe('CORS origins', () => {
  it('does not echo an origin that only matches a forged Host header when no public URL is set', async () => {
    const app = await makeApp({})
    const res = await get(app, '/v1/items/1', { 'x-concierge-key': 'demo', origin: 'http://evil.example' }, 'http://evil.example')
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const local = await get(
      app,
      '/v1/items/1',
      { 'x-concierge-key': 'demo', origin: 'http://localhost:8080' },
      'http://evil.example',
    )
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:8080')
  })

  it('echoes the public URL and the key sites only, whatever the Host header says', async () => {
    const app = await makeApp({ CONCIERGE_PUBLISHABLE_KEYS: `pk_site=${SITE}`, CONCIERGE_PUBLIC_URL: 'https://api.example' })
    const preflight = (origin: string) =>
      app.fetch(
        new Request('http://evil.example/v1/items/1', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        }),
      )
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
    expect((await preflight(SITE)).headers.get('access-control-allow-origin')).toBe(SITE)
    expect((await preflight('https://api.example')).headers.get('access-control-allow-origin')).toBe('https://api.example')
  })
})

describe('turn concurrency', () => {
  it('sheds turns beyond the running and queued caps with 503 and Retry-After', async () => {
    const chat = createFakeChat({ partDelayMs: 40 })
    const app = await makeApp(
      { ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000', CONCIERGE_MAX_CONCURRENT_TURNS: '2', CONCIERGE_MAX_QUEUED_TURNS: '2' },
      chat,
    )
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => postMessage(app, `load-${i}`, 'comedy')))
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(4)
    const shed = responses.filter((r) => r.status === 503)
    expect(shed).toHaveLength(2)
    expect(Number(shed[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await shed[0]?.json()).toMatchObject({ error: { code: 'unavailable' } })
    expect(chat.turns).toHaveLength(4)
  })

  it("answers a new conversation's first turn before a busy conversation's backlog", async () => {
    const app = await makeApp(
      {
        ...KEYS,
        CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000',
        CONCIERGE_MAX_CONCURRENT_TURNS: '1',
      },
      createFakeChat({ partDelayMs: 20 }),
    )
    const finished: string[] = []
    const send = (conversation: string, label: string) =>
      postMessage(app, conversation, 'drama').then(() => {
        finished.push(label)
      })
    const all = [send('busy', 'busy-1'), send('busy', 'busy-2'), send('busy', 'busy-3'), send('busy', 'busy-4')]
    await new Promise((r) => setTimeout(r, 5))
    all.push(send('newcomer', 'new-1'))
    await Promise.all(all)
    expect(finished.indexOf('new-1')).toBeLessThanOrEqual(1)
  })
})

describe('Idempotency-Key', () => {
  it('returns the stored reply to a retry with the same key, without running the turn again', async () => {
    const chat = createFakeChat()
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000' }, chat)
    const key = { 'idempotency-key': 'retry-0001' }
    const [first, concurrent] = await Promise.all([postMessage(app, 'i1', 'sci-fi', key), postMessage(app, 'i1', 'sci-fi', key)])
    const later = await postMessage(app, 'i1', 'sci-fi', key)
    expect(chat.turns).toHaveLength(1)
    const bodies = await Promise.all([first.json(), concurrent.json(), later.json()])
    expect(bodies[1]).toEqual(bodies[0])
    expect(bodies[2]).toEqual(bodies[0])
    expect(later.headers.get('idempotent-replayed')).toBe('true')

    const stream = await app.fetch(
      new Request('http://api.test/v1/conversations/i1/messages?stream=1', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-key': 'pk_site', ...key },
        body: JSON.stringify({ text: 'sci-fi' }),
      }),
    )
    const items = parseEventStream(await stream.text()).find((p) => p !== 'done' && p.type === 'data-items')
    expect(items).toMatchObject({ data: (bodies[0] as { reply: { items: unknown[] } }).reply.items })
    expect(chat.turns).toHaveLength(1)
  })

  it('runs turns with different keys, or in another conversation, and refuses a key reused for another message', async () => {
    const chat = createFakeChat()
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000' }, chat)
    await postMessage(app, 'i2', 'comedy', { 'idempotency-key': 'a' })
    await postMessage(app, 'i2', 'comedy', { 'idempotency-key': 'b' })
    await postMessage(app, 'i3', 'comedy', { 'idempotency-key': 'a' })
    expect(chat.turns).toHaveLength(3)
    const reused = await postMessage(app, 'i2', 'horror', { 'idempotency-key': 'a' })
    expect(reused.status).toBe(400)
    expect(await reused.json()).toMatchObject({ error: { code: 'input.invalid' } })
    const bad = await postMessage(app, 'i2', 'horror', { 'idempotency-key': 'has space' })
    expect(bad.status).toBe(400)
  })
})

describe('widget user namespaces', () => {
  it('keeps the same user id under two site keys as two users', async () => {
    const chat = createFakeChat()
    const app = await makeApp({ ...KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000' }, chat)
    const like = (key: string) =>
      app.fetch(
        new Request('http://api.test/v1/conversations/n1/feedback', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-concierge-key': key },
          body: JSON.stringify({ itemId: '5', kind: 'like', userId: 'visitor-1' }),
        }),
      )
    await like('pk_site')
    await like('pk_other')
    const users = chat.feedbackLog.map((f) => f.userId)
    expect(users).toHaveLength(2)
    expect(users[0]).not.toBe(users[1])
  })
})
