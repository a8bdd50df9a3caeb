import type { IncomingMessage, ServerResponse } from 'node:http'
import type { App as BoltApp, RespondFn } from '@slack/bolt'
import type { Config } from '../config/index.ts'
import {
  AppError,
  type ChatService,
  errorMessage,
  isAppError,
  type Logger,
  shedReason,
  type TurnInput,
  type TurnScheduler,
} from '../core/index.ts'
import {
  ACTION,
  ACTION_PATTERN,
  decodeItemValue,
  decodePreferenceValue,
  decodeSuggestValue,
  FEEDBACK_ACTIONS,
} from './actions.ts'
import {
  type Block,
  type FailureKind,
  markItemState,
  type RenderedMessage,
  renderFailure,
  renderHome,
  renderReply,
  renderThinking,
  renderUsage,
} from './blocks.ts'
import { createBoltLogger, redactTokens } from './bolt-logger.ts'
import { createDeduper, type Deduper, deliveryKey } from './dedupe.ts'
import { guardSlackRequests, MAX_SLACK_BODY_BYTES } from './http-guard.ts'
import { createWorkTracker } from './work.ts'

/** A running Slack bot. */
export interface SlackBot {
  /** HTTP mode: handles POST /slack/events (events, commands, interactivity); answers 404 to anything else. */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void
  /** Socket Mode: opens the connection to Slack. HTTP mode: does nothing. */
  start(): Promise<void>
  /**
   * The first step of a graceful shutdown, before close(): acknowledged turns get up to `deadlineMs` to finish and
   * post their reply; turns still running then, and turns that arrive meanwhile, are answered with an apology
   * instead (waiting up to `apologyGraceMs` more for those posts). Resolves with the tasks still unfinished.
   * Idempotent.
   */
  drain(deadlineMs: number): Promise<{ unfinished: number }>
  /** Stops taking work, cancels running turns silently, waits for them, disconnects. Idempotent. */
  close(): Promise<void>
}

/** Tuning knobs; the defaults suit production, tests shorten them. */
export interface SlackBotOptions {
  /** After this long without a reply, a "Thinking…" message is posted and later replaced. Default 2500 ms. */
  thinkingAfterMs?: number
  /** A turn still running after this long is abandoned with a kind message. Default 60 s. */
  turnTimeoutMs?: number
  /** Web API retries after a failed call or a 429 (each 429 first waits for its Retry-After). Default 3. */
  retries?: number
  /** Shortest pause between Web API retries, on top of any Retry-After. Default 1000 ms. */
  retryMinTimeoutMs?: number
  /** Timeout of one Web API request. Default 10 s. */
  requestTimeoutMs?: number
  /** Path of the Events API endpoint in HTTP mode. Default `/slack/events`. */
  eventsPath?: string
  /** How long drain() waits for the apologies after its deadline. Default 3000 ms. */
  apologyGraceMs?: number
}

export interface SlackBotDeps {
  chat: ChatService
  logger: Logger
  options?: SlackBotOptions
  /** Where deliveries already handled are remembered; default in memory. Share one across replicas. */
  deduper?: Deduper
  /**
   * The process's turn scheduler, shared with the widget: Slack turns then count against the same concurrency cap
   * and wait in the same fair per-conversation queue; a turn it sheds is answered with an apology. Without one,
   * each acknowledged turn runs at once (after the conversation's previous one).
   */
  turns?: Pick<TurnScheduler, 'run'>
}

type Destination =
  | { kind: 'channel'; channel: string; threadTs?: string }
  | { kind: 'response'; respond: RespondFn; responseType: 'ephemeral' | 'in_channel' }

interface MessageEventLike {
  type?: string
  subtype?: string
  channel?: string
  channel_type?: string
  user?: string
  bot_id?: string
  text?: string
  ts?: string
  thread_ts?: string
  team?: string
  user_team?: string
  edited?: unknown
}

interface ActionBodyLike {
  user?: { id?: string; team_id?: string }
  team?: { id?: string } | null
  channel?: { id?: string }
  container?: { type?: string; is_ephemeral?: boolean; channel_id?: string; message_ts?: string; thread_ts?: string }
  message?: { ts?: string; thread_ts?: string; text?: string; blocks?: Block[] }
  response_url?: string
}

