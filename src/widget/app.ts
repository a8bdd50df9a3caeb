import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { matchedRoutes } from 'hono/route'
import type { Config } from '../config/index.ts'
import {
  AppError,
  type ChatService,
  createTurnScheduler,
  isAppError,
  type Logger,
  type Reply,
  type TurnScheduler,
} from '../core/index.ts'
import type { LiveItems } from '../live/index.ts'
import type { EventRecorder, LoopInsights, OpenRecorder } from '../loop/index.ts'
import type { RateLimiter as SharedRateLimiter } from '../state/index.ts'
import { mountAdmin, noteTurns } from './admin.ts'
import { createConversationTracker } from './admin-activity.ts'
import { createAdminSampler } from './admin-sampler.ts'
import { clientAddress } from './client-address.ts'
import type { WidgetEnv } from './context.ts'
import { logFailure, toErrorResponse } from './errors.ts'
import { BATCH_BODY_BYTES, postEvents } from './events.ts'
import { createMemoryIdempotencyStore, type IdempotencyStore } from './idempotency.ts'
import { deleteItem, ITEMS_BODY_BYTES, postItems } from './items.ts'
import { createKeyRing, type Principal } from './keys.ts'
import { postMessage, scopedConversation, scopedUser } from './messages.ts'
import { createMetrics } from './metrics.ts'
import { openApiDocument } from './openapi.ts'
import { createRequestLimits, createSharedRequestLimits } from './request-limits.ts'
import { feedbackBodySchema, idSchema, openedBodySchema, parseBody, parseValue } from './schemas.ts'
import { DEMO_CSP, demoPage, loadStaticAssets, type StaticAsset } from './static-assets.ts'

/** What the API serves from: the runtime (or anything shaped like it). Read on every request, so swaps apply at once. */
export interface WidgetBackend {
  readonly chat: ChatService
  readonly buildId: string
  readonly itemCount: number
  /** Records interactions sent to POST /v1/events; without it that route answers 503 `unavailable`. */
  readonly events?: EventRecorder
  /** Records items opened (POST /v1/conversations/:id/opened); without it that route answers 503 `unavailable`. */
  readonly opens?: OpenRecorder
  /** The live catalogue behind POST /v1/items and DELETE /v1/items/:id; without it those answer 503 `unavailable`. */
  readonly items?: LiveItems
  /** More Prometheus text for /metrics (impressions and feedback per A/B variant). */
  loopMetrics?(): string
  /** The A/B report and most shown/liked items for the operator page; without it those parts stay empty. */
  readonly insights?: LoopInsights
}

export interface WidgetDeps {
  /** The current backend, or undefined while none is loaded (chat routes answer 503 `unavailable`). */
  backend: () => WidgetBackend | undefined
  /** What /readyz reports (503) while no backend is loaded: the first build's progress. */
  loading?: () => Record<string, unknown>
  logger: Logger
  /** A key's bucket is this many times the per-IP rate (a site has many visitors). Default 100. */
  keyRateMultiplier?: number
  /** Where replies to requests with an Idempotency-Key are kept. Default: in memory for 24 h. */
  replies?: IdempotencyStore<Reply>
  /** Rate-limit buckets shared by replicas (Redis). Default: this process's memory. */
  limiter?: SharedRateLimiter
  /** How often the operator page's charts get a point. Default 5 s (an hour of points is kept). */
  adminSampleMs?: number
  /**
   * The process's one turn scheduler, shared with the other front ends (Slack) so the concurrency cap and fair
   * queue hold for all of them. Default: one of this app's own (CONCIERGE_MAX_CONCURRENT_TURNS, _MAX_QUEUED_TURNS).
   */
  turns?: TurnScheduler
}

