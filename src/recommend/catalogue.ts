import { type CollabScorer, type Item, type ItemId, norm, type VectorIndex } from '../core/index.ts'
import { cosinesTo } from './blend.ts'
import { createFactVotes, type FactMatch, type FactMeanings } from './facts.ts'
import { createLabelIndex, type LabelIndex, type LabelMatch } from './labels.ts'
import {
  createLexicalIndex,
  type Keyword,
  type LexicalIndex,
  type LexicalMatch,
  type LexicalTables,
  type OtherName,
  type SearchWords,
  type TermPlace,
  tagKey,
} from './lexical.ts'
import { openStemsBeside } from './specificity.ts'
import type { BlendWeights } from './types.ts'

/** Added to relative popularity before the log, so unknown items sit at ln(0.001) instead of −∞. */
const POPULARITY_FLOOR = 0.001
/** How many item vectors stand for the catalogue when judging whether an item is close to a wish. */
const CATALOGUE_SAMPLE = 2000
/** An item fits a wish only when it is at least as close to it as the catalogue's closest tenth. */
const CATALOGUE_EVIDENCE_QUANTILE = 0.9
/** A wish is about its rare words when they are at least this share of its words. */
const MIN_TOPICALITY = 0.5

/** What a wish's rare words are, and whether the wish is mostly made of them. */
export interface WishWords {
  keywords: Keyword[]
  topical: boolean
}

/**
 * What the recommender knows of the catalogue before any request: items by id, popularity (relative, log, order,
 * percentile), the newest years, the collaborative model's positions, tag rarity, the lexical index and how close
 * the catalogue as a whole is to a vector.
 */
export interface CatalogueView {
  readonly byId: ReadonlyMap<ItemId, Item>
  /** Every item once, in catalogue order, and each id's place in that list (for per-request verdict arrays). */
  readonly items: readonly Item[]
  readonly positionOf: ReadonlyMap<ItemId, number>
  /** Popularity relative to the most popular item (0–1); 0 when unknown. */
  relPop(id: ItemId): number
  /** ln(relative popularity + 0.001). */
  logPop(id: ItemId): number
  /** Whether any item has a positive popularity. */
  readonly hasPopularity: boolean
  /** Every item, most popular first (ties by id). */
  readonly popularOrder: readonly ItemId[]
  /** Share of catalogue items less popular than the item (ties share the lowest position). */
  readonly percentile: ReadonlyMap<ItemId, number>
  /** The first year that counts as recent (the newest `recentYears` years of the catalogue). */
  readonly recentFrom: number
  /** Each item's position in the collaborative model's score arrays. */
  readonly collabPos: ReadonlyMap<ItemId, number>
  /** Whether the tag overlap is computed (it weighs something, or a tuning tool reads the parts). */
  readonly tagOverlapUsed: boolean
  /** Each item's tags, lower-cased (only when `tagOverlapUsed`). */
  readonly tagSets: ReadonlyMap<ItemId, ReadonlySet<string>>
  /** ln(items / items with the tag). */
  readonly tagIdf: ReadonlyMap<string, number>
  vectorOf(id: ItemId): Float32Array | undefined
  /** The cosine to `u` reached by the catalogue's closest `1 − quantile` share of items (a sample of them). */
  catalogueBar(u: Float32Array, quantile?: number): number
  /** The rare words of a wish; `filtered` stems count only inside a tag of several words said (see `LexicalIndex`). */
  wishWords(text: string, filtered?: ReadonlySet<string>): WishWords
  /** Where an item uses a keyword's stem or a searched term, as written there. */
  whereUsed(item: Item, stem: string): TermPlace | undefined
  /** The phrases of a wish the catalogue names otherwise, read as also saying its words for them (see `LexicalIndex`). */
  otherNames(text: string): readonly OtherName[]
  /** The lexical (BM25) match of every item to a wish; `filtered` stems are searched only in pairs. */
  lexicalMatch(text: string, filtered?: ReadonlySet<string>): LexicalMatch
  /**
   * The facts (tags) a wish's words vote for, learned from the catalogue, and the items holding them; with the wish's
   * vector, also the facts named closest to its meaning (when the build has their names' vectors). `filtered` stems
   * vote only in pairs, as the lexical match reads them ("thriller" of "political thriller" is the filter's).
   */
  factMatch(text: string, filtered?: ReadonlySet<string>, vector?: Float32Array): FactMatch
  /**
   * The labels (tags, categories) a wish's words vote for, learned from the catalogue, and every item's score; with
   * `feedback` > 0 the labels of the lexical search's first `feedback` matches vote too.
   */
  labelMatch(text: string, feedback?: number): LabelMatch
}