/** What the Slack app must declare for this bot to work; slack/manifest.yml is checked against it. */
export const SLACK_APP_REQUIREMENTS = {
  botEvents: ['app_home_opened', 'app_mention', 'message.im'],
  botScopes: ['app_mentions:read', 'chat:write', 'commands', 'im:history', 'im:read', 'im:write'],
  command: '/recommend',
} as const

const FORGOTTEN_TEXT = 'Done: I deleted your likes, dislikes and conversation history.'

// A signed request is accepted up to 5 min either side of its timestamp, so a replay is possible for 10 min.
const EVENT_MEMORY_MS = 10 * 60_000
const EVENT_MEMORY_MAX = 10_000

const importBolt = () => import('@slack/bolt')
type BoltModule = Awaited<ReturnType<typeof importBolt>>

async function loadBolt(): Promise<BoltModule> {
  try {
    return await importBolt()
  } catch (error) {
    const reason = errorMessage(error).split('\n')[0]
    throw new AppError(
      'unavailable',
      `The Slack library (@slack/bolt) could not be loaded (${reason}); reinstall dependencies.`,
      {
        cause: error,
        details: { reason: errorMessage(error) },
      },
    )
  }
}

function requireSettings(config: Config['slack']): { botToken: string; signingSecret?: string; appToken?: string } {
  const missing: string[] = []
  if (!config.botToken) missing.push('SLACK_BOT_TOKEN')
  if (config.mode === 'http' && !config.signingSecret) missing.push('SLACK_SIGNING_SECRET')
  if (config.mode === 'socket' && !config.appToken) missing.push('SLACK_APP_TOKEN')
  if (missing.length > 0 || !config.botToken) {
    throw new AppError(
      'config.invalid',
      `SLACK_MODE=${config.mode} needs ${missing.join(' and ')} (see the Slack section of README.md).`,
      {
        details: { missing, mode: config.mode },
      },
    )
  }
  return { botToken: config.botToken, signingSecret: config.signingSecret, appToken: config.appToken }
}

/**
 * Creates the Slack bot, or returns undefined when `config.mode` is 'off'. Checks the bot token with `auth.test`
 * before returning. Throws `config.invalid` (missing or refused token/secret) or `unavailable` (Slack unreachable).
 */
