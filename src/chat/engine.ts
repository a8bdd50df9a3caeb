import {
  AppError,
  type ChatService,
  clipWords,
  type FeedbackInput,
  type FeedbackKind,
  type Item,
  type ItemId,
  isAppError,
  type Logger,
  type Reply,
  type ReplyItem,
  type TurnInput,
  type UserProfile,
} from '../core/index.ts'
import type { DomainProfile } from '../domain/index.ts'
import { composeReply as defaultComposeReply, explainItem as defaultExplainItem } from '../explain/index.ts'
import type { LlmClient } from '../llm/index.ts'
import type { Constraints, Recommendation, Recommender, RecommendRequest } from '../recommend/index.ts'
import { emptySession, type SessionState, type Store } from '../store/index.ts'
import { createCategoryLexicon } from './categories.ts'
import { createTitleIndex } from './title-index.ts'
import { type ItemAction, type Understanding, understand } from './understand.ts'

/** The explanation functions the chat uses (src/explain by default). */
export interface ExplainFns {
  explainItem: typeof defaultExplainItem
  composeReply: typeof defaultComposeReply
}

export interface ChatDeps {
  items: readonly Item[]
  recommender: Recommender
  store: Store
  llm?: LlmClient
  explain?: ExplainFns
  logger: Logger
  /** Items per reply (default 5). */
  k?: number
  /** Interactions per item; breaks ties between items sharing a title ("Titanic"). Tag counts stand in without it. */
  popularity?: ReadonlyMap<ItemId, number>
  /** How long the LLM may take to word a reply before the template text is used (default 4000 ms). */
  llmTimeoutMs?: number
  /** The catalogue's domain: nouns, verbs, era and length words, reply copy (default: the movies profile). */
  profile?: DomainProfile
}

/** Options of an evaluation turn, passed to `handleTurn` under {@link EVAL_TURN} (they survive wrappers). */
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
   * toward them like a title the person asked about ({@link SUGGESTED_PULL}) unless the person turns them down.
   */
  shown?: readonly ItemId[]
}

/** Key of {@link EvalTurnOptions} inside `handleTurn`'s options: `{ [EVAL_TURN]: { k: 50, remember: false } }`. */
export const EVAL_TURN: unique symbol = Symbol.for('concierge.chat.evalTurn')

/** `handleTurn` options with evaluation options. */
export type TurnOptions = { onText?: (part: string) => void; signal?: AbortSignal } & { [EVAL_TURN]?: EvalTurnOptions }

const MAX_ID_CHARS = 256
const PREFERENCE_DECAY = 0.75
const ANCHOR_DECAY = 0.7
const MAX_PREFERENCES = 8
/** Items remembered as shown per conversation (older ones may come back in a very long conversation). */
const MAX_SHOWN = 1000
/**
 * Anchor weight of a film a human recommender suggested in a replayed dialogue (an evaluation turn's `shown`). Tuned
 * on ReDial train dialogues: Recall@10 0.211 without the pull, 0.218 at 0.5, 0.224 at 1, 1.5 and 2.5.
 */
const SUGGESTED_PULL = 1
/** Anchor weight of a title the person has not seen but is curious about (a like counts 1). */
const UNSEEN_PULL = 0.5
/** At most this many films of a series set aside by name ("anything but Star Wars"). */
const MAX_SERIES = 30
const FEEDBACK_KINDS: readonly FeedbackKind[] = ['like', 'dislike', 'seen', 'not_interested']
const START_SUGGESTIONS = ['Something funny from the 90s', 'A sci-fi movie like The Matrix', 'Nothing scary, something animated']

/**
 * The transport-free dialogue: each turn updates the session (likes, dislikes, constraints, critiques, what was
 * shown), asks the recommender, explains each item (templates, or the LLM when configured and valid), and stores the
 * session. Turns of one conversation run one at a time. Throws `input.invalid` for bad ids, `store.failed` when the
 * store fails; a failing recommender or LLM gives a polite reply, never internals.
 */
