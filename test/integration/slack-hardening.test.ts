import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.ts'
import { type ChatService, createLogger, createTurnScheduler } from '../../src/core/index.ts'
import { createSlackBot, type SlackBot } from '../../src/slack/index.ts'
import { createWidgetApp } from '../../src/widget/index.ts'
import {
  commandForm,
  eventEnvelope,
  interactionForm,
  postSigned,
  type SlackApiImitation,
  signSlackRequest,
  startSlackApi,
} from '../support/slack-api.ts'
import { createFakeChat, type FakeChat } from '../support/slack-fake-chat.ts'

const SECRET = 'hardening-signing-secret-0123'
const TOKEN = 'xoxb-3333-4444-hardening'

let api: SlackApiImitation
let chat: FakeChat
let bot: SlackBot
let server: Server
let eventsUrl: string
let tsCounter = 0
const nextTs = () => `1700003000.${String(++tsCounter).padStart(6, '0')}`

async function listen(listener: NonNullable<SlackBot['requestListener']>): Promise<{ server: Server; url: string }> {
  const s = createServer(listener)
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/slack/events` }
}

beforeAll(async () => {
  api = await startSlackApi()
  chat = createFakeChat()
  const created = await createSlackBot(
    { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: api.apiUrl },
    { chat, logger: createLogger({ level: 'silent' }), options: { thinkingAfterMs: 60_000, retries: 0 } },
  )
  if (!created?.requestListener) throw new Error('expected an HTTP-mode bot')
  bot = created
  ;({ server, url: eventsUrl } = await listen(created.requestListener))
})

afterAll(async () => {
  await bot?.close()
  server?.closeAllConnections()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await api?.close()
})

function dmEvent(channel: string, user: string, text: string) {
  const ts = nextTs()
  return { type: 'message', channel_type: 'im', channel, user, text, ts, event_ts: ts, team: 'T1' }
}

/**
 * Opens a POST to /slack/events and writes `chunks` bodies of `chunkBytes` one after another without ever ending
 * the request; resolves with the status as soon as the server answers, or 'no answer' after `waitMs`.
 */
function postUnfinished(options: { contentLength?: number; chunks: number; chunkBytes: number; waitMs: number }) {
  return new Promise<{ status: number | 'no answer'; writtenBytes: number }>((resolve) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-slack-signature': 'v0=unsigned',
    }
    if (options.contentLength !== undefined) headers['content-length'] = String(options.contentLength)
    const req = request(eventsUrl, { method: 'POST', headers })
    let written = 0
    let done = false
    const finish = (status: number | 'no answer') => {
      if (done) return
      done = true
      clearTimeout(timer)
      req.destroy()
      resolve({ status, writtenBytes: written })
    }
    const timer = setTimeout(() => finish('no answer'), options.waitMs)
    req.on('response', (res) => {
      res.resume()
      finish(res.statusCode ?? 0)
    })
    req.on('error', () => finish('no answer'))
    req.flushHeaders()
    const chunk = Buffer.alloc(options.chunkBytes, 0x61)
    const writeNext = (left: number) => {
      if (done || left === 0) return
      req.write(chunk, () => {
        written += chunk.length
        setTimeout(() => writeNext(left - 1), 5)
      })
    }
    writeNext(options.chunks)
  })
}

describe('slack bot request hardening', () => {
  it('refuses an announced body over 64 KB with 413 before reading it', async () => {
    const result = await postUnfinished({ contentLength: 3_900_000, chunks: 0, chunkBytes: 1, waitMs: 2000 })
    expect(result.status).toBe(413)
  })

  it('refuses a streamed body with 413 as soon as it passes 64 KB, without waiting for its end', async () => {
    const result = await postUnfinished({ chunks: 60, chunkBytes: 16 * 1024, waitMs: 3000 })
    expect(result.status).toBe(413)
    expect(result.writtenBytes).toBeLessThan(60 * 16 * 1024)
  })

  it('still serves a signed request of normal size', async () => {
    const response = await postSigned(eventsUrl, SECRET, eventEnvelope(dmEvent('D1', 'U1', 'something funny')))
    expect(response.status).toBe(200)
    await api.waitFor(() => api.callsTo('chat.postMessage').find((c) => c.body.channel === 'D1'))
  })

  it('refuses a signed request dated more than 5 minutes away, in the future as in the past', async () => {
    const turnsBefore = chat.turns.length
    for (const offsetSec of [600, 310, -310]) {
      const body = eventEnvelope(dmEvent('D2', 'U2', `dated ${offsetSec}`))
      const timestampSec = Math.floor(Date.now() / 1000) + offsetSec
      const response = await postSigned(eventsUrl, SECRET, body, { timestampSec })
      expect(response.status, `offset ${offsetSec} s`).toBe(401)
    }
    const withinSkew = await postSigned(eventsUrl, SECRET, eventEnvelope(dmEvent('D2', 'U2', 'within')), {
      timestampSec: Math.floor(Date.now() / 1000) + 240,
    })
    expect(withinSkew.status).toBe(200)
    await api.waitFor(() => chat.turns.length === turnsBefore + 1)
    expect(chat.turns.slice(turnsBefore).map((t) => t.text)).toEqual(['within'])
  })

  it('answers the same signed slash command once when it is delivered twice', async () => {
    const body = commandForm({
      token: 'legacy',
      team_id: 'T1',
      channel_id: 'C9',
      user_id: 'U9',
      command: '/recommend',
      text: 'a heist film',
      trigger_id: '901.902.abc',
      response_url: api.responseUrl('replayed-command'),
    })
    const timestampSec = Math.floor(Date.now() / 1000)
    const signature = signSlackRequest(SECRET, body, timestampSec)
    const form = { contentType: 'application/x-www-form-urlencoded' as const, timestampSec, signature }
    expect((await postSigned(eventsUrl, SECRET, body, form)).status).toBe(200)
    expect((await postSigned(eventsUrl, SECRET, body, form)).status).toBe(200)
    await api.waitFor((calls) => calls.find((c) => c.target === 'replayed-command'))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(api.calls.filter((c) => c.target === 'replayed-command')).toHaveLength(1)
    expect(chat.turns.filter((t) => t.conversationId === 'T1:C9:cmd:U9')).toHaveLength(1)
  })

  it('records the same signed button click once when it is delivered twice', async () => {
    const payload = interactionForm({
      type: 'block_actions',
      user: { id: 'U10', team_id: 'T1' },
      team: { id: 'T1' },
      trigger_id: '1001.1002.abc',
      container: { type: 'message', message_ts: '1700003999.000001', channel_id: 'C10', is_ephemeral: true },
      response_url: api.responseUrl('replayed-click'),
      actions: [
        {
          type: 'button',
          action_id: 'concierge_like',
          block_id: 'concierge:item:0',
          value: JSON.stringify({ c: 'T1:C10:cmd:U10', i: '2' }),
          action_ts: '1700003999.000002',
        },
      ],
    })
    const form = { contentType: 'application/x-www-form-urlencoded' as const }
    const before = chat.feedbacks.length
    expect((await postSigned(eventsUrl, SECRET, payload, form)).status).toBe(200)
    expect((await postSigned(eventsUrl, SECRET, payload, form)).status).toBe(200)
    await api.waitFor(() => chat.feedbacks.length > before)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(chat.feedbacks.slice(before)).toEqual([
      { conversationId: 'T1:C10:cmd:U10', userId: 'T1:U10', itemId: '2', kind: 'like' },
    ])
  })
})

describe('slack bot drain before shutdown', () => {
  async function slowBot(delayMs: number) {
    const slowChat = createFakeChat({ delayMs })
    const created = (await createSlackBot(
      { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: api.apiUrl },
      {
        chat: slowChat,
        logger: createLogger({ level: 'silent' }),
        options: { thinkingAfterMs: 60_000, retries: 0, apologyGraceMs: 2000 },
      },
    ))!
    const listening = await listen(created.requestListener!)
    const stop = async () => {
      await created.close()
      listening.server.closeAllConnections()
      await new Promise<void>((resolve) => listening.server.close(() => resolve()))
    }
    return { chat: slowChat, bot: created, url: listening.url, stop }
  }
  const postsTo = (channel: string) => api.callsTo('chat.postMessage').filter((c) => c.body.channel === channel)

  it('lets an acknowledged turn finish within the deadline and posts its reply', async () => {
    const s = await slowBot(300)
    await postSigned(s.url, SECRET, eventEnvelope(dmEvent('D20', 'U20', 'something funny')))
    await api.waitFor(() => s.chat.running === 1)
    expect(await s.bot.drain(5000)).toEqual({ unfinished: 0 })
    expect(s.chat.aborted).toBe(0)
    expect(postsTo('D20')).toHaveLength(1)
    expect(String(postsTo('D20')[0]!.body.text)).not.toContain('restarting')
    await s.stop()
  })

  it('apologises for a turn still running at the deadline, and for a turn that arrives while draining', async () => {
    const s = await slowBot(30_000)
    await postSigned(s.url, SECRET, eventEnvelope(dmEvent('D21', 'U21', 'something slow')))
    await api.waitFor(() => s.chat.running === 1)
    const started = Date.now()
    const drained = s.bot.drain(300)
    await postSigned(s.url, SECRET, eventEnvelope(dmEvent('D22', 'U22', 'arrives while draining')))
    expect(await drained).toEqual({ unfinished: 0 })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(s.chat.aborted).toBe(1)
    for (const channel of ['D21', 'D22']) {
      expect(postsTo(channel).map((c) => c.body.text)).toEqual([expect.stringContaining('restarting')])
    }
    expect(s.chat.turns.map((t) => t.text)).toEqual(['something slow'])
    await s.stop()
  })
})

describe('one turn cap for Slack and the widget', () => {
  it('never runs more turns than the cap across both, and apologises in Slack for the turns it sheds', async () => {
    // Cap 2, queue 2: of 3 widget and 4 Slack turns sent at once, 4 run (2 at a time) and 3 are shed.
    const turns = createTurnScheduler({ maxConcurrent: 2, maxQueued: 2 })
    const fake = createFakeChat({ delayMs: 600 })
    let peak = 0
    const counted: ChatService = {
      ...fake,
      handleTurn: (input, options) => {
        const running = fake.handleTurn(input, options)
        peak = Math.max(peak, fake.running)
        return running
      },
    }
    const silent = createLogger({ level: 'silent' })
    const slack = (await createSlackBot(
      { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: api.apiUrl },
      { chat: counted, logger: silent, options: { thinkingAfterMs: 60_000, retries: 0 }, turns },
    ))!
    const listening = await listen(slack.requestListener!)
    const config = loadConfig(
      { CONCIERGE_PUBLISHABLE_KEYS: 'pk_site=*', CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000' },
      { cwd: '/tmp' },
    ).server
    const widget = await createWidgetApp(config, {
      backend: () => ({ chat: counted, buildId: 'b', itemCount: 15 }),
      logger: silent,
      turns,
    })
    const channels = ['D31', 'D32', 'D33', 'D34']
    const widgetReplies = Promise.all(
      ['w1', 'w2', 'w3'].map((id) =>
        widget.fetch(
          new Request(`http://api.test/v1/conversations/${id}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-concierge-key': 'pk_site' },
            body: JSON.stringify({ text: 'comedy' }),
          }),
        ),
      ),
    )
    await Promise.all(channels.map((ch) => postSigned(listening.url, SECRET, eventEnvelope(dmEvent(ch, 'U30', 'comedy')))))
    const statuses = (await widgetReplies).map((r) => r.status)
    const posts = await api.waitFor(() => {
      const found = channels.map((ch) => api.callsTo('chat.postMessage').filter((c) => c.body.channel === ch))
      return found.every((p) => p.length > 0) ? found : undefined
    }, 10_000)
    const slackTexts = posts.map((p) => {
      expect(p).toHaveLength(1)
      return String(p[0]!.body.text)
    })
    const apologies = slackTexts.filter((t) => t.includes('too many people'))
    expect(peak).toBe(2)
    expect(fake.turns).toHaveLength(4)
    expect(statuses.filter((s) => s === 503).length + apologies.length).toBe(3)
    expect(statuses.filter((s) => s === 200).length + slackTexts.length - apologies.length).toBe(4)
    await slack.close()
    await widget.close()
    listening.server.closeAllConnections()
    await new Promise<void>((resolve) => listening.server.close(() => resolve()))
  })
})