export async function createSlackBot(config: Config['slack'], deps: SlackBotDeps): Promise<SlackBot | undefined> {
  if (config.mode === 'off') return undefined
  const settings = requireSettings(config)
  const { chat } = deps
  const logger = deps.logger.child({ area: 'slack' })
  const options = deps.options ?? {}
  const thinkingAfterMs = options.thinkingAfterMs ?? 2500
  const turnTimeoutMs = options.turnTimeoutMs ?? 60_000
  const eventsPath = options.eventsPath ?? '/slack/events'

  const bolt = await loadBolt()
  const boltLogger = createBoltLogger(logger, bolt.LogLevel)
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } : {}),
    logger: boltLogger,
    timeout: options.requestTimeoutMs ?? 10_000,
    retryConfig: {
      retries: options.retries ?? 3,
      factor: 2,
      minTimeout: options.retryMinTimeoutMs ?? 1000,
      maxTimeout: 30_000,
      randomize: true,
    },
  }

  const identity = await probeToken(bolt, settings.botToken, clientOptions)
  logger.info('slack bot token accepted', { team: identity.teamId, botUserId: identity.botUserId, mode: config.mode })

  const receiver =
    config.mode === 'http'
      ? new bolt.HTTPReceiver({
          signingSecret: settings.signingSecret!,
          endpoints: eventsPath,
          logger: boltLogger,
          bodyLimit: MAX_SLACK_BODY_BYTES,
          // Ack first, work after: Slack wants an answer within 3 s and retries otherwise.
          processBeforeResponse: false,
        })
      : new bolt.SocketModeReceiver({
          appToken: settings.appToken!,
          logger: boltLogger,
          installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl } },
        })

  const app: BoltApp = new bolt.App({
    receiver,
    token: settings.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger: boltLogger,
    clientOptions,
    ignoreSelf: true,
  })

  const turns = deps.turns ?? uncapped
  const work = createWorkTracker((error) => logger.error('slack work failed', describeError(error)))
  const spawn = work.spawn
  const deduper = deps.deduper ?? createDeduper({ ttlMs: EVENT_MEMORY_MS, max: EVENT_MEMORY_MAX })

  /** Posts or replaces a message; when Slack refuses the blocks (often an image it cannot fetch), retries without images. */
  const send = async (dest: Destination, message: RenderedMessage, replaceTs?: string): Promise<string | undefined> => {
    try {
      return await sendOnce(dest, message, replaceTs)
    } catch (error) {
      const withoutImages = stripImages(message)
      if (slackErrorCode(error) !== 'invalid_blocks' || !withoutImages) throw error
      logger.warn('slack refused the blocks; sending without images', describeError(error))
      return sendOnce(dest, withoutImages, replaceTs)
    }
  }

  const sendOnce = async (dest: Destination, message: RenderedMessage, replaceTs?: string): Promise<string | undefined> => {
    if (dest.kind === 'response') {
      await dest.respond({ ...message, response_type: dest.responseType, replace_original: replaceTs !== undefined })
      return replaceTs ?? 'response'
    }
    if (replaceTs !== undefined) {
      await app.client.chat.update({ channel: dest.channel, ts: replaceTs, text: message.text, blocks: message.blocks })
      return replaceTs
    }
    const posted = await app.client.chat.postMessage({
      channel: dest.channel,
      text: message.text,
      blocks: message.blocks,
      ...(dest.threadTs ? { thread_ts: dest.threadTs } : {}),
    })
    return posted.ts
  }

  /** One chat turn: ask the recommender, post "Thinking…" if it is slow, then the reply or a kind message. */
  const runTurn = async (dest: Destination, input: TurnInput, echo?: string) => {
    if (work.closing.aborted) return
    if (work.cutoff.aborted) {
      await send(dest, renderFailure('restarting'))
      return
    }
    const started = Date.now()
    const turnAbort = new AbortController()
    const onStop = () => turnAbort.abort(new AppError('unavailable', 'The Slack bot is shutting down.'))
    work.closing.addEventListener('abort', onStop, { once: true })
    work.cutoff.addEventListener('abort', onStop, { once: true })
    const pending: { thinking?: Promise<string | undefined> } = {}
    const thinkingTimer = setTimeout(() => {
      pending.thinking = send(dest, renderThinking()).catch((error) => {
        logger.warn('could not post the thinking message', describeError(error))
        return undefined
      })
    }, thinkingAfterMs)
    const deadline = setTimeout(
      () => turnAbort.abort(new AppError('unavailable', `The recommender did not answer within ${turnTimeoutMs} ms.`)),
      turnTimeoutMs,
    )
    let message: RenderedMessage
    try {
      const scheduled = turns.run(input.conversationId, (signal) => chat.handleTurn(input, { signal }), turnAbort.signal)
      const reply = await abortable(scheduled, turnAbort.signal)
      message = renderReply(reply, input.conversationId, { echo })
      logger.debug('slack turn answered', {
        conversationId: input.conversationId,
        items: reply.items.length,
        ms: Date.now() - started,
      })
    } catch (error) {
      const stopped = work.closing.aborted || work.cutoff.aborted
      const timedOut = turnAbort.signal.aborted && !stopped
      const shed = shedReason(error)
      if (shed) logger.warn('slack turn shed', { shed, conversationId: input.conversationId })
      else logger.error('slack turn failed', { ...describeError(error), conversationId: input.conversationId, timedOut, stopped })
      if (work.closing.aborted) return
      message = renderFailure(work.cutoff.aborted ? 'restarting' : failureKind(error, timedOut))
    } finally {
      clearTimeout(thinkingTimer)
      clearTimeout(deadline)
      work.closing.removeEventListener('abort', onStop)
      work.cutoff.removeEventListener('abort', onStop)
    }
    const thinkingTs = pending.thinking ? await pending.thinking : undefined
    try {
      await send(dest, message, thinkingTs)
    } catch (error) {
      // The placeholder could not be replaced (deleted, too old): post the answer anew rather than leave "Thinking…".
      if (thinkingTs === undefined) throw error
      logger.warn('could not replace the thinking message; posting the reply anew', describeError(error))
      await send(dest, message)
    }
  }

  const sendUsage = async (dest: Destination) => {
    await send(dest, renderUsage())
  }

  /** A turn after the ack; one acknowledged while draining apologises at once rather than start. */
  const spawnTurn = (dest: Destination, input: TurnInput, echo?: string) => {
    const late = work.draining
    spawn(input.conversationId, async () => {
      if (late) await send(dest, renderFailure('restarting'))
      else await runTurn(dest, input, echo)
    })
  }

  const publishHome = async (slackUserId: string, userId: string) => {
    const profile = await chat.getProfile(userId)
    await app.client.views.publish({ user_id: slackUserId, view: renderHome(profile) as never })
  }

  // Slack retries a delivery it thinks failed (X-Slack-Retry-Num), and a captured signed request can be replayed
  // within its timestamp window: each delivery (event, slash command, button click) is handled once.
  app.use(async (args) => {
    const key = deliveryKey(args.body)
    if (key !== undefined && !(await deduper.firstSeen(key))) {
      logger.debug('slack delivery already handled', {
        kind: key.slice(0, key.indexOf(':')),
        retryNum: args.context.retryNum,
        retryReason: args.context.retryReason,
      })
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)()
      return
    }
    await args.next()
  })

  app.event('message', async ({ event, body }) => {
    const e = event as MessageEventLike
    if (e.channel_type !== 'im' || e.subtype !== undefined || e.bot_id !== undefined || e.edited !== undefined) return
    if (!e.user || !e.channel || !e.ts || e.user === identity.botUserId) return
    if (!(await deduper.firstSeen(`message:${e.channel}:${e.ts}`))) return
    const team = teamOf(body, e)
    const conversationId = e.thread_ts ? `${team}:${e.channel}:${e.thread_ts}` : `${team}:${e.channel}`
    const dest: Destination = { kind: 'channel', channel: e.channel, ...(e.thread_ts ? { threadTs: e.thread_ts } : {}) }
    const text = (e.text ?? '').trim()
    if (text === '') spawn(conversationId, () => sendUsage(dest))
    else spawnTurn(dest, { conversationId, userId: `${userTeamOf(body, e)}:${e.user}`, text })
  })

  app.event('app_mention', async ({ event, body }) => {
    const e = event as MessageEventLike
    if (e.subtype !== undefined || e.bot_id !== undefined || e.edited !== undefined) return
    if (!e.user || !e.channel || !e.ts || e.user === identity.botUserId) return
    // A mention in a DM also arrives as message.im; that one answers.
    if (e.channel.startsWith('D')) return
    if (!(await deduper.firstSeen(`message:${e.channel}:${e.ts}`))) return
    const team = teamOf(body, e)
    const threadTs = e.thread_ts ?? e.ts
    const conversationId = `${team}:${e.channel}:${threadTs}`
    const dest: Destination = { kind: 'channel', channel: e.channel, threadTs }
    const text = stripMention(e.text ?? '', identity.botUserId)
    if (text === '') spawn(conversationId, () => sendUsage(dest))
    else spawnTurn(dest, { conversationId, userId: `${userTeamOf(body, e)}:${e.user}`, text })
  })

  app.command(SLACK_APP_REQUIREMENTS.command, async ({ command, ack, respond }) => {
    const match = /^\s*public\b\s*/i.exec(command.text ?? '')
    const isPublic = match !== null
    const text = (isPublic ? command.text.slice(match[0].length) : (command.text ?? '')).trim()
    if (text === '') {
      await ack({ response_type: 'ephemeral', text: renderUsage().text })
      return
    }
    const team = command.team_id
    if (!isPublic && /^forget me$/i.test(text)) {
      await ack()
      const userId = `${team}:${command.user_id}`
      spawn(`home:${userId}`, async () => {
        try {
          await chat.forgetUser(userId)
          await respond({ response_type: 'ephemeral', text: FORGOTTEN_TEXT })
        } catch (error) {
          logger.error('slack forget failed', describeError(error))
          await respond({ response_type: 'ephemeral', text: renderFailure('failed').text })
        }
      })
      return
    }
    // Public: Slack shows the command itself in the channel, then the answer follows.
    await ack(isPublic ? { response_type: 'in_channel' } : undefined)
    const conversationId = `${team}:${command.channel_id}:cmd:${command.user_id}`
    const dest: Destination = { kind: 'response', respond, responseType: isPublic ? 'in_channel' : 'ephemeral' }
    spawnTurn(dest, { conversationId, userId: `${team}:${command.user_id}`, text })
  })

  app.action({ type: 'block_actions', action_id: ACTION_PATTERN }, async ({ ack, body, action, respond }) => {
    await ack()
    const b = body as unknown as ActionBodyLike
    const actionId = action.action_id
    const value = 'value' in action && typeof action.value === 'string' ? action.value : undefined
    const slackUser = b.user?.id
    const team = b.user?.team_id ?? b.team?.id
    if (!slackUser || !team) return
    const userId = `${team}:${slackUser}`

    if (actionId === ACTION.removePreference) {
      const pref = decodePreferenceValue(value)
      if (!pref) return logger.warn('ignored a malformed button value', { actionId })
      spawn(`home:${userId}`, async () => {
        await chat.removePreference(userId, pref.i)
        await publishHome(slackUser, userId)
      })
      return
    }

    const dest = destinationOf(b, respond)
    if (!dest) return logger.warn('ignored a button click without a place to answer', { actionId })

    if (actionId.startsWith(ACTION.suggest)) {
      const suggestion = decodeSuggestValue(value)
      if (!suggestion) return logger.warn('ignored a malformed button value', { actionId })
      const echo = `<@${slackUser}>: _${suggestion.s.replace(/[<>&_*]/g, '')}_`
      spawnTurn(dest, { conversationId: suggestion.c, userId, text: suggestion.s }, echo)
      return
    }

    const item = decodeItemValue(value)
    if (!item) return logger.warn('ignored a malformed button value', { actionId })

    if (actionId === ACTION.more) {
      const title = chat.getItem(item.i)?.title
      const text = title ? `more like ${title}` : 'more like this'
      const echo = `<@${slackUser}>: _${text.replace(/[<>&_*]/g, '')}_`
      spawnTurn(dest, { conversationId: item.c, userId, text }, echo)
      return
    }

    const kind = FEEDBACK_ACTIONS[actionId]
    if (!kind) return logger.warn('ignored an unknown action', { actionId })
    spawn(item.c, async () => {
      try {
        await chat.feedback({ conversationId: item.c, userId, itemId: item.i, kind })
      } catch (error) {
        logger.error('slack feedback failed', { ...describeError(error), conversationId: item.c })
        if (b.response_url) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: renderFailure('failed').text })
        }
        return
      }
      const blocks = b.message?.blocks ? markItemState(b.message.blocks, item.i, kind, slackUser) : undefined
      if (!blocks) return
      const text = b.message?.text ?? 'Recommendations'
      if (dest.kind === 'channel' && b.message?.ts && !b.container?.is_ephemeral) {
        await app.client.chat.update({ channel: dest.channel, ts: b.message.ts, text, blocks })
      } else if (b.response_url) {
        await respond({ replace_original: true, text, blocks })
      }
    })
  })

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return
    const team = teamOf(body, {})
    const userId = `${team}:${event.user}`
    spawn(`home:${userId}`, () => publishHome(event.user, userId))
  })

  app.error(async (error) => {
    logger.error('slack handler error', describeError(error))
  })

  const boltListener =
    config.mode === 'http'
      ? (req: IncomingMessage, res: ServerResponse) => {
          try {
            ;(receiver as InstanceType<BoltModule['HTTPReceiver']>).requestListener(req, res)
          } catch (error) {
            // Bolt throws for paths it does not serve; the main server normally routes only eventsPath here.
            logger.debug('slack receiver declined a request', { reason: redactTokens(errorMessage(error)), url: req.url })
            if (!res.headersSent) {
              res.writeHead(404, { 'content-type': 'text/plain' })
              res.end('Not found')
            }
          }
        }
      : undefined
  const requestListener =
    boltListener &&
    guardSlackRequests(boltListener, {
      onRefused: (reason, req) => logger.warn('slack request refused before reading it', { reason, url: req.url }),
    })

  let started = false
  let closed: Promise<void> | undefined
  return {
    ...(requestListener ? { requestListener } : {}),
    async start() {
      if (config.mode !== 'socket' || started || work.closing.aborted) return
      started = true
      try {
        await app.start()
      } catch (error) {
        started = false
        throw new AppError('unavailable', 'Could not open the Slack Socket Mode connection; check SLACK_APP_TOKEN.', {
          cause: error,
          details: { reason: redactTokens(errorMessage(error)) },
        })
      }
      logger.info('slack socket mode connected')
    },
    async drain(deadlineMs) {
      logger.info('slack bot draining', { deadlineMs })
      const result = await work.drain(deadlineMs, options.apologyGraceMs ?? 3000)
      logger.info('slack bot drained', result)
      return result
    },
    close() {
      closed ??= (async () => {
        await work.close()
        if (started) await app.stop().catch((error) => logger.warn('slack stop failed', describeError(error)))
      })()
      return closed
    },
  }
}

