import type { Item, ItemId } from '../core/index.ts'

/**
 * A word of a wish that few items' text uses ("christmas", "heist", "zombies"): the sentence encoder blurs such a
 * word into its neighbourhood ("a classic Christmas film" lands near any warm family film), while its literal
 * presence in an item's title, description or tags is evidence. Words most items use say nothing, and neither do
 * words no other item uses.
 */
export interface Keyword {
  /**
   * The stem shared by the wish and the items ("zombie" for "zombies"), or the stems of a tag of several words the
   * wish says in order, joined by spaces ("time travel": each word alone is too common to count).
   */
  stem: string
  /** ln(items / items using it): rarer words weigh more. */
  idf: number
  /** The items whose title, description or tags use it, most popular first. */
  items: readonly ItemId[]
  has(id: ItemId): boolean
}

/** Where an item uses a term, with the text as written there (the whole tag or company name for those fields). */
export interface TermPlace {
  field: 'title' | 'description' | 'tags' | 'companies'
  word: string
}

/** How well every item's text matches a wish, by field-weighted BM25 over words and word pairs. */
export interface LexicalMatch {
  /** BM25 score per item that uses at least one of the wish's terms. */
  scores: ReadonlyMap<ItemId, number>
  /** The highest score (0 when nothing matches). */
  best: number
  /** The terms searched: stems and pairs of adjacent stems ("cold war", "con artist"), each used by few items. */
  terms: readonly string[]
}

export interface LexicalIndex {
  /**
   * The rare words of `text` the catalogue uses, each once, and their share (0–1) of the text's words, request words
   * aside: "dog", "heist" and "classic christmas" are all topic, "i like kristin wigg" or "birthday party for my
   * daughter" mostly not.
   */
  read(text: string): { keywords: Keyword[]; topicality: number }
  /** Where the item uses a stem or phrase of stems, as written there. */
  where(item: Item, stem: string): TermPlace | undefined
  /**
   * Scores every item against `text`: BM25 (k1 1.2, b 0.75) with each field's term counts weighted (title and
   * companies 3, tags 2, description 1) and length-normalised, over single stems and pairs of adjacent stems (a pair
   * counting twice), so "road trip" or "studio ghibli" said together outweigh either word alone. Cached per text.
   */
  match(text: string): LexicalMatch
}

/** A keyword is used by at most this share of the items (1.5%: "christmas" 1.0% of ml-latest-small, "good" 1.8%). */
const MAX_SHARE = 0.015
/** … and by at least this many; in a small catalogue up to MIN_CEILING items may share one. */
const MIN_ITEMS = 2
const MIN_CEILING = 3
const MIN_LETTERS = 3
/** Tags of two to this many counted words are also keywords as a whole ("based on a true story" counts three). */
const MAX_PHRASE_WORDS = 4
/** Words too common in requests to say what a film is about, whatever their frequency in a catalogue. */
const STOP = new Set(
  (
    'about after again also another anything around because before being best better character characters could ' +
    'does doing down during each enjoy enjoyed even every favorite favourite film films find from getting give good ' +
    'great have into just kind know like liked look looking lots love loved made make many maybe more most movie ' +
    'movies much need nice nothing only other over really recommend same seen show some something still such sure ' +
    'than that their them then there these they thing things think this those through very want watch watched ' +
    'were what when where which while with would your the and for not but you are was'
  ).split(' '),
)

/** The request words as stems too ("movie" → "movy"), for the search, which reads stems. */
const STOP_STEMS = new Set([...STOP, ...[...STOP].map(stemWord)])

/** How much a term counts in each field (a studio or title word says more than one in a plot summary). */
const FIELD_WEIGHTS = { title: 3, tags: 2, companies: 3, description: 1 } as const
type Field = keyof typeof FIELD_WEIGHTS
const FIELDS = Object.keys(FIELD_WEIGHTS) as Field[]
const K1 = 1.2
const B = 0.75
/** Terms more than this share of items use are not searched: they say nothing about a wish. */
const MAX_SEARCH_SHARE = 0.1
const MIN_SEARCH_CEILING = 5
const MATCH_CACHE_SIZE = 512
/** A pair of adjacent words found together counts this many times a single word: "road trip" is not "the road". */
const PAIR_WEIGHT = 2

