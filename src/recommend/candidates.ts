import { type CandidateSource, type CollabScorer, type Item, type ItemId, normalize, type VectorIndex } from '../core/index.ts'
import type { CatalogueView, WishWords } from './catalogue.ts'
import { compileConstraints } from './filters.ts'
import { companiesOf, heldAs, saidStems, tagKeptWhole, tagKey } from './lexical.ts'
import { type BlendWeights, MAX_PROPOSED, type RecommendRequest } from './types.ts'

/** Items added to the pool per rare word of a wish (its most popular users), beside the vector search. */
const KEYWORD_POOL = 60

/** A stated preference with its vector and rare words (none for a negative one). */
export interface Wish {
  text: string
  /**
   * Stems of the wish's words that a filter of the request carries ("thriller" of "political thriller" filtered to
   * thrillers): not searched alone (lexical match, rare words, specificity), only in pairs with another word said
   * ("political thriller"). Empty when nothing else would be left.
   */
  filtered: ReadonlySet<string>
  /** The categories a critique leans toward ("funnier" → Comedy); empty for other wishes. */
  lean?: ReadonlySet<string>
  weight: number
  v: Float32Array
  /** The vector of what the wish means beside its filter (`v` when nothing is filtered): what fact meanings read. */
  meaning?: Float32Array
  words: WishWords
}

/** The candidates of one request and what found them. */
export interface CandidatePool {
  ids: ItemId[]
  /** The one query vector (wishes and liked items, minus negatives and dislikes), when there is anything to combine. */
  query?: Float32Array
  /** The collaborative model's scores for the fold-in, when there is a model and a fold-in. */
  collabScores?: Float32Array
  /** The liked, anchor and history items the collaborative model knows. */
  foldIn: ItemId[]
  /** Neither a query nor a fold-in: the pool is mostly the popular items. */
  coldStart: boolean
  /** The request's proposed items that passed the filters, with their part (0–1). */
  proposals?: ReadonlyMap<ItemId, number>
}

/** Whether an item may be recommended: in the catalogue, not blocked by the request, and passing its constraints. */
export function allowedFilter(view: CatalogueView, request: RecommendRequest): (id: ItemId) => boolean {
  const passes = compileConstraints(request.constraints)
  const blocked = new Set<ItemId>([
    ...request.exclude,
    ...request.liked,
    ...request.disliked,
    ...request.history,
    ...activeAnchors(request).map((a) => a.id),
  ])
  const refused = refusedFacts(view, request)
  const brands = refusedBrands(view, request)
  // Each item is judged once per request (1 passes, -1 fails, 0 not asked yet): the index asks for every item.
  const verdict = new Int8Array(view.items.length)
  return (id) => {
    const at = view.positionOf.get(id)
    if (at === undefined) return false
    let ok = verdict[at] as number
    if (ok === 0) {
      const item = view.items[at] as Item
      ok = !blocked.has(id) && passes(item) && !holdsAny(item, refused) && !madeByAny(item, brands) ? 1 : -1
      verdict[at] = ok
    }
    return ok === 1
  }
}

/**
 * The facts a refusal in the person's words names: of the facts its words vote for, those it says every word of (the
 * tag "superhero" of "no superhero movies", "gory" of "nothing gory"). An item holding one is refused with the words,
 * as a category refused by its name is; a vote alone ("jail" → "prison") refuses nothing, and neither does a text the
 * chat reads for the person's words (`implied`: "sappy romance love story" for "not too cheesy" names `romance`).
 */
function refusedFacts(view: CatalogueView, request: RecommendRequest): ReadonlySet<string> {
  const out = new Set<string>()
  for (const p of request.preferences) {
    if (p.weight >= 0 || p.implied) continue
    const said = new Set(saidStems(p.text))
    for (const { fact } of view.factMatch(p.text).facts) if (fact.split(' ').every((w) => said.has(w))) out.add(fact)
  }
  return out
}

/** Words of a company's name said to refuse it, at most ("not marvel", "nothing from walt disney"). */
const MAX_BRAND_WORDS = 2
/**
 * A word in more than this share of the catalogue's company names, and more than GENERIC_NAME_MIN of them, says no
 * company ("studios", "pictures", "films").
 */
const GENERIC_NAME_SHARE = 0.005
const GENERIC_NAME_MIN = 10

/**
 * The companies a refusal names by their own words though not whole: "not marvel" refuses Marvel Studios and Marvel
 * Enterprises, "nothing from disney" Walt Disney Pictures: the catalogue's companies whose names hold every word it
 * says (one or two, none of them a word many company names share). Not from an `implied` text.
 */