/** A wish's filtered stems and its open words beside others (`openStemsBeside`): both searched only in pairs. */
function withOpenStems(text: string, filtered: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  const open = openStemsBeside(text)
  if (open.size === 0) return filtered
  return new Set([...(filtered ?? []), ...open])
}

export function createCatalogueView(
  items: readonly Item[],
  deps: {
    index: VectorIndex
    collab?: CollabScorer
    popularity: ReadonlyMap<ItemId, number>
    lexicalTables?: LexicalTables
    vocabulary?: readonly SearchWords[] | undefined
    factMeanings?: FactMeanings | undefined
  },
  weights: Readonly<BlendWeights>,
  readsParts: boolean,
): CatalogueView {
  const byId = new Map<ItemId, Item>()
  for (const item of items) byId.set(item.id, item)
  const inOrder = [...byId.values()]
  const positionOf = new Map(inOrder.map((item, at) => [item.id, at]))
  const pop = popularityTables(byId, deps.popularity)
  const relPop = (id: ItemId) => pop.relative.get(id) ?? 0
  const tagOverlapUsed = weights.tagOverlap !== 0 || readsParts
  const tags = tagTables(tagOverlapUsed ? [...byId.values()] : [], byId.size)
  let newestYear = Number.NEGATIVE_INFINITY
  for (const item of byId.values()) if (item.year !== undefined && item.year > newestYear) newestYear = item.year
  const collabPos = new Map<ItemId, number>()
  deps.collab?.itemIds.forEach((id, i) => {
    collabPos.set(id, i)
  })
  // Built at the first wish: tokenising every title, description, tag and company takes a moment. A catalogue
  // without a collaborative model leans on its words alone, so its search also meets derived forms ("edit" finds
  // "editing"); with one (the movie demo) the search reads stems as it was measured.
  let lexicalIndex: LexicalIndex | undefined
  const keywords = () => {
    lexicalIndex ??= createLexicalIndex([...byId.values()], relPop, {
      roots: deps.collab === undefined,
      vocabulary: deps.vocabulary ?? [],
      ...(deps.lexicalTables ? { tables: deps.lexicalTables } : {}),
    })
    return lexicalIndex
  }
  let factVotes: ReturnType<typeof createFactVotes> | undefined
  const facts = () => {
    const lexical = keywords()
    const meanings = deps.factMeanings ? { facts: deps.factMeanings, count: weights.meaningFacts } : undefined
    factVotes ??= createFactVotes([...byId.values()], lexical, tagKey, meanings)
    return factVotes
  }
  let labelIndex: LabelIndex | undefined
  const vectorOf = (id: ItemId) => deps.index.vector(id)
  return {
    byId,
    items: inOrder,
    positionOf,
    relPop,
    logPop: (id) => Math.log(relPop(id) + POPULARITY_FLOOR),
    hasPopularity: pop.max > 0,
    popularOrder: pop.order,
    percentile: pop.percentile,
    recentFrom: newestYear - weights.recentYears + 1,
    collabPos,
    tagOverlapUsed,
    tagSets: tags.sets,
    tagIdf: tags.idf,
    vectorOf,
    catalogueBar: catalogueSampler([...byId.keys()], vectorOf),
    wishWords(text, filtered) {
      const { keywords: found, topicality } = keywords().read(text, filtered)
      return { keywords: found, topical: topicality >= MIN_TOPICALITY }
    },
    whereUsed: (item, stem) => keywords().where(item, stem),
    otherNames: (text) => keywords().otherNames(text),
    lexicalMatch: (text, filtered) => keywords().match(text, withOpenStems(text, filtered)),
    factMatch: (text, filtered, vector) =>
      facts()(keywords().terms(text, withOpenStems(text, filtered)), vector ? { text, vector } : undefined),
    labelMatch: (text, feedback = 0) => {
      labelIndex ??= createLabelIndex([...byId.values()])
      return labelIndex.match(text, feedback > 0 ? firstMatches(keywords().match(text), feedback) : [])
    },
  }
}

