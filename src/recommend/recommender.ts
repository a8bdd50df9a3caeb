import {
  AppError,
  type CandidateSource,
  embedCached,
  type Item,
  type ItemId,
  LruCache,
  silentLogger,
  type VectorIndex,
  wrapError,
} from '../core/index.ts'
import { allowedFilter, gatherCandidates, likedAndAnchors, queryVector, type Wish } from './candidates.ts'
import { type CatalogueView, createCatalogueView } from './catalogue.ts'
import { rememberingScores } from './collab-cache.ts'
import { sharedCategories, sharedTags } from './evidence.ts'
import { poolContext } from './features.ts'
import { contentStems, stemWord } from './lexical.ts'
import { blendFor, scorePool } from './scoring.ts'
import { createPhraseFinder, explainPicks, selectDiverse } from './selection.ts'
import { requestSpecificity } from './specificity.ts'
import type {
  BlendWeights,
  Evidence,
  Recommendation,
  Recommender,
  RecommenderDeps,
  RecommendRequest,
  ScoreParts,
} from './types.ts'
import { type BlendEnds, mergeBlend } from './weights.ts'

const MAX_K = 100
const MAX_PREFERENCES = 50
const MAX_IDS = 5000
/** Preference texts (about 2 KB per vector at 512-d). */
const TEXT_CACHE_SIZE = 4096

/**
 * The tables the blend's parts read, built at start-up, not in someone's first turn: the lexical index, the facts' and
 * the labels' tables (each a moment over a real catalogue: a few hundred milliseconds for the demo), when anything
 * reads them. Each is a step of its own, so a server's turns can go between them (`pause`).
 */
async function buildTables(view: CatalogueView, ends: BlendEnds, hasCollab: boolean, pause?: () => Promise<void>) {
  const { weights } = ends
  if (weights.lexical !== 0 || weights.lexicalCandidates > 0 || weights.specificity > 0) view.lexicalMatch('')
  await pause?.()
  const factsPossible =
    weights.factMatch !== 0 || ends.specific.factMatch !== 0 || weights.wishMatchFacts > 0 || weights.factCandidates > 0
  if (factsPossible) view.factMatch('')
  await pause?.()
  if ((hasCollab ? weights.labelMatch : weights.labelMatchAlone) !== 0) view.labelMatch('')
}

/** A fact vote this strong says what the wish is about (a word on which most items hold the fact, or several). */
const MIN_SPECIFIC_FACT_VOTE = 1

/**
 * How specific a wish is at least when its words or meaning vote strongly for a fact, though none of its words is
 * rare in the catalogue ("bloodsuckers who only come out at night", "a great white terrorising a beach town"):
 * `factSpecificity` when a positive wish's strongest fact vote reaches {@link MIN_SPECIFIC_FACT_VOTE}, else 0.
 */
function factSpecificity(wishes: readonly Wish[], view: CatalogueView, weights: Readonly<BlendWeights>): number {
  if (weights.factSpecificity <= 0) return 0
  const strongest = (w: Wish) => view.factMatch(w.text, w.filtered, w.meaning ?? w.v).facts[0]?.vote ?? 0
  return wishes.some((w) => w.weight > 0 && strongest(w) >= MIN_SPECIFIC_FACT_VOTE) ? weights.factSpecificity : 0
}

/**
 * The share of a request's specificity that moves the blend: films the person named as liked lead a conversation
 * (with the collaborative model), so a wish then counts by `likedSpecificity`; anchors alone by `anchorSpecificity`,
 * or by `contrastSpecificity` when a wish says how to differ from them; a wish alone fully.
 */
function anchoredShare(request: RecommendRequest, weights: Readonly<BlendWeights>): number {
  if (request.liked.length > 0) return weights.likedSpecificity
  if (likedAndAnchors(request).length === 0) return 1
  const contrast = request.preferences.some((p) => p.weight > 0 && p.contrast === true)
  return contrast ? weights.contrastSpecificity : weights.anchorSpecificity
}

/**
 * Builds a recommender over a catalogue, its vector index and encoder, an optional collaborative model and a
 * popularity table. Nothing it receives is owned: `close()` only stops further calls.
 * Throws `index.incompatible` when the index and encoder dimensions differ, `config.invalid` for bad weights.
 *
 * A request runs top to bottom: candidates (vector search, collaborative model, rare words, popular items) →
 * features (one function per blended part) → scoring (the blend) → selection (MMR, evidence, phrases).
 */
