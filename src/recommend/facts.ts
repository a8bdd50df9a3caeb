import type { Item, ItemId } from '../core/index.ts'
import { companiesOf } from './lexical.ts'

/**
 * Which facts (tags: MovieLens tags, TMDB keywords, debtags; and the companies that made an item) a wish's words point
 * to, learned from the catalogue itself: a word votes for the facts of the items whose text uses it, by how much more
 * often those items hold the fact than the catalogue does. "inmates planning to bust out of jail" shares no word with
 * the tag "prison", but the films whose overviews say "inmates" or "jail" are mostly tagged "prison": its words vote
 * for that fact, and every film holding it is a match, described with those words or not. No word list: any
 * catalogue whose items carry tags learns its own associations (a Debian description's words and its debtags).
 */
export interface FactMatch {
  /** The facts the wish's words vote for, strongest first (at most {@link MAX_FACTS}), each with its summed vote. */
  facts: readonly { fact: string; vote: number }[]
  /** Per item holding at least one of those facts: the sum of their votes. */
  scores: ReadonlyMap<ItemId, number>
  /** The highest item score (0 when nothing matches). */
  best: number
}

/** How a word's items are found: positions in the item list the facts were built from. */
export type ItemsUsing = (term: string) => ArrayLike<number>

/** A word used by fewer tagged items than this says too little to learn from. */
const MIN_WORD_ITEMS = 3
/** … and one used by more than this share of them is too common to point anywhere. */
const MAX_WORD_SHARE = 0.1
/** A word and a fact must meet on at least this many items (one meeting is chance). */
const MIN_JOINT = 2
/**
 * Added to a word's item count when estimating P(fact | word): a word seen on few items cannot claim a fact
 * outright ("hogwarts" on 3 films all tagged "wizards" still counts, at 3 / (3 + 2)).
 */
const WORD_SMOOTHING = 2
/** A wish keeps its strongest facts only … */
const MAX_FACTS = 8
/** … and those with at least this share of the strongest one's vote … */
const MIN_FACT_SHARE = 0.25
/**
 * … and at least this vote: one word on which a third of the items hold the fact at ten times its rate (1/3 × ln 10
 * ≈ 0.77) counts; a vague wish's scattered weak votes ("someone struggling to get sober" → "murder" 0.29) do not.
 */
const MIN_VOTE = 0.5
/**
 * A word of a company's name votes for that company only when at least this share of the items using it use it in a
 * company's name: a studio's own word names it ("dreamworks", "malpaso", "pixar": every use is in a name); a word
 * also common elsewhere does not ("capital" of Media Rights Capital: about two uses in three), though every film
 * made there uses it. Other words vote for companies as for tags ("spike lee", a tag, for 40 Acres & A Mule
 * Filmworks).
 */
const MIN_NAMING_SHARE = 0.75
/** Votes kept per word (its strongest facts). */
const VOTES_PER_WORD = 24
const MATCH_CACHE_SIZE = 512

/** A tag's key: its words' stems joined by spaces, so "Vampires" and "vampire", "con artists" and "con artist" meet. */
export type FactKey = (tag: string) => string

/**
 * The facts' names embedded by the build's encoder (`fact-meanings.f32`): a wish close in meaning to a fact's name
 * votes for it even when no word of the wish is used by its items ("struggling to get sober" → "alcoholism",
 * "deeply unsettling" → "disturbing").
 */
export interface FactMeanings {
  /** Fact names as written (lower-case), one per vector. */
  names: readonly string[]
  /** Unit vectors, `names.length` × `dimension`, in order. */
  vectors: Float32Array
  dimension: number
  /** Per name, its mean cosine to its closest items (how close it is to everything): ranks count against it. */
  hubness: readonly number[]
}

/**
 * A wish votes for the facts whose names are closest to its meaning (at most the blend's `meaningFacts`), ranked by
 * twice the cosine less the name's hubness (CSLS: "road movie" is close to every wish about a movie), each at least
 * this close (cosine); its vote is the cosine, on the scale of a word's vote (≥ {@link MIN_VOTE}).
 */
const MIN_MEANING_COSINE = 0.5

/**
 * Learns the word → fact votes of `items` (lazily, per term, at the first wish that says it: counting the tags of
 * the items using one term is a few thousand steps). A term is a word's stem or a pair of adjacent ones ("great
 * white" says "shark" where neither word alone does). `search.itemsUsing` lists the items (positions in `items`)
 * whose title, description, tags or companies use a term and `search.terms` reads a text into such terms; `keyOf`
 * reads a tag or company name as a fact. With `meanings`, the wish's vector (the same text's, so the cache key stays
 * the terms and the wish) votes for the facts named closest to it.
 */