async function probeToken(
  bolt: BoltModule,
  token: string,
  clientOptions: { slackApiUrl?: string; logger: ReturnType<typeof createBoltLogger>; timeout: number },
): Promise<{ botUserId: string; botId: string; teamId?: string }> {
  const client = new bolt.webApi.WebClient(token, { ...clientOptions, retryConfig: { retries: 1, minTimeout: 500 } })
  let result: Awaited<ReturnType<typeof client.auth.test>>
  try {
    result = await client.auth.test()
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new AppError('config.invalid', `Slack refused SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again.`, {
        details: { slackError: code },
      })
    }
    throw new AppError('unavailable', 'Could not reach Slack to check SLACK_BOT_TOKEN; check the network or SLACK_API_URL.', {
      cause: error,
      details: { reason: redactTokens(errorMessage(error)) },
    })
  }
  if (!result.user_id || !result.bot_id) {
    throw new AppError(
      'config.invalid',
      'SLACK_BOT_TOKEN is not a bot token (auth.test returned no bot id); use the xoxb- token.',
      {
        details: { slackError: 'not_a_bot_token' },
      },
    )
  }
  return { botUserId: result.user_id, botId: result.bot_id, ...(result.team_id ? { teamId: result.team_id } : {}) }
}

/** Where to answer a button click: the channel (and thread) of the message, or its response_url when ephemeral. */
function destinationOf(body: ActionBodyLike, respond: RespondFn): Destination | undefined {
  const channel = body.channel?.id ?? body.container?.channel_id
  if (body.container?.is_ephemeral || !channel) {
    return body.response_url ? { kind: 'response', respond, responseType: 'ephemeral' } : undefined
  }
  const threadTs = body.message?.thread_ts ?? body.container?.thread_ts
  return { kind: 'channel', channel, ...(threadTs ? { threadTs } : {}) }
}

