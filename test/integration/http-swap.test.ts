import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { createWidgetApp, parseEventStream, type WidgetBackend } from '../../src/widget/index.ts'
import { createFakeChat } from '../support/fake-chat.ts'

describe('build swap under load', () => {
  it('loses no request when the chat is swapped while 50 requests are in flight', async () => {
    const oldChat = createFakeChat({ label: 'old', partDelayMs: 20 })
    const newChat = createFakeChat({ label: 'new', partDelayMs: 5 })
    // Shaped like the runtime: `chat` changes on reload, requests already running keep the chat they started with.
    const runtime: { -readonly [K in keyof WidgetBackend]: WidgetBackend[K] } = { chat: oldChat, buildId: 'b1', itemCount: 10 }
    const config = loadConfig(
      { CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000', CONCIERGE_TRUST_PROXY: '1', CONCIERGE_MAX_CONCURRENT_TURNS: '64' },
      { cwd: '/tmp' },
    ).server
    const app = await createWidgetApp(config, {
      backend: () => runtime,
      logger: createLogger({ level: 'silent' }),
    })

    const send = (i: number) => {
      const stream = i % 2 === 0
      return app
        .fetch(
          new Request(`http://localhost/v1/conversations/load-${i}/messages${stream ? '?stream=1' : ''}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo', 'x-forwarded-for': `10.1.0.${i}` },
            body: JSON.stringify({ text: `request ${i} comedy` }),
          }),
        )
        .then(async (res) => {
          const raw = await res.text()
          const text = stream
            ? parseEventStream(raw)
                .filter((p) => p !== 'done' && p.type === 'text-delta')
                .map((p) => (p as { delta: string }).delta)
                .join('')
            : (JSON.parse(raw) as { reply: { text: string } }).reply.text
          return { status: res.status, text, complete: !stream || raw.endsWith('data: [DONE]\n\n') }
        })
    }

    const before = Array.from({ length: 50 }, (_, i) => send(i))
    // Turns start on a later turn of the event loop than their request: wait until all 50 run on the old chat.
    await expect.poll(() => oldChat.turns.length, { interval: 2 }).toBe(50)
    runtime.chat = newChat
    runtime.buildId = 'b2'
    const after = Array.from({ length: 50 }, (_, i) => send(50 + i))
    const results = await Promise.all([...before, ...after])

    expect(results.map((r) => r.status)).toEqual(Array(100).fill(200))
    expect(results.every((r) => r.complete)).toBe(true)
    expect(results.slice(0, 50).every((r) => r.text.startsWith('[old]'))).toBe(true)
    expect(results.slice(50).every((r) => r.text.startsWith('[new]'))).toBe(true)
    expect(newChat.turns.length).toBe(50)
    const ready = (await (await app.fetch(new Request('http://localhost/readyz'))).json()) as { buildId: string }
    expect(ready.buildId).toBe('b2')
  })
})
