import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import { createSlackBot, type SlackBot } from '../../src/slack/index.ts'
import {
  commandForm,
  eventEnvelope,
  interactionForm,
  postSigned,
  type SlackApiCall,
  type SlackApiImitation,
  startSlackApi,
} from '../support/slack-api.ts'
import { createFakeChat, type FakeChat } from '../support/slack-fake-chat.ts'

const SECRET = 'test-signing-secret-0123456789'
const TOKEN = 'xoxb-1111-2222-testtoken'
const THINKING_AFTER_MS = 1500

type Block = Record<string, unknown> & { type: string; block_id?: string; elements?: Record<string, unknown>[] }

let api: SlackApiImitation
let chat: FakeChat
let bot: SlackBot
let server: Server
let eventsUrl: string
const logs: string[] = []
let tsCounter = 0
let clickCounter = 0

const nextTs = () => `1700001000.${String(++tsCounter).padStart(6, '0')}`

beforeAll(async () => {
  api = await startSlackApi()
  chat = createFakeChat()
  const logger = createLogger({ level: 'debug', format: 'json', write: (line) => logs.push(line) })
  const created = await createSlackBot(
    { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: api.apiUrl },
    { chat, logger, options: { thinkingAfterMs: THINKING_AFTER_MS, retries: 2, retryMinTimeoutMs: 10 } },
  )
  if (!created?.requestListener) throw new Error('expected an HTTP-mode bot')
  bot = created
  server = createServer(created.requestListener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`
})

afterAll(async () => {
  await bot?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  await api?.close()
})

function sendEvent(event: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}) {
  return postSigned(eventsUrl, SECRET, eventEnvelope(event, { eventId: options.eventId }), { retryNum: options.retryNum })
}

function dm(channel: string, user: string, text: string, extra: Record<string, unknown> = {}) {
  const ts = nextTs()
  return { ts, event: { type: 'message', channel_type: 'im', channel, user, text, ts, event_ts: ts, team: 'T1', ...extra } }
}

function posts(channel: string): SlackApiCall[] {
  return api.callsTo('chat.postMessage').filter((c) => c.body.channel === channel)
}

function waitForPosts(channel: string, count: number, timeoutMs = 5000): Promise<SlackApiCall[]> {
  return api.waitFor(() => {
    const found = posts(channel)
    return found.length >= count ? found : undefined
  }, timeoutMs)
}

function blocksOf(call: SlackApiCall): Block[] {
  return call.body.blocks as Block[]
}

function itemTitles(blocks: Block[]): string[] {
  return blocks
    .filter((b) => typeof b.block_id === 'string' && b.block_id.startsWith('concierge:text:'))
    .map((b) => /^\*(.+?)\*/.exec((b.text as { text: string }).text)?.[1] ?? '')
}

function button(blocks: Block[], blockId: string, actionId: string): Record<string, unknown> {
  const found = blocks.find((b) => b.block_id === blockId)?.elements?.find((e) => e.action_id === actionId)
  if (!found) throw new Error(`no ${actionId} in ${blockId}`)
  return found
}

/** A block_actions payload as Slack sends it for a click on a button of a message the bot posted. */
function clickPayload(opts: {
  user: string
  channel: string
  message: { ts: string; text: string; blocks: Block[]; thread_ts?: string }
  blockId: string
  actionId: string
  responseUrl?: string
  ephemeral?: boolean
}): string {
  const pressed = button(opts.message.blocks, opts.blockId, opts.actionId)
  return interactionForm({
    type: 'block_actions',
    user: { id: opts.user, username: 'someone', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: {
      type: 'message',
      message_ts: opts.message.ts,
      channel_id: opts.channel,
      is_ephemeral: opts.ephemeral ?? false,
      ...(opts.message.thread_ts ? { thread_ts: opts.message.thread_ts } : {}),
    },
    // Slack gives every click its own trigger id and action timestamp.
    trigger_id: `${++clickCounter}.456.abc`,
    team: { id: 'T1', domain: 'test' },
    channel: { id: opts.channel, name: 'somewhere' },
    message: { type: 'message', bot_id: 'BBOT', user: 'UBOT', ...opts.message },
    response_url: opts.responseUrl ?? api.responseUrl(`click-${opts.message.ts}`),
    actions: [
      { ...pressed, block_id: opts.blockId, type: 'button', action_ts: `1700002000.${String(clickCounter).padStart(6, '0')}` },
    ],
  })
}

function click(payload: string) {
  return postSigned(eventsUrl, SECRET, payload, { contentType: 'application/x-www-form-urlencoded' })
}

/** The message as Slack holds it after chat.postMessage: the ts the imitation answered with. */
function postedMessage(call: SlackApiCall): { ts: string; text: string; blocks: Block[] } {
  const ts = call.response?.ts
  if (typeof ts !== 'string') throw new Error('the post has no ts')
  return { ts, text: String(call.body.text), blocks: blocksOf(call) }
}

describe('slack bot over the HTTP Events API', () => {
  it('refuses badly signed and stale requests with 401 and answers url_verification', async () => {
    const { event } = dm('D0', 'U0', 'never processed')
    const body = eventEnvelope(event)
    const bad = await postSigned(eventsUrl, SECRET, body, { signature: 'v0=deadbeef' })
    expect(bad.status).toBe(401)
    const wrongSecret = await postSigned(eventsUrl, 'another-secret', body)
    expect(wrongSecret.status).toBe(401)
    const stale = await postSigned(eventsUrl, SECRET, body, { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 })
    expect(stale.status).toBe(401)
    const challenge = await postSigned(eventsUrl, SECRET, JSON.stringify({ type: 'url_verification', challenge: 'abc123' }))
    expect(challenge.status).toBe(200)
    expect(challenge.text).toContain('abc123')
    const elsewhere = await fetch(eventsUrl.replace('/slack/events', '/other'), { method: 'POST', body: '{}' })
    expect(elsewhere.status).toBe(404)
    expect(chat.turns.some((t) => t.text === 'never processed')).toBe(false)
  })

  it('answers a DM conversation over several turns with the exact Block Kit', async () => {
    const first = dm('D1', 'U1', 'something funny')
    const ack = await sendEvent(first.event)
    expect(ack.status).toBe(200)
    const [reply] = await waitForPosts('D1', 1)
    expect(chat.turns.at(-1)).toEqual({ conversationId: 'T1:D1', userId: 'T1:U1', text: 'something funny' })
    expect(reply!.token).toBe(TOKEN)
    expect(reply!.body.thread_ts).toBeUndefined()
    expect(reply!.body.text).toBe('Here are 3 ideas:\n1. Toy Story (1995)\n2. Groundhog Day (1993)\n3. Airplane! (1980)')
    const value = (id: string) => JSON.stringify({ c: 'T1:D1', i: id })
    const buttons = (id: string) => [
      {
        type: 'button',
        action_id: 'concierge_like',
        text: { type: 'plain_text', text: '👍 Like', emoji: true },
        value: value(id),
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'concierge_dislike',
        text: { type: 'plain_text', text: '👎 Dislike', emoji: true },
        value: value(id),
      },
      {
        type: 'button',
        action_id: 'concierge_more',
        text: { type: 'plain_text', text: 'More like this', emoji: true },
        value: value(id),
      },
      {
        type: 'button',
        action_id: 'concierge_not_interested',
        text: { type: 'plain_text', text: 'Not interested', emoji: true },
        value: value(id),
      },
    ]
    expect(blocksOf(reply!)).toEqual([
      { type: 'section', block_id: 'concierge:intro', text: { type: 'mrkdwn', text: 'Here are 3 ideas:' } },
      {
        type: 'section',
        block_id: 'concierge:text:0',
        text: { type: 'mrkdwn', text: '*Toy Story* (1995)\nA Animation / Comedy pick.\n_Animation · Comedy_' },
        accessory: { type: 'image', image_url: 'https://img.example/toy-story.jpg', alt_text: 'Toy Story' },
      },
      { type: 'actions', block_id: 'concierge:item:0', elements: buttons('1') },
      {
        type: 'section',
        block_id: 'concierge:text:1',
        text: { type: 'mrkdwn', text: '*Groundhog Day* (1993)\nA Comedy / Romance pick.\n_Comedy · Romance_' },
      },
      { type: 'actions', block_id: 'concierge:item:1', elements: buttons('4') },
      {
        type: 'section',
        block_id: 'concierge:text:2',
        text: { type: 'mrkdwn', text: '*Airplane!* (1980)\nA Comedy pick.\n_Comedy_' },
      },
      { type: 'actions', block_id: 'concierge:item:2', elements: buttons('7') },
      {
        type: 'actions',
        block_id: 'concierge:suggestions',
        elements: [
          {
            type: 'button',
            action_id: 'concierge_suggest_0',
            text: { type: 'plain_text', text: 'Something funnier', emoji: true },
            value: JSON.stringify({ c: 'T1:D1', s: 'Something funnier' }),
          },
          {
            type: 'button',
            action_id: 'concierge_suggest_1',
            text: { type: 'plain_text', text: 'Only sci-fi', emoji: true },
            value: JSON.stringify({ c: 'T1:D1', s: 'Only sci-fi' }),
          },
        ],
      },
    ])

    await sendEvent(dm('D1', 'U1', 'more comedy please').event)
    const [, second] = await waitForPosts('D1', 2)
    expect(chat.turns.at(-1)).toEqual({ conversationId: 'T1:D1', userId: 'T1:U1', text: 'more comedy please' })
    // Same conversation: the fake does not repeat what it showed.
    expect(itemTitles(blocksOf(second!))).toEqual(['Fargo', 'Amélie', 'Hot Fuzz'])

    // A reply inside a DM thread is its own conversation and is answered in that thread.
    await sendEvent(dm('D1', 'U1', 'scary', { thread_ts: first.ts }).event)
    const [, , threaded] = await waitForPosts('D1', 3)
    expect(chat.turns.at(-1)).toMatchObject({ conversationId: `T1:D1:${first.ts}` })
    expect(threaded!.body.thread_ts).toBe(first.ts)
    expect(itemTitles(blocksOf(threaded!))).toEqual(['Alien', 'The Shining', 'The Thing'])
  })

  it('acknowledges before the recommender answers', async () => {
    chat.delayMs = 600
    try {
      const ack = await sendEvent(dm('D2', 'U2', 'anything').event)
      expect(ack.status).toBe(200)
      // The HTTP answer came back while the turn was still running and nothing was posted yet.
      expect(chat.running).toBe(1)
      expect(posts('D2')).toHaveLength(0)
      await waitForPosts('D2', 1)

      const commandAck = await postSigned(
        eventsUrl,
        SECRET,
        commandForm({
          team_id: 'T1',
          channel_id: 'C20',
          user_id: 'U2',
          command: '/recommend',
          text: 'anything',
          response_url: api.responseUrl('slow-cmd'),
        }),
        { contentType: 'application/x-www-form-urlencoded' },
      )
      expect(commandAck.status).toBe(200)
      expect(chat.running).toBe(1)
      expect(api.calls.some((c) => c.target === 'slow-cmd')).toBe(false)
      await api.waitFor((calls) => calls.find((c) => c.target === 'slow-cmd'))
    } finally {
      chat.delayMs = 0
    }
  })

  it('answers an @mention in a thread, and follow-ups in the thread stay one conversation', async () => {
    const ts = nextTs()
    await sendEvent({
      type: 'app_mention',
      user: 'U3',
      text: '<@UBOT> a scary movie',
      ts,
      channel: 'C1',
      event_ts: ts,
      team: 'T1',
    })
    const [first] = await waitForPosts('C1', 1)
    expect(first!.body.thread_ts).toBe(ts)
    expect(chat.turns.at(-1)).toEqual({ conversationId: `T1:C1:${ts}`, userId: 'T1:U3', text: 'a scary movie' })
    expect(itemTitles(blocksOf(first!))).toEqual(['Alien', 'The Shining', 'The Thing'])

    const ts2 = nextTs()
    await sendEvent({
      type: 'app_mention',
      user: 'U4',
      text: 'and <@UBOT|concierge> something with drama',
      ts: ts2,
      thread_ts: ts,
      channel: 'C1',
      event_ts: ts2,
      team: 'T1',
    })
    const [, second] = await waitForPosts('C1', 2)
    expect(second!.body.thread_ts).toBe(ts)
    expect(chat.turns.at(-1)).toEqual({ conversationId: `T1:C1:${ts}`, userId: 'T1:U4', text: 'and something with drama' })

    // "More like this" on the threaded reply: a follow-up turn in the same thread, naming the title.
    const message = { ...postedMessage(first!), thread_ts: ts }
    const response = await click(
      clickPayload({ user: 'U3', channel: 'C1', message, blockId: 'concierge:item:0', actionId: 'concierge_more' }),
    )
    expect(response.status).toBe(200)
    const [, , third] = await waitForPosts('C1', 3)
    expect(chat.turns.at(-1)).toEqual({ conversationId: `T1:C1:${ts}`, userId: 'T1:U3', text: 'more like Alien' })
    expect(third!.body.thread_ts).toBe(ts)
    expect(blocksOf(third!)[0]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '<@U3>: _more like Alien_' }] })
  })

  it('answers /recommend ephemerally, and publicly with /recommend public', async () => {
    const fields = {
      token: 'legacy',
      team_id: 'T1',
      team_domain: 'test',
      channel_id: 'C2',
      channel_name: 'general',
      user_id: 'U5',
      user_name: 'someone',
      command: '/recommend',
      api_app_id: 'A1',
      trigger_id: '1.2.3',
    }
    const ack = await postSigned(
      eventsUrl,
      SECRET,
      commandForm({ ...fields, text: 'a heist film', response_url: api.responseUrl('cmd-private') }),
      { contentType: 'application/x-www-form-urlencoded' },
    )
    expect(ack.status).toBe(200)
    expect(ack.text).toBe('')
    const response = await api.waitFor((calls) => calls.find((c) => c.target === 'cmd-private'))
    expect(response.body).toMatchObject({ response_type: 'ephemeral', replace_original: false })
    expect(itemTitles(response.body.blocks as Block[])).toEqual(['Toy Story', 'Heat', 'Alien'])
    expect(chat.turns.at(-1)).toEqual({ conversationId: 'T1:C2:cmd:U5', userId: 'T1:U5', text: 'a heist film' })

    const publicAck = await postSigned(
      eventsUrl,
      SECRET,
      commandForm({ ...fields, text: 'public something scary', response_url: api.responseUrl('cmd-public') }),
      { contentType: 'application/x-www-form-urlencoded' },
    )
    expect(publicAck.status).toBe(200)
    expect(JSON.parse(publicAck.text)).toEqual({ response_type: 'in_channel' })
    const publicResponse = await api.waitFor((calls) => calls.find((c) => c.target === 'cmd-public'))
    expect(publicResponse.body.response_type).toBe('in_channel')
    expect(chat.turns.at(-1)).toMatchObject({ text: 'something scary' })

    // A Like on the ephemeral answer: Slack cannot chat.update ephemeral messages, so the response_url replaces it.
    const blocks = response.body.blocks as Block[]
    await click(
      clickPayload({
        user: 'U5',
        channel: 'C2',
        message: { ts: '1700009999.000001', text: 'x', blocks },
        blockId: 'concierge:item:1',
        actionId: 'concierge_like',
        responseUrl: api.responseUrl('ephemeral-click'),
        ephemeral: true,
      }),
    )
    const replaced = await api.waitFor((calls) => calls.find((c) => c.target === 'ephemeral-click'))
    expect(replaced.body.replace_original).toBe(true)
    expect(chat.feedbacks.at(-1)).toEqual({ conversationId: 'T1:C2:cmd:U5', userId: 'T1:U5', itemId: '2', kind: 'like' })

    const usage = await postSigned(
      eventsUrl,
      SECRET,
      commandForm({ ...fields, text: '  ', response_url: api.responseUrl('cmd-empty') }),
      { contentType: 'application/x-www-form-urlencoded' },
    )
    expect(JSON.parse(usage.text)).toMatchObject({ response_type: 'ephemeral' })

    // "/recommend forget me" deletes the person's data.
    await postSigned(
      eventsUrl,
      SECRET,
      commandForm({ ...fields, text: 'Forget me', response_url: api.responseUrl('cmd-forget') }),
      {
        contentType: 'application/x-www-form-urlencoded',
      },
    )
    const forgotten = await api.waitFor((calls) => calls.find((c) => c.target === 'cmd-forget'))
    expect(forgotten.body.response_type).toBe('ephemeral')
    expect(chat.forgotten).toEqual(['T1:U5'])
    expect((await chat.getProfile('T1:U5')).likes).toEqual([])
  })

  it('records button clicks, updates the message in place, and the next recommendations change', async () => {
    // Control conversation: the same two turns without a Like.
    await sendEvent(dm('D6', 'U6', 'anything').event)
    await waitForPosts('D6', 1)
    await sendEvent(dm('D6', 'U6', 'more').event)
    const [, control] = await waitForPosts('D6', 2)
    expect(itemTitles(blocksOf(control!))).toEqual(['Groundhog Day', 'Blade Runner', 'The Shining'])

    await sendEvent(dm('D5', 'U5', 'anything').event)
    const [first] = await waitForPosts('D5', 1)
    expect(itemTitles(blocksOf(first!))).toEqual(['Toy Story', 'Heat', 'Alien'])
    const message = postedMessage(first!)

    const liked = await click(
      clickPayload({ user: 'U5', channel: 'D5', message, blockId: 'concierge:item:2', actionId: 'concierge_like' }),
    )
    expect(liked.status).toBe(200)
    const update = await api.waitFor((calls) => calls.find((c) => c.method === 'chat.update' && c.body.channel === 'D5'))
    expect(chat.feedbacks.at(-1)).toEqual({ conversationId: 'T1:D5', userId: 'T1:U5', itemId: '3', kind: 'like' })
    expect(update.body.ts).toBe(message.ts)
    const updated = update.body.blocks as Block[]
    const itemBlocks = updated.filter((b) => b.block_id === 'concierge:item:2' || b.block_id === 'concierge:state:2')
    expect(itemBlocks).toEqual([
      {
        type: 'actions',
        block_id: 'concierge:item:2',
        elements: [button(message.blocks, 'concierge:item:2', 'concierge_more')],
      },
      { type: 'context', block_id: 'concierge:state:2', elements: [{ type: 'mrkdwn', text: '👍 Liked by <@U5>' }] },
    ])
    // Other items keep their buttons.
    expect(updated.find((b) => b.block_id === 'concierge:item:0')).toEqual(
      message.blocks.find((b) => b.block_id === 'concierge:item:0'),
    )

    await click(clickPayload({ user: 'U5', channel: 'D5', message, blockId: 'concierge:item:1', actionId: 'concierge_dislike' }))
    await api.waitFor(() => chat.feedbacks.find((f) => f.conversationId === 'T1:D5' && f.kind === 'dislike'))

    await sendEvent(dm('D5', 'U5', 'more').event)
    const [, second] = await waitForPosts('D5', 2)
    // The Like on Alien (Horror, Sci-Fi) pulls The Thing to the front; the control got Groundhog Day.
    expect(itemTitles(blocksOf(second!))).toEqual(['The Thing', 'Blade Runner', 'The Shining'])
    expect((blocksOf(second!)[0]!.text as { text: string }).text).toBe('Since you like Alien, try these:')

    // A suggestion button is a follow-up turn with its text.
    const secondMessage = postedMessage(second!)
    await click(
      clickPayload({
        user: 'U5',
        channel: 'D5',
        message: secondMessage,
        blockId: 'concierge:suggestions',
        actionId: 'concierge_suggest_1',
      }),
    )
    const [, , third] = await waitForPosts('D5', 3)
    expect(chat.turns.at(-1)).toEqual({ conversationId: 'T1:D5', userId: 'T1:U5', text: 'Only sci-fi' })
    expect(itemTitles(blocksOf(third!))).toEqual(['Arrival', 'Gattaca', 'Moon'])
  })

  it('shows likes and dislikes in App Home and removes them on request', async () => {
    await sendEvent(dm('D7', 'U7', 'anything').event)
    const [first] = await waitForPosts('D7', 1)
    const message = postedMessage(first!)
    await click(clickPayload({ user: 'U7', channel: 'D7', message, blockId: 'concierge:item:0', actionId: 'concierge_like' }))
    await click(clickPayload({ user: 'U7', channel: 'D7', message, blockId: 'concierge:item:1', actionId: 'concierge_dislike' }))
    await api.waitFor(() => chat.feedbacks.filter((f) => f.userId === 'T1:U7').length === 2)

    const ts = nextTs()
    await sendEvent({ type: 'app_home_opened', user: 'U7', channel: 'D7', tab: 'home', event_ts: ts })
    const publish = await api.waitFor((calls) => calls.find((c) => c.method === 'views.publish' && c.body.user_id === 'U7'))
    const view = publish.body.view as { type: string; blocks: Block[] }
    expect(view.type).toBe('home')
    const sections = view.blocks.filter((b) => b.type === 'section' && b.accessory)
    expect(sections).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Toy Story* (1995)' },
        accessory: {
          type: 'button',
          action_id: 'concierge_remove_pref',
          text: { type: 'plain_text', text: 'Remove', emoji: true },
          value: JSON.stringify({ i: '1' }),
          style: 'danger',
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Heat* (1995)' },
        accessory: {
          type: 'button',
          action_id: 'concierge_remove_pref',
          text: { type: 'plain_text', text: 'Remove', emoji: true },
          value: JSON.stringify({ i: '2' }),
          style: 'danger',
        },
      },
    ])

    await click(
      interactionForm({
        type: 'block_actions',
        user: { id: 'U7', team_id: 'T1' },
        api_app_id: 'A1',
        token: 'legacy',
        container: { type: 'view', view_id: 'V1' },
        trigger_id: '1.2.3',
        team: { id: 'T1' },
        view: { id: 'V1', type: 'home', blocks: view.blocks },
        actions: [{ ...(sections[0]!.accessory as object), block_id: 'b1', type: 'button', action_ts: '1.2' }],
      }),
    )
    const republished = await api.waitFor((calls) => {
      const found = calls.filter((c) => c.method === 'views.publish' && c.body.user_id === 'U7')
      return found.length >= 2 ? found[1] : undefined
    })
    expect(chat.removed).toContainEqual({ userId: 'T1:U7', itemId: '1' })
    const after = (republished.body.view as { blocks: Block[] }).blocks
    expect(JSON.stringify(after)).not.toContain('Toy Story')
    expect(JSON.stringify(after)).toContain('Heat')
    expect(JSON.stringify(after)).toContain('No likes yet')
  })

  it('handles a retried event once', async () => {
    const first = dm('D8', 'U8', 'anything')
    await sendEvent(first.event, { eventId: 'EvRETRY0001' })
    await waitForPosts('D8', 1)
    const retry = await sendEvent(first.event, { eventId: 'EvRETRY0001', retryNum: 1 })
    expect(retry.status).toBe(200)
    // Turns of one conversation run in order, so once the next message is answered a duplicate would show.
    await sendEvent(dm('D8', 'U8', 'comedy').event)
    await waitForPosts('D8', 2)
    expect(posts('D8')).toHaveLength(2)
    expect(chat.turns.filter((t) => t.conversationId === 'T1:D8').map((t) => t.text)).toEqual(['anything', 'comedy'])
  })

  it('ignores bot messages, its own messages and message subtypes', async () => {
    await sendEvent(dm('D9', 'U9', 'edited text', { subtype: 'message_changed' }).event)
    await sendEvent(dm('D9', 'U9', 'from a bot', { bot_id: 'BOTHER' }).event)
    await sendEvent(dm('D9', 'UBOT', 'my own words').event)
    await sendEvent(dm('D9', 'U9', 'joined', { subtype: 'channel_join' }).event)
    await sendEvent({ ...dm('C9', 'U9', 'channel chatter').event, channel_type: 'channel' })
    await sendEvent(dm('D9', 'U9', 'real question').event)
    await waitForPosts('D9', 1)
    // Give any stray work the time the real message took; then nothing else may have run.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(posts('D9')).toHaveLength(1)
    expect(posts('C9')).toHaveLength(0)
    expect(chat.turns.filter((t) => t.conversationId.startsWith('T1:D9') || t.conversationId.startsWith('T1:C9'))).toEqual([
      { conversationId: 'T1:D9', userId: 'T1:U9', text: 'real question' },
    ])
  })

  it('retries a Web API call after the Retry-After of a 429', async () => {
    api.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 })
    await sendEvent(dm('D10', 'U10', 'anything').event)
    await waitForPosts('D10', 1, 10_000)
    const attempts = api.callsTo('chat.postMessage', { all: true }).filter((c) => c.body.channel === 'D10')
    expect(attempts.map((c) => c.status)).toEqual([429, 200])
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950)
    expect(attempts[1]!.body.blocks).toEqual(attempts[0]!.body.blocks)
  })

  it('sends the reply without images when Slack refuses the blocks', async () => {
    api.failNext('chat.postMessage', { error: 'invalid_blocks' })
    await sendEvent(dm('D13', 'U13', 'anything').event)
    const attempts = await waitForPosts('D13', 2)
    const reply = attempts[1]
    expect(attempts[0]!.response).toEqual({ ok: false, error: 'invalid_blocks' })
    expect(JSON.stringify(attempts[0]!.body.blocks)).toContain('"type":"image"')
    expect(JSON.stringify(reply!.body.blocks)).not.toContain('"type":"image"')
    expect(itemTitles(blocksOf(reply!))).toEqual(['Toy Story', 'Heat', 'Alien'])
  })

  it('posts "Thinking…" when the recommender is slow and replaces it with the reply', async () => {
    chat.delayMs = THINKING_AFTER_MS + 500
    try {
      await sendEvent(dm('D11', 'U11', 'anything').event)
      const [thinking] = await waitForPosts('D11', 1)
      expect(thinking!.body.text).toBe('Thinking… ⏳')
      const update = await api.waitFor((calls) => calls.find((c) => c.method === 'chat.update' && c.body.channel === 'D11'))
      const ts = postedMessage(thinking!).ts
      expect(update.body.ts).toBe(ts)
      expect(itemTitles(update.body.blocks as Block[])).toEqual(['Toy Story', 'Heat', 'Alien'])
      expect(posts('D11')).toHaveLength(1)
    } finally {
      chat.delayMs = 0
    }
  })

  it('answers kindly when the recommender fails, and never logs the token', async () => {
    await sendEvent(dm('D12', 'U12', 'boom').event)
    const [reply] = await waitForPosts('D12', 1)
    expect(reply!.body.text).toMatch(/^Sorry/)
    expect(blocksOf(reply!)).toHaveLength(1)
    const failure = logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.msg === 'slack turn failed')
    expect(failure).toMatchObject({ code: 'internal', conversationId: 'T1:D12' })
    expect(logs.join('\n')).not.toContain(TOKEN)
    expect(logs.join('\n')).not.toContain(SECRET)
  })
})

describe('createSlackBot configuration', () => {
  it('returns undefined when Slack is off', async () => {
    await expect(createSlackBot({ mode: 'off' }, { chat, logger: createLogger({ level: 'silent' }) })).resolves.toBeUndefined()
  })

  it('refuses a missing signing secret or app token with config.invalid', async () => {
    const logger = createLogger({ level: 'silent' })
    await expect(createSlackBot({ mode: 'http', botToken: TOKEN, apiUrl: api.apiUrl }, { chat, logger })).rejects.toMatchObject({
      code: 'config.invalid',
      details: { missing: ['SLACK_SIGNING_SECRET'] },
    })
    await expect(createSlackBot({ mode: 'socket', botToken: TOKEN, apiUrl: api.apiUrl }, { chat, logger })).rejects.toMatchObject(
      {
        code: 'config.invalid',
        details: { missing: ['SLACK_APP_TOKEN'] },
      },
    )
  })

  it('refuses a token Slack rejects with config.invalid, without the token in the error', async () => {
    const refused = 'xoxb-9999-refused'
    api.refusedTokens.add(refused)
    const error = await createSlackBot(
      { mode: 'http', signingSecret: SECRET, botToken: refused, apiUrl: api.apiUrl },
      { chat, logger: createLogger({ level: 'silent' }) },
    ).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'config.invalid', details: { slackError: 'invalid_auth' } })
    expect(JSON.stringify({ message: (error as Error).message, details: (error as { details: unknown }).details })).not.toContain(
      refused,
    )
  })

  it('opens Socket Mode with the app token and reports a refused one as unavailable', async () => {
    const appToken = 'xapp-1-A1-1-refused'
    api.failNext('apps.connections.open', { error: 'invalid_auth' })
    const socketBot = await createSlackBot(
      { mode: 'socket', appToken, botToken: TOKEN, apiUrl: api.apiUrl },
      { chat, logger: createLogger({ level: 'silent' }) },
    )
    expect(socketBot?.requestListener).toBeUndefined()
    await expect(socketBot!.start()).rejects.toMatchObject({ code: 'unavailable' })
    expect(api.callsTo('apps.connections.open').at(-1)?.token).toBe(appToken)
    await socketBot!.close()
    await socketBot!.close()
  })

  it('close() cancels running turns, waits for them and posts nothing after', async () => {
    const slowChat = createFakeChat({ delayMs: 30_000 })
    const closingBot = (await createSlackBot(
      { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: api.apiUrl },
      { chat: slowChat, logger: createLogger({ level: 'silent' }), options: { thinkingAfterMs: 60_000 } },
    ))!
    const closingServer = createServer(closingBot.requestListener)
    await new Promise<void>((resolve) => closingServer.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(closingServer.address() as AddressInfo).port}/slack/events`
    await postSigned(url, SECRET, eventEnvelope(dm('D14', 'U14', 'anything').event))
    await api.waitFor(() => slowChat.running === 1)
    await closingBot.close()
    expect(slowChat.aborted).toBe(1)
    expect(slowChat.running).toBe(0)
    expect(posts('D14')).toHaveLength(0)
    await new Promise<void>((resolve) => closingServer.close(() => resolve()))
  })

  it('reports an unreachable Slack API as unavailable', async () => {
    const closed = await startSlackApi()
    const url = closed.apiUrl
    await closed.close()
    await expect(
      createSlackBot(
        { mode: 'http', signingSecret: SECRET, botToken: TOKEN, apiUrl: url },
        { chat, logger: createLogger({ level: 'silent' }), options: { retryMinTimeoutMs: 10 } },
      ),
    ).rejects.toMatchObject({ code: 'unavailable' })
  })
})
