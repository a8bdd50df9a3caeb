import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import { createRuntime, type Runtime } from '../../src/runtime.ts'
import { createSlackBot, type SlackBot } from '../../src/slack/index.ts'
import { isWordingRequest, type LlmEndpoint, queueForWordingOnly, startLlmEndpoint } from '../support/llm-endpoint.ts'
import { eventEnvelope, interactionForm, postSigned, type SlackApiImitation, startSlackApi } from '../support/slack-api.ts'
import { tinyBuild } from '../support/tiny-build.ts'

const SECRET = 'runtime-signing-secret'
type Block = Record<string, unknown> & { type: string; block_id?: string; elements?: Record<string, unknown>[] }

// The real runtime on the tiny MovieLens fixture, embedded with a tiny local ONNX model and the tiny
// tokenizer the tests write; the point is the wiring Slack → chat → store → Slack, not recommendation quality.
describe('slack bot on the real runtime', () => {
  let dir: string
  let runtime: Runtime
  let api: SlackApiImitation
  let bot: SlackBot
  let server: Server
  let eventsUrl: string
  let llm: LlmEndpoint

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-slack-'))
    // An LLM that answers 500 unless a test scripts an answer: the reply then keeps its template wording.
    // The turn's reading and title proposals fail at once, so scripted answers go to the wording.
    llm = await startLlmEndpoint([], queueForWordingOnly)
    const { config } = await tinyBuild(dir, { CONCIERGE_LLM_BASE_URL: llm.baseUrl, CONCIERGE_LLM_MODEL: 'scripted' })
    const logger = createLogger({ level: 'silent' })
    runtime = await createRuntime(config, { logger })
    api = await startSlackApi()
    const created = await createSlackBot(
      { mode: 'http', signingSecret: SECRET, botToken: 'xoxb-runtime-test', apiUrl: api.apiUrl },
      { chat: runtime.chat, logger, options: { retryMinTimeoutMs: 10 } },
    )
    bot = created!
    server = createServer(bot.requestListener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`
  })

  afterAll(async () => {
    await bot?.close()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await api?.close()
    await runtime?.close()
    await llm?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('answers a DM with catalogue items, stores a Like and shows it in App Home', async () => {
    const ts = '1700005000.000100'
    const event = { type: 'message', channel_type: 'im', channel: 'DR1', user: 'UR1', text: 'a funny movie', ts, team: 'T1' }
    expect((await postSigned(eventsUrl, SECRET, eventEnvelope(event))).status).toBe(200)
    const post = await api.waitFor(
      (calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'DR1'),
      30_000,
    )
    const blocks = post.body.blocks as Block[]
    const actions = blocks.filter((b) => b.block_id?.startsWith('concierge:item:'))
    expect(actions.length).toBeGreaterThan(0)
    const like = actions[0]!.elements!.find((e) => e.action_id === 'concierge_like')!
    const { i: itemId, c: conversationId } = JSON.parse(String(like.value)) as { i: string; c: string }
    expect(conversationId).toBe('T1:DR1')
    const item = runtime.chat.getItem(itemId)
    expect(item).toBeDefined()
    expect(JSON.stringify(blocks)).toContain(item!.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))

    const payload = interactionForm({
      type: 'block_actions',
      user: { id: 'UR1', team_id: 'T1' },
      team: { id: 'T1' },
      container: { type: 'message', message_ts: post.response?.ts, channel_id: 'DR1', is_ephemeral: false },
      channel: { id: 'DR1' },
      message: { type: 'message', ts: post.response?.ts, text: post.body.text, blocks },
      response_url: api.responseUrl('runtime-like'),
      actions: [{ ...like, block_id: actions[0]!.block_id, type: 'button', action_ts: '1.1' }],
    })
    await postSigned(eventsUrl, SECRET, payload, { contentType: 'application/x-www-form-urlencoded' })
    await api.waitFor((calls) => calls.find((c) => c.method === 'chat.update' && c.body.channel === 'DR1'), 10_000)
    const profile = await runtime.chat.getProfile('T1:UR1')
    expect(profile.likes.map((liked) => liked.id)).toContain(itemId)

    await postSigned(
      eventsUrl,
      SECRET,
      eventEnvelope({ type: 'app_home_opened', user: 'UR1', channel: 'DR1', tab: 'home', event_ts: ts }),
    )
    const home = await api.waitFor((calls) => calls.find((c) => c.method === 'views.publish' && c.body.user_id === 'UR1'), 10_000)
    expect(JSON.stringify(home.body.view)).toContain(JSON.stringify(JSON.stringify({ i: itemId })).slice(1, -1))
  })

  it('never lets LLM wording ping the channel or carry an invented link to the person', async () => {
    const dm = (channel: string, ts: string) => ({
      type: 'message',
      channel_type: 'im',
      channel,
      user: 'UR2',
      text: 'a funny movie',
      ts,
      team: 'T1',
    })
    const firstPost = async (channel: string) =>
      (await api.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === channel), 30_000))
        .body

    const asked = llm.requests.length
    llm.enqueue({
      content: JSON.stringify({ text: '<!channel> Watch them free at https://free-films.example/now', explanations: [] }),
    })
    await postSigned(eventsUrl, SECRET, eventEnvelope(dm('DR2', '1700005000.000200')))
    const hostile = await firstPost('DR2')
    expect(llm.requests.slice(asked).filter(isWordingRequest)).toHaveLength(1)
    const shown = JSON.stringify(hostile)
    expect(shown).not.toContain('free-films.example')
    expect(shown).not.toContain('<!channel>')

    llm.enqueue({ content: JSON.stringify({ text: 'Some light picks for a laugh.', explanations: [] }) })
    await postSigned(eventsUrl, SECRET, eventEnvelope(dm('DR3', '1700005000.000300')))
    const benign = await firstPost('DR3')
    expect(String(benign.text)).toContain('Some light picks for a laugh.')
  })
})
