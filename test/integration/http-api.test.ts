import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Config, loadConfig } from '../../src/config/index.ts'
import { createLogger, ERROR_CODES } from '../../src/core/index.ts'
import { createWidgetApp, parseEventStream, STATUS_BY_CODE, type WidgetApp } from '../../src/widget/index.ts'
import { createFakeChat, type FakeChat } from '../support/fake-chat.ts'

const BASE = 'http://api.test'
const SITE = 'https://shop.example'

function serverConfig(env: Record<string, string> = {}): Config['server'] {
  return loadConfig(env, { cwd: '/tmp' }).server
}

async function makeApp(env: Record<string, string>, chat: FakeChat, logs?: string[]): Promise<WidgetApp> {
  const logger = createLogger({ level: 'debug', format: 'json', write: (l) => logs?.push(l) })
  return createWidgetApp(serverConfig({ CONCIERGE_TRUST_PROXY: '1', ...env }), {
    backend: () => ({ chat, buildId: 'b-test', itemCount: 10 }),
    logger,
  })
}

let ipCounter = 0
function req(path: string, init: RequestInit & { json?: unknown; key?: string | null; origin?: string; ip?: string } = {}) {
  const headers = new Headers(init.headers)
  if (init.key !== null) headers.set('x-concierge-key', init.key ?? 'pk_site')
  if (init.origin) headers.set('origin', init.origin)
  headers.set('x-forwarded-for', init.ip ?? `10.0.0.${++ipCounter % 250}`)
  let body = init.body
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(init.json)
  }
  return new Request(`${BASE}${path}`, { ...init, headers, body })
}

const ENV = {
  CONCIERGE_PUBLISHABLE_KEYS: `pk_site=${SITE}|https://other.example,pk_any=*`,
  CONCIERGE_SECRET_KEYS: 'sk_test_0123456789',
  CONCIERGE_RATE_LIMIT_PER_MINUTE: '5',
  CONCIERGE_MAX_BODY_BYTES: '1024',
}