export interface WidgetApp {
  /** Fetch-style handler (in-process tests: `app.fetch(new Request('http://localhost/healthz'))`). */
  fetch(request: Request, env?: unknown): Promise<Response>
  /** Node request listener for http.createServer. */
  listener: (req: IncomingMessage, res: ServerResponse) => void
  /** While draining (shutdown), /readyz answers 503 so load balancers stop sending traffic. */
  setDraining(draining: boolean): void
  /**
   * At the shutdown deadline: answers every turn still waiting or running with 503 `unavailable` and Retry-After
   * (a stream ends with an error part and [DONE]) instead of cutting connections, and admits no more turns.
   */
  cancelTurns(): void
  close(): Promise<void>
}

type Env = WidgetEnv

const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, X-Vercel-AI-UI-Message-Stream, Idempotent-Replayed'
const ALLOWED_HEADERS = 'Content-Type, X-Concierge-Key, X-Request-Id, Authorization, Accept, Idempotency-Key'

/**
 * Builds the HTTP API and widget server (Hono). Throws `config.invalid` for malformed key settings.
 * Routes: POST /v1/conversations/:id/messages (JSON or SSE), POST /v1/conversations/:id/feedback, GET /v1/items/:id,
 * DELETE /v1/users/:id (secret key), GET /v1/admin/overview (secret key), /healthz, /readyz, /metrics, /openapi.json,
 * /widget.js, / (demo page), /admin (operator page).
 */
