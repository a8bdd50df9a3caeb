import { type Item, type ItemId, norm } from '../core/index.ts'
import { cosinesTo, zScores } from './blend.ts'
import type { CandidatePool, Wish } from './candidates.ts'
import type { CatalogueView } from './catalogue.ts'
import type { FactMatch } from './facts.ts'
import type { LabelMatch } from './labels.ts'
import type { LexicalMatch } from './lexical.ts'
import type { BlendWeights } from './types.ts'
import type { BlendedPart } from './weights.ts'

/** Lower bounds on each part's scale before z-scoring (cosine units; log-count units; collaborative: relative). */
const MIN_STD_SEMANTIC = 0.04
const MIN_STD_POPULARITY = 0.5
/** Category overlap (best plus mean Jaccard, 0–2): one shared category of four is 0.25. */
const MIN_STD_CATEGORIES = 0.05
/** Tag overlap (best plus mean idf-weighted Jaccard, 0–2). */
const MIN_STD_TAGS = 0.02
/** Lexical match (share of the wish's best score, 0–1). */
const MIN_STD_LEXICAL = 0.05
/** A wish's rare words count for an item at least as close to the wish as this quantile of the catalogue. */
const KEYWORD_QUANTILE = 0.75
/** An item matches a wish outright when its lexical score is at least this share of the wish's best … */
const WISH_MATCH_LEXICAL_SHARE = 0.5
/** … or when it is at least as close to the wish as this quantile of the catalogue. */
const WISH_MATCH_QUANTILE = 0.995

/** A positive wish with its cosine to every pool item (undefined where the item has no vector). */
export interface PoolWish extends Wish {
  sims: (number | undefined)[]
}

/** A liked or anchor item with its cosine to every pool item. */
export interface PoolLiked {
  item: Item
  v: Float32Array
  sims: (number | undefined)[]
  categories: Set<string>
}

/** Everything the parts read about one request's pool; arrays are aligned with `ids`. */
export interface PoolContext {
  ids: ItemId[]
  items: Item[]
  vectors: (Float32Array | undefined)[]
  positive: PoolWish[]
  likedItems: PoolLiked[]
  pool: CandidatePool
  view: CatalogueView
  weights: Readonly<BlendWeights>
  /** Raw values of the three base parts: cosine to the query, model score, ln(relative popularity + 0.001). */
  raw: { semantic: Float64Array; collaborative: Float64Array; popularity: Float64Array }
  /** Whether the item at `at` is close enough to positive wish `j` for that wish's rare words to count. */
  closeEnough(j: number, at: number): boolean
  /** The lexical match of each positive wish, when the lexical part or source is used (else empty). */
  lexical: LexicalMatch[]
  /** The facts each positive wish's words vote for, when the fact part, tier or source is used (else empty). */
  facts: FactMatch[]
  /** The label votes of each positive wish, when the label part weighs anything (else empty). */
  labels: LabelMatch[]
}

/** Compares every wish and liked item with the whole pool (hundreds of items) once. */
export function poolContext(
  pool: CandidatePool,
  wishes: readonly Wish[],
  liked: readonly ItemId[],
  view: CatalogueView,
  options: { weights: Readonly<BlendWeights>; lexicalUsed: boolean; factsUsed?: boolean; labelsUsed?: boolean },
): PoolContext {
  const { weights } = options
  const { ids } = pool
  const vectors = ids.map(view.vectorOf)
  const poolNorms = vectors.map((v) => (v ? norm(v) : 0))
  const poolCosines = (u: Float32Array) => cosinesTo(u, vectors, poolNorms)
  const positive = wishes.filter((p) => p.weight > 0).map((p) => ({ ...p, sims: poolCosines(p.v) }))
  const likedItems = liked.flatMap((id) => {
    const item = view.byId.get(id)
    const v = view.vectorOf(id)
    return item && v ? [{ item, v, sims: poolCosines(v), categories: new Set(item.categories) }] : []
  })
  const { collabScores } = pool
  const raw = {
    semantic: fillMissing(pool.query ? poolCosines(pool.query) : ids.map(() => undefined)),
    collaborative: fillMissing(
      ids.map((id) => {
        const pos = view.collabPos.get(id)
        return collabScores && pos !== undefined ? (collabScores[pos] as number) : undefined
      }),
    ),
    popularity: Float64Array.from(ids, view.logPop),
  }
  const keywordBars = positive.map((p) => (p.words.keywords.length ? view.catalogueBar(p.v, KEYWORD_QUANTILE) : 0))
  const closeEnough = (j: number, at: number) =>
    ((positive[j] as PoolWish).sims[at] ?? Number.NEGATIVE_INFINITY) >= (keywordBars[j] as number)
  const items = ids.map((id) => view.byId.get(id) as Item)
  const lexical = options.lexicalUsed ? positive.map((p) => view.lexicalMatch(p.text, p.filtered)) : []
  const facts = options.factsUsed ? positive.map((p) => view.factMatch(p.text, p.filtered, p.meaning ?? p.v)) : []
  const labels = options.labelsUsed ? positive.map((p) => view.labelMatch(p.text, weights.labelFeedback)) : []
  return { ids, items, vectors, positive, likedItems, pool, view, weights, raw, closeEnough, lexical, facts, labels }
}

