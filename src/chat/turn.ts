import type { FeedbackKind, ItemId, Reply } from '../core/index.ts'
import type { SessionState } from '../store/index.ts'
import type { ChatContext } from './context.ts'
import type { FacetReading } from './facet-words.ts'
import { assistedReading } from './llm-reading.ts'
import { type Proposed, recommendReply } from './recommend-reply.ts'
import { describeConstraints, describeItem, emptyNotes, type Notes, smallTalk, whichOne, writtenIn } from './replies.ts'
import { type SessionEvent, transition } from './session.ts'
import { type ItemAction, type Understanding, understand } from './understand.ts'

/** How one turn runs: production turns use the defaults; evaluation sets the rest explicitly. */
export interface TurnSettings {
  /** Items to return. */
  k: number
  /** When false, the reply is not recorded as shown. */
  remember: boolean
  /** Rank also when the reply is small talk or a clarifying question. */
  rankAlways?: boolean
  /** Items a human showed the person since their last turn (a replayed dialogue's recommender). */
  shown?: readonly ItemId[]
  signal?: AbortSignal | undefined
}

/**
 * Anchor weight of an item a human recommender suggested in a replayed dialogue (an evaluation turn's `shown`). Tuned
 * on ReDial train dialogues: Recall@10 0.211 without the pull, 0.218 at 0.5, 0.224 at 1, 1.5 and 2.5.
 */
const SUGGESTED_PULL = 1
/** At most this many items of a series set aside by name ("anything but Star Wars"). */
const MAX_SERIES = 30

type Question = { mention: string; candidates: ItemId[]; intent: ItemAction }

/** Where each thing said about an item is noted for the reply. */
const NOTE_OF: Record<ItemAction, keyof Notes | undefined> = {
  like: 'liked',
  dislike: 'disliked',
  seen: 'seen',
  reject: 'rejected',
  anchor: 'anchored',
  unseen: undefined,
}

/** Records an opinion on an item for the user (likes and dislikes persist) and as an interaction for training. */
export async function rememberOpinion(
  ctx: ChatContext,
  session: SessionState,
  itemId: ItemId,
  kind: FeedbackKind | 'mention_like' | 'mention_dislike',
): Promise<void> {
  const { store } = ctx.deps
  // `createdAt` tells the store which session this comes from: if the user was forgotten since, it is dropped.
  const since = session.createdAt
  if (kind === 'like' || kind === 'mention_like') await store.setPreference(session.userId, itemId, 'like', since)
  if (kind === 'dislike' || kind === 'mention_dislike') await store.setPreference(session.userId, itemId, 'dislike', since)
  const timestamp = Math.floor(Date.now() / 1000)
  await store.recordInteraction(
    { userId: session.userId, itemId, event: kind, timestamp, conversationId: session.conversationId },
    since,
  )
}

/** A turn's item action: the session changes through the table; likes and dislikes are remembered. */
async function applyItem(ctx: ChatContext, s: SessionState, id: ItemId, action: ItemAction, notes: Notes) {
  if (!ctx.byId.has(id)) return s
  const next = transition(s, { kind: 'item', id, action })
  const note = NOTE_OF[action]
  if (note) (notes[note] as ItemId[]).push(id)
  if (action === 'like') await rememberOpinion(ctx, next, id, 'mention_like')
  if (action === 'dislike') await rememberOpinion(ctx, next, id, 'mention_dislike')
  return next
}

/** The message read against the session as it was: what was shown, what is in focus, the question pending. */
function read(ctx: ChatContext, session: SessionState, text: string): Understanding {
  const { lastShown, focus, pending } = session
  const { yearOf, maxYear, knowsName, hasYears } = ctx
  const hasRuntime = ctx.lengthField !== undefined
  const { profile, facets } = ctx
  return understand(
    text,
    { lastShown, focus, pending, yearOf, maxYear, hasRuntime, hasYears, knowsName, profile, facets },
    ctx.titles,
    ctx.lexicon,
  )
}

/**
 * The understanding with the facet constraints the reader found ("not GTK", "for the command line") added to those
 * the passes found (bounds on the length field), and its wishes without the refusals read as facets: "a photo
 * editor that isn't gtk" wishes for "photo editor"; "not GTK" alone is no wish. As text, "gtk" would pull toward (or
 * push away from) every graphical program.
 */
