import { type CollabScorer, cosine, embedCached, type Item, type Logger, LruCache, numbersDisagree } from '../core/index.ts'
import { meanStd, mmrSelect } from './blend.ts'
import { descriptionPhrases, sharedCategories, sharedTags } from './evidence.ts'
import type { PoolContext } from './features.ts'
import { categoryFit, mentionFit, metadataFit, yearFit } from './filters.ts'
import { contentStems, heldAs, type TermPlace, writesAsName } from './lexical.ts'
import type { ScoredItem } from './scoring.ts'
import type { BlendWeights, Constraints, Evidence, Recommendation } from './types.ts'

const ALSO_LIKED_SOURCES = 5
/** An item is nearer a wish than most of the catalogue when at least as close as this quantile of it. */
const NEAR_QUANTILE = 0.75
/** A wish's companies and word pairs are quoted for an item scoring at least this share of the wish's best match. */
const LEXICAL_EVIDENCE_SHARE = 0.5
/** Description phrases of explained items. */
const PHRASE_CACHE_SIZE = 8192
/** New description phrases embedded per turn at most. */
const PHRASE_BUDGET = 4

/** The `k` best of the scored pool, diversified by MMR over the item vectors, in pick order. */
export function selectDiverse(scored: ScoredItem[], k: number, mmrLambda: number): ScoredItem[] {
  const ranked = [...scored].sort((a, b) => b.parts.total - a.parts.total || (a.id < b.id ? -1 : 1))
  const top = ranked.slice(0, Math.max(k * 5, 30))
  return mmrSelect(
    top.map((s) => s.parts.total),
    top.map((s) => s.vector),
    k,
    mmrLambda,
  ).map((i) => top[i] as ScoredItem)
}

/**
 * The evidence for each picked item: the wishes it is close to, the liked items it resembles, who also liked it,
 * the constraints it meets by name, the wish words it uses, its popularity percentile. Only what holds is said.
 */
export function explainPicks(
  picked: readonly ScoredItem[],
  ctx: PoolContext,
  constraints: Constraints,
  collab: CollabScorer | undefined,
): Recommendation[] {
  const { weights, view, positive, likedItems } = ctx
  /** The cosine an item needs to count as evidence: an absolute floor, and standing out in the pool. */
  const evidenceBar = (sims: (number | undefined)[], floor: number) => {
    const { mean, std } = meanStd(sims.filter((x): x is number => x !== undefined))
    return Math.max(floor, mean + weights.evidenceZ * std)
  }
  // A wish must also stand out catalogue-wide: in a pool already filtered to war films, the film least unlike
  // "pixar" stands out of the pool without being anything like Pixar.
  const prefBars = positive.map((p) => Math.max(evidenceBar(p.sims, weights.minPreferenceSimilarity), view.catalogueBar(p.v)))
  const likedBars = likedItems.map((l) => evidenceBar(l.sims, weights.minItemSimilarity))
  const { collabScores } = ctx.pool
  const alsoLiked = collab && collabScores && weights.collaborative > 0 ? alsoLikedSources(ctx, collab) : []

  return picked.map((s) => {
    const hasVector = s.vector !== undefined
    const evidence: Evidence = {
      matchedPreferences: hasVector
        ? positive
            .map((p, j) => ({ text: p.text, similarity: p.sims[s.at] as number, bar: prefBars[j] as number }))
            .filter((m) => m.similarity >= m.bar)
            .sort((a, b) => b.similarity - a.similarity)
            .map(({ text, similarity }) => ({ text, similarity }))
        : [],
      similarTo: hasVector
        ? likedItems
            .map((liked, j) => ({
              item: liked.item,
              similarity: liked.sims[s.at] as number,
              bar: likedBars[j] as number,
              sharedCategories: sharedCategories(s.item, liked.item),
              sharedTags: sharedTags(s.item, liked.item),
            }))
            .filter((x) => x.similarity >= x.bar)
            .sort((a, b) => b.similarity - a.similarity)
            .slice(0, 2)
            .map(({ bar: _bar, ...rest }) => rest)
        : [],
      categoryFit: categoryFit(s.item, constraints.includeCategories),
    }
    if (collab && alsoLiked.length > 0 && s.parts.collaborative > 0) {
      const pos = view.collabPos.get(s.id)
      const by = pos === undefined ? [] : alsoLiked.filter((src) => rankOf(src.scores, pos) < weights.alsoLikedTopN)
      if (by.length > 0) evidence.alsoLikedBy = by.slice(0, 2).map((src) => ({ item: src.item }))
    }
    addFits(evidence, s, ctx, constraints)
    return { item: s.item, parts: s.parts, evidence }
  })
}

/**
 * The constraints the item meets by name, the wish words it uses, the wishes it is nearer than most, and its
 * popularity percentile, where they hold.
 */