export async function createChat(deps: ChatDeps): Promise<ChatService> {
  const { items, recommender, store, llm, logger } = deps
  const explain = deps.explain ?? { explainItem: defaultExplainItem, composeReply: defaultComposeReply }
  const k = deps.k ?? 5
  const byId = new Map<ItemId, Item>(items.map((i) => [i.id, i]))
  const lexicon = createCategoryLexicon(items)
  const reserved = new Set<string>()
  for (const key of lexicon.terms.keys()) if (!key.includes(' ')) reserved.add(key)
  const titles = createTitleIndex(items, deps.popularity, { reserved })
  let maxYear = 0
  for (const i of items) if (i.year !== undefined && i.year > maxYear) maxYear = i.year
  if (!maxYear) maxYear = new Date().getUTCFullYear()
  const hasRuntime = items.some((i) => typeof i.metadata.runtime === 'number' && i.metadata.runtime > 0)
  // Every item's words, lower-cased, built at the first name asked for (a few MB for ten thousand films).
  let catalogueText: string | undefined
  const knowsName = (name: string) => {
    catalogueText ??= items.map((i) => `${i.title}\n${i.description}\n${i.tags.join('\n')}`.toLowerCase()).join('\n')
    return catalogueText.includes(name.toLowerCase())
  }
  const yearOf = (id: ItemId) => byId.get(id)?.year
  const label = (id: ItemId) => titles.label(id)

  const queues = new Map<string, Promise<unknown>>()
  let closed = false
  let closing: Promise<void> | undefined

  /** Runs `fn` after every earlier call for the same conversation has finished. */
  const serialised = <T>(conversationId: string, fn: () => Promise<T>): Promise<T> => {
    const previous = queues.get(conversationId) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(fn)
    queues.set(conversationId, next)
    const cleanup = () => {
      if (queues.get(conversationId) === next) queues.delete(conversationId)
    }
    next.then(cleanup, cleanup)
    return next
  }

  const loadSession = async (conversationId: string, userId: string): Promise<SessionState> => {
    const stored = await store.getSession(conversationId)
    if (!stored) return emptySession(conversationId, userId)
    if (stored.userId !== userId) stored.userId = userId
    return stored
  }

  const remember = async (session: SessionState, itemId: ItemId, kind: FeedbackKind | 'mention_like' | 'mention_dislike') => {
    const timestamp = Math.floor(Date.now() / 1000)
    if (kind === 'like' || kind === 'mention_like') await store.setPreference(session.userId, itemId, 'like')
    if (kind === 'dislike' || kind === 'mention_dislike') await store.setPreference(session.userId, itemId, 'dislike')
    await store.recordInteraction({
      userId: session.userId,
      itemId,
      event: kind,
      timestamp,
      conversationId: session.conversationId,
    })
  }

  const applyAction = async (session: SessionState, id: ItemId, action: ItemAction, notes: Notes) => {
    if (!byId.has(id)) return
    session.focus = id
    switch (action) {
      case 'like':
        addOnce(session.liked, id)
        remove(session.disliked, id)
        remove(session.rejected, id)
        notes.liked.push(id)
        await remember(session, id, 'mention_like')
        break
      case 'dislike':
        addOnce(session.disliked, id)
        remove(session.liked, id)
        session.anchors = session.anchors.filter((a) => a.id !== id)
        notes.disliked.push(id)
        await remember(session, id, 'mention_dislike')
        break
      case 'seen':
        addOnce(session.seen, id)
        notes.seen.push(id)
        break
      case 'reject':
        addOnce(session.rejected, id)
        session.anchors = session.anchors.filter((a) => a.id !== id)
        notes.rejected.push(id)
        break
      case 'anchor':
        session.anchors = session.anchors.filter((a) => a.id !== id)
        session.anchors.push({ id, weight: 1, turn: session.turn })
        notes.anchored.push(id)
        break
      case 'unseen':
        // "I haven't seen X but heard good things": interest, a weaker pull than a like.
        pull(session, id, UNSEEN_PULL)
        break
    }
  }

  const buildRequest = async (session: SessionState, count: number): Promise<RecommendRequest> => {
    const now = session.turn
    const preferences = session.preferences
      .map((p) => ({ text: p.text, weight: p.weight * PREFERENCE_DECAY ** Math.max(0, now - p.turn) }))
      .filter((p) => Math.abs(p.weight) >= 0.1)
      .slice(-MAX_PREFERENCES)
    const anchors = session.anchors
      .map((a) => ({ id: a.id, weight: a.weight * ANCHOR_DECAY ** Math.max(0, now - a.turn) }))
      .filter((a) => a.weight >= 0.1 && byId.has(a.id))
    const profile = await store.getProfile(session.userId)
    const inSession = new Set([...session.liked, ...session.disliked])
    // Films seen in this conversation ("I've seen Inception") are watched, which is what the collaborative model
    // learns from: they join the fold-in with the stored likes (they are excluded from results all the same).
    const history = [...new Set([...profile.likes, ...session.seen])]
      .filter((id) => byId.has(id) && !inSession.has(id))
      .slice(0, 50)
    const exclude = new Set<ItemId>([
      ...session.shown,
      ...session.rejected,
      ...session.disliked,
      ...session.seen,
      ...session.liked,
      ...session.anchors.map((a) => a.id),
      ...profile.dislikes,
    ])
    const c = session.constraints
    return {
      preferences,
      liked: session.liked.filter((id) => byId.has(id)),
      anchors,
      disliked: session.disliked.filter((id) => byId.has(id)),
      history,
      constraints: {
        includeCategories: [...c.includeCategories],
        excludeCategories: [...c.excludeCategories],
        ...(c.categoryGroups?.length ? { categoryGroups: c.categoryGroups.map((g) => [...g]) } : {}),
        ...(c.mentions?.length ? { mentions: [...c.mentions] } : {}),
        ...(c.yearMin !== undefined ? { yearMin: c.yearMin } : {}),
        ...(c.yearMax !== undefined ? { yearMax: c.yearMax } : {}),
        ...(c.metadata?.length ? { metadata: c.metadata.map((m) => ({ ...m })) } : {}),
      },
      exclude,
      k: count,
    }
  }

  const turn = async (
    input: TurnInput,
    options: {
      k: number
      remember: boolean
      rankAlways?: boolean
      shown?: readonly ItemId[]
      onText?: (part: string) => void
      signal?: AbortSignal
    },
  ) => {
    checkIds(input.conversationId, input.userId)
    if (closed) throw new AppError('unavailable', 'The chat is shutting down')
    return serialised(input.conversationId, async () => {
      if (options.signal?.aborted) throw new AppError('unavailable', 'The turn was cancelled before it started')
      let session = await loadSession(input.conversationId, input.userId)
      const suggested = (options.shown ?? []).filter((id) => byId.has(id))
      if (suggested.length) {
        for (const id of suggested) addOnce(session.shown, id)
        session.lastShown = [...suggested]
        delete session.focus
      }
      const u = understand(
        typeof input.text === 'string' ? input.text : '',
        { lastShown: session.lastShown, focus: session.focus, pending: session.pending, yearOf, maxYear, hasRuntime, knowsName },
        titles,
        lexicon,
      )
      session.turn += 1
      const notes: Notes = { liked: [], disliked: [], seen: [], rejected: [], series: [], anchored: [], constraints: [] }
      if (u.reset) {
        const { turn: t, createdAt } = session
        session = { ...emptySession(input.conversationId, input.userId), turn: t, createdAt }
      }
      // What a human suggested says what they read of the person's taste: it pulls like a title asked about, unless
      // this turn turns it down (the actions below drop the pull).
      for (const id of suggested) pull(session, id, SUGGESTED_PULL)
      const before = JSON.stringify(session.constraints)
      if (u.dropFilters) session.constraints = { includeCategories: [], excludeCategories: [] }
      if (u.changeDirection) {
        session.preferences = []
        session.anchors = []
        delete session.focus
      }

      // A pending question is answered now or dropped.
      const pending = session.pending
      delete session.pending
      if (pending && u.clarified !== undefined)
        await applyAction(session, u.clarified, pending.intent === 'anchor' ? 'anchor' : pending.intent, notes)

      let question: { mention: string; candidates: ItemId[]; intent: ItemAction } | undefined
      for (const { mention, action } of u.mentions) {
        if (pending && u.clarified !== undefined && mention.candidates.includes(u.clarified)) continue
        if (mention.ambiguous || mention.itemId === undefined) {
          if (!question && (action === 'like' || action === 'dislike' || action === 'seen' || action === 'anchor')) {
            question = { mention: mention.text, candidates: mention.candidates, intent: action }
          }
          continue
        }
        await applyAction(session, mention.itemId, action, notes)
        // "Anything but Star Wars": the whole series is set aside, not only its best-known film.
        if (mention.series && (action === 'reject' || action === 'dislike')) {
          for (const id of mention.candidates.slice(1, MAX_SERIES)) await applyAction(session, id, 'reject', notes)
          notes.rejected = notes.rejected.filter((id) => !mention.candidates.includes(id))
          notes.series.push(mention.text)
        }
      }
      for (const r of u.references) await applyAction(session, r.itemId, r.action, notes)
      applyConstraints(session, u, hasRuntime)
      for (const p of u.preferences) {
        // A wish said again is refreshed, not stacked: it would weigh double and be echoed twice in the reply.
        const text = p.text.slice(0, 300)
        session.preferences = session.preferences.filter((q) => q.text !== text || Math.sign(q.weight) !== Math.sign(p.weight))
        session.preferences.push({ text, weight: p.weight, turn: session.turn })
      }
      if (session.preferences.length > 24) session.preferences = session.preferences.slice(-24)
      if (JSON.stringify(session.constraints) !== before) notes.constraints.push(describeConstraints(session))

      const signals =
        notes.liked.length +
        notes.disliked.length +
        notes.seen.length +
        notes.rejected.length +
        notes.series.length +
        notes.anchored.length +
        notes.constraints.length +
        u.preferences.length +
        (u.dropFilters ? 1 : 0)
      let reply: Reply
      if (question) {
        session.pending = {
          candidates: question.candidates,
          intent: question.intent === 'unseen' || question.intent === 'reject' ? 'like' : question.intent,
          mention: question.mention,
          turn: session.turn,
        }
      }
      const ask = question
        ? `Which one do you mean: ${question.candidates.map((id, i) => `${i + 1}) ${label(id)}`).join(', ')}?`
        : undefined
      let recommended = false
      if (question && signals === 0) {
        reply = { text: ask!, items: [], suggestions: question.candidates.map(label).slice(0, 3) }
      } else if (u.intent === 'about') {
        const item = u.about === undefined ? undefined : byId.get(u.about)
        if (item) session.focus = item.id
        reply = item
          ? { text: describeItem(item, label(item.id)), items: [], suggestions: ['More like it', 'Something else'] }
          : {
              text: 'Which one do you mean? Say "tell me about the second one", or name the film.',
              items: [],
              suggestions: ['Tell me about the first one', 'Something else'],
            }
      } else if (signals === 0 && u.intent !== 'request' && u.intent !== 'reset') {
        reply = smallTalk(u.intent)
      } else if (u.intent === 'reset' && signals === 0) {
        reply = {
          text: "Done, I've forgotten this conversation's wishes. What do you feel like watching?",
          items: [],
          suggestions: START_SUGGESTIONS,
        }
      } else {
        reply = await recommendReply(session, u, notes, options)
        recommended = true
        if (ask) reply.text = `${reply.text} ${ask}`
      }
      // An evaluation turn ranks at small talk and questions too; a turn that already ranked is not ranked again.
      if (options.rankAlways && !recommended && !u.reset) {
        reply = { ...reply, items: (await recommendReply(session, u, notes, { k: options.k })).items }
      }
      if (options.remember) {
        for (const item of reply.items) addOnce(session.shown, item.id)
        if (session.shown.length > MAX_SHOWN) session.shown = session.shown.slice(-MAX_SHOWN)
        if (reply.items.length) {
          session.lastShown = reply.items.map((i) => i.id)
          if (!notes.liked.length && !notes.anchored.length) delete session.focus
        }
      }
      session.updatedAt = Date.now()
      await store.saveSession(session)
      options.onText?.(reply.text)
      return reply
    })
  }

  const recommendReply = async (
    session: SessionState,
    u: Understanding,
    notes: Notes,
    options: { k: number; signal?: AbortSignal },
  ): Promise<Reply> => {
    const request = await buildRequest(session, options.k)
    let recs: Recommendation[]
    const widened: string[] = []
    try {
      recs = await recommender.recommend(request)
      // Too few films name the person asked for, or are all the categories said together: the rest come without
      // that filter (first the person, then the categories), and the reply says which are which.
      let constraints = request.constraints
      for (const loosen of WIDENINGS) {
        if (recs.length >= request.k) break
        const looser = loosen.drop(constraints)
        if (!looser) continue
        const exclude = new Set([...request.exclude, ...recs.map((r) => r.item.id)])
        const more = await recommender.recommend({ ...request, constraints: looser, exclude, k: request.k - recs.length })
        if (more.length) widened.push(loosen.note(constraints, recs.length))
        recs = [...recs, ...more]
        constraints = looser
      }
    } catch (error) {
      if (isAppError(error, 'store.failed')) throw error
      logger.error('recommendation failed', { code: isAppError(error) ? error.code : 'internal', reason: safeReason(error) })
      return {
        text: "Sorry, I couldn't look up recommendations just now. Please try again in a moment.",
        items: [],
        suggestions: ['Try again'],
      }
    }
    const preferenceTexts = request.preferences.filter((p) => p.weight > 0).map((p) => p.text)
    // A film both liked and pulled toward is named once ("based on Gone Girl", not "Gone Girl and Gone Girl").
    const likedTitles = [...new Set([...request.liked, ...(request.anchors ?? []).map((a) => a.id), ...request.history])]
      .map((id) => byId.get(id)?.title)
      .filter((t): t is string => Boolean(t))
    const context = { preferences: preferenceTexts, likedTitles }
    const replyItems: ReplyItem[] = recs.map((rec) => ({
      id: rec.item.id,
      title: rec.item.title,
      ...(rec.item.year !== undefined ? { year: rec.item.year } : {}),
      ...(rec.item.imageUrl ? { imageUrl: rec.item.imageUrl } : {}),
      categories: [...rec.item.categories],
      explanation: safeExplain(() => explain.explainItem(rec, context)),
      scoreParts: { ...rec.parts },
    }))
    const composed = explain.composeReply(recs, context)
    const ack = acknowledge(notes, label)
    // What could not be done is said whoever words the reply.
    const caveats: string[] = []
    caveats.push(...widened)
    if (u.runtimeIgnored) caveats.push("(This catalogue has no running times, so I can't filter on length.)")
    if (u.unknownPeople?.length) {
      caveats.push(`(I don't know who is in or behind each film, so I couldn't look for ${joinNames(u.unknownPeople)}.)`)
    }
    const withNotes = (body: string) => [ack, body, ...caveats].filter(Boolean).join(' ')
    let text = withNotes(composed.text)
    if (llm && recs.length && replyItems.length <= 10) {
      const worded = await wordWithLlm(llm, u.text, replyItems, options.signal, deps.llmTimeoutMs ?? 4000, logger)
      if (worded) {
        text = withNotes(worded.text)
        for (const item of replyItems) {
          const e = worded.explanations[item.id]
          if (e) item.explanation = e
        }
      }
    }
    return { text, items: replyItems, suggestions: composed.suggestions }
  }

  const engine: ChatService = {
    handleTurn: (input, options) => {
      const evalOptions = (options as TurnOptions | undefined)?.[EVAL_TURN]
      const count = evalOptions ? Math.max(1, Math.min(100, Math.floor(evalOptions.k))) : k
      return turn(input, {
        k: count,
        remember: evalOptions?.remember ?? true,
        rankAlways: evalOptions?.rankAlways ?? false,
        ...(evalOptions?.shown ? { shown: evalOptions.shown } : {}),
        onText: options?.onText,
        signal: options?.signal,
      })
    },
    feedback: async (input: FeedbackInput) => {
      checkIds(input.conversationId, input.userId)
      if (!FEEDBACK_KINDS.includes(input.kind)) {
        throw new AppError('input.invalid', `Feedback kind must be one of ${FEEDBACK_KINDS.join(', ')}`, {
          details: { field: 'kind' },
        })
      }
      if (typeof input.itemId !== 'string' || !byId.has(input.itemId)) {
        throw new AppError('not_found', 'No such item in the catalogue', { details: { field: 'itemId' } })
      }
      if (closed) throw new AppError('unavailable', 'The chat is shutting down')
      await serialised(input.conversationId, async () => {
        const session = await loadSession(input.conversationId, input.userId)
        const id = input.itemId
        session.focus = id
        if (input.kind === 'like') {
          addOnce(session.liked, id)
          remove(session.disliked, id)
          remove(session.rejected, id)
        } else if (input.kind === 'dislike') {
          addOnce(session.disliked, id)
          remove(session.liked, id)
          session.anchors = session.anchors.filter((a) => a.id !== id)
        } else if (input.kind === 'seen') {
          addOnce(session.seen, id)
        } else {
          addOnce(session.rejected, id)
          session.anchors = session.anchors.filter((a) => a.id !== id)
        }
        session.updatedAt = Date.now()
        await remember(session, id, input.kind)
        await store.saveSession(session)
      })
    },
    getItem: (id) => byId.get(id),
    getProfile: async (userId): Promise<UserProfile> => {
      checkId(userId, 'userId')
      const p = await store.getProfile(userId)
      const known = (ids: ItemId[]) => ids.map((id) => byId.get(id)).filter((i): i is Item => i !== undefined)
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
        await Promise.allSettled([...queues.values()])
      })()
      return closing
    },
  }
  return engine
}

