import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { matchedRoutes } from 'hono/route'
import type { Config } from '../config/index.ts'
import { AppError, type ChatService, isAppError, type Logger, type Reply, type ReplyItem } from '../core/index.ts'
import type { EventRecorder } from '../loop/index.ts'
import { namespacedUserId } from '../store/index.ts'
import { toErrorResponse } from './errors.ts'
import { BATCH_BODY_BYTES, postEvents } from './events.ts'
import { createKeyRing, type Principal } from './keys.ts'
import { createMetrics } from './metrics.ts'
import { openApiDocument } from './openapi.ts'
import { createRateLimiter } from './rate-limit.ts'
import { feedbackBodySchema, idSchema, messageBodySchema, parseBody, parseValue } from './schemas.ts'
import { DEMO_CSP, demoPage, loadStaticAssets, type StaticAsset } from './static-assets.ts'
import { streamTurn } from './stream.ts'

/** What the API serves from: the runtime (or anything shaped like it). Read on every request, so swaps apply at once. */
export interface WidgetBackend {
  readonly chat: ChatService
  readonly buildId: string
  readonly itemCount: number
  /** Records interactions sent to POST /v1/events; without it that route answers 503 `unavailable`. */
  readonly events?: EventRecorder
  /** More Prometheus text for /metrics (impressions and feedback per A/B variant). */
  loopMetrics?(): string
}

export interface WidgetDeps {
  /** The current backend, or undefined while none is loaded (chat routes answer 503 `unavailable`). */
  backend: () => WidgetBackend | undefined
  logger: Logger
  /** Take the client IP from X-Forwarded-For (only behind a proxy you run). Default false: the socket address. */
  trustProxy?: boolean
  /** A key's bucket is this many times the per-IP rate (a site has many visitors). Default 100. */
  keyRateMultiplier?: number
}

export interface WidgetApp {
  /** Fetch-style handler (in-process tests: `app.fetch(new Request('http://localhost/healthz'))`). */
  fetch(request: Request, env?: unknown): Promise<Response>
  /** Node request listener for http.createServer. */
  listener: (req: IncomingMessage, res: ServerResponse) => void
  /** While draining (shutdown), /readyz answers 503 so load balancers stop sending traffic. */
  setDraining(draining: boolean): void
  close(): Promise<void>
}

type Env = { Variables: { requestId: string; principal: Principal; log: Logger; originRefused: boolean } }

const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, X-Vercel-AI-UI-Message-Stream'
const ALLOWED_HEADERS = 'Content-Type, X-Concierge-Key, X-Request-Id, Authorization, Accept'

/**
 * Builds the HTTP API and widget server (Hono). Throws `config.invalid` for malformed key settings.
 * Routes: POST /v1/conversations/:id/messages (JSON or SSE), POST /v1/conversations/:id/feedback, GET /v1/items/:id,
 * DELETE /v1/users/:id (secret key), /healthz, /readyz, /metrics, /openapi.json, /widget.js, / (demo page).
 */
