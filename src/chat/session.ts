import type { FacetConstraint, FeedbackKind, ItemId } from '../core/index.ts'
import { emptySession, type PendingClarification, type SessionPreference, type SessionState } from '../store/index.ts'
import type { ItemAction, Understanding } from './understand.ts'

/** Items remembered as shown per conversation (older ones may come back in a very long conversation). */
export const MAX_SHOWN = 1000
/** Wishes kept per conversation, newest last. */
const MAX_STORED_PREFERENCES = 24
/** Characters kept of a wish's text and of the words said for it. */
const MAX_PREFERENCE_CHARS = 300

/**
 * Everything that changes a conversation's session, from a turn or from feedback. Each kind has one pure
 * transition in {@link TRANSITIONS}; nothing else writes a session.
 */
export type SessionEvent =
  /** A new message arrived. */
  | { kind: 'turn' }
  /** Items a human showed the person since their last turn (a replayed dialogue): they are what "that one" means. */
  | { kind: 'suggested'; ids: readonly ItemId[] }
  /** "Start over": everything but the turn count and the creation time goes. */
  | { kind: 'reset'; now: number }
  /** A pull toward an item, unless the person already holds an opinion on it or pulls it already. */
  | { kind: 'pull'; id: ItemId; weight: number }
  /** "Drop the filters". */
  | { kind: 'dropFilters' }
  /** "Something completely different": the wishes and pulls go, the filters stay. */
  | { kind: 'changeDirection' }
  /** The person said something about one catalogue item: in a message, or with a feedback button. */
  | { kind: 'item'; id: ItemId; action: ItemAction }
  /** Categories, eras, lengths and names asked for or refused in a message. */
  | { kind: 'constraints'; understanding: Understanding; lengthField?: string | undefined }
  /** Catalogue fields asked for, refused or bounded ("not GTK", "under 100 MB"); refusals add up over turns. */
  | { kind: 'facets'; facets: readonly FacetConstraint[] }
  /**
   * Wishes said in a message ("something about heists", "less violent"). `refines`: the message only narrows the
   * request before it ("from the 80s", "not marvel"), which stands as fresh as the message.
   */
  | { kind: 'preferences'; preferences: Understanding['preferences']; refines?: boolean }
  /** A question the reply asks ("which Alien?"); the previous one is answered or dropped either way. */
  | { kind: 'ask'; pending?: PendingClarification | undefined }
  /** The item the person talks about now ("tell me about the second one"). */
  | { kind: 'focus'; id: ItemId }
  /** The items of a reply the person saw; `keepFocus` when the message itself pointed at an item. */
  | { kind: 'shown'; ids: readonly ItemId[]; keepFocus: boolean }
  | { kind: 'saved'; now: number }

type Transition<K extends SessionEvent['kind']> = (
  session: SessionState,
  event: Extract<SessionEvent, { kind: K }>,
) => SessionState

const withId = (list: readonly ItemId[], id: ItemId): ItemId[] => (list.includes(id) ? [...list] : [...list, id])
const withoutId = (list: readonly ItemId[], id: ItemId): ItemId[] => list.filter((x) => x !== id)
const withoutAnchor = (s: SessionState, id: ItemId) => s.anchors.filter((a) => a.id !== id)

function withoutFocus(s: SessionState): SessionState {
  const { focus: _, ...rest } = s
  return rest
}

/** What each thing said about an item does to the session; feedback buttons use the same rows. */
const ITEM_TRANSITIONS: Record<ItemAction, (s: SessionState, id: ItemId) => SessionState> = {
  like: (s, id) => ({
    ...s,
    liked: withId(s.liked, id),
    disliked: withoutId(s.disliked, id),
    rejected: withoutId(s.rejected, id),
  }),
  dislike: (s, id) => ({ ...s, disliked: withId(s.disliked, id), liked: withoutId(s.liked, id), anchors: withoutAnchor(s, id) }),
  seen: (s, id) => ({ ...s, seen: withId(s.seen, id) }),
  reject: (s, id) => ({ ...s, rejected: withId(s.rejected, id), anchors: withoutAnchor(s, id) }),
  anchor: (s, id) => ({ ...s, anchors: [...withoutAnchor(s, id), { id, weight: 1, turn: s.turn }] }),
  // "I haven't seen X but heard good things": interest, a weaker pull than a like.
  unseen: (s, id) => pullToward(s, id, UNSEEN_PULL),
}

/** Anchor weight of a title the person has not seen but is curious about (a like counts 1). */
const UNSEEN_PULL = 0.5

function pullToward(s: SessionState, id: ItemId, weight: number): SessionState {
  if (s.anchors.some((a) => a.id === id) || s.liked.includes(id) || s.disliked.includes(id)) return s
  return { ...s, anchors: [...s.anchors, { id, weight, turn: s.turn }] }
}