export async function createRecommender(deps: RecommenderDeps): Promise<Recommender> {
  const { index, embedder } = deps
  const collab = deps.collab && rememberingScores(deps.collab)
  const logger = (deps.logger ?? silentLogger).child({ area: 'recommend' })
  if (index.dimension !== embedder.dimension) {
    throw new AppError(
      'index.incompatible',
      `The index holds ${index.dimension}-d vectors but the encoder ${embedder.id} makes ${embedder.dimension}-d ones: rebuild the index.`,
      { details: { indexDimension: index.dimension, encoder: embedder.id, encoderDimension: embedder.dimension } },
    )
  }
  const ends = mergeBlend(deps.weights)
  const { weights } = ends
  const view = createCatalogueView(deps.items, deps, weights, deps.onScored !== undefined)
  await buildTables(view, ends, collab !== undefined, deps.pause)
  const sourceOn = (source: CandidateSource) => deps.sources?.[source] !== false
  let closed = false
  const checkOpen = () => {
    if (closed) throw new AppError('unavailable', 'The recommender was closed.')
  }

  // A conversation re-sends its earlier preferences every turn, and the same items keep being explained:
  // caching their vectors keeps a turn to about one embed call for the new text.
  const textVectors = new LruCache<string, Float32Array>(TEXT_CACHE_SIZE)
  const embed = (missing: string[]) => embedder.embed(missing)
  const addPhrases = createPhraseFinder(embed, weights, logger)

  async function wishesOf(request: RecommendRequest): Promise<Wish[]> {
    const prefs = request.preferences
      .map((p) => ({
        text: p.text.trim(),
        weight: p.weight,
        filtered: filteredStems(p.text, p.filtered),
        ...(p.weight > 0 && p.lean?.length ? { lean: new Set(p.lean) } : {}),
      }))
      .filter((p) => p.text && p.weight)
    // A wish beside a filter means what its other words say ("political" of "political thriller"): the facts named
    // closest to that, not to the whole ("psychological thriller"). Embedded with the wishes, once per text.
    const meanings = prefs.map((p) => unfilteredText(p.text, p.filtered))
    const texts = [...new Set([...prefs.map((p) => p.text), ...meanings])]
    let vectors = new Map<string, Float32Array>()
    try {
      if (prefs.length) {
        const found = await embedCached(textVectors, texts, embed)
        vectors = new Map(texts.map((text, i) => [text, found[i] as Float32Array]))
      }
    } catch (error) {
      throw wrapError(error, 'embed.failed', 'Could not embed the preference texts.', { count: prefs.length })
    }
    return prefs.map((p, i) => ({
      ...p,
      v: vectors.get(p.text) as Float32Array,
      meaning: vectors.get(meanings[i] as string) as Float32Array,
      words: p.weight > 0 ? view.wishWords(p.text, p.filtered) : { keywords: [], topical: false },
    }))
  }

  async function recommend(request: RecommendRequest): Promise<Recommendation[]> {
    checkOpen()
    validateRequest(request)
    const started = performance.now()
    const allowed = allowedFilter(view, request)
    const wishes = await wishesOf(request)
    const query = queryVector(wishes, request, view, weights, index.dimension)
    const pool = gatherCandidates({ request, wishes, query }, { view, index, collab }, weights, allowed, sourceOn)
    if (pool.ids.length === 0) {
      logger.debug('no candidate passes the filters', { constraints: request.constraints })
      return []
    }
    // How specific the request is moves the blend between its open and specific ends (`blendFor`), by the share
    // liked films and anchors leave it (`anchoredShare`).
    const anchored = anchoredShare(request, weights)
    const specificity =
      anchored *
      Math.max(
        requestSpecificity(
          wishes.map((w) => ({ text: w.text, weight: w.weight, keywords: w.words.keywords, filtered: w.filtered })),
          request.constraints,
          view.byId.size,
          weights.minWishSpecificity,
        ),
        factSpecificity(wishes, view, weights),
      )
    const partWeights = blendFor(ends, specificity, collab !== undefined)
    const lexicalUsed = partWeights.lexical !== 0 || weights.lexicalCandidates > 0 || deps.onScored !== undefined
    const factsUsed =
      partWeights.factMatch !== 0 || weights.wishMatchFacts > 0 || weights.factCandidates > 0 || deps.onScored !== undefined
    const labelsUsed = partWeights.labelMatch !== 0
    const ctx = poolContext(pool, wishes, likedAndAnchors(request), view, { weights, lexicalUsed, factsUsed, labelsUsed })
    const scored = scorePool(ctx, partWeights, specificity, { everyPart: deps.onScored !== undefined })
    deps.onScored?.(scored)
    const picked = selectDiverse(scored, request.k, weights.mmrLambda)
    const results = explainPicks(picked, ctx, request.constraints, collab)
    if (deps.phraseEvidence !== false) await addPhrases(results, ctx)
    logger.debug('recommended', {
      ms: Math.round(performance.now() - started),
      pool: pool.ids.length,
      k: request.k,
      returned: results.length,
      coldStart: pool.coldStart,
      specificity,
    })
    return results
  }

  function similarItems(id: ItemId, k: number, filter?: (id: ItemId) => boolean): Recommendation[] {
    checkOpen()
    return nearestTo(view, index, id, k, filter)
  }

  logger.debug('recommender ready', { items: view.byId.size, indexed: index.size, collab: collab?.name ?? 'none', weights })
  return {
    recommend,
    similarItems,
    weights,
    close: async () => {
      closed = true
    },
  }
}