function withoutFacetWishes(u: Understanding, read: FacetReading): Understanding {
  if (!read.constraints.length) return u
  const said = new Set(read.phrases.map(squashWords))
  const spans = read.refusals.map((r) => new RegExp(`\\b${r.split(' ').map(escapeRegExp).join('\\W+')}\\b`, 'gi'))
  // When the only refusal was a value's ("a photo editor that isn't gtk"), what else the clause says is wished for.
  const wished = (p: Understanding['preferences'][number]) =>
    p.weight < 0 && read.refusals.length > 0 && !read.refusesMore ? { ...p, weight: 1 } : p
  const preferences = u.preferences.flatMap((p) => {
    const text = spans
      .reduce((t, re) => t.replace(re, ' '), p.text)
      .replace(/\s+/g, ' ')
      .trim()
    if (!squashWords(text) || said.has(squashWords(text))) return []
    return [withFacetWords(wished(text === p.text ? p : { ...p, text }), read.phrases)]
  })
  return { ...u, preferences, facets: [...(u.facets ?? []), ...read.constraints] }
}

/** A wish with the words of the field values it asks for as filtered ("terminal" of "a terminal music player"). */
function withFacetWords(
  p: Understanding['preferences'][number],
  phrases: readonly string[],
): Understanding['preferences'][number] {
  if (p.weight <= 0) return p
  const inText = phrases.filter((phrase) =>
    new RegExp(`\\b${phrase.split(' ').map(escapeRegExp).join('\\W+')}\\b`, 'i').test(p.text),
  )
  const words = inText.flatMap((phrase) => phrase.toLowerCase().split(' '))
  if (!words.length) return p
  return { ...p, filtered: [...new Set([...(p.filtered ?? []), ...words])] }
}

const squashWords = (s: string) => s.toLowerCase().replace(/[^a-z0-9+]/g, '')
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The session changes that come before any item is named: reset, human suggestions, dropped filters, new direction. */
function openingEvents(u: Understanding, suggested: readonly ItemId[]): SessionEvent[] {
  const events: SessionEvent[] = [{ kind: 'turn' }]
  if (u.reset) events.push({ kind: 'reset', now: Date.now() })
  // What a human suggested says what they read of the person's taste: it pulls like a title asked about, unless
  // this turn turns it down (the item actions drop the pull).
  for (const id of suggested) events.push({ kind: 'pull', id, weight: SUGGESTED_PULL })
  return events
}

/** Titles named and items pointed at: the session after them, and the question to ask when a title was unclear. */
async function applyMentions(ctx: ChatContext, session: SessionState, u: Understanding, notes: Notes) {
  let s = session
  // A pending question is answered now or dropped.
  const pending = s.pending
  s = transition(s, { kind: 'ask' })
  if (pending && u.clarified !== undefined) s = await applyItem(ctx, s, u.clarified, pending.intent, notes)
  let question: Question | undefined
  for (const { mention, action } of u.mentions) {
    if (pending && u.clarified !== undefined && mention.candidates.includes(u.clarified)) continue
    if (mention.ambiguous || mention.itemId === undefined) {
      if (!question && (action === 'like' || action === 'dislike' || action === 'seen' || action === 'anchor')) {
        question = { mention: mention.text, candidates: mention.candidates, intent: action }
      }
      continue
    }
    s = await applyItem(ctx, s, mention.itemId, action, notes)
    // "Anything but Star Wars": the whole series is set aside, not only its best-known item.
    if (mention.series && (action === 'reject' || action === 'dislike')) {
      for (const id of mention.candidates.slice(1, MAX_SERIES)) s = await applyItem(ctx, s, id, 'reject', notes)
      notes.rejected = notes.rejected.filter((id) => !mention.candidates.includes(id))
      notes.series.push(mention.text)
    }
  }
  for (const r of u.references) s = await applyItem(ctx, s, r.itemId, r.action, notes)
  return { session: s, question }
}

/** How many things the turn changed; with none, a message is small talk or a question. */
function countSignals(notes: Notes, u: Understanding): number {
  const { liked, disliked, seen, rejected, series, anchored, constraints } = notes
  const noted = liked.length + disliked.length + seen.length + rejected.length + series.length + anchored.length
  return noted + constraints.length + u.preferences.length + (u.dropFilters || u.changeDirection ? 1 : 0)
}

/**
 * Whether a message only narrows the request before it: it sets or refuses a filter (`constrained`) or refuses
 * something, and asks for nothing new (no positive wish, no title, no change of direction).
 */
function refinesOnly(u: Understanding, constrained: boolean): boolean {
  if (u.changeDirection || u.reset || u.mentions.length || u.references.length) return false
  if (u.preferences.some((p) => p.weight > 0)) return false
  return constrained || u.preferences.some((p) => p.weight < 0)
}