/** The feedback buttons, as the item actions they are. */
export const FEEDBACK_ACTIONS: Record<FeedbackKind, ItemAction> = {
  like: 'like',
  dislike: 'dislike',
  seen: 'seen',
  not_interested: 'reject',
}

function rememberShown(s: SessionState, ids: readonly ItemId[], keepFocus: boolean): SessionState {
  let shown = [...s.shown]
  for (const id of ids) if (!shown.includes(id)) shown.push(id)
  if (shown.length > MAX_SHOWN) shown = shown.slice(-MAX_SHOWN)
  if (!ids.length) return { ...s, shown }
  const next = { ...s, shown, lastShown: [...ids] }
  return keepFocus ? next : withoutFocus(next)
}

function addPreferences(s: SessionState, preferences: Understanding['preferences'], refines = false): SessionState {
  // A message that only critiques ("funnier") changes the request it follows, which stands as fresh as when it was
  // said: "a heist movie", then "funnier", is "a heist movie but funnier", not comedies with a faded heist; so does
  // one that only narrows it ("something with tom hanks", then "older please").
  const critiqueOnly = preferences.length > 0 && preferences.every((p) => p.said !== undefined)
  const keep = critiqueOnly || refines
  let kept = keep ? s.preferences.map((q) => (q.said === undefined ? { ...q, kept: s.turn } : q)) : s.preferences
  for (const p of preferences) {
    // A wish said again is refreshed, not stacked: it would weigh double and be echoed twice in the reply.
    const stored = storedPreference(p, s.turn)
    kept = kept.filter((q) => q.text !== stored.text || Math.sign(q.weight) !== Math.sign(stored.weight))
    kept = [...kept, stored]
  }
  if (kept.length > MAX_STORED_PREFERENCES) kept = kept.slice(-MAX_STORED_PREFERENCES)
  return { ...s, preferences: kept }
}

/** A wish of this turn as the session keeps it: its text, sign and filtered words, and the words said for it. */
function storedPreference(p: Understanding['preferences'][number], turn: number): SessionPreference {
  const said = p.said?.slice(0, MAX_PREFERENCE_CHARS)
  return {
    text: p.text.slice(0, MAX_PREFERENCE_CHARS),
    weight: p.weight,
    turn,
    ...(p.filtered?.length ? { filtered: p.filtered } : {}),
    ...(said ? { said } : {}),
    ...(p.contrast ? { contrast: true } : {}),
    ...(p.lean?.length ? { lean: p.lean } : {}),
  }
}

function ask(s: SessionState, pending: PendingClarification | undefined): SessionState {
  const { pending: _, ...rest } = s
  return pending ? { ...rest, pending } : rest
}

/** The one table of session changes: event kind → pure function from the session to the next one. */
export const TRANSITIONS: { [K in SessionEvent['kind']]: Transition<K> } = {
  turn: (s) => ({ ...s, turn: s.turn + 1 }),
  suggested: (s, e) => {
    if (!e.ids.length) return s
    const shown = [...s.shown]
    for (const id of e.ids) if (!shown.includes(id)) shown.push(id)
    return withoutFocus({ ...s, shown, lastShown: [...e.ids] })
  },
  reset: (s, e) => ({ ...emptySession(s.conversationId, s.userId, e.now), turn: s.turn, createdAt: s.createdAt }),
  pull: (s, e) => pullToward(s, e.id, e.weight),
  dropFilters: (s) => ({ ...s, constraints: { includeCategories: [], excludeCategories: [] } }),
  changeDirection: (s) => withoutFocus({ ...s, preferences: [], anchors: [], constraints: refusalsOf(s.constraints) }),
  item: (s, e) => ({ ...ITEM_TRANSITIONS[e.action](s, e.id), focus: e.id }),
  focus: (s, e) => ({ ...s, focus: e.id }),
  constraints: (s, e) => applyConstraints(s, e.understanding, e.lengthField),
  preferences: (s, e) => addPreferences(s, e.preferences, e.refines),
  facets: (s, e) => ({ ...s, constraints: { ...s.constraints, facets: mergeFacets(s.constraints.facets ?? [], e.facets) } }),
  ask: (s, e) => ask(s, e.pending),
  shown: (s, e) => rememberShown(s, e.ids, e.keepFocus),
  saved: (s, e) => ({ ...s, updatedAt: e.now }),
}

/** The session after one event. Pure: the session given is not changed. */
export function transition(session: SessionState, event: SessionEvent): SessionState {
  return (TRANSITIONS[event.kind] as Transition<typeof event.kind>)(session, event as never)
}

/** The session after each event in turn. */
export function transitionAll(session: SessionState, events: readonly SessionEvent[]): SessionState {
  return events.reduce(transition, session)
}