function pull(session: SessionState, id: ItemId, weight: number): void {
  if (session.anchors.some((a) => a.id === id) || session.liked.includes(id) || session.disliked.includes(id)) return
  session.anchors.push({ id, weight, turn: session.turn })
}

interface Notes {
  liked: ItemId[]
  disliked: ItemId[]
  seen: ItemId[]
  rejected: ItemId[]
  /** Series set aside by name ("Star Wars"), said as such rather than film by film. */
  series: string[]
  anchored: ItemId[]
  constraints: string[]
}

function applyConstraints(session: SessionState, u: Understanding, hasRuntime: boolean): void {
  const c = session.constraints
  if (u.include.length) {
    // A new kind of film instead of the one asked for before ("any good war movies?" after documentaries about food):
    // the earlier wishes were about that, so they go; refusals ("nothing too violent") stay.
    const switched = !u.includeAdds && c.includeCategories.length > 0 && !c.includeCategories.some((x) => u.include.includes(x))
    if (switched) session.preferences = session.preferences.filter((p) => p.weight < 0)
    c.includeCategories = u.includeAdds ? [...new Set([...c.includeCategories, ...u.include])] : [...u.include]
    c.excludeCategories = c.excludeCategories.filter((x) => !u.include.includes(x))
    // "also a comedy" widens what was asked for, so categories said together ("romantic comedy") no longer bind.
    if (u.includeAll && !u.includeAdds) c.categoryGroups = u.includeAll.map((g) => [...g])
    else delete c.categoryGroups
  }
  if (u.exclude.length) {
    c.excludeCategories = [...new Set([...c.excludeCategories, ...u.exclude])]
    stopRequiring(c, u.exclude)
  }
  if (u.release?.length) stopRequiring(c, u.release)
  if (u.era) {
    delete c.yearMin
    delete c.yearMax
    if (u.era.min !== undefined) c.yearMin = u.era.min
    if (u.era.max !== undefined) c.yearMax = u.era.max
    if (c.yearMin !== undefined && c.yearMax !== undefined && c.yearMin > c.yearMax)
      [c.yearMin, c.yearMax] = [c.yearMax, c.yearMin]
  }
  if (u.names?.length) c.mentions = [...u.names]
  if (u.runtimeMax !== undefined && hasRuntime) {
    c.metadata = [...(c.metadata ?? []).filter((m) => m.field !== 'runtime'), { field: 'runtime', max: u.runtimeMax }]
  }
}