function refusedBrands(view: CatalogueView, request: RecommendRequest): ReadonlySet<string> {
  const out = new Set<string>()
  for (const p of request.preferences) {
    if (p.weight >= 0 || p.implied) continue
    const said = saidStems(p.text)
    if (said.length === 0 || said.length > MAX_BRAND_WORDS || said.some((w) => genericNameWords(view).has(w))) continue
    for (const key of companyKeys(view)) {
      const words = key.split(' ')
      if (said.every((w) => words.includes(w))) out.add(key)
    }
  }
  return out
}

/** Whether an item was made by one of the companies (by key). */
function madeByAny(item: Item, companies: ReadonlySet<string>): boolean {
  return companies.size > 0 && companiesOf(item).some((c) => companies.has(tagKey(c)))
}

/** Per catalogue view: its companies' keys, and the words of their names many of them share. Read at the first refusal. */
const companyTables = new WeakMap<CatalogueView, { keys: Set<string>; generic: Set<string> }>()
function companyTable(view: CatalogueView): { keys: Set<string>; generic: Set<string> } {
  let table = companyTables.get(view)
  if (!table) {
    const keys = new Set(view.items.flatMap((item) => companiesOf(item).map(tagKey)))
    const uses = new Map<string, number>()
    for (const key of keys) for (const w of new Set(key.split(' '))) uses.set(w, (uses.get(w) ?? 0) + 1)
    const bar = Math.max(GENERIC_NAME_MIN, GENERIC_NAME_SHARE * keys.size)
    const generic = new Set([...uses].filter(([, n]) => n > bar).map(([w]) => w))
    table = { keys, generic }
    companyTables.set(view, table)
  }
  return table
}
const companyKeys = (view: CatalogueView) => companyTable(view).keys
const genericNameWords = (view: CatalogueView) => companyTable(view).generic

/** Whether an item holds one of the facts (tags or companies, by key), named whole by the key. */
function holdsAny(item: Item, facts: ReadonlySet<string>): boolean {
  for (const fact of facts) {
    const place = heldAs(item, fact)
    if (place && tagKeptWhole(place.word)) return true
  }
  return false
}

/** The request's anchors that pull or push at all. */
export function activeAnchors(request: RecommendRequest): { id: ItemId; weight: number }[] {
  return (request.anchors ?? []).filter((a) => a.weight !== 0)
}

/** The liked items and positive anchors, once each. */
export function likedAndAnchors(request: RecommendRequest): ItemId[] {
  return unique([
    ...request.liked,
    ...activeAnchors(request)
      .filter((a) => a.weight > 0)
      .map((a) => a.id),
  ])
}

/** One query vector: weighted sum of wishes and liked/anchor items, minus negatives and dislikes. */
export function queryVector(
  wishes: readonly Wish[],
  request: RecommendRequest,
  view: CatalogueView,
  weights: Readonly<BlendWeights>,
  dimension: number,
): Float32Array | undefined {
  const parts: { v: Float32Array; w: number }[] = wishes.map((p) => ({ v: p.v, w: p.weight }))
  const itemPulls: { id: ItemId; w: number }[] = [
    ...request.liked.map((id) => ({ id, w: weights.likedWeight })),
    ...activeAnchors(request).map((a) => ({ id: a.id, w: a.weight * weights.likedWeight })),
    ...request.disliked.map((id) => ({ id, w: -weights.dislikedWeight })),
  ]
  for (const pull of itemPulls) {
    const v = view.vectorOf(pull.id)
    if (v && pull.w) parts.push({ v, w: pull.w })
  }
  return combine(parts, dimension)
}

/**
 * The candidate pool, in the order its sources add to it: the vector search for the query, the collaborative
 * model's best for the fold-in, the films that use a wish's rare words, the lexical search's best for each positive
 * wish (`lexicalCandidates` each, when set), the items holding the facts its words vote for (`factCandidates` each,
 * when set), the request's proposed items, then the most popular (all of them at a cold start, a fifth of
 * `candidates` otherwise). Every source skips items `allowed` refuses. A source `on` refuses (an A/B variant's
 * `sources`) adds nothing; the query and the collaborative scores are still made, for scoring.
 */