/** One function per weighted part of the blend, each giving the part's value for every pool item. */
export const FEATURES: { readonly [K in BlendedPart]: (ctx: PoolContext) => ArrayLike<number> } = {
  semantic: (ctx) => zScores(ctx.raw.semantic, MIN_STD_SEMANTIC),
  collaborative: (ctx) => zScores(ctx.raw.collaborative, 1e-12),
  popularity: (ctx) => zScores(ctx.raw.popularity, MIN_STD_POPULARITY),
  preferenceMatch: (ctx) =>
    zScores(fillMissing(ctx.ids.map((_, i) => maxOf(ctx.positive.map((p) => p.sims[i])))), MIN_STD_SEMANTIC),
  likedSimilarity: (ctx) =>
    zScores(fillMissing(ctx.ids.map((_, i) => meanOf(ctx.likedItems.map((l) => l.sims[i])))), MIN_STD_SEMANTIC),
  categoryOverlap: (ctx) => zScores(categoryOverlaps(ctx), MIN_STD_CATEGORIES),
  tagOverlap: (ctx) => zScores(tagOverlaps(ctx), MIN_STD_TAGS),
  recency: (ctx) => Float64Array.from(ctx.items, (item) => (item.year !== undefined && item.year >= ctx.view.recentFrom ? 1 : 0)),
  described: (ctx) => Float64Array.from(ctx.items, (item) => (isDescribed(item) ? 1 : 0)),
  keywordMatch: keywordShares,
  llmProposal: (ctx) => Float64Array.from(ctx.ids, (id) => ctx.pool.proposals?.get(id) ?? 0),
  lexical: (ctx) => zScores(bestShares(ctx, ctx.lexical), MIN_STD_LEXICAL),
  labelMatch: (ctx) =>
    ctx.labels.length ? zScores(bestShares(ctx, ctx.labels), MIN_STD_LEXICAL) : new Float64Array(ctx.ids.length),
  wishMatch: wishMatches,
  categoryLean: categoryLeans,
  factMatch: (ctx) => zScores(bestShares(ctx, ctx.facts), MIN_STD_LEXICAL),
}

export function isDescribed(item: Item): boolean {
  return item.description.trim() !== ''
}

/** Per item, best plus mean Jaccard overlap of its categories with each liked item's. */
function categoryOverlaps(ctx: PoolContext): Float64Array {
  return Float64Array.from(ctx.items, (item) => {
    if (!ctx.likedItems.length) return 0
    const own = new Set(item.categories)
    const overlaps = ctx.likedItems.map((l) => jaccard(own, l.categories))
    return (maxOf(overlaps) as number) + (meanOf(overlaps) as number)
  })
}

/** Per item, best plus mean idf-weighted overlap of its tags with each liked item's (0 when the part is off). */
function tagOverlaps(ctx: PoolContext): Float64Array {
  const { view } = ctx
  return Float64Array.from(ctx.ids, (id) => {
    if (!view.tagOverlapUsed || !ctx.likedItems.length) return 0
    const own = view.tagSets.get(id)
    if (!own) return 0
    const overlaps = ctx.likedItems.map((l) => jaccard(own, view.tagSets.get(l.item.id), (t) => view.tagIdf.get(t) ?? 0))
    return (maxOf(overlaps) as number) + (meanOf(overlaps) as number)
  })
}

/**
 * Per wish mostly made of rare words ("classic christmas", not "i like kristin wigg"), the idf-weighted share of
 * them the item uses, when the item is also about as close to the wish as the catalogue's closest quarter
 * ("classic" in an action film's description does not make it a "classic christmas" film); the best wish counts,
 * by its weight.
 */
function keywordShares(ctx: PoolContext): number[] {
  const { positive } = ctx
  const idfTotals = positive.map((p) => p.words.keywords.reduce((sum, k) => sum + k.idf, 0))
  return ctx.ids.map((id, i) => {
    let best = 0
    positive.forEach((p, j) => {
      if (!p.words.topical || !ctx.closeEnough(j, i)) return
      let hit = 0
      for (const k of p.words.keywords) if (k.has(id)) hit += k.idf
      best = Math.max(best, (Math.min(1, p.weight) * hit) / (idfTotals[j] as number))
    })
    return best
  })
}