export async function createWidgetApp(config: Config['server'], deps: WidgetDeps): Promise<WidgetApp> {
  const keys = createKeyRing(config.publishableKeys, config.secretKeys)
  const assets = await loadStaticAssets()
  const metrics = createMetrics()
  const ipLimiter = createRateLimiter({ perMinute: config.rateLimitPerMinute })
  const keyLimiter = createRateLimiter({ perMinute: config.rateLimitPerMinute * (deps.keyRateMultiplier ?? 100) })
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined
  const logger = deps.logger
  let draining = false

  const app = new Hono<Env>()
  const selfOrigin = (c: Context<Env>) => publicOrigin ?? new URL(c.req.url).origin
  const originOk = (c: Context<Env>, origin: string) =>
    keys.originAllowed(origin, selfOrigin(c)) || (publicOrigin !== undefined && origin === new URL(c.req.url).origin)
  const backend = () => {
    const b = deps.backend()
    if (!b) throw new AppError('unavailable', 'No build is loaded yet; try again shortly.')
    return b
  }

  app.use('*', async (c, next) => {
    const started = performance.now()
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && /^[A-Za-z0-9._:-]{1,128}$/.test(incoming) ? incoming : randomUUID()
    c.set('requestId', requestId)
    c.set('log', logger.child({ requestId }))
    metrics.inFlight(1)
    try {
      await next()
    } finally {
      metrics.inFlight(-1)
    }
    const h = c.res.headers
    h.set('X-Request-Id', requestId)
    h.set('X-Content-Type-Options', 'nosniff')
    h.set('Referrer-Policy', 'strict-origin-when-cross-origin')
    if (!h.has('Content-Security-Policy')) h.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
    const origin = c.req.header('origin')
    if (c.req.path.startsWith('/v1/') && origin && !c.get('originRefused') && originOk(c, origin)) {
      h.set('Access-Control-Allow-Origin', origin)
      h.set('Access-Control-Expose-Headers', EXPOSED_HEADERS)
      h.append('Vary', 'Origin')
    }
    const route = routeOf(c)
    const seconds = (performance.now() - started) / 1000
    metrics.observeRequest(route, c.req.method, c.res.status, seconds)
    const quiet = route === '/healthz' || route === '/readyz' || route === '/metrics'
    const principal = c.get('principal')
    const fields = { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 1000), caller: principal?.label }
    if (quiet) logger.debug('request', { requestId, ...fields })
    else logger.info('request', { requestId, ...fields })
  })

  // CORS preflight carries no key, so it is answered for any origin some key allows.
  app.options('/v1/*', (c) => {
    const origin = c.req.header('origin')
    if (!origin || !originOk(c, origin))
      throw new AppError('auth.origin_refused', `Origin ${origin ?? '(none)'} may not call this API.`)
    return c.body(null, 204, {
      'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    })
  })

  app.use('/v1/*', async (c, next) => {
    c.header('Cache-Control', 'no-store')
    let principal: Principal
    try {
      principal = keys.authenticate({
        authorization: c.req.header('authorization'),
        publishableKey: c.req.header('x-concierge-key') ?? c.req.query('key'),
        origin: c.req.header('origin'),
        selfOrigin: selfOrigin(c),
      })
    } catch (error) {
      if (isAppError(error, 'auth.origin_refused')) c.set('originRefused', true)
      throw error
    }
    c.set('principal', principal)
    const wait =
      principal.kind === 'secret'
        ? keyLimiter.take(principal.label)
        : Math.max(ipLimiter.take(clientIp(c, deps.trustProxy ?? config.trustProxy)), keyLimiter.take(principal.label))
    if (wait > 0) {
      c.header('Retry-After', String(wait))
      throw new AppError('rate.limited', `Too many requests; retry in ${wait} s.`, { details: { retryAfterSeconds: wait } })
    }
    await next()
  })

  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError('input.too_large', `The request body is larger than ${maxSize} bytes.`, {
          details: { limitBytes: maxSize },
        })
      },
    })
  const smallBody = limitBody(config.maxBodyBytes)
  // Batch routes (up to 1,000 events) take more than a chat message.
  const batchBody = limitBody(Math.max(config.maxBodyBytes, BATCH_BODY_BYTES))
  app.use('/v1/*', (c, next) => (c.req.path === '/v1/events' ? batchBody : smallBody)(c, next))

  app.post('/v1/conversations/:id/messages', async (c) => {
    const principal = c.get('principal')
    const conversation = parseValue(idSchema, c.req.param('id'), 'path.id')
    const body = parseBody(messageBodySchema, await c.req.text())
    const input = {
      conversationId: scopedConversation(principal, conversation),
      userId: scopedUser(principal, body.userId, conversation),
      text: body.text,
    }
    const log = c.get('log')
    if (log.level === 'debug') log.debug('turn', { conversationId: input.conversationId, userId: input.userId, text: input.text })
    const wantsStream = c.req.query('stream') === '1' || (c.req.header('accept') ?? '').includes('text/event-stream')
    const chat = backend().chat
    const started = performance.now()
    if (wantsStream) {
      return streamTurn({
        chat,
        input,
        messageId: c.get('requestId'),
        signal: c.req.raw.signal,
        render: (reply) => renderReply(reply, principal),
        onEnd: (outcome, error) => {
          metrics.observeTurn(outcome, (performance.now() - started) / 1000)
          if (error) logTurnError(log, error)
        },
      })
    }
    try {
      const reply = await chat.handleTurn(input, { signal: c.req.raw.signal })
      metrics.observeTurn('ok', (performance.now() - started) / 1000)
      return c.json({ reply: renderReply(reply, principal) })
    } catch (error) {
      metrics.observeTurn(c.req.raw.signal.aborted ? 'aborted' : 'error', (performance.now() - started) / 1000)
      throw error
    }
  })

  app.post('/v1/conversations/:id/feedback', async (c) => {
    const principal = c.get('principal')
    const conversation = parseValue(idSchema, c.req.param('id'), 'path.id')
    const body = parseBody(feedbackBodySchema, await c.req.text())
    const chat = backend().chat
    if (!chat.getItem(body.itemId)) throw new AppError('not_found', `No item with id ${body.itemId}.`)
    await chat.feedback({
      conversationId: scopedConversation(principal, conversation),
      userId: scopedUser(principal, body.userId, conversation),
      itemId: body.itemId,
      kind: body.kind,
    })
    return c.json({ ok: true })
  })

  app.post('/v1/events', async (c) => c.json(await postEvents(c.get('principal'), await c.req.text(), backend())))

  app.get('/v1/items/:id', (c) => {
    const id = c.req.param('id')
    const item = backend().chat.getItem(id)
    if (!item) throw new AppError('not_found', `No item with id ${id}.`)
    const { id: itemId, title, year, categories, imageUrl, description, tags } = item
    return c.json({ item: { id: itemId, title, year, categories, imageUrl, description, tags } })
  })

  app.delete('/v1/users/:id', async (c) => {
    if (c.get('principal').kind !== 'secret') throw new AppError('auth.unauthorized', 'Forgetting a user needs a secret key.')
    const userId = parseValue(idSchema, c.req.param('id'), 'path.id')
    await backend().chat.forgetUser(userId)
    return c.body(null, 204)
  })

  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ status: 'ok' })
  })

  app.get('/readyz', (c) => {
    c.header('Cache-Control', 'no-store')
    const b = deps.backend()
    if (draining) return c.json({ status: 'draining' }, 503)
    if (!b) return c.json({ status: 'loading' }, 503)
    return c.json({ status: 'ready', buildId: b.buildId, itemCount: b.itemCount })
  })

  // Scrapers send a secret key when any is configured (Prometheus: authorization.credentials); open otherwise.
  app.get('/metrics', (c) => {
    if (keys.hasSecrets && !keys.isSecret(c.req.header('authorization'))) {
      throw new AppError('auth.unauthorized', 'Metrics need a secret key as a Bearer token.')
    }
    const b = deps.backend()
    const text = metrics.render({ buildId: b?.buildId, itemCount: b?.itemCount }) + (b?.loopMetrics?.() ?? '')
    return c.body(text, 200, {
      'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      'Cache-Control': 'no-store',
    })
  })

  const openapi = JSON.stringify(openApiDocument(config.publicUrl))
  app.get('/openapi.json', (c) => {
    return c.body(openapi, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'public, max-age=300',
    })
  })

  app.get('/', (c) => {
    const origin = selfOrigin(c)
    const key = keys.keyForOrigin(origin, origin)
    if (!key) throw new AppError('not_found', 'No publishable key allows this origin, so there is no demo page here.')
    return c.html(demoPage(origin, key), 200, {
      'Content-Security-Policy': DEMO_CSP,
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-cache',
    })
  })

  for (const asset of assets) {
    app.get(asset.path, (c) => {
      return serveAsset(c, asset)
    })
  }

  app.notFound((c) => {
    const { status, body } = toErrorResponse(
      new AppError('not_found', `No route ${c.req.method} ${c.req.path}.`),
      c.get('requestId'),
    )
    return c.json(body, status as 404)
  })

  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error, c.get('requestId'))
    if (status >= 500) {
      c.get('log')?.error('request failed', {
        code: body.error.code,
        error: error instanceof Error ? error.message : String(error),
      })
    }
    return c.json(body, status as 500)
  })

  const fetch = async (request: Request, env?: unknown) => app.fetch(request, env)
  return {
    fetch,
    listener: getRequestListener((request, env) => app.fetch(request, env)),
    setDraining: (value) => {
      draining = value
    },
    close: async () => {},
  }
}