type Constraints = SessionState['constraints']

/**
 * The refusals among the filters ("no horror", "not GTK", "nothing from KDE"): what "something completely different"
 * keeps, since a person who refused something still refuses it; what was asked for goes.
 */
function refusalsOf(c: Constraints): Constraints {
  const facets = (c.facets ?? []).flatMap((f) =>
    'exclude' in f && f.exclude?.length ? [{ field: f.field, exclude: [...f.exclude] }] : [],
  )
  return { includeCategories: [], excludeCategories: [...c.excludeCategories], ...(facets.length ? { facets } : {}) }
}

/**
 * The filters after a message: categories asked for replace (or, with "too", join) the earlier ones, refusals add
 * up, an era replaces the earlier one, a length bound binds the profile's length field when the catalogue has it.
 */
function applyConstraints(session: SessionState, u: Understanding, lengthField: string | undefined): SessionState {
  const s = { ...session, constraints: { ...session.constraints } }
  const c = s.constraints
  if (u.include.length) {
    // A new kind of item instead of the one asked for before ("any good war movies?" after documentaries about food):
    // the earlier wishes were about that, so they go; refusals ("nothing too violent") stay.
    const switched = !u.includeAdds && c.includeCategories.length > 0 && !c.includeCategories.some((x) => u.include.includes(x))
    if (switched) s.preferences = s.preferences.filter((p) => p.weight < 0)
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
  if (u.era) setEra(c, u.era)
  if (u.names?.length) c.mentions = [...u.names]
  if (u.runtimeMax !== undefined && lengthField) {
    c.metadata = [...(c.metadata ?? []).filter((m) => m.field !== lengthField), { field: lengthField, max: u.runtimeMax }]
  }
  return s
}

function setEra(c: Constraints, era: NonNullable<Understanding['era']>): void {
  delete c.yearMin
  delete c.yearMax
  if (era.min !== undefined) c.yearMin = era.min
  if (era.max !== undefined) c.yearMax = era.max
  if (c.yearMin !== undefined && c.yearMax !== undefined && c.yearMin > c.yearMax) [c.yearMin, c.yearMax] = [c.yearMax, c.yearMin]
}

/** The categories no longer asked for, refused or released: out of the includes and of the groups said together. */
function stopRequiring(c: Constraints, categories: readonly string[]): void {
  const kept = (x: string) => !categories.includes(x)
  c.includeCategories = c.includeCategories.filter(kept)
  const groups = (c.categoryGroups ?? []).map((g) => g.filter(kept)).filter((g) => g.length)
  if (groups.length > 1) c.categoryGroups = groups
  else delete c.categoryGroups
}

const isBound = (f: FacetConstraint): f is { field: string; min?: number; max?: number } => 'min' in f || 'max' in f
type ValueFacet = { field: string; include?: string[]; exclude?: string[]; orMissing?: boolean }

/**
 * Facet constraints after new ones: a bound replaces the earlier bound on its field; a refused value joins the
 * field's refusals and leaves what it asks for; values asked for replace the earlier ones and leave the refusals.
 * One entry per field and kind, so "not GTK" said once holds on every later turn.
 */
export function mergeFacets(existing: readonly FacetConstraint[], incoming: readonly FacetConstraint[]): FacetConstraint[] {
  const out = existing.map((f) => ({ ...f }) as FacetConstraint)
  for (const f of incoming) {
    if (isBound(f)) {
      const at = out.findIndex((g) => g.field === f.field && isBound(g))
      if (at >= 0) out.splice(at, 1, { ...f })
      else out.push({ ...f })
      continue
    }
    let entry = out.find((g): g is ValueFacet => g.field === f.field && !isBound(g))
    if (!entry) {
      entry = { field: f.field }
      out.push(entry)
    }
    const lower = (values: readonly string[] | undefined) => new Set((values ?? []).map((v) => v.toLowerCase()))
    if (f.exclude?.length) {
      const refused = lower(f.exclude)
      entry.exclude = [...new Set([...(entry.exclude ?? []), ...f.exclude])]
      entry.include = (entry.include ?? []).filter((v) => !refused.has(v.toLowerCase()))
    }
    if (f.include?.length) {
      const wanted = lower(f.include)
      entry.include = [...f.include]
      if (f.orMissing) entry.orMissing = true
      else delete entry.orMissing
      entry.exclude = (entry.exclude ?? []).filter((v) => !wanted.has(v.toLowerCase()))
    }
    if (!entry.include?.length) {
      delete entry.include
      delete entry.orMissing
    }
    if (!entry.exclude?.length) delete entry.exclude
  }
  return out.filter((f) => isBound(f) || f.include?.length || f.exclude?.length)
}