/** The categories no longer asked for, refused or released: out of the includes and of the groups said together. */
function stopRequiring(c: Constraints, categories: readonly string[]): void {
  const kept = (x: string) => !categories.includes(x)
  c.includeCategories = c.includeCategories.filter(kept)
  const groups = (c.categoryGroups ?? []).map((g) => g.filter(kept)).filter((g) => g.length)
  if (groups.length > 1) c.categoryGroups = groups
  else delete c.categoryGroups
}

/** Filters a reply may loosen when too few items pass, in order, with what the reply then says. */
const WIDENINGS: {
  /** The constraints without this filter, or undefined when it is not set. */
  drop: (c: Constraints) => Constraints | undefined
  /** The caveat, given the constraints it was dropped from and how many items met them. */
  note: (c: Constraints, found: number) => string
}[] = [
  {
    drop: ({ mentions, ...rest }) => (mentions?.length ? rest : undefined),
    note: (c, found) => {
      const who = joinNames(c.mentions ?? [])
      return found
        ? found === 1
          ? `(Only the first one names ${who} in its title, description or tags; nothing I know says the others do.)`
          : `(Only the first ${found} name ${who} in their titles, descriptions or tags; nothing I know says the others do.)`
        : `(Nothing else that fits your filters names ${who} in its title, description or tags, so these fit the rest of what you asked.)`
    },
  },
  {
    drop: ({ categoryGroups, ...rest }) => (categoryGroups?.length ? rest : undefined),
    note: (c, found) => {
      const groups = c.categoryGroups ?? []
      const all = groups.map((g) => g.join(' or ')).join(' and ')
      const any = [...new Set(groups.flat())].join(' or ')
      return found
        ? `(Only the first ${found === 1 ? 'one is' : `${found} are`} ${all}; the rest are ${any}.)`
        : `(Nothing else that is ${all} fits your filters, so these are ${any}.)`
    },
  },
]

