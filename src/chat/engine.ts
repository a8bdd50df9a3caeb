import {
  AppError,
  type ChatService,
  createKeyedQueue,
  type FeedbackInput,
  type FeedbackKind,
  type Item,
  type ItemId,
  type Reply,
  type TurnInput,
  type UserProfile,
} from '../core/index.ts'
import { emptySession, type SessionState } from '../store/index.ts'
import { type ChatContext, type ChatDeps, createChatContext } from './context.ts'
import { FEEDBACK_ACTIONS, transition } from './session.ts'
import { rememberOpinion, runTurn, type TurnSettings } from './turn.ts'

/** Options of an evaluation turn ({@link ChatEngine.evalTurn}). */
export interface EvalTurnOptions {
  /** Items to return (the evaluation asks for 50). */
  k: number
  /** When false, the reply is not recorded as shown (the replayed person never saw it). Default true. */
  remember?: boolean
  /**
   * Rank also when the reply is small talk or a clarifying question ("hi", "which one do you mean?"): the
   * evaluation measures what the engine would recommend at every turn, not only at the turns that show items.
   */
  rankAlways?: boolean
  /**
   * Items a human showed the person since their last turn (a replayed dialogue's recommender): they become the
   * last shown items, so "that one" and "I loved it" point at them, are not recommended again, and pull the results
   * toward them like a title the person asked about unless the person turns them down.
   */
  shown?: readonly ItemId[]
}

/** What evaluation needs of a chat: a turn with explicit evaluation options. */
export interface EvalChat {
  evalTurn(input: TurnInput, options: EvalTurnOptions): Promise<Reply>
}

/** The chat service of front ends, plus the evaluation entry (not reachable through `handleTurn`). */
export interface ChatEngine extends ChatService, EvalChat {}

const MAX_ID_CHARS = 256
const FEEDBACK_KINDS = Object.keys(FEEDBACK_ACTIONS) as FeedbackKind[]

/**
 * The transport-free dialogue: each turn reads the message (the rules, merged with the LLM's reading when one is
 * configured and answers within its budget), updates the session (likes, dislikes, constraints, critiques, what was
 * shown) through the session transition table, asks the recommender (with the LLM's grounded title proposals as
 * extra candidates), explains each item (templates, or the LLM when configured and valid), and stores the session. Turns of one conversation run one at a time. Throws
 * `input.invalid` for bad ids, `store.failed` when the store fails; a failing recommender or LLM gives a polite
 * reply, never internals.
 */
export async function createChat(deps: ChatDeps): Promise<ChatEngine> {
  const ctx = createChatContext(deps)
  const { store } = deps
  const queue = createKeyedQueue()
  let closed = false
  let closing: Promise<void> | undefined

  /** Runs `fn` after every earlier call for the same conversation has finished. */
  const serialised = <T>(conversationId: string, fn: () => Promise<T>): Promise<T> => queue.run(conversationId, fn)

  const loadSession = async (conversationId: string, userId: string): Promise<SessionState> => {
    const stored = await store.getSession(conversationId)
    if (!stored) return emptySession(conversationId, userId)
    if (stored.userId !== userId) stored.userId = userId
    return stored
  }

  const turn = async (input: TurnInput, settings: TurnSettings, onText?: (part: string) => void) => {
    checkIds(input.conversationId, input.userId)
    if (closed) throw new AppError('unavailable', 'The chat is shutting down')
    return serialised(input.conversationId, async () => {
      if (settings.signal?.aborted) throw new AppError('unavailable', 'The turn was cancelled before it started')
      const session = await loadSession(input.conversationId, input.userId)
      const text = typeof input.text === 'string' ? input.text : ''
      const done = await runTurn(ctx, session, text, settings)
      await store.saveSession(done.session)
      onText?.(done.reply.text)
      return done.reply
    })
  }

  const feedback = async (input: FeedbackInput) => {
    checkFeedback(ctx, input)
    if (closed) throw new AppError('unavailable', 'The chat is shutting down')
    await serialised(input.conversationId, async () => {
      const session = await loadSession(input.conversationId, input.userId)
      const changed = transition(session, { kind: 'item', id: input.itemId, action: FEEDBACK_ACTIONS[input.kind] })
      const next = transition(changed, { kind: 'saved', now: Date.now() })
      await rememberOpinion(ctx, next, input.itemId, input.kind)
      await store.saveSession(next)
    })
  }

  return {
    handleTurn: (input, options) =>
      turn(input, { k: ctx.k, remember: true, rankAlways: false, signal: options?.signal }, options?.onText),
    evalTurn: (input, options) =>
      turn(input, {
        k: Math.max(1, Math.min(100, Math.floor(options.k))),
        remember: options.remember ?? true,
        rankAlways: options.rankAlways ?? false,
        ...(options.shown ? { shown: options.shown } : {}),
      }),
    feedback,
    getItem: (id) => ctx.byId.get(id),
    getProfile: async (userId): Promise<UserProfile> => {
      checkId(userId, 'userId')
      const p = await store.getProfile(userId)
      const known = (ids: ItemId[]) => ids.map((id) => ctx.byId.get(id)).filter((i): i is Item => i !== undefined)
      return { userId, likes: known(p.likes), dislikes: known(p.dislikes) }
    },
    removePreference: async (userId, itemId) => {
      checkId(userId, 'userId')
      checkId(itemId, 'itemId')
      await store.removePreference(userId, itemId)
    },
    forgetUser: async (userId) => {
      checkId(userId, 'userId')
      await store.forgetUser(userId)
    },
    close: () => {
      closing ??= (async () => {
        closed = true
        await queue.settled()
      })()
      return closing
    },
  }
}

function checkFeedback(ctx: ChatContext, input: FeedbackInput): void {
  checkIds(input.conversationId, input.userId)
  if (!FEEDBACK_KINDS.includes(input.kind)) {
    throw new AppError('input.invalid', `Feedback kind must be one of ${FEEDBACK_KINDS.join(', ')}`, {
      details: { field: 'kind' },
    })
  }
  if (typeof input.itemId !== 'string' || !ctx.byId.has(input.itemId)) {
    throw new AppError('not_found', 'No such item in the catalogue', { details: { field: 'itemId' } })
  }
}

function checkIds(conversationId: unknown, userId: unknown): void {
  checkId(conversationId, 'conversationId')
  checkId(userId, 'userId')
}

function checkId(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || !value.trim() || value.length > MAX_ID_CHARS) {
    throw new AppError('input.invalid', `${field} must be a non-empty string of at most ${MAX_ID_CHARS} characters`, {
      details: { field },
    })
  }
}
