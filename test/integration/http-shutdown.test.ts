import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { shutDown } from '../../src/serve.ts'
import { createWidgetApp, parseEventStream, startHttpServer } from '../../src/widget/index.ts'
import { createFakeChat, type FakeChatOptions } from '../support/fake-chat.ts'

const logger = createLogger({ level: 'silent' })

/** A real server on loopback with the fake chat, shut down the way `serve` does on SIGTERM. */
async function serveFake(chatOptions: FakeChatOptions, timing: { drainDelayMs: number; deadlineMs: number }) {
  const chat = createFakeChat(chatOptions)
  const config = loadConfig({ CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000' }, { cwd: '/tmp' }).server
  const app = await createWidgetApp(config, { backend: () => ({ chat, buildId: 'b', itemCount: 10 }), logger })
  const http = await startHttpServer({
    listener: app.listener,
    port: 0,
    host: '127.0.0.1',
    logger,
    drainDelayMs: timing.drainDelayMs,
    shutdownTimeoutMs: timing.deadlineMs,
    onDeadline: () => app.cancelTurns(),
  })
  let stopped: Promise<void> | undefined
  const stop = () => (stopped ??= shutDown({ app, http, runtime: chat, logger, deadlineMs: timing.deadlineMs }))
  return { url: http.url, stop, chat }
}

type Outcome = { status: number; retryAfter: string | null; body: string; stream: boolean } | { failed: string; stream: boolean }

/**
 * 40 turns (every other one streamed) from a worker thread, so they are on the wire like real clients' turns;
 * `stop` runs `afterMs` after the last was sent. Resolves to what each client saw (`failed`: a connection error).
 */
async function turnsThenStop(url: string, stop: () => Promise<void>, afterMs: number): Promise<Outcome[]> {
  const worker = new Worker(new URL('../support/burst-worker.mjs', import.meta.url), {
    workerData: { url, key: 'demo', count: 40, streamEvery: 2, text: 'a comedy' },
  })
  try {
    return await new Promise<Outcome[]>((resolve, reject) => {
      worker.on('message', (m: { type: 'sent' } | { type: 'done'; outcomes: Outcome[] }) => {
        if (m.type === 'sent') setTimeout(() => void stop(), afterMs)
        else resolve(m.outcomes)
      })
      worker.once('error', reject)
    })
  } finally {
    await worker.terminate()
  }
}

describe('shutdown (SIGTERM) with 40 turns sent 150 ms earlier', () => {
  it('turns /readyz 503 first, answers every turn received, then closes the listener', async () => {
    const server = await serveFake({ partDelayMs: 50, parts: 4 }, { drainDelayMs: 300, deadlineMs: 5000 })
    let readyDuringDrain = 0
    const outcomes = await turnsThenStop(
      server.url,
      async () => {
        const stopping = server.stop()
        readyDuringDrain = (await fetch(`${server.url}/readyz`)).status
        await stopping
      },
      150,
    )
    expect(readyDuringDrain).toBe(503)
    expect(outcomes.filter((o) => 'failed' in o)).toEqual([])
    expect(outcomes.map((o) => ('status' in o ? o.status : 0))).toEqual(Array(40).fill(200))
    const streams = outcomes.filter((o) => o.stream) as { body: string }[]
    expect(streams.every((s) => parseEventStream(s.body).at(-1) === 'done')).toBe(true)
    await server.stop()
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  })

  it('answers turns still running at the deadline with 503 or a stream error part, never a reset', async () => {
    const server = await serveFake({ partDelayMs: 2000, parts: 4 }, { drainDelayMs: 200, deadlineMs: 600 })
    const t0 = performance.now()
    const outcomes = await turnsThenStop(server.url, server.stop, 150)
    await server.stop()
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(outcomes.filter((o) => 'failed' in o)).toEqual([])
    for (const o of outcomes) {
      if ('failed' in o) continue
      if (!o.stream) {
        expect(o.status).toBe(503)
        expect(Number(o.retryAfter)).toBeGreaterThanOrEqual(1)
        expect(JSON.parse(o.body)).toMatchObject({ error: { code: 'unavailable' } })
      } else {
        const parts = parseEventStream(o.body)
        expect(parts.at(-1)).toBe('done')
        expect(parts.find((p) => p !== 'done' && p.type === 'error')).toMatchObject({
          errorText: expect.stringContaining('[unavailable]'),
        })
      }
    }
  })
})

describe('shutDown', () => {
  it('marks the app draining first, drains HTTP and Slack together, then closes Slack, the app and the runtime', async () => {
    const steps: string[] = []
    const step = (name: string) => async () => {
      steps.push(name)
    }
    await shutDown({
      app: { setDraining: (on) => steps.push(`draining ${on}`), close: step('app.close') },
      http: { close: step('http.close') },
      slack: {
        drain: async (ms) => {
          steps.push(`slack.drain ${ms}`)
          return { unfinished: 0 }
        },
        close: step('slack.close'),
      },
      runtime: { close: step('runtime.close') },
      logger,
      deadlineMs: 7000,
    })
    expect(steps).toEqual(['draining true', 'http.close', 'slack.drain 7000', 'slack.close', 'app.close', 'runtime.close'])
  })
})