export function gatherCandidates(
  input: { request: RecommendRequest; wishes: readonly Wish[]; query: Float32Array | undefined },
  sources: { view: CatalogueView; index: VectorIndex; collab: CollabScorer | undefined },
  weights: Readonly<BlendWeights>,
  allowed: (id: ItemId) => boolean,
  on: (source: CandidateSource) => boolean = () => true,
): CandidatePool {
  const { request, wishes, query } = input
  const { view, index, collab } = sources
  const pool = new Map<ItemId, number>()
  const add = (id: ItemId) => {
    if (!pool.has(id)) pool.set(id, pool.size)
  }
  if (query && on('semantic')) for (const hit of index.search(query, weights.candidates, allowed)) add(hit.id)

  const foldIn = unique([...likedAndAnchors(request), ...(weights.historyWeight > 0 ? request.history : [])]).filter((id) =>
    view.collabPos.has(id),
  )
  const collabScores = collab && foldIn.length > 0 ? collab.score(foldIn) : undefined
  if (collab && collabScores && on('collaborative')) {
    for (const i of topIndices(collabScores, weights.candidates, (i) => allowed(collab.itemIds[i] as ItemId))) {
      add(collab.itemIds[i] as ItemId)
    }
  }
  // The films that use a wish's rare words ("christmas", "heist"), which the vector search may blur past.
  for (const { words } of on('keywords') ? wishes : []) {
    for (const k of words.keywords) addFirst(k.items, KEYWORD_POOL, allowed, add)
  }
  if (weights.lexicalCandidates > 0 && on('lexical')) {
    for (const wish of wishes) {
      if (wish.weight > 0) addFirst(bestMatches(view, wish.text, wish.filtered), weights.lexicalCandidates, allowed, add)
    }
  }
  if (weights.factCandidates > 0 && on('facts')) {
    for (const wish of wishes) {
      if (wish.weight > 0) addFirst(factHolders(view, wish.text, wish.filtered), weights.factCandidates, allowed, add)
    }
  }
  const proposals = proposedParts(on('proposals') ? request.proposed : undefined, allowed)
  for (const id of proposals.keys()) add(id)
  const coldStart = !query && !collabScores
  if (on('popular')) {
    addFirst(view.popularOrder, coldStart ? weights.candidates : Math.ceil(weights.candidates / 5), allowed, add)
  }
  const found = { ...(query ? { query } : {}), ...(collabScores ? { collabScores } : {}) }
  return { ids: [...pool.keys()], ...found, foldIn, coldStart, proposals }
}

/** The proposed items that pass the filters, with their part clamped to [0, 1]; an item's first proposal counts. */
function proposedParts(proposed: RecommendRequest['proposed'], allowed: (id: ItemId) => boolean): Map<ItemId, number> {
  const parts = new Map<ItemId, number>()
  for (const p of (proposed ?? []).slice(0, MAX_PROPOSED)) {
    if (parts.has(p.id) || !allowed(p.id)) continue
    parts.set(p.id, Math.max(0, Math.min(1, p.part)))
  }
  return parts
}

/** The items the lexical search scores for a wish, best first (ties by id). */
function bestMatches(view: CatalogueView, text: string, filtered: ReadonlySet<string>): ItemId[] {
  const { scores } = view.lexicalMatch(text, filtered)
  return [...scores.keys()].sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || (a < b ? -1 : 1))
}

/** The items holding the facts a wish's words vote for, most votes first, then the most popular (ties by id). */
function factHolders(view: CatalogueView, text: string, filtered: ReadonlySet<string>): ItemId[] {
  const { scores } = view.factMatch(text, filtered)
  const score = (id: ItemId) => scores.get(id) as number
  return [...scores.keys()].sort((a, b) => score(b) - score(a) || view.relPop(b) - view.relPop(a) || (a < b ? -1 : 1))
}

/** Adds the first `n` of `ids` that `allowed` accepts. */
function addFirst(ids: readonly ItemId[], n: number, allowed: (id: ItemId) => boolean, add: (id: ItemId) => void) {
  let added = 0
  for (const id of ids) {
    if (added >= n) break
    if (allowed(id)) {
      add(id)
      added++
    }
  }
}

/** Weighted sum of unit vectors, normalised; undefined when there is nothing to combine or it cancels out. */
function combine(parts: { v: Float32Array; w: number }[], dimension: number): Float32Array | undefined {
  if (parts.length === 0) return undefined
  const sum = new Float32Array(dimension)
  for (const { v, w } of parts) {
    const u = normalize(v)
    for (let i = 0; i < dimension; i++) sum[i] = (sum[i] as number) + w * (u[i] as number)
  }
  const q = normalize(sum)
  return q.some((x) => x !== 0) ? q : undefined
}

/** Indices of the n largest scores that pass `keep`, best first. */
function topIndices(scores: Float32Array, n: number, keep: (i: number) => boolean): number[] {
  const order: number[] = []
  for (let i = 0; i < scores.length; i++) if (keep(i)) order.push(i)
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
  return order.slice(0, n)
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}