/** The session after everything the message says, the notes for the reply, and the question it raises. */
async function applyMessage(ctx: ChatContext, start: SessionState, text: string, settings: TurnSettings) {
  const suggested = (settings.shown ?? []).filter((id) => ctx.byId.has(id))
  let s = transition(start, { kind: 'suggested', ids: suggested })
  const notes = emptyNotes()
  const rules = withoutFacetWishes(read(ctx, s, text), ctx.facetReader.read(text))
  const assisted = await assistedReading(ctx, rules, settings.signal)
  const { u, proposed } = assisted
  for (const event of openingEvents(u, suggested)) s = transition(s, event)
  const before = JSON.stringify(s.constraints)
  if (u.dropFilters) s = transition(s, { kind: 'dropFilters' })
  if (u.changeDirection) s = transition(s, { kind: 'changeDirection' })
  const mentioned = await applyMentions(ctx, s, u, notes)
  s = mentioned.session
  // Titles only the LLM read as liked or disliked count like those the rules found.
  for (const id of assisted.likes) s = await applyItem(ctx, s, id, 'like', notes)
  for (const id of assisted.dislikes) s = await applyItem(ctx, s, id, 'dislike', notes)
  const unconstrained = JSON.stringify(s.constraints)
  s = transition(s, { kind: 'constraints', understanding: u, lengthField: ctx.lengthField })
  s = transition(s, {
    kind: 'preferences',
    preferences: u.preferences,
    refines: refinesOnly(u, unconstrained !== JSON.stringify(s.constraints)),
  })
  // A refusal said in the person's words is said back; one a mood implies ("dark depressing grim") is not theirs.
  for (const p of u.preferences) {
    const said = p.weight < 0 ? writtenIn(p.text, text) : undefined
    if (said) notes.refused.push(said)
  }
  if (u.facets?.length) s = transition(s, { kind: 'facets', facets: u.facets })
  if (JSON.stringify(s.constraints) !== before) notes.constraints.push(describeConstraints(s, ctx.profile))
  const { question } = mentioned
  if (question) {
    const intent = question.intent === 'unseen' || question.intent === 'reject' ? 'like' : question.intent
    s = transition(s, {
      kind: 'ask',
      pending: { candidates: question.candidates, intent, mention: question.mention, turn: s.turn },
    })
  }
  return { session: s, u, notes, question, proposed }
}

/** The reply to a message whose session changes are done: a question, a description, small talk or items. */
async function chooseReply(
  ctx: ChatContext,
  session: SessionState,
  read: { u: Understanding; notes: Notes; question: Question | undefined; proposed: Proposed },
  settings: TurnSettings,
): Promise<{ reply: Reply; session: SessionState; recommended: boolean }> {
  const { u, notes, question } = read
  const { profile } = ctx
  const signals = countSignals(notes, u)
  const ask = question ? whichOne(question.candidates, ctx.label) : undefined
  if (question && signals === 0) {
    return {
      reply: { text: ask!, items: [], suggestions: question.candidates.map(ctx.label).slice(0, 3) },
      session,
      recommended: false,
    }
  }
  if (u.intent === 'about') {
    const item = u.about === undefined ? undefined : ctx.byId.get(u.about)
    if (!item) {
      const reply = { text: profile.say('whichOne'), items: [], suggestions: profile.suggestions('whichOneSuggestions') }
      return { reply, session, recommended: false }
    }
    const focused = transition(session, { kind: 'focus', id: item.id })
    return { reply: describeItem(item, ctx.label(item.id), profile), session: focused, recommended: false }
  }
  if (signals === 0 && u.intent !== 'request' && u.intent !== 'reset') {
    return { reply: smallTalk(u.intent, profile), session, recommended: false }
  }
  if (u.intent === 'reset' && signals === 0) {
    const reply = { text: profile.say('reset'), items: [], suggestions: profile.suggestions('startSuggestions') }
    return { reply, session, recommended: false }
  }
  const reply = await recommendReply(ctx, session, u, notes, { ...settings, proposed: read.proposed })
  if (ask) reply.text = `${reply.text} ${ask}`
  return { reply, session, recommended: true }
}

/** One turn on a loaded session: the session to save and the reply. */
export async function runTurn(
  ctx: ChatContext,
  start: SessionState,
  text: string,
  settings: TurnSettings,
): Promise<{ session: SessionState; reply: Reply }> {
  const read = await applyMessage(ctx, start, text, settings)
  const chosen = await chooseReply(ctx, read.session, read, settings)
  let { reply, session } = chosen
  // An evaluation turn ranks at small talk and questions too; a turn that already ranked is not ranked again.
  if (settings.rankAlways && !chosen.recommended && !read.u.reset) {
    reply = {
      ...reply,
      items: (await recommendReply(ctx, session, read.u, read.notes, { k: settings.k, proposed: read.proposed })).items,
    }
  }
  if (read.notes.anchored.length > 0) reply = { ...reply, moreLike: [...read.notes.anchored] }
  if (settings.remember) {
    const keepFocus = read.notes.liked.length > 0 || read.notes.anchored.length > 0
    session = transition(session, { kind: 'shown', ids: reply.items.map((i) => i.id), keepFocus })
  }
  return { session: transition(session, { kind: 'saved', now: Date.now() }), reply }
}
