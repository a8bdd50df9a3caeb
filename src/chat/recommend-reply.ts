import { type ItemId, isAppError, type Logger, type Reply, type ReplyItem } from '../core/index.ts'
import { answersWish, quoteOf, type StatedWish } from '../explain/index.ts'
import type { LlmClient } from '../llm/index.ts'
import { type Constraints, hasFilters, type Recommendation, type RecommendRequest } from '../recommend/index.ts'
import type { SessionState } from '../store/index.ts'
import type { ChatContext } from './context.ts'
import { acknowledge, asWritten, caveatsOf, joinNames, type Notes, safeExplain, safeReason } from './replies.ts'
import type { Understanding } from './understand.ts'

const PREFERENCE_DECAY = 0.75
const ANCHOR_DECAY = 0.7
const MAX_PREFERENCES = 8

/** Items proposed for this turn's wish (the LLM's titles), with their blend part. */
export type Proposed = NonNullable<RecommendRequest['proposed']>

/**
 * The recommender request of a session: wishes and pulls decayed by age, the user's history, what to leave out, and
 * this turn's proposed items.
 */
export async function buildRequest(
  ctx: ChatContext,
  session: SessionState,
  count: number,
  proposed: Proposed = [],
): Promise<RecommendRequest> {
  const { byId } = ctx
  const now = session.turn
  const preferences = session.preferences
    .map((p) => ({
      text: p.text,
      weight: p.weight * PREFERENCE_DECAY ** Math.max(0, now - Math.max(p.turn, p.kept ?? p.turn)),
      ...(p.filtered?.length ? { filtered: p.filtered } : {}),
      ...(p.contrast ? { contrast: true as const } : {}),
      ...(p.lean?.length ? { lean: p.lean } : {}),
      // A critique's search text ("sappy romance love story" said as "not too cheesy") is not the person's words.
      ...(p.said ? { implied: true as const } : {}),
    }))
    .filter((p) => Math.abs(p.weight) >= 0.1)
    .slice(-MAX_PREFERENCES)
  const anchors = session.anchors
    .map((a) => ({ id: a.id, weight: a.weight * ANCHOR_DECAY ** Math.max(0, now - a.turn) }))
    .filter((a) => a.weight >= 0.1 && byId.has(a.id))
  const profile = await ctx.deps.store.getProfile(session.userId)
  const inSession = new Set([...session.liked, ...session.disliked])
  // Items seen in this conversation ("I've seen Inception") are consumed, which is what the collaborative model
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
  return {
    preferences,
    liked: session.liked.filter((id) => byId.has(id)),
    anchors,
    disliked: session.disliked.filter((id) => byId.has(id)),
    history,
    constraints: requestConstraints(session.constraints),
    exclude,
    k: count,
    ...(proposed.length ? { proposed } : {}),
  }
}