function serveAsset(c: Context<Env>, asset: StaticAsset): Response {
  const headers: Record<string, string> = {
    'Content-Type': asset.contentType,
    'Cache-Control': asset.cacheControl,
    ETag: asset.etag,
    ...asset.headers,
  }
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers)
  return c.body(asset.body, 200, headers)
}

/** The public shape of a reply. Score parts are internals: only server-to-server callers (secret keys) get them. */
export function renderReply(reply: Reply, principal: Principal) {
  return {
    text: reply.text,
    items: reply.items.map((item: ReplyItem) => ({
      id: item.id,
      title: item.title,
      year: item.year,
      categories: item.categories,
      imageUrl: item.imageUrl,
      explanation: item.explanation,
      ...(principal.kind === 'secret' ? { scores: item.scoreParts } : {}),
    })),
    suggestions: reply.suggestions,
    ...(reply.variant ? { variant: reply.variant } : {}),
  }
}

/** Browser callers get their own namespace, so a page cannot address Slack or server-side conversations. */
function scopedConversation(principal: Principal, id: string): string {
  return principal.kind === 'secret' ? id : `web:${principal.key}:${id}`
}

function scopedUser(principal: Principal, userId: string | undefined, conversation: string): string {
  if (principal.kind === 'secret') return userId ?? `conv:${conversation}`
  // A user id is the site's: the same id sent with another site's key is another person.
  return userId ? `web:${namespacedUserId(principal.key, userId)}` : `web:conv:${principal.key}:${conversation}`
}

/** The route pattern that matched (`/v1/items/:id`), for metrics and logs without unbounded label values. */
function routeOf(c: Context<Env>): string {
  if (c.req.method === 'OPTIONS') return 'preflight'
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  return handlers.at(-1)?.path ?? 'unmatched'
}

function clientIp(c: Context<Env>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  const env = c.env as { incoming?: IncomingMessage } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

function logTurnError(log: Logger, error: unknown): void {
  const { status, body } = toErrorResponse(error)
  if (status >= 500)
    log.error('turn failed', { code: body.error.code, error: error instanceof Error ? error.message : String(error) })
  else log.info('turn refused', { code: body.error.code })
}