function describeConstraints(session: SessionState): string {
  const c = session.constraints
  const parts: string[] = []
  if (c.categoryGroups?.length)
    parts.push(c.categoryGroups.map((g) => (g.length > 1 ? `(${g.join(' or ')})` : g[0])).join(' and '))
  else if (c.includeCategories.length) parts.push(`${c.includeCategories.join(' or ')}`)
  if (c.excludeCategories.length) parts.push(`no ${c.excludeCategories.join(' or ')}`)
  if (c.yearMin !== undefined && c.yearMax !== undefined) {
    parts.push(c.yearMin === c.yearMax ? `from ${c.yearMin}` : `from ${c.yearMin}–${c.yearMax}`)
  } else if (c.yearMin !== undefined) parts.push(`from ${c.yearMin} on`)
  else if (c.yearMax !== undefined) parts.push(`up to ${c.yearMax}`)
  const runtime = c.metadata?.find((m) => m.field === 'runtime')
  if (runtime?.max !== undefined) parts.push(`under ${runtime.max} minutes`)
  if (c.mentions?.length) parts.push(`naming ${joinNames(c.mentions)}`)
  return parts.length ? parts.join(', ') : 'no filters'
}

function acknowledge(notes: Notes, label: (id: ItemId) => string): string {
  const parts: string[] = []
  // "Saw it and liked it" points at one film twice; a film liked was seen, so it is not said again.
  const list = (all: ItemId[]) => {
    const ids = [...new Set(all)]
    return ids.slice(0, 3).map(label).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '')
  }
  const seen = notes.seen.filter((id) => !notes.liked.includes(id) && !notes.disliked.includes(id))
  if (notes.liked.length) parts.push(`you liked ${list(notes.liked)}`)
  if (notes.disliked.length) parts.push(`not ${list(notes.disliked)}`)
  if (seen.length) parts.push(`you've seen ${list(seen)}`)
  if (notes.rejected.length) parts.push(`skipping ${list(notes.rejected)}`)
  if (notes.series.length) parts.push(`no ${notes.series.join(' or ')} films`)
  if (notes.anchored.length) parts.push(`more like ${list(notes.anchored)}`)
  const filters = notes.constraints.at(-1)
  if (filters) parts.push(filters === 'no filters' ? 'no filters now' : `filters: ${filters}`)
  return parts.length ? `Noted: ${parts.join('; ')}.` : ''
}