function addFits(evidence: Evidence, s: ScoredItem, ctx: PoolContext, constraints: Constraints): void {
  const yf = yearFit(s.item, constraints)
  if (yf) evidence.yearFit = yf
  const mf = metadataFit(s.item, constraints)
  if (mf.length) evidence.metadataFit = mf
  const nf = mentionFit(s.item, constraints)
  if (nf.length) evidence.mentionFit = nf
  const kf = keywordFit(s.item, s.at, ctx)
  if (kf.length) evidence.keywordFit = kf
  const near = nearWishes(s, ctx)
  if (near.length) evidence.nearWishes = near
  const pct = ctx.view.percentile.get(s.id)
  if (pct !== undefined && ctx.view.hasPopularity) evidence.popularityPercentile = pct
}

/**
 * Where the item uses the rare words of the wishes it is close enough to and whose distinctive words it uses (`its
 * description says "Christmas"`), and,
 * when the lexical match is used, the companies and word pairs of a wish it matches well (`made by Pixar Animation
 * Studios`, `tagged "road trip"`). At most two.
 */
function keywordFit(item: Item, at: number, ctx: PoolContext): string[] {
  const out = new Set<string>()
  // A quote stating other numbers than the wish it backs is no evidence for it ("World War II" for "the first world war").
  const say = (wish: string, place: TermPlace, otherName?: string) => {
    if (!numbersDisagree(wish, place.word)) out.add(fitText(place, otherName))
  }
  // Word pairs and companies first: once "con artist" is said, "con" and "artist" alone add nothing.
  const saidWords = new Set<string>()
  ctx.lexical.forEach((m, j) => {
    if ((m.scores.get(item.id) ?? 0) < LEXICAL_EVIDENCE_SHARE * m.best) return
    for (const term of m.terms) {
      const found = ctx.view.whereUsed(item, term)
      if (!found || (found.field !== 'companies' && !term.includes(' '))) continue
      say(ctx.positive[j]?.text ?? '', found)
      for (const w of term.split(' ')) saidWords.add(w)
    }
  })
  const namings = ctx.positive.map((p) => namingOf(p.text, ctx))
  ctx.positive.forEach((p, j) => {
    // One common word of a wish of several is no evidence ("crew" of "submarine crew").
    if (!ctx.closeEnough(j, at) || ctx.lexical[j]?.distinctive.has(item.id) === false) return
    const naming = namings[j] as Naming
    for (const k of p.words.keywords) {
      if (k.stem.split(' ').every((w) => saidWords.has(w))) continue
      const found = k.has(item.id) ? ctx.view.whereUsed(item, k.stem) : undefined
      // A word the item writes only inside a name ("Oliver Twist") is not the one the wish says ("a clever twist").
      if (found && (!found.asName || writesAsName(p.text, k.stem))) say(p.text, found, naming(k.stem.split(' ')) ?? undefined)
    }
  })
  for (const { wish, place, otherName } of namedFacts(item, ctx, namings)) say(wish, place, otherName)
  return [...out].slice(0, 2)
}

/** An evidence line: where the item uses the word, and the wish's phrase it stands for when named otherwise. */
function fitText(place: TermPlace, otherName: string | undefined): string {
  const where =
    place.field === 'companies'
      ? `made by ${place.word}`
      : place.field === 'tags'
        ? `tagged "${place.word}"`
        : `its ${place.field} says "${place.word}"`
  return otherName ? `${where} ("${otherName}" is another name for it)` : where
}

/**
 * How a wish names some stems: `undefined` when it says them all, the phrase of the wish the catalogue names with
 * the rest ("lone star state" for "texas", see `CatalogueView.otherNames`), `null` when it does not name them.
 */
type Naming = (stems: readonly string[]) => string | undefined | null

/** How the wish `text` names stems: its own words, and the phrases the catalogue names otherwise. */
function namingOf(text: string, ctx: PoolContext): Naming {
  const said = new Set(contentStems(text))
  const others = ctx.view.otherNames(text).map((n) => ({ phrase: n.phrase, stems: new Set(contentStems(n.words)) }))
  return (stems) => {
    const unsaid = stems.filter((stem) => !said.has(stem))
    if (!unsaid.length) return undefined
    return others.find((o) => unsaid.every((stem) => o.stems.has(stem)))?.phrase ?? null
  }
}

/** A fact an item holds, where it holds it, and the wish's phrase that names it otherwise (if it does). */
interface NamedFact {
  /** The wish that names it. */
  wish: string
  place: TermPlace
  otherName?: string
}

/**
 * The facts the wish's words voted for that the item holds and the wish names in full (the tag "sad" of "a sad film
 * about a dog", the company of "from dreamworks"), or by another name the catalogue knows (the tag "texas" of "the
 * lone star state", by `namings`, one per positive wish): why a fact's holder ranks when its text is not close to the
 * wish as a whole.
 */