/** The workspace a conversation belongs to: the one the event was delivered for. */
function teamOf(body: unknown, event: MessageEventLike): string {
  const b = body as { team_id?: unknown }
  if (typeof b.team_id === 'string') return b.team_id
  if (typeof event.team === 'string') return event.team
  return 'unknown'
}

/** The workspace of the person who wrote (differs from the channel's in Slack Connect channels). */
function userTeamOf(body: unknown, event: MessageEventLike): string {
  return event.user_team ?? event.team ?? teamOf(body, event)
}

/** Removes the bot's own mention (`<@U123>` or `<@U123|name>`) from a message. */
export function stripMention(text: string, botUserId: string): string {
  return text
    .replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Runs each turn at once: a bot without the process's scheduler. */
const uncapped: Pick<TurnScheduler, 'run'> = {
  run: (_conversationId, turn, signal) => turn(signal ?? new AbortController().signal),
}

function failureKind(error: unknown, timedOut: boolean): FailureKind {
  if (timedOut) return 'timeout'
  const shed = shedReason(error)
  if (shed) return shed === 'shutting_down' ? 'restarting' : 'busy'
  if (isAppError(error, 'input.invalid') || isAppError(error, 'input.too_large')) return 'invalid'
  if (isAppError(error, 'unavailable') || isAppError(error, 'index.not_found')) return 'unavailable'
  return 'failed'
}

/** The `error` field of a Slack Web API refusal (`{ ok: false, error }`), if that is what failed. */
function slackErrorCode(error: unknown): string | undefined {
  const code = (error as { data?: { error?: unknown } } | undefined)?.data?.error
  return typeof code === 'string' ? code : undefined
}

/** The message without image accessories, or undefined when it has none. */
function stripImages(message: RenderedMessage): RenderedMessage | undefined {
  let stripped = false
  const blocks = message.blocks.map((block) => {
    const accessory = block.accessory as { type?: unknown } | undefined
    if (accessory?.type !== 'image') return block
    stripped = true
    const { accessory: _dropped, ...rest } = block
    return rest as Block
  })
  return stripped ? { ...message, blocks } : undefined
}

function describeError(error: unknown): Record<string, unknown> {
  const code = isAppError(error) ? error.code : ((error as { code?: unknown })?.code ?? 'internal')
  return { code, error: redactTokens(errorMessage(error)) }
}

/** Rejects as soon as the signal aborts, even when the wrapped promise ignores the signal. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
