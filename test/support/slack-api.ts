/**
 * A local imitation of Slack for tests: the Web API (`/api/<method>`, form-encoded or JSON bodies) and
 * response_url endpoints (`/respond/<name>`), recording every call; plus helpers that build and sign the requests
 * Slack sends to an app (Events API, slash commands, interactivity).
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SlackApiCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string
  /** Parsed body: JSON-valued form fields (blocks, view, …) are parsed too. */
  body: Record<string, unknown>
  /** The bearer token sent, if any. */
  token?: string
  /** For `response_url` calls: the name given to `responseUrl(name)`. */
  target?: string
  /** HTTP status the imitation answered with. */
  status: number
  /** The JSON the imitation answered with (e.g. the `ts` of a posted message). */
  response?: Record<string, unknown>
  /** Milliseconds since the epoch when the call arrived. */
  at: number
}

export type SlackApiFailure = { status: 429; retryAfterSec: number } | { error: string }

export interface SlackApiImitation {
  /** Base URL for `slackApiUrl` / SLACK_API_URL, ending in `/api/`. */
  readonly apiUrl: string
  readonly calls: SlackApiCall[]
  readonly botUserId: string
  readonly botId: string
  readonly teamId: string
  /** A response_url served by the imitation; calls to it are recorded with `target: name`. */
  responseUrl(name: string): string
  /** Successful calls to one method (429 answers excluded unless `all`). */
  callsTo(method: string, options?: { all?: boolean }): SlackApiCall[]
  /** Waits until `predicate` holds over the recorded calls; rejects after `timeoutMs`. */
  waitFor<T>(predicate: (calls: SlackApiCall[]) => T | undefined | false, timeoutMs?: number): Promise<T>
  /** The next call to `method` fails as given (a 429 with Retry-After, or `{ ok: false, error }`). */
  failNext(method: string, failure: SlackApiFailure): void
  /** Tokens auth.test refuses with invalid_auth. */
  readonly refusedTokens: Set<string>
  close(): Promise<void>
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata'])

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (raw === '') return {}
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value
  }
  return out
}

export async function startSlackApi(
  options: { botUserId?: string; botId?: string; teamId?: string } = {},
): Promise<SlackApiImitation> {
  const botUserId = options.botUserId ?? 'UBOT'
  const botId = options.botId ?? 'BBOT'
  const teamId = options.teamId ?? 'T1'
  const calls: SlackApiCall[] = []
  const failures = new Map<string, SlackApiFailure[]>()
  const refusedTokens = new Set<string>()
  let tsCounter = 0
  const nextTs = () => `1700000000.${String(++tsCounter).padStart(6, '0')}`

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const raw = await readBody(req)
    let call: SlackApiCall | undefined
    const send = (status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
      if (call) call.response = payload
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(payload))
    }
    let body: Record<string, unknown>
    try {
      body = parseBody(raw, String(req.headers['content-type'] ?? ''))
    } catch {
      send(400, { ok: false, error: 'invalid_json' })
      return
    }
    if (url.pathname.startsWith('/respond/')) {
      call = { method: 'response_url', target: url.pathname.slice('/respond/'.length), body, status: 200, at: Date.now() }
      calls.push(call)
      send(200, { ok: true })
      return
    }
    if (!url.pathname.startsWith('/api/')) {
      send(404, { ok: false, error: 'unknown_path' })
      return
    }
    const method = url.pathname.slice('/api/'.length)
    const auth = String(req.headers.authorization ?? '')
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof body.token === 'string' ? body.token : undefined
    const failure = failures.get(method)?.shift()
    if (failure && 'status' in failure) {
      calls.push({ method, body, token, status: 429, at: Date.now(), response: { ok: false, error: 'ratelimited' } })
      res.writeHead(429, { 'retry-after': String(failure.retryAfterSec), 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }))
      return
    }
    call = { method, body, token, status: 200, at: Date.now() }
    calls.push(call)
    if (failure) {
      send(200, { ok: false, error: failure.error })
      return
    }
    switch (method) {
      case 'auth.test':
        if (!token || refusedTokens.has(token)) send(200, { ok: false, error: 'invalid_auth' })
        else send(200, { ok: true, user_id: botUserId, bot_id: botId, team_id: teamId, user: 'concierge', team: 'Test' })
        return
      case 'chat.postMessage': {
        const ts = nextTs()
        send(200, { ok: true, channel: body.channel, ts, message: { ...body, ts, bot_id: botId, user: botUserId } })
        return
      }
      case 'chat.update':
        send(200, { ok: true, channel: body.channel, ts: body.ts, text: body.text })
        return
      case 'chat.postEphemeral':
        send(200, { ok: true, message_ts: nextTs() })
        return
      case 'views.publish':
        send(200, { ok: true, view: { id: 'V1', type: 'home' } })
        return
      default:
        send(200, { ok: true })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`

  return {
    apiUrl: `${base}/api/`,
    calls,
    botUserId,
    botId,
    teamId,
    refusedTokens,
    responseUrl: (name) => `${base}/respond/${encodeURIComponent(name)}`,
    callsTo: (method, opts = {}) => calls.filter((c) => c.method === method && (opts.all || c.status === 200)),
    waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      return new Promise((resolve, reject) => {
        const poll = () => {
          const result = predicate(calls)
          if (result !== undefined && result !== false) return resolve(result)
          if (Date.now() > deadline) return reject(new Error(`slack imitation: condition not met within ${timeoutMs} ms`))
          setTimeout(poll, 10)
        }
        poll()
      })
    },
    failNext(method, failure) {
      const list = failures.get(method) ?? []
      list.push(failure)
      failures.set(method, list)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret. */
export function signSlackRequest(signingSecret: string, body: string, timestampSec: number): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${body}`).digest('hex')}`
}

export interface SlackPostOptions {
  contentType?: 'application/json' | 'application/x-www-form-urlencoded'
  /** Seconds since the epoch written in X-Slack-Request-Timestamp; default now. */
  timestampSec?: number
  /** Overrides the computed signature (to send a bad one). */
  signature?: string
  /** X-Slack-Retry-Num, as Slack sends on redelivery. */
  retryNum?: number
  retryReason?: string
}

/** POSTs a body to the bot the way Slack does, signed with `signingSecret`. */
export async function postSigned(
  url: string,
  signingSecret: string,
  body: string,
  options: SlackPostOptions = {},
): Promise<{ status: number; text: string }> {
  const timestampSec = options.timestampSec ?? Math.floor(Date.now() / 1000)
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': options.signature ?? signSlackRequest(signingSecret, body, timestampSec),
  }
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum)
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout'
  }
  const response = await fetch(url, { method: 'POST', headers, body })
  return { status: response.status, text: await response.text() }
}

let eventCounter = 0

/** An Events API envelope (event_callback) as JSON text. */
export function eventEnvelope(event: Record<string, unknown>, options: { teamId?: string; eventId?: string } = {}): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: options.teamId ?? 'T1',
    api_app_id: 'A1',
    event,
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${String(++eventCounter).padStart(8, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
  })
}

/** A slash command request body (form-encoded). */
export function commandForm(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

/** An interactivity request body: the JSON payload in a form field named `payload`. */
export function interactionForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}