/** What a film is, from the catalogue only: its label, categories, running time and description. */
function describeItem(item: Item, name: string): string {
  const runtime =
    typeof item.metadata.runtime === 'number' && item.metadata.runtime > 0 ? `, ${item.metadata.runtime} minutes` : ''
  const kind = item.categories.length ? ` (${item.categories.join(', ')}${runtime})` : runtime ? ` (${runtime.slice(2)})` : ''
  const about = item.description.trim() ? ` ${clipWords(item.description.trim(), 600)}` : " I don't have a description of it."
  return `${name}${kind}:${about} Want more like it?`
}

function smallTalk(intent: Understanding['intent']): Reply {
  if (intent === 'thanks') {
    return {
      text: 'Enjoy! Tell me how it went, or ask for something else any time.',
      items: [],
      suggestions: ['Something else', 'Start over'],
    }
  }
  const text =
    intent === 'help'
      ? 'Tell me what you feel like and I\'ll suggest a few titles with reasons. You can name movies you liked ("I loved Alien"), ' +
        'set limits ("no horror", "from the 90s"), point at results ("more like the second one", "not that one"), ' +
        'ask for changes ("funnier", "more recent") or say "start over".'
      : 'Hi! What do you feel like watching? Name a movie you liked, a mood, or a genre.'
  return { text, items: [], suggestions: START_SUGGESTIONS }
}