export function createFactVotes(
  items: readonly Item[],
  search: { itemsUsing: ItemsUsing; terms: (text: string) => readonly string[] },
  keyOf: FactKey,
  meanings?: { facts: FactMeanings; count: number },
): (terms: readonly string[], wish?: { text: string; vector: Float32Array }) => FactMatch {
  const table = factTable(items, keyOf)
  const votesOf = wordVotes(table, search.itemsUsing, companyNamers(table, items, keyOf, search.terms))
  const meaningOf = meanings && meanings.count > 0 ? meaningVotes(table, keyOf, meanings.facts, meanings.count) : undefined
  const cache = new Map<string, FactMatch>()
  return (terms, wish) => {
    const closeTo = meaningOf && wish
    const key = `${terms.join('|')}${closeTo ? `\u0000${wish.text}` : ''}`
    const cached = cache.get(key)
    if (cached) return cached
    const votes = terms.map(votesOf)
    if (closeTo) votes.push(meaningOf(wish.vector))
    const result = matchFacts(table, items, votes)
    if (cache.size >= MATCH_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(key, result)
    return result
  }
}

/** Each item's facts (its tags and companies, as ids), each fact's items (positions), and how many items hold any. */
interface FactTable {
  names: string[]
  /** Each fact's id by its key (`names` read the other way). */
  idOfKey: ReadonlyMap<string, number>
  itemFacts: Int32Array[]
  factItems: number[][]
  tagged: number
}

function factTable(items: readonly Item[], keyOf: FactKey): FactTable {
  const ids = new Map<string, number>()
  const names: string[] = []
  const factItems: number[][] = []
  let tagged = 0
  // Many items share a tag as written ("based on novel"): each spelling is read once.
  const idOfTag = new Map<string, number | undefined>()
  const idOf = (tag: string): number | undefined => {
    if (idOfTag.has(tag)) return idOfTag.get(tag)
    const key = keyOf(tag)
    let id = key ? ids.get(key) : undefined
    if (key && id === undefined) {
      id = names.length
      ids.set(key, id)
      names.push(key)
      factItems.push([])
    }
    idOfTag.set(tag, id)
    return id
  }
  const itemFacts = items.map((item, at) => {
    const own = new Set<number>()
    for (const tag of [...item.tags, ...companiesOf(item)]) {
      const id = idOf(tag)
      if (id === undefined) continue
      if (!own.has(id)) (factItems[id] as number[]).push(at)
      own.add(id)
    }
    if (own.size) tagged++
    return Int32Array.from(own)
  })
  return { names, idOfKey: ids, itemFacts, factItems, tagged }
}

/** Which terms name companies: how many items use a term in a company's name, and whether a fact's name uses it. */
interface CompanyNamers {
  count(term: string): number
  inName(fact: number, term: string): boolean
}

/** Counted once, with the fact table: each company name read once, however many items it made. */
function companyNamers(
  table: FactTable,
  items: readonly Item[],
  keyOf: FactKey,
  termsOf: (text: string) => readonly string[],
): CompanyNamers {
  const counts = new Map<string, number>()
  const named = new Map<number, Set<string>>()
  const termsOfName = new Map<string, readonly string[]>()
  for (const item of items) {
    const own = new Set<string>()
    for (const name of companiesOf(item)) {
      let terms = termsOfName.get(name)
      if (!terms) {
        terms = termsOf(name)
        termsOfName.set(name, terms)
        const id = table.idOfKey.get(keyOf(name))
        if (id !== undefined && !named.has(id)) named.set(id, new Set(terms))
      }
      for (const t of terms) own.add(t)
    }
    for (const t of own) counts.set(t, (counts.get(t) ?? 0) + 1)
  }
  return {
    count: (term) => counts.get(term) ?? 0,
    inName: (fact, term) => named.get(fact)?.has(term) === true,
  }
}

/**
 * A word's votes: for each fact held by at least {@link MIN_JOINT} of the tagged items using the word, P(fact | word)
 * × ln(P(fact | word) / P(fact)) (its part of the word's mutual information with the fact), when the word makes the
 * fact likelier. A word that is everywhere or nowhere votes for nothing, and one mostly used outside company names
 * does not vote for the companies whose names use it ({@link MIN_NAMING_SHARE}). Cached per word.
 */
function wordVotes(
  table: FactTable,
  itemsUsing: ItemsUsing,
  companyNamers: CompanyNamers,
): (term: string) => Map<number, number> {
  const cache = new Map<string, Map<number, number>>()
  const none = new Map<number, number>()
  // One counter per fact, reused: a word's items may hold tens of thousands of tags between them.
  const together = new Int32Array(table.names.length)
  return (term) => {
    const cached = cache.get(term)
    if (cached) return cached
    const positions = itemsUsing(term)
    let seen = 0
    for (let i = 0; i < positions.length; i++) if ((table.itemFacts[positions[i] as number] as Int32Array).length) seen++
    let votes = none
    // A common word is counted, not read: its items' tags would be most of the catalogue's.
    if (seen >= MIN_WORD_ITEMS && seen <= MAX_WORD_SHARE * table.tagged) {
      const met: number[] = []
      for (let i = 0; i < positions.length; i++) {
        for (const f of table.itemFacts[positions[i] as number] as Int32Array) {
          if (together[f] === 0) met.push(f)
          together[f] = (together[f] as number) + 1
        }
      }
      const scored: [number, number][] = []
      const namesCompanies = companyNamers.count(term) >= MIN_NAMING_SHARE * positions.length
      for (const f of met) {
        const count = together[f] as number
        together[f] = 0
        if (count < MIN_JOINT || (!namesCompanies && companyNamers.inName(f, term))) continue
        const likely = count / (seen + WORD_SMOOTHING)
        const prior = (table.factItems[f] as number[]).length / table.tagged
        if (likely > prior) scored.push([f, likely * Math.log(likely / prior)])
      }
      scored.sort((a, b) => b[1] - a[1] || a[0] - b[0])
      votes = new Map(scored.slice(0, VOTES_PER_WORD))
    }
    cache.set(term, votes)
    return votes
  }
}

/**
 * A wish vector's votes: the `count` facts whose names are closest to it (hubness counted against them), each voting
 * its cosine when at least {@link MIN_MEANING_COSINE}. A name no item's tag holds any more (a live change) is skipped.
 */
function meaningVotes(
  table: FactTable,
  keyOf: FactKey,
  meanings: FactMeanings,
  count: number,
): (vector: Float32Array) => Map<number, number> {
  const factIds = meanings.names.map((name) => table.idOfKey.get(keyOf(name)))
  const { vectors, dimension, hubness } = meanings
  return (wish) => {
    const best: { id: number; cosine: number; rank: number }[] = []
    for (let row = 0; row < factIds.length; row++) {
      const id = factIds[row]
      if (id === undefined) continue
      let cosine = 0
      for (let k = 0, at = row * dimension; k < dimension; k++, at++) cosine += (vectors[at] as number) * (wish[k] as number)
      const rank = 2 * cosine - (hubness[row] as number)
      if (cosine < MIN_MEANING_COSINE || (best.length === count && rank <= (best.at(-1) as { rank: number }).rank)) continue
      best.push({ id, cosine, rank })
      best.sort((a, b) => b.rank - a.rank)
      if (best.length > count) best.pop()
    }
    const votes = new Map<number, number>()
    for (const { id, cosine } of best) votes.set(id, Math.max(votes.get(id) ?? 0, cosine))
    return votes
  }
}

/** The wish's facts (its words' votes summed, the strongest kept) and each item's score: the votes of its facts. */
function matchFacts(table: FactTable, items: readonly Item[], wordVotes: readonly Map<number, number>[]): FactMatch {
  const summed = new Map<number, number>()
  for (const votes of wordVotes) for (const [f, v] of votes) summed.set(f, (summed.get(f) ?? 0) + v)
  const ranked = [...summed].sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const top = ranked[0]?.[1] ?? 0
  const kept = ranked.filter(([, v]) => v >= MIN_VOTE && v >= MIN_FACT_SHARE * top).slice(0, MAX_FACTS)
  const scores = new Map<ItemId, number>()
  for (const [f, vote] of kept) {
    for (const at of table.factItems[f] as number[]) {
      const id = (items[at] as Item).id
      scores.set(id, (scores.get(id) ?? 0) + vote)
    }
  }
  let best = 0
  for (const s of scores.values()) if (s > best) best = s
  return { facts: kept.map(([f, vote]) => ({ fact: table.names[f] as string, vote })), scores, best }
}