/** The `n` items a lexical match scores highest (ties by id). */
function firstMatches(match: LexicalMatch, n: number): ItemId[] {
  const { scores } = match
  return [...scores.keys()].sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || (a < b ? -1 : 1)).slice(0, n)
}

function popularityTables(byId: ReadonlyMap<ItemId, Item>, popularity: ReadonlyMap<ItemId, number>) {
  let max = 0
  for (const value of popularity.values()) if (Number.isFinite(value) && value > max) max = value
  const relative = new Map<ItemId, number>()
  if (max > 0) for (const [id, value] of popularity) if (Number.isFinite(value) && value > 0) relative.set(id, value / max)
  const rel = (id: ItemId) => relative.get(id) ?? 0
  const order = [...byId.keys()].sort((a, b) => rel(b) - rel(a) || (a < b ? -1 : 1))
  const percentile = new Map<ItemId, number>()
  // Ties share the percentile of their lowest position, so equally popular items read the same.
  const ascending = [...order].reverse()
  let below = 0
  ascending.forEach((id, i) => {
    if (i > 0 && rel(id) !== rel(ascending[i - 1] as ItemId)) below = i
    percentile.set(id, ascending.length > 1 ? below / (ascending.length - 1) : 1)
  })
  return { max, relative, order, percentile }
}

/** Each item's tags (lower-cased) and how rare each tag is. */
function tagTables(items: readonly Item[], catalogueSize: number) {
  const sets = new Map<ItemId, Set<string>>()
  const idf = new Map<string, number>()
  for (const item of items) {
    if (!item.tags.length) continue
    const own = new Set(item.tags.map((t) => t.toLowerCase()))
    sets.set(item.id, own)
    for (const t of own) idf.set(t, (idf.get(t) ?? 0) + 1)
  }
  for (const [t, n] of idf) idf.set(t, Math.log(catalogueSize / n))
  return { sets, idf }
}

/**
 * Up to CATALOGUE_SAMPLE item vectors spread over the catalogue, read at the first use: what "close to a wish"
 * means across the whole catalogue rather than within one request's filtered pool. A wish's sorted closeness to
 * the sample is kept per vector object (wish vectors come from the recommender's text cache and are never
 * changed), so the several bars of a turn, and the same wish in later turns, cost one pass over the sample.
 */
function catalogueSampler(ids: readonly ItemId[], vectorOf: (id: ItemId) => Float32Array | undefined) {
  let sample: { vectors: Float32Array[]; norms: number[] } | undefined
  const sortedSims = new WeakMap<Float32Array, Float64Array>()
  const sortedClosenessTo = (u: Float32Array): Float64Array => {
    if (!sample) {
      const step = Math.max(1, ids.length / CATALOGUE_SAMPLE)
      const vectors: Float32Array[] = []
      for (let i = 0; i < ids.length; i += step) {
        const v = vectorOf(ids[Math.floor(i)] as ItemId)
        if (v) vectors.push(v)
      }
      sample = { vectors, norms: vectors.map(norm) }
    }
    let sims = sortedSims.get(u)
    if (!sims) {
      sims = Float64Array.from(cosinesTo(u, sample.vectors, sample.norms) as number[]).sort()
      sortedSims.set(u, sims)
    }
    return sims
  }
  return (u: Float32Array, quantile = CATALOGUE_EVIDENCE_QUANTILE): number => {
    const sims = sortedClosenessTo(u)
    if (!sims.length) return Number.NEGATIVE_INFINITY
    return sims[Math.floor(quantile * (sims.length - 1))] as number
  }
}