/** Lowercase, possessives and plurals folded: "Zombies", "zombie's" and "zombie" meet, as "stories" and "story". */
export function stemWord(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '')
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`
  else if (w.length > 4 && /(?:ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1)
  // "zombie" and "zombies" (→ "zomby") meet, as "story" and "stories" do.
  if (w.length > 3 && w.endsWith('ie')) w = `${w.slice(0, -2)}y`
  return w
}

const WORD_RE = /\p{L}[\p{L}'’]*/gu

/** The words long enough to count, as written. */
function words(text: string): string[] {
  return (text.match(WORD_RE) ?? []).filter((w) => w.length >= MIN_LETTERS)
}

/** The stems of a text's words that are not request words, each once, in order. */
export function saidStems(text: string): string[] {
  return [...new Set(words(text).map(stemWord))].filter((s) => !STOP.has(s))
}

/** A tag of several words as its stems joined by spaces, or undefined for a one-word (or too long) tag. */
function phraseOf(tag: string): string | undefined {
  const stems = words(tag).map(stemWord)
  return stems.length >= 2 && stems.length <= MAX_PHRASE_WORDS ? stems.join(' ') : undefined
}

/** An item's companies (`metadata.companies`, "; "-separated), or none. */
export function companiesOf(item: Item): string[] {
  const raw = item.metadata.companies
  return typeof raw === 'string' && raw.trim() ? raw.split(';').map((c) => c.trim()) : []
}

/** The text pieces of each field; a term never spans two pieces (two tags, two companies). */
function fieldPieces(item: Item): Record<Field, string[]> {
  return { title: [item.title], tags: item.tags, companies: companiesOf(item), description: [item.description] }
}

/** The searchable terms of a piece of text: stems that are not request words, and pairs of adjacent ones. */
export function termsOf(text: string): string[] {
  return termsOfStems(words(text).map(stemWord))
}

function termsOfStems(stems: readonly string[]): string[] {
  const out: string[] = []
  stems.forEach((s, i) => {
    if (STOP_STEMS.has(s)) return
    out.push(s)
    const next = stems[i + 1]
    if (next !== undefined && !STOP_STEMS.has(next)) out.push(`${s} ${next}`)
  })
  return out
}

/** The stems of a text's words that say what it is about (no request words), each once, in order. */
export function contentStems(text: string): string[] {
  return [...new Set(words(text).map(stemWord))].filter((s) => !STOP_STEMS.has(s))
}

/**
 * Builds the lexical index over the items' titles, descriptions, tags and companies. `popularity` orders each
 * keyword's items.
 */
export function createLexicalIndex(items: readonly Item[], popularity: (id: ItemId) => number): LexicalIndex {
  const keyword = keywordLookup(runToEnd(keywordPostingsBuilder(items)), items.length, popularity)
  // The BM25 postings are built at the first search: a catalogue whose blend does not use them never pays for them.
  let search: ((text: string) => LexicalMatch) | undefined
  return lexicalIndexOf(keyword, (text) => {
    search ??= runToEnd(searchBuilder(items))
    return search(text)
  })
}

/**
 * The same index with the BM25 postings built at once, in slices of BUILD_SLICE items with `pause()` between
 * them, so a server composing it again after a live change keeps answering turns meanwhile.
 */
export async function buildLexicalIndex(
  items: readonly Item[],
  popularity: (id: ItemId) => number,
  pause: () => Promise<void>,
): Promise<LexicalIndex> {
  const keyword = keywordLookup(await runPausing(keywordPostingsBuilder(items), pause), items.length, popularity)
  const search = await runPausing(searchBuilder(items), pause)
  return lexicalIndexOf(keyword, search)
}

function lexicalIndexOf(keyword: (stem: string) => Keyword | undefined, search: (text: string) => LexicalMatch): LexicalIndex {
  return {
    read: (text) => readKeywords(text, keyword),
    where: (item, stem) => whereUsed(item, stem),
    match: search,
  }
}

/** Items an index build handles between two pauses: tens of milliseconds (each pause can let a whole turn through). */
const BUILD_SLICE = 2000

/** A build that yields after every BUILD_SLICE items and returns what it built. */
type SlicedBuild<T> = Generator<void, T, void>

function runToEnd<T>(build: SlicedBuild<T>): T {
  for (;;) {
    const step = build.next()
    if (step.done) return step.value
  }
}

async function runPausing<T>(build: SlicedBuild<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = build.next()
    if (step.done) return step.value
    await pause()
  }
}

function* keywordPostingsBuilder(items: readonly Item[]): SlicedBuild<Map<string, ItemId[]>> {
  const postings = new Map<string, ItemId[]>()
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % BUILD_SLICE === 0) yield
    const item = items[i] as Item
    for (const s of termsOfItem(item).keywords) pushTo(postings, s, item.id)
  }
  return postings
}

/** One field of an item as the search reads it: its length in stems, and its terms in order (repeats kept). */
interface FieldTerms {
  length: number
  terms: readonly string[]
}

/** What the indexes read of one item: tokenising the catalogue is the cost of building them. */
interface ItemTerms {
  /** The stems of title, description and tags, then the tags of several words as phrases, each once. */
  keywords: readonly string[]
  /** Per field of FIELDS. */
  fields: readonly FieldTerms[]
}

// Once per item object: a live change composes the recommender again over the same objects plus a few new ones,
// so only those are tokenised (a whole catalogue took most of a second). Items are never changed in place.
const itemTermsCache = new WeakMap<Item, ItemTerms>()

function termsOfItem(item: Item): ItemTerms {
  let terms = itemTermsCache.get(item)
  if (!terms) {
    terms = readItemTerms(item)
    itemTermsCache.set(item, terms)
  }
  return terms
}

function readItemTerms(item: Item): ItemTerms {
  const own = new Set(words(`${item.title} ${item.description} ${item.tags.join(' ')}`).map(stemWord))
  for (const tag of item.tags) {
    const phrase = phraseOf(tag)
    if (phrase) own.add(phrase)
  }
  const pieces = fieldPieces(item)
  const fields = FIELDS.map((f): FieldTerms => {
    // A term never spans two pieces (two tags, two companies).
    const stems = pieces[f].map((piece) => words(piece).map(stemWord))
    return { length: stems.reduce((n, p) => n + p.length, 0), terms: stems.flatMap((p) => termsOfStems(p)) }
  })
  return { keywords: [...own], fields }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** The keyword for a stem or tag phrase, when it is rare enough to say something (built once per stem). */
function keywordLookup(postings: ReadonlyMap<string, ItemId[]>, catalogueSize: number, popularity: (id: ItemId) => number) {
  const maxItems = Math.max(MIN_CEILING, Math.floor(MAX_SHARE * catalogueSize))
  const built = new Map<string, Keyword>()
  return (stem: string): Keyword | undefined => {
    const cached = built.get(stem)
    if (cached) return cached
    const list = postings.get(stem)
    if (!list || list.length < MIN_ITEMS || list.length > maxItems || STOP.has(stem)) return undefined
    const ordered = [...list].sort((a, b) => popularity(b) - popularity(a))
    const members = new Set(list)
    const k: Keyword = { stem, idf: Math.log(catalogueSize / list.length), items: ordered, has: (id) => members.has(id) }
    built.set(stem, k)
    return k
  }
}

function readKeywords(text: string, keyword: (stem: string) => Keyword | undefined) {
  const sequence = words(text).map(stemWord)
  const said = saidStems(text)
  // Tags of several words said in order, longest first (a shorter one inside a longer one adds nothing); their
  // words count as topic even when each alone is too common to be a keyword ("time travel").
  const phrases: Keyword[] = []
  const covered = new Set<string>()
  for (let n = MAX_PHRASE_WORDS; n >= 2; n--) {
    for (let i = 0; i + n <= sequence.length; i++) {
      const part = sequence.slice(i, i + n)
      if (part.every((s) => covered.has(s))) continue
      const k = keyword(part.join(' '))
      if (!k || phrases.includes(k)) continue
      phrases.push(k)
      for (const s of part) covered.add(s)
    }
  }
  // Each rare word also counts alone: "zombie apocalypse" still finds the zombie films without that tag.
  const single = said.map(keyword).filter((k): k is Keyword => k !== undefined)
  const topical = said.filter((s) => covered.has(s) || single.some((k) => k.stem === s)).length
  return { keywords: [...phrases, ...single], topicality: said.length ? topical / said.length : 0 }
}

/** Where the item uses a stem or phrase: a whole tag, then the title, a tag's words, a company, the description. */
function whereUsed(item: Item, stem: string): TermPlace | undefined {
  if (stem.includes(' ')) {
    const tag = item.tags.find((t) => phraseOf(t) === stem)
    if (tag) return { field: 'tags', word: tag }
  }
  const wanted = stem.split(' ')
  const find = (text: string) => {
    const ws = words(text)
    const stems = ws.map(stemWord)
    for (let i = 0; i + wanted.length <= stems.length; i++) {
      if (wanted.every((w, j) => stems[i + j] === w)) return ws.slice(i, i + wanted.length).join(' ')
    }
    return undefined
  }
  const inTitle = find(item.title)
  if (inTitle) return { field: 'title', word: inTitle }
  const tag = item.tags.find((t) => find(t))
  if (tag) return { field: 'tags', word: tag }
  const company = companiesOf(item).find((c) => find(c))
  if (company) return { field: 'companies', word: company }
  const inDescription = find(item.description)
  return inDescription ? { field: 'description', word: inDescription } : undefined
}

/** Field-weighted BM25 postings: per term, the items using it and their length-normalised weighted counts. */
function* searchBuilder(items: readonly Item[]): SlicedBuild<(text: string) => LexicalMatch> {
  const fields: (readonly FieldTerms[])[] = []
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % BUILD_SLICE === 0) yield
    fields.push(termsOfItem(items[i] as Item).fields)
  }
  const lengths = fields.map((f) => f.map((field) => field.length))
  // The average over the items that have the field: most films have no tags, which must not make a tagged one long.
  const avgLength = FIELDS.map((_, k) => {
    const present = lengths.map((l) => l[k] as number).filter((l) => l > 0)
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 1
  })
  const postings = new Map<string, { at: number[]; tf: number[] }>()
  for (let at = 0; at < fields.length; at++) {
    if (at > 0 && at % BUILD_SLICE === 0) yield
    const itemFields = fields[at] as readonly FieldTerms[]
    const weighted = new Map<string, number>()
    FIELDS.forEach((f, k) => {
      const field = itemFields[k] as FieldTerms
      const norm = 1 - B + (B * field.length) / (avgLength[k] as number)
      for (const term of field.terms) weighted.set(term, (weighted.get(term) ?? 0) + FIELD_WEIGHTS[f] / norm)
    })
    for (const [term, tf] of weighted) {
      let list = postings.get(term)
      if (!list) {
        list = { at: [], tf: [] }
        postings.set(term, list)
      }
      list.at.push(at)
      list.tf.push(tf)
    }
  }
  const n = items.length
  // In a small catalogue a share is a handful of items: up to MIN_SEARCH_CEILING (at most half of them) may share a term.
  const maxDf = Math.max(Math.min(MIN_SEARCH_CEILING, n / 2), MAX_SEARCH_SHARE * n)
  const cache = new Map<string, LexicalMatch>()
  return (text) => {
    const key = text.trim().toLowerCase()
    const cached = cache.get(key)
    if (cached) return cached
    const terms = [...new Set(termsOf(text))].filter((t) => {
      const df = postings.get(t)?.at.length ?? 0
      return df > 0 && df <= maxDf
    })
    const scores = new Map<ItemId, number>()
    for (const t of terms) {
      const list = postings.get(t) as { at: number[]; tf: number[] }
      const idf = Math.log(1 + (n - list.at.length + 0.5) / (list.at.length + 0.5)) * (t.includes(' ') ? PAIR_WEIGHT : 1)
      list.at.forEach((at, i) => {
        const tf = list.tf[i] as number
        const id = (items[at] as Item).id
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (K1 + 1)) / (K1 + tf))
      })
    }
    let best = 0
    for (const s of scores.values()) if (s > best) best = s
    const result = { scores, best, terms }
    if (cache.size >= MATCH_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(key, result)
    return result
  }
}