function namedFacts(item: Item, ctx: PoolContext, namings: readonly Naming[]): NamedFact[] {
  const named: NamedFact[] = []
  ctx.facts.forEach((match, j) => {
    const naming = namings[j] as Naming
    for (const { fact } of match.facts) {
      const otherName = naming(fact.split(' '))
      if (otherName === null) continue
      const place = heldAs(item, fact)
      const wish = ctx.positive[j]?.text ?? ''
      if (place) named.push(otherName ? { wish, place, otherName } : { wish, place })
    }
  })
  return named
}

/** The positive wishes the item is closer to than most of the catalogue, closest first. */
function nearWishes(s: ScoredItem, ctx: PoolContext): string[] {
  return ctx.positive
    .map((p) => ({
      text: p.text,
      similarity: p.sims[s.at] ?? Number.NEGATIVE_INFINITY,
      bar: ctx.view.catalogueBar(p.v, NEAR_QUANTILE),
    }))
    .filter((w) => w.similarity >= w.bar)
    .sort((a, b) => b.similarity - a.similarity)
    .map((w) => w.text)
}

/** The first few fold-in items, each with the model's scores for it alone. */
function alsoLikedSources(ctx: PoolContext, collab: CollabScorer): { item: Item; scores: Float32Array }[] {
  const out: { item: Item; scores: Float32Array }[] = []
  for (const id of ctx.pool.foldIn.slice(0, ALSO_LIKED_SOURCES)) {
    const item = ctx.view.byId.get(id)
    if (item) out.push({ item, scores: collab.score([id]) })
  }
  return out
}

/** How many entries score strictly higher than the one at `pos`. */
function rankOf(scores: Float32Array, pos: number): number {
  const s = scores[pos] as number
  let rank = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > s) rank++
  return rank
}

/**
 * Finds, per explained item, the description phrase closest to the wish its explanation names first; phrase
 * vectors are cached across turns. One embed call per request at most.
 */
export function createPhraseFinder(
  embed: (texts: string[]) => Promise<Float32Array[]>,
  weights: Readonly<BlendWeights>,
  logger: Logger,
) {
  const phraseVectors = new LruCache<string, Float32Array>(PHRASE_CACHE_SIZE)

  /** Per item, the description phrase closest to its best-matched preference, when close enough. */
  async function bestPhrases(
    wanted: { item: Item; pref: Float32Array | undefined; wish: string }[],
  ): Promise<(string | undefined)[]> {
    const none = wanted.map(() => undefined)
    // Embedding a new item's phrases costs a few ms each: past the per-turn budget an item offers only the
    // phrases already cached (an explanation without a phrase is still honest; the cache warms over time).
    let budget = PHRASE_BUDGET
    const perItem = wanted.map((w) => {
      if (!w.pref) return []
      // A phrase stating other numbers than the wish is no evidence for it, however close ("World War II", "first world war").
      const phrases = descriptionPhrases(w.item.description).filter((p) => !numbersDisagree(w.wish, p))
      const fresh = phrases.filter((p) => !phraseVectors.has(p)).length
      if (fresh <= budget) {
        budget -= fresh
        return phrases
      }
      return phrases.filter((p) => phraseVectors.has(p))
    })
    const flat = perItem.flat()
    if (flat.length === 0) return none
    let vectors: Float32Array[]
    try {
      vectors = await embedCached(phraseVectors, flat, embed)
    } catch (error) {
      // Phrases are a nicety: without them the explanation is still honest.
      logger.warn('could not embed description phrases', { reason: error instanceof Error ? error.message : String(error) })
      return none
    }
    let offset = 0
    return perItem.map((phrases, i) => {
      const pref = wanted[i]?.pref
      let best: string | undefined
      let bestSim = weights.minPhraseSimilarity
      for (const phrase of phrases) {
        const sim = pref ? cosine(pref, vectors[offset] as Float32Array) : 0
        offset++
        if (sim > bestSim) {
          bestSim = sim
          best = phrase
        }
      }
      return best
    })
  }

  /** Sets each recommendation's description phrase: one that backs the wish its explanation names first. */
  return async function addPhrases(results: Recommendation[], ctx: PoolContext): Promise<void> {
    const prefVector = new Map(ctx.positive.map((p) => [p.text, p.v]))
    const phrases = await bestPhrases(
      results.map((r) => {
        const wish = r.evidence.matchedPreferences[0]?.text ?? ''
        return { item: r.item, pref: prefVector.get(wish), wish }
      }),
    )
    results.forEach((r, i) => {
      const phrase = phrases[i]
      if (phrase) r.evidence.descriptionPhrase = phrase
    })
  }
}