/** The k items nearest to `id` in the vector index (passing `filter`), explained by their likeness to it. */
function nearestTo(
  view: CatalogueView,
  index: VectorIndex,
  id: ItemId,
  k: number,
  filter?: (id: ItemId) => boolean,
): Recommendation[] {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new AppError('input.invalid', `k must be an integer from 1 to ${MAX_K}.`, { details: { k } })
  }
  const source = view.byId.get(id)
  const v = view.vectorOf(id)
  if (!source || !v) throw new AppError('not_found', `Item ${id} is not in the catalogue index.`, { details: { id } })
  const hits = index.search(v, k, (c) => c !== id && view.byId.has(c) && (filter ? filter(c) : true))
  return hits.map((hit) => {
    const item = view.byId.get(hit.id) as Item
    const parts: ScoreParts = {
      semantic: hit.score,
      collaborative: 0,
      popularity: 0,
      total: hit.score,
      semanticRaw: hit.score,
      popularityRaw: view.logPop(hit.id),
    }
    const evidence: Evidence = {
      matchedPreferences: [],
      similarTo: [
        {
          item: source,
          similarity: hit.score,
          sharedCategories: sharedCategories(item, source),
          sharedTags: sharedTags(item, source),
        },
      ],
      categoryFit: [],
    }
    const pct = view.percentile.get(hit.id)
    if (pct !== undefined && view.hasPopularity) evidence.popularityPercentile = pct
    return { item, parts, evidence }
  })
}

const validProposal = (p: unknown): boolean => {
  const { id, part } = (p ?? {}) as { id?: unknown; part?: unknown }
  return typeof id === 'string' && typeof part === 'number' && Number.isFinite(part)
}

/**
 * The stems of the words of a wish a filter carries (`filtered`, plurals folded), not searched alone; none when no
 * other word that says what the wish is about is left ("thriller" alone is still searched).
 */
export function filteredStems(text: string, filtered: readonly string[] | undefined): ReadonlySet<string> {
  if (!filtered?.length) return NONE
  const stems = new Set(filtered.map(stemWord))
  return contentStems(text).some((s) => !stems.has(s)) ? stems : NONE
}

const NONE: ReadonlySet<string> = new Set()

/** The wish without the words a filter carries ("political thriller" → "political"); the wish itself when none. */
export function unfilteredText(text: string, filtered: ReadonlySet<string>): string {
  if (filtered.size === 0) return text
  const kept = text.split(/\s+/).filter((w) => !filtered.has(stemWord(w.replace(/[^\p{L}\p{N}'’-]/gu, ''))))
  return kept.length ? kept.join(' ') : text
}

function validateRequest(r: RecommendRequest): void {
  const problems: string[] = []
  if (!r || typeof r !== 'object') problems.push('request must be an object')
  else {
    if (!Number.isInteger(r.k) || r.k < 1 || r.k > MAX_K) problems.push(`k must be an integer from 1 to ${MAX_K}`)
    if (!Array.isArray(r.preferences) || r.preferences.length > MAX_PREFERENCES) {
      problems.push(`preferences must be an array of at most ${MAX_PREFERENCES}`)
    } else {
      r.preferences.forEach((p, i) => {
        if (!p || typeof p.text !== 'string') problems.push(`preferences[${i}].text must be a string`)
        for (const flag of ['contrast', 'implied'] as const)
          if (p && p[flag] !== undefined && p[flag] !== true) problems.push(`preferences[${i}].${flag} must be true or absent`)
        if (!p || typeof p.weight !== 'number' || !Number.isFinite(p.weight))
          problems.push(`preferences[${i}].weight must be finite`)
        for (const list of ['filtered', 'lean'] as const)
          if (p?.[list] !== undefined && (!Array.isArray(p[list]) || p[list].some((w) => typeof w !== 'string')))
            problems.push(`preferences[${i}].${list} must be an array of words`)
      })
    }
    for (const key of ['liked', 'disliked', 'history'] as const) {
      const list = r[key]
      if (!Array.isArray(list) || list.length > MAX_IDS || list.some((id) => typeof id !== 'string')) {
        problems.push(`${key} must be an array of at most ${MAX_IDS} item ids`)
      }
    }
    if (r.anchors !== undefined) {
      if (!Array.isArray(r.anchors)) problems.push('anchors must be an array')
      else
        r.anchors.forEach((a, i) => {
          if (!a || typeof a.id !== 'string' || typeof a.weight !== 'number' || !Number.isFinite(a.weight)) {
            problems.push(`anchors[${i}] must be { id: string, weight: finite number }`)
          }
        })
    }
    if (r.proposed !== undefined && (!Array.isArray(r.proposed) || !r.proposed.every(validProposal))) {
      problems.push('proposed must be an array of { id: string, part: finite number }')
    }
    if (!(r.exclude instanceof Set)) problems.push('exclude must be a Set of item ids')
    if (!r.constraints || typeof r.constraints !== 'object') problems.push('constraints must be an object')
  }
  if (problems.length) {
    throw new AppError('input.invalid', `Invalid recommend request: ${problems.join('; ')}.`, { details: { problems } })
  }
}