function requestConstraints(c: SessionState['constraints']): Constraints {
  return {
    includeCategories: [...c.includeCategories],
    excludeCategories: [...c.excludeCategories],
    ...(c.categoryGroups?.length ? { categoryGroups: c.categoryGroups.map((g) => [...g]) } : {}),
    ...(c.mentions?.length ? { mentions: [...c.mentions] } : {}),
    ...(c.yearMin !== undefined ? { yearMin: c.yearMin } : {}),
    ...(c.yearMax !== undefined ? { yearMax: c.yearMax } : {}),
    ...(c.metadata?.length ? { metadata: c.metadata.map((m) => ({ ...m })) } : {}),
    ...(c.facets?.length ? { facets: c.facets.map((f) => ({ ...f })) } : {}),
  }
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

/**
 * Asks the recommender; when too few items name the person asked for, or are all the categories said together, the
 * rest come without that filter (first the person, then the categories), and the notes say which are which.
 */
async function recommendWidening(
  ctx: ChatContext,
  request: RecommendRequest,
): Promise<{ recs: Recommendation[]; widened: string[] }> {
  const { recommender } = ctx.deps
  let recs = await recommender.recommend(request)
  const widened: string[] = []
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
  return { recs, widened }
}

/** A reply with items: recommended, explained from evidence, noted, and worded by the LLM when configured. */
export async function recommendReply(
  ctx: ChatContext,
  session: SessionState,
  u: Understanding,
  notes: Notes,
  options: { k: number; signal?: AbortSignal | undefined; proposed?: Proposed },
): Promise<Reply> {
  const { deps, byId, explain, profile } = ctx
  const request = await buildRequest(ctx, session, options.k, options.proposed)
  let found: { recs: Recommendation[]; widened: string[] }
  try {
    found = await recommendWidening(ctx, request)
  } catch (error) {
    if (isAppError(error, 'store.failed')) throw error
    deps.logger.error('recommendation failed', { code: isAppError(error) ? error.code : 'internal', reason: safeReason(error) })
    return { text: profile.say('failed'), items: [], suggestions: ['Try again'] }
  }
  const { recs, widened } = found
  const wishes = statedWishes(request, session, u.text)
  // An item both liked and pulled toward is named once ("based on Gone Girl", not "Gone Girl and Gone Girl").
  const likedTitles = [...new Set([...request.liked, ...(request.anchors ?? []).map((a) => a.id), ...request.history])]
    .map((id) => byId.get(id)?.title)
    .filter((t): t is string => Boolean(t))
  const context = {
    preferences: wishes,
    likedTitles,
    tone: profile.tone,
    unranked: !ctx.hasPopularity,
    filtered: hasFilters(request.constraints),
  }
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
  const ack = acknowledge(notes, ctx.label, profile)
  // What could not be done is said whoever words the reply.
  const caveats = [...widened, ...caveatsOf(u, profile), ...unmatchedEarlierWishes(session, wishes, recs, profile)]
  const withNotes = (body: string) => [ack, body, ...caveats].filter(Boolean).join(' ')
  let text = withNotes(composed.text)
  if (deps.llm && recs.length && replyItems.length <= 10) {
    const worded = await wordWithLlm(deps.llm, u.text, replyItems, options.signal, deps.llmTimeoutMs ?? 4000, deps.logger)
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

/**
 * The request's positive wishes as the reply quotes them. Wishes are read lower-cased: each is quoted as the person
 * wrote it ("road trip across America"), and a critique in their own words ("gentler"), not as the search text that
 * stands for it ('heartwarming feel-good'), which they never said.
 */
function statedWishes(request: RecommendRequest, session: SessionState, message: string): StatedWish[] {
  const said = new Map(session.preferences.flatMap((p) => (p.weight > 0 && p.said ? [[p.text, p.said] as const] : [])))
  return request.preferences
    .filter((p) => p.weight > 0)
    .map((p) => {
      const words = said.get(p.text)
      const written = asWritten(p.text, message)
      return { text: p.text, ...(written !== p.text ? { written } : {}), ...(words ? { said: words } : {}) }
    })
}

/** How many of the request's wishes the reply's intro quotes (the latest; `composeReply`). */
const QUOTED_WISHES = 2

/**
 * The caveat for wishes of earlier turns that the reply quotes but no pick answers: none is close to it catalogue-wide
 * (`matchedPreferences`) nor uses its words (`keywordFit`). Without it, "Here are 5 picks for "chess" and "funnier""
 * implies the comedies are about chess. This turn's wishes are not checked: the person sees at once what they got.
 */
function unmatchedEarlierWishes(
  session: SessionState,
  quoted: readonly StatedWish[],
  recs: readonly Recommendation[],
  profile: ChatContext['profile'],
): string[] {
  if (!recs.length) return []
  const now = new Set(session.preferences.filter((p) => p.turn === session.turn).map((p) => p.text.toLowerCase()))
  const unmatched = quoted
    .slice(-QUOTED_WISHES)
    .filter((wish) => !now.has(wish.text.toLowerCase()) && !recs.some((rec) => answersWish(rec, wish.text)))
  const named = unmatched.map((w) => `"${quoteOf(w)}"`)
  return named.length ? [profile.say('earlierWishUnmatched', { wishes: named.join(' and ') })] : []
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