async function wordWithLlm(
  llm: LlmClient,
  request: string,
  items: ReplyItem[],
  signal: AbortSignal | undefined,
  timeoutMs: number,
  logger: Logger,
): Promise<{ text: string; explanations: Record<ItemId, string> } | undefined> {
  try {
    const timeout = AbortSignal.timeout(timeoutMs)
    const worded = await llm.wordReply(
      {
        request,
        items: items.map((i) => ({
          id: i.id,
          title: i.title,
          evidence: `${i.categories.join(', ')}${i.year ? `, ${i.year}` : ''}`,
          explanation: i.explanation,
        })),
      },
      { signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
    )
    if (!worded || typeof worded.text !== 'string' || !worded.text.trim()) return undefined
    const ids = new Set(items.map((i) => i.id))
    const explanations: Record<ItemId, string> = {}
    for (const [id, e] of Object.entries(worded.explanations ?? {})) {
      if (ids.has(id) && typeof e === 'string' && e.trim() && e.length <= 400) explanations[id] = e.trim()
    }
    return { text: worded.text.trim().slice(0, 600), explanations }
  } catch (error) {
    logger.warn('LLM wording failed; using templates', { reason: safeReason(error) })
    return undefined
  }
}

function safeExplain(fn: () => string): string {
  try {
    return fn()
  } catch {
    return 'It matches what you asked for.'
  }
}

function safeReason(error: unknown): string {
  return isAppError(error) ? error.message : error instanceof Error ? error.name : 'unknown'
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

function addOnce(list: ItemId[], id: ItemId): void {
  if (!list.includes(id)) list.push(id)
}

function remove(list: ItemId[], id: ItemId): void {
  const i = list.indexOf(id)
  if (i >= 0) list.splice(i, 1)
}

/** "A", "A and B", "A, B and C". */
function joinNames(names: readonly string[]): string {
  const unique = [...new Set(names)]
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`
}