export async function createWidgetApp(config: Config['server'], deps: WidgetDeps): Promise<WidgetApp> {
  const keys = createKeyRing(config.publishableKeys, config.secretKeys)
  const assets = await loadStaticAssets()
  const metrics = createMetrics()
  const limitOptions = { perMinute: config.rateLimitPerMinute, keyMultiplier: deps.keyRateMultiplier ?? 100 }
  const limits = deps.limiter ? createSharedRequestLimits(deps.limiter, limitOptions) : createRequestLimits(limitOptions)
  const turns = deps.turns ?? createTurnScheduler(turnSchedulerOptions(config))
  const replies = deps.replies ?? createMemoryIdempotencyStore<Reply>()
  // The only origin this server calls its own. Never derived from the Host header: a forged (or DNS-rebound) Host
  // would make any page same-origin. Without CONCIERGE_PUBLIC_URL, loopback pages stand for it (development).
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined
  const logger = deps.logger
  let draining = false
  const sampleMs = deps.adminSampleMs ?? 5000
  const sampler = createAdminSampler(
    { snapshot: metrics.snapshot, loopMetrics: () => deps.backend()?.loopMetrics?.() ?? '', build: deps.backend },
    { intervalMs: sampleMs, capacity: Math.ceil(3_600_000 / sampleMs) },
  )
  // Message text is personal: the page shows it only where the logs would hold it anyway (debug level).
  const showsText = logger.level === 'debug'
  const conversations = createConversationTracker({ capacity: 200, keepText: showsText })

  const app = new Hono<Env>()
  const originOk = (origin: string) => keys.originAllowed(origin, publicOrigin)
  const addressOf = (c: Context<Env>) => {
    const env = c.env as { incoming?: IncomingMessage } | undefined
    return clientAddress(env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'), config.trustProxy)
  }
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
    if (c.req.path.startsWith('/v1/') && origin && !c.get('originRefused') && originOk(origin)) {
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
    if (!origin || !originOk(origin))
      throw new AppError('auth.origin_refused', `Origin ${origin ?? '(none)'} may not call this API.`)
    return c.body(null, 204, {
      'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    })
  })

  // Failed authentication counts against the client address too, so guessing keys is limited like using them.
  app.use('/v1/*', async (c, next) => {
    c.header('Cache-Control', 'no-store')
    const address = addressOf(c)
    let principal: Principal
    try {
      principal = keys.authenticate({
        authorization: c.req.header('authorization'),
        publishableKey: c.req.header('x-concierge-key') ?? c.req.query('key'),
        origin: c.req.header('origin'),
        selfOrigin: publicOrigin,
      })
    } catch (error) {
      if (isAppError(error, 'auth.origin_refused')) c.set('originRefused', true)
      await refuseWhenLimited(limits.takeFailure(address))
      throw error
    }
    c.set('principal', principal)
    await refuseWhenLimited(
      principal.kind === 'secret' ? limits.takeSecret(principal.label) : limits.takePublishable(principal.key, address),
    )
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
  const itemsBody = limitBody(Math.max(config.maxBodyBytes, ITEMS_BODY_BYTES))
  const bodyLimitOf = (path: string) => (path === '/v1/events' ? batchBody : path === '/v1/items' ? itemsBody : smallBody)
  app.use('/v1/*', (c, next) => bodyLimitOf(c.req.path)(c, next))

  app.use('/v1/conversations/:id/messages', noteTurns(conversations))
  app.post('/v1/conversations/:id/messages', (c) => postMessage(c, { chat: () => backend().chat, turns, replies, metrics }))

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

  app.post('/v1/conversations/:id/opened', async (c) => {
    const principal = c.get('principal')
    const conversation = parseValue(idSchema, c.req.param('id'), 'path.id')
    const body = parseBody(openedBodySchema, await c.req.text())
    const b = backend()
    if (!b.opens) throw new AppError('unavailable', 'Opened items are not recorded by this server.')
    const opened = {
      conversationId: scopedConversation(principal, conversation),
      userId: scopedUser(principal, body.userId, conversation),
      itemId: body.itemId,
    }
    await b.opens.record(opened, (id) => b.chat.getItem(id) !== undefined)
    return c.json({ ok: true })
  })

  app.post('/v1/events', async (c) => c.json(await postEvents(c.get('principal'), await c.req.text(), backend())))

  app.post('/v1/items', async (c) => c.json(await postItems(c.get('principal'), await c.req.text(), backend().items)))
  app.delete('/v1/items/:id', async (c) => {
    await deleteItem(c.get('principal'), c.req.param('id'), backend().items)
    return c.body(null, 204)
  })

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
    if (!b) return c.json({ ...deps.loading?.(), status: 'loading' }, 503)
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

  mountAdmin(app, {
    backend: deps.backend,
    sampler,
    conversations,
    showsText,
    sampleSeconds: sampleMs / 1000,
  })

  app.get('/', (c) => {
    const origin = publicOrigin ?? new URL(c.req.url).origin
    const key = keys.keyForOrigin(origin, publicOrigin)
    if (!key) {
      throw new AppError(
        'not_found',
        `No publishable key allows ${origin}, so there is no demo page here (set CONCIERGE_PUBLIC_URL to the address people open).`,
      )
    }
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
    const retryAfter = isAppError(error) ? error.details.retryAfterSeconds : undefined
    if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter))
    if (status >= 500) logFailure(c.get('log') ?? logger, 'request', error)
    return c.json(body, status as 500)
  })

  const fetch = async (request: Request, env?: unknown) => app.fetch(request, env)
  return {
    fetch,
    listener: getRequestListener((request, env) => app.fetch(request, env)),
    setDraining: (value) => {
      draining = value
    },
    cancelTurns: () => turns.cancelAll(),
    close: async () => sampler.stop(),
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

/** The route pattern that matched (`/v1/items/:id`), for metrics and logs without unbounded label values. */
function routeOf(c: Context<Env>): string {
  if (c.req.method === 'OPTIONS') return 'preflight'
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  return handlers.at(-1)?.path ?? 'unmatched'
}

/** Throws `rate.limited` (429, Retry-After) when a limiter asked to wait. */
async function refuseWhenLimited(wait: number | Promise<number>): Promise<void> {
  const waitSeconds = await wait
  if (waitSeconds > 0) {
    throw new AppError('rate.limited', `Too many requests; retry in ${waitSeconds} s.`, {
      details: { retryAfterSeconds: waitSeconds },
    })
  }
}

/** The scheduler limits of the server's config (CONCIERGE_MAX_CONCURRENT_TURNS, CONCIERGE_MAX_QUEUED_TURNS). */
export function turnSchedulerOptions(config: Pick<Config['server'], 'maxConcurrentTurns' | 'maxQueuedTurns'>) {
  return { maxConcurrent: config.maxConcurrentTurns, maxQueued: config.maxQueuedTurns }
}