/**
 * Per item, its score for the best wish over the best score in the catalogue for it (0–1), by the wish's weight: the
 * BM25 score of the lexical match, or the label votes.
 */
function bestShares(ctx: PoolContext, matches: readonly { scores: ReadonlyMap<ItemId, number>; best: number }[]): Float64Array {
  return Float64Array.from(ctx.ids, (id) => {
    let best = 0
    matches.forEach((m, j) => {
      const score = m.scores.get(id)
      if (score === undefined || m.best <= 0) return
      best = Math.max(best, (Math.min(1, (ctx.positive[j] as PoolWish).weight) * score) / m.best)
    })
    return best
  })
}

/**
 * Per item, whether it matches a positive wish outright (0 or the wish's weight, at most 1, for the best wish): its
 * lexical score is among the wish's strongest (at least half the best) and it uses the wish's distinctive words (not
 * only "crew" of "submarine crew"), it is among the catalogue's closest items to the wish, or (with `wishMatchFacts`)
 * it holds enough of the facts the wish's words vote for. Not z-scored: a tier, so that a specific wish's matches
 * come first and the other parts order them.
 */
function wishMatches(ctx: PoolContext): Float64Array {
  const bars = ctx.positive.map((p) => ctx.view.catalogueBar(p.v, WISH_MATCH_QUANTILE))
  const factShare = ctx.weights.wishMatchFacts
  // A tag of several words the wish says whole ("first love") is what it asks for, not "first" alone: an item
  // matches by its words when it has that tag or uses two words of the wish together.
  const phrases = ctx.positive.map((p) => p.words.keywords.filter((k) => k.stem.includes(' ')))
  const saysPhrase = (j: number, id: ItemId) =>
    !phrases[j]?.length || phrases[j].some((k) => k.has(id)) || ctx.lexical[j]?.together.has(id) === true
  return Float64Array.from(ctx.ids, (id, i) => {
    let best = 0
    ctx.positive.forEach((p, j) => {
      const m = ctx.lexical[j]
      const lexicalHit =
        m !== undefined &&
        m.best > 0 &&
        (m.scores.get(id) ?? 0) >= WISH_MATCH_LEXICAL_SHARE * m.best &&
        m.distinctive.has(id) &&
        saysPhrase(j, id)
      const f = ctx.facts[j]
      const factHit = f !== undefined && f.best > 0 && factShare > 0 && (f.scores.get(id) ?? 0) >= factShare * f.best
      const semanticHit = (p.sims[i] ?? Number.NEGATIVE_INFINITY) >= (bars[j] as number)
      if (lexicalHit || factHit || semanticHit) best = Math.max(best, Math.min(1, p.weight))
    })
    return best
  })
}

/** Per item, the weight (at most 1) of the strongest positive wish leaning toward one of its categories, else 0. */
function categoryLeans(ctx: PoolContext): Float64Array {
  const leaning = ctx.positive.flatMap((p) => (p.lean?.size ? [{ lean: p.lean, weight: Math.min(1, p.weight) }] : []))
  return Float64Array.from(ctx.items, (item) => {
    let best = 0
    for (const p of leaning) if (item.categories.some((c) => p.lean.has(c))) best = Math.max(best, p.weight)
    return best
  })
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  let best: number | undefined
  for (const v of values) if (v !== undefined && (best === undefined || v > best)) best = v
  return best
}

function meanOf(values: readonly (number | undefined)[]): number | undefined {
  let sum = 0
  let n = 0
  for (const v of values) {
    if (v === undefined) continue
    sum += v
    n++
  }
  return n ? sum / n : undefined
}

/**
 * Jaccard overlap, each element weighing `weight(element)` (shared weight over the union's weight): plain Jaccard
 * for category sets (every element 1), idf-weighted for tags. 0 when either set is missing or the union weighs 0.
 */
function jaccard(
  own: ReadonlySet<string>,
  other: ReadonlySet<string> | undefined,
  weight: (element: string) => number = () => 1,
): number {
  if (!other?.size) return 0
  let shared = 0
  let union = 0
  for (const t of own) {
    const w = weight(t)
    union += w
    if (other.has(t)) shared += w
  }
  for (const t of other) if (!own.has(t)) union += weight(t)
  return union > 0 ? shared / union : 0
}

/** Missing values take the pool minimum, so an item without a vector or model score neither wins nor breaks the scale. */
function fillMissing(values: (number | undefined)[]): Float64Array {
  let min = Number.POSITIVE_INFINITY
  for (const v of values) if (v !== undefined && v < min) min = v
  if (min === Number.POSITIVE_INFINITY) min = 0
  return Float64Array.from(values, (v) => (v === undefined ? min : v))
}
