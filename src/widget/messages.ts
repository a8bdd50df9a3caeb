import type { Context } from 'hono'
import type { ChatService, Reply, ReplyItem, TurnInput, TurnScheduler } from '../core/index.ts'
import { namespacedUserId } from '../store/index.ts'
import type { WidgetEnv } from './context.ts'
import { logFailure } from './errors.ts'
import { fingerprintOf, type IdempotencyStore } from './idempotency.ts'
import type { Principal } from './keys.ts'
import type { Metrics } from './metrics.ts'
import { idempotencyKeySchema, idSchema, messageBodySchema, parseBody, parseValue } from './schemas.ts'
import { streamTurn } from './stream.ts'

export interface MessageRouteDeps {
  chat: () => ChatService
  turns: TurnScheduler
  replies: IdempotencyStore<Reply>
  metrics: Metrics
}

type MessageContext = Context<WidgetEnv>
type RunTurn = (options: {
  onText?: (part: string) => void
  signal?: AbortSignal
}) => Promise<{ value: Reply; replayed: boolean }>

/**
 * POST /v1/conversations/:id/messages: one turn, as JSON or as a stream. The turn waits for a slot in the scheduler
 * (refused with 503/429 and Retry-After before anything is streamed when the queue is full); with an
 * Idempotency-Key, a retry of the same message gets the stored reply and the turn does not run twice.
 */
export async function postMessage(c: MessageContext, deps: MessageRouteDeps): Promise<Response> {
  const principal = c.get('principal')
  const conversation = parseValue(idSchema, c.req.param('id'), 'path.id')
  const body = parseBody(messageBodySchema, await c.req.text())
  const idempotencyKey = parseValue(idempotencyKeySchema, c.req.header('idempotency-key'), 'header.idempotency-key')
  const input: TurnInput = {
    conversationId: scopedConversation(principal, conversation),
    userId: scopedUser(principal, body.userId, conversation),
    text: body.text,
  }
  const log = c.get('log')
  if (log.level === 'debug') log.debug('turn', { conversationId: input.conversationId, userId: input.userId, text: input.text })
  const chat = deps.chat()
  deps.turns.ensureRoom(input.conversationId)
  const fingerprint = fingerprintOf(JSON.stringify([input.userId, input.text]))
  const runTurn: RunTurn = (options) =>
    deps.turns.run(
      input.conversationId,
      (signal) => {
        const turn = () => chat.handleTurn(input, { onText: options.onText, signal })
        if (!idempotencyKey) return turn().then((value) => ({ value, replayed: false }))
        return deps.replies.once(`${input.conversationId}\n${idempotencyKey}`, fingerprint, turn)
      },
      options.signal,
    )
  const started = performance.now()
  const observe = (outcome: 'ok' | 'error' | 'aborted') => deps.metrics.observeTurn(outcome, (performance.now() - started) / 1000)
  const wantsStream = c.req.query('stream') === '1' || (c.req.header('accept') ?? '').includes('text/event-stream')
  if (wantsStream) {
    return streamTurn({
      run: (options) => runTurn(options).then((r) => r.value),
      messageId: c.get('requestId'),
      signal: c.req.raw.signal,
      render: (reply) => renderReply(reply, principal),
      onEnd: (outcome, error) => {
        observe(outcome)
        if (error) logFailure(log, 'turn', error)
      },
    })
  }
  try {
    const { value: reply, replayed } = await runTurn({ signal: c.req.raw.signal })
    observe('ok')
    if (replayed) c.header('Idempotent-Replayed', 'true')
    return c.json({ reply: renderReply(reply, principal) })
  } catch (error) {
    observe(c.req.raw.signal.aborted ? 'aborted' : 'error')
    throw error
  }
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
export function scopedConversation(principal: Principal, id: string): string {
  return principal.kind === 'secret' ? id : `web:${principal.key}:${id}`
}

/**
 * User ids from browsers are namespaced by their site key: the same id sent under two sites' keys is two people,
 * so one site cannot read or change what another site's visitor liked.
 */
export function scopedUser(principal: Principal, userId: string | undefined, conversation: string): string {
  if (principal.kind === 'secret') return userId ?? `conv:${conversation}`
  return userId ? `web:${namespacedUserId(principal.key, userId)}` : `web:conv:${principal.key}:${conversation}`
}
