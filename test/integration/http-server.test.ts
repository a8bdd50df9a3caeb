import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { createWidgetApp, type HttpServer, parseEventStream, startHttpServer, type WidgetApp } from '../../src/widget/index.ts'
import { createFakeChat, type FakeChat } from '../support/fake-chat.ts'

const logger = createLogger({ level: 'silent' })

async function post(url: string, path: string, text: string, signal?: AbortSignal) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo', accept: 'text/event-stream' },
    body: JSON.stringify({ text }),
    signal,
  })
}

describe('HTTP server on a real port', () => {
  let chat: FakeChat
  let app: WidgetApp
  let server: HttpServer
  const slackHits: string[] = []

  beforeAll(async () => {
    chat = createFakeChat({ partDelayMs: 60, parts: 4 })
    app = await createWidgetApp(loadConfig({}, { cwd: '/tmp' }).server, {
      backend: () => ({ chat, buildId: 'b', itemCount: 10 }),
      logger,
    })
    server = await startHttpServer({
      listener: app.listener,
      mounts: [
        {
          prefix: '/slack/',
          listener: (req, res) => {
            slackHits.push(req.url ?? '')
            res.writeHead(200, { 'content-type': 'text/plain' }).end('slack')
          },
        },
      ],
      port: 0,
      host: '127.0.0.1',
      logger,
      shutdownTimeoutMs: 5000,
    })
  })
  afterAll(() => server.close())

  it('streams text parts as they are produced, not all at the end', async () => {
    const res = await post(server.url, '/v1/conversations/p1/messages', 'thriller')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    const arrivals: { at: number; text: string }[] = []
    const t0 = performance.now()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      arrivals.push({ at: performance.now() - t0, text: decoder.decode(value) })
    }
    const all = arrivals.map((a) => a.text).join('')
    const parts = parseEventStream(all)
    expect(parts.at(-1)).toBe('done')
    const firstDelta = arrivals.find((a) => a.text.includes('text-delta'))
    const items = arrivals.find((a) => a.text.includes('data-items'))
    // Four parts 60 ms apart: the first delta must reach the client well before the items.
    expect(items!.at - firstDelta!.at).toBeGreaterThan(100)
  })

  it('routes /slack/* to the mounted handler and everything else to the API', async () => {
    const slack = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })
    expect(await slack.text()).toBe('slack')
    expect(slackHits).toEqual(['/slack/events'])
    const health = await fetch(`${server.url}/healthz`)
    expect(await health.json()).toEqual({ status: 'ok' })
  })

  it('aborts the turn when the client goes away', async () => {
    const controller = new AbortController()
    const res = await post(server.url, '/v1/conversations/p2/messages', 'comedy', controller.signal)
    const reader = res.body!.getReader()
    await reader.read()
    controller.abort()
    await new Promise((r) => setTimeout(r, 400))
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/concierge_turns_total\{outcome="aborted"\} 1/)
  })

  it('refuses a large body with 413 over the wire', async () => {
    const res = await fetch(`${server.url}/v1/conversations/p3/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
      body: JSON.stringify({ text: 'z'.repeat(40_000) }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'input.too_large' } })
  })
})

describe('graceful shutdown', () => {
  it('finishes in-flight streams, then refuses new connections', async () => {
    const chat = createFakeChat({ partDelayMs: 150, parts: 4 })
    const app = await createWidgetApp(loadConfig({}, { cwd: '/tmp' }).server, {
      backend: () => ({ chat, buildId: 'b', itemCount: 10 }),
      logger,
    })
    const server = await startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 5000 })
    const url = server.url
    const inflight = post(url, '/v1/conversations/g1/messages', 'animation').then((r) => r.text())
    await new Promise((r) => setTimeout(r, 100))
    expect(server.inFlight).toBe(1)
    const closing = server.close()
    const body = await inflight
    expect(parseEventStream(body).at(-1)).toBe('done')
    await closing
    expect(server.inFlight).toBe(0)
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
  })

  it('cuts requests still running at the deadline', async () => {
    const chat = createFakeChat({ partDelayMs: 2000, parts: 4 })
    const app = await createWidgetApp(loadConfig({}, { cwd: '/tmp' }).server, {
      backend: () => ({ chat, buildId: 'b', itemCount: 10 }),
      logger,
    })
    const server = await startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 200 })
    const inflight = post(server.url, '/v1/conversations/g2/messages', 'animation')
      .then((r) => r.text())
      .catch((e: unknown) => `failed: ${String(e)}`)
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    await server.close()
    expect(performance.now() - t0).toBeLessThan(1500)
    const body = await inflight
    expect(body).not.toContain('[DONE]')
  })
})