describe('HTTP API contract', () => {
  let chat: FakeChat
  let app: WidgetApp
  const logs: string[] = []

  beforeAll(async () => {
    chat = createFakeChat()
    app = await makeApp(ENV, chat, logs)
  })
  afterAll(() => app.close())

  it('maps every error code to an HTTP status', () => {
    for (const code of ERROR_CODES) expect(STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400)
    expect(STATUS_BY_CODE['rate.limited']).toBe(429)
  })

  it('answers a message with text, items and suggestions, without score parts for publishable keys', async () => {
    const res = await app.fetch(
      req('/v1/conversations/c1/messages', { method: 'POST', json: { text: 'some sci-fi', userId: 'u-123' } }),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBeTruthy()
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { reply: { text: string; items: Record<string, unknown>[]; suggestions: string[] } }
    expect(body.reply.text).toContain('sci-fi')
    expect(body.reply.items.map((i) => i.title)).toEqual(['Alien', 'The Matrix', 'Blade Runner'])
    expect(body.reply.items[0]).toMatchObject({ id: '3', year: 1979, categories: ['Horror', 'Sci-Fi'] })
    expect(body.reply.items[0]?.explanation).toEqual(expect.any(String))
    expect(body.reply.items[0]).not.toHaveProperty('scores')
    expect(body.reply.items[0]).not.toHaveProperty('scoreParts')
    expect(body.reply.suggestions.length).toBeGreaterThan(0)
    // Browser callers are namespaced so a page cannot address Slack or server-side conversations.
    expect(chat.turns.at(-1)).toMatchObject({
      conversationId: 'web:pk_site:c1',
      userId: 'web:pk_site:u-123',
      text: 'some sci-fi',
    })
  })

  it('gives score parts to secret keys and uses their user ids as they are', async () => {
    const res = await app.fetch(
      req('/v1/conversations/srv-1/messages', {
        method: 'POST',
        key: null,
        headers: { authorization: 'Bearer sk_test_0123456789' },
        json: { text: 'comedy', userId: 'crm-42' },
      }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { reply: { items: { scores?: Record<string, number> }[] } }
    expect(body.reply.items[0]?.scores).toMatchObject({ total: 0.5 })
    expect(chat.turns.at(-1)).toMatchObject({ conversationId: 'srv-1', userId: 'crm-42' })
  })

  it('keeps the conversation: the next turn does not repeat items', async () => {
    const ask = async () => {
      const res = await app.fetch(req('/v1/conversations/c-repeat/messages', { method: 'POST', json: { text: 'action' } }))
      return ((await res.json()) as { reply: { items: { id: string }[] } }).reply.items.map((i) => i.id)
    }
    const first = await ask()
    const second = await ask()
    expect(first.length).toBeGreaterThan(0)
    expect(second.filter((id) => first.includes(id))).toEqual([])
  })

  it('refuses missing and unknown keys with 401 auth.unauthorized', async () => {
    for (const init of [{ key: null }, { key: 'pk_nope' }, { key: null, headers: { authorization: 'Bearer sk_wrong' } }]) {
      const res = await app.fetch(req('/v1/items/1', init))
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: 'auth.unauthorized' } })
    }
  })

  it('allows configured origins with CORS headers and refuses others with 403 auth.origin_refused', async () => {
    const ok = await app.fetch(req('/v1/items/1', { origin: SITE }))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE)
    expect(ok.headers.get('vary')).toContain('Origin')
    expect(ok.headers.get('access-control-expose-headers')).toContain('Retry-After')

    const refused = await app.fetch(req('/v1/items/1', { origin: 'https://evil.example' }))
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'auth.origin_refused' } })
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()

    const anyOrigin = await app.fetch(req('/v1/items/1', { key: 'pk_any', origin: 'https://evil.example' }))
    expect(anyOrigin.status).toBe(200)
  })

  it('answers CORS preflight for allowed origins and refuses others', async () => {
    const pre = await app.fetch(
      new Request(`${BASE}/v1/conversations/c1/messages`, {
        method: 'OPTIONS',
        headers: {
          origin: SITE,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-concierge-key',
        },
      }),
    )
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe(SITE)
    expect(pre.headers.get('access-control-allow-headers')).toContain('X-Concierge-Key')
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST')

    // pk_any allows every origin, so a preflight from anywhere passes; check refusal on an app without wildcard keys.
    const strict = await makeApp({ CONCIERGE_PUBLISHABLE_KEYS: `pk_site=${SITE}` }, chat)
    const bad = await strict.fetch(
      new Request(`${BASE}/v1/conversations/c1/messages`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    )
    expect(bad.status).toBe(403)
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
    expect(await bad.json()).toMatchObject({ error: { code: 'auth.origin_refused' } })
  })

  it('rate-limits per client IP with 429 and Retry-After', async () => {
    const statuses: number[] = []
    let last: Response | undefined
    for (let i = 0; i < 7; i++) {
      last = await app.fetch(req('/v1/items/2', { ip: '192.0.2.7' }))
      statuses.push(last.status)
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    expect(statuses.slice(5)).toEqual([429, 429])
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await last?.json()).toMatchObject({
      error: { code: 'rate.limited', details: { retryAfterSeconds: expect.any(Number) } },
    })
    // Another IP on the same key is not limited by it.
    expect((await app.fetch(req('/v1/items/2', { ip: '192.0.2.8' }))).status).toBe(200)
  })

  it('rate-limits per key across IPs', async () => {
    const small = await makeApp({ CONCIERGE_RATE_LIMIT_PER_MINUTE: '2', CONCIERGE_PUBLISHABLE_KEYS: 'pk_k=*' }, chat)
    const statuses: number[] = []
    // The key's bucket is 100x the per-IP one: 200 requests from distinct IPs pass, the next is refused.
    for (let i = 0; i < 201; i++)
      statuses.push((await small.fetch(req('/v1/items/1', { key: 'pk_k', ip: `172.16.${i >> 8}.${i & 255}` }))).status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(200)
    expect(statuses.at(-1)).toBe(429)
  })

  it('refuses a body over the limit with 413 input.too_large', async () => {
    const res = await app.fetch(req('/v1/conversations/c1/messages', { method: 'POST', json: { text: 'x'.repeat(2000) } }))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'input.too_large', details: { limitBytes: 1024 } } })
  })

  it('refuses a streamed (chunked) body over the limit with 413', async () => {
    const big = new TextEncoder().encode(JSON.stringify({ text: 'y'.repeat(5000) }))
    const body = new ReadableStream({
      start(c) {
        c.enqueue(big.subarray(0, 3000))
        c.enqueue(big.subarray(3000))
        c.close()
      },
    })
    const res = await app.fetch(
      req('/v1/conversations/c1/messages', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
  })

  it('refuses bad JSON and invalid fields with 400 input.invalid listing the fields', async () => {
    const bad = await app.fetch(
      req('/v1/conversations/c1/messages', {
        method: 'POST',
        body: '{"text": ',
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: { code: 'input.invalid' } })

    const invalid = await app.fetch(
      req('/v1/conversations/c1/messages', { method: 'POST', json: { text: '   ', userId: 'has space' } }),
    )
    expect(invalid.status).toBe(400)
    const body = (await invalid.json()) as { error: { code: string; details: { issues: string[] } } }
    expect(body.error.code).toBe('input.invalid')
    expect(body.error.details.issues.join('\n')).toMatch(/body\.text/)
    expect(body.error.details.issues.join('\n')).toMatch(/body\.userId/)

    const badId = await app.fetch(req(`/v1/conversations/${'x'.repeat(200)}/messages`, { method: 'POST', json: { text: 'hi' } }))
    expect(badId.status).toBe(400)

    const badKind = await app.fetch(req('/v1/conversations/c1/feedback', { method: 'POST', json: { itemId: '1', kind: 'love' } }))
    expect(badKind.status).toBe(400)
  })

  it('answers unknown routes with a 404 JSON error', async () => {
    const res = await app.fetch(req('/v2/nothing'))
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('hides internals of server errors: no paths, secrets or stack traces', async () => {
    for (const [text, code, status] of [
      ['#fail', 'internal', 500],
      ['#llm', 'llm.failed', 502],
    ] as const) {
      const res = await app.fetch(req('/v1/conversations/c-err/messages', { method: 'POST', json: { text } }))
      expect(res.status).toBe(status)
      const raw = await res.text()
      expect(JSON.parse(raw)).toMatchObject({ error: { code, requestId: res.headers.get('x-request-id') } })
      expect(raw).not.toMatch(/secret\/path|sk-live|at .*\.ts|boom/)
    }
  })

  it('records feedback, and 404s an unknown item', async () => {
    const ok = await app.fetch(
      req('/v1/conversations/c1/feedback', { method: 'POST', json: { itemId: '5', kind: 'like', userId: 'u-fb' } }),
    )
    expect(ok.status).toBe(200)
    expect(chat.feedbackLog.at(-1)).toEqual({
      conversationId: 'web:pk_site:c1',
      userId: 'web:pk_site:u-fb',
      itemId: '5',
      kind: 'like',
    })
    expect((await chat.getProfile('web:pk_site:u-fb')).likes.map((i) => i.title)).toEqual(['The Matrix'])

    const missing = await app.fetch(
      req('/v1/conversations/c1/feedback', { method: 'POST', json: { itemId: 'nope', kind: 'like' } }),
    )
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
  })

  it('serves items and 404s unknown ones', async () => {
    const res = await app.fetch(req('/v1/items/4'))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ item: { id: '4', title: 'Amélie', year: 2001 } })
    expect((await app.fetch(req('/v1/items/999'))).status).toBe(404)
  })

  it('forgets a user with a secret key only, and the data is gone', async () => {
    await app.fetch(
      req('/v1/conversations/c9/feedback', { method: 'POST', json: { itemId: '2', kind: 'dislike', userId: 'u-gone' } }),
    )
    expect(chat.users.has('web:pk_site:u-gone')).toBe(true)

    const pub = await app.fetch(req('/v1/users/web:pk_site:u-gone', { method: 'DELETE' }))
    expect(pub.status).toBe(401)
    expect(await pub.json()).toMatchObject({ error: { code: 'auth.unauthorized' } })
    expect(chat.users.has('web:pk_site:u-gone')).toBe(true)

    const res = await app.fetch(
      req('/v1/users/web:pk_site:u-gone', {
        method: 'DELETE',
        key: null,
        headers: { authorization: 'Bearer sk_test_0123456789' },
      }),
    )
    expect(res.status).toBe(204)
    expect(chat.users.has('web:pk_site:u-gone')).toBe(false)
    expect((await chat.getProfile('web:pk_site:u-gone')).dislikes).toEqual([])
  })

  it('keeps one user id sent with the keys of two sites as two people', async () => {
    const like = (key: string, itemId: string) =>
      app.fetch(req('/v1/conversations/ns/feedback', { method: 'POST', key, json: { itemId, kind: 'like', userId: 'same-id' } }))
    expect((await like('pk_site', '1')).status).toBe(200)
    expect((await like('pk_any', '2')).status).toBe(200)
    expect((await chat.getProfile('web:pk_site:same-id')).likes.map((i) => i.id)).toEqual(['1'])
    expect((await chat.getProfile('web:pk_any:same-id')).likes.map((i) => i.id)).toEqual(['2'])
  })

  it('echoes a valid X-Request-Id and replaces an unsafe one', async () => {
    const same = await app.fetch(req('/healthz', { headers: { 'x-request-id': 'abc-123' } }))
    expect(same.headers.get('x-request-id')).toBe('abc-123')
    const replaced = await app.fetch(req('/healthz', { headers: { 'x-request-id': 'bad id\u0001' } }))
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('serves health, readiness, metrics and the OpenAPI description', async () => {
    expect(await (await app.fetch(req('/healthz'))).json()).toEqual({ status: 'ok' })
    expect(await (await app.fetch(req('/readyz'))).json()).toMatchObject({ status: 'ready', buildId: 'b-test' })
    expect((await app.fetch(req('/metrics'))).status).toBe(401)
    const metrics = await (await app.fetch(req('/metrics', { headers: { authorization: 'Bearer sk_test_0123456789' } }))).text()
    expect(metrics).toMatch(
      /concierge_http_requests_total\{route="\/v1\/conversations\/:id\/messages",method="POST",status="200"\} \d+/,
    )
    expect(metrics).toMatch(/concierge_http_requests_total\{route="\/v1\/items\/:id",method="GET",status="429"\} \d+/)
    expect(metrics).toMatch(
      /concierge_http_request_duration_seconds_bucket\{route="\/v1\/items\/:id",method="GET",le="\+Inf"\} \d+/,
    )
    expect(metrics).toMatch(/concierge_turns_total\{outcome="ok"\} [1-9]/)
    expect(metrics).toMatch(/concierge_turns_total\{outcome="error"\} [1-9]/)
    expect(metrics).toContain('concierge_build_info{build_id="b-test"} 1')
    expect(metrics).toMatch(/process_resident_memory_bytes \d+/)
    const doc = (await (await app.fetch(req('/openapi.json'))).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toContain('/v1/conversations/{id}/messages')
    app.setDraining(true)
    expect((await app.fetch(req('/readyz'))).status).toBe(503)
    app.setDraining(false)
  })

  it('logs requests with ids but not message text at info level', async () => {
    const infoLogs: string[] = []
    const logger = createLogger({ level: 'info', format: 'json', write: (l) => infoLogs.push(l) })
    const quiet = await createWidgetApp(serverConfig(ENV), { backend: () => ({ chat, buildId: 'b', itemCount: 1 }), logger })
    await quiet.fetch(
      req('/v1/conversations/c-log/messages', {
        method: 'POST',
        json: { text: 'a very private wish' },
        headers: { 'x-request-id': 'rid-7' },
      }),
    )
    const joined = infoLogs.join('\n')
    expect(joined).toContain('"requestId":"rid-7"')
    expect(joined).toContain('"route":"/v1/conversations/:id/messages"')
    expect(joined).not.toContain('private wish')
    // The debug logger of the main app does include it.
    await app.fetch(req('/v1/conversations/c-log/messages', { method: 'POST', json: { text: 'debug wish' } }))
    expect(logs.join('\n')).toContain('debug wish')
    expect(logs.join('\n')).not.toContain('sk_test_0123456789')
  })

  it('answers 503 unavailable while no build is loaded', async () => {
    const empty = await createWidgetApp(serverConfig(ENV), {
      backend: () => undefined,
      logger: createLogger({ level: 'silent' }),
    })
    const res = await empty.fetch(req('/v1/conversations/c1/messages', { method: 'POST', json: { text: 'hi' } }))
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } })
    expect((await empty.fetch(req('/readyz'))).status).toBe(503)
  })
})

describe('demo key (no publishable keys configured)', () => {
  let app: WidgetApp
  beforeAll(async () => {
    app = await makeApp({ CONCIERGE_PUBLIC_URL: BASE }, createFakeChat())
  })

  it('works from the public URL and localhost, not from other sites', async () => {
    const same = await app.fetch(req('/v1/items/1', { key: 'demo', origin: BASE }))
    expect(same.status).toBe(200)
    expect((await app.fetch(req('/v1/items/1', { key: 'demo', origin: 'http://localhost:3000' }))).status).toBe(200)
    const other = await app.fetch(req('/v1/items/1', { key: 'demo', origin: 'https://elsewhere.example' }))
    expect(other.status).toBe(403)
    expect(await other.json()).toMatchObject({ error: { code: 'auth.origin_refused' } })
  })

  it('serves the demo page with a strict CSP and the widget script with cross-origin caching headers', async () => {
    const page = await app.fetch(req('/'))
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    const html = await page.text()
    expect(html).toContain('<concierge-chat key="demo">')
    expect(html).toContain('/widget.js')

    const js = await app.fetch(req('/widget.js'))
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toContain('javascript')
    expect(js.headers.get('access-control-allow-origin')).toBe('*')
    expect(js.headers.get('cache-control')).toContain('public')
    const etag = js.headers.get('etag')
    expect(etag).toBeTruthy()
    expect((await js.text()).length).toBeGreaterThan(1000)
    const again = await app.fetch(req('/widget.js', { headers: { 'if-none-match': etag ?? '' } }))
    expect(again.status).toBe(304)
  })
})

describe('streaming', () => {
  it('streams start, text deltas, text end, items, suggestions, finish, [DONE] in order', async () => {
    const chat = createFakeChat({ parts: 4 })
    const app = await makeApp(ENV, chat)
    const res = await app.fetch(
      req('/v1/conversations/s1/messages?stream=1', { method: 'POST', json: { text: 'animation please' } }),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    const parts = parseEventStream(await res.text())
    const types = parts.map((p) => (p === 'done' ? '[DONE]' : p.type))
    expect(types).toEqual([
      'start',
      'text-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'data-items',
      'data-suggestions',
      'finish',
      '[DONE]',
    ])
    const deltas = parts.filter((p) => p !== 'done' && p.type === 'text-delta').map((p) => (p as { delta: string }).delta)
    expect(deltas.join('')).toMatch(/^Here are 3 picks for "animation please"/)
    const items = parts.find((p) => p !== 'done' && p.type === 'data-items') as { data: { title: string }[] }
    expect(items.data.map((i) => i.title)).toEqual(['Toy Story', 'Spirited Away', 'Up'])
    const start = parts[0] as { messageId: string }
    expect(start.messageId).toBe(res.headers.get('x-request-id'))
  })

  it('streams with Accept: text/event-stream too', async () => {
    const app = await makeApp(ENV, createFakeChat())
    const res = await app.fetch(
      req('/v1/conversations/s2/messages', {
        method: 'POST',
        json: { text: 'horror' },
        headers: { accept: 'text/event-stream' },
      }),
    )
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(parseEventStream(await res.text()).at(-1)).toBe('done')
  })

  it('ends a failed turn with an error part carrying the code, then [DONE]', async () => {
    const app = await makeApp(ENV, createFakeChat())
    const res = await app.fetch(req('/v1/conversations/s3/messages?stream=1', { method: 'POST', json: { text: '#fail' } }))
    const raw = await res.text()
    const parts = parseEventStream(raw)
    expect(parts.map((p) => (p === 'done' ? '[DONE]' : p.type))).toEqual(['start', 'error', '[DONE]'])
    expect((parts[1] as { errorText: string }).errorText).toContain('[internal]')
    expect(raw).not.toContain('secret/path')
  })

  it('refuses before streaming: invalid input is a plain 400 JSON error', async () => {
    const app = await makeApp(ENV, createFakeChat())
    const res = await app.fetch(req('/v1/conversations/s4/messages?stream=1', { method: 'POST', json: {} }))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'input.invalid' } })
  })
})
