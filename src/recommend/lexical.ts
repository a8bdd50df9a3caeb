import { AppError, type Item, type ItemId, LruCache } from '../core/index.ts'

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
  /**
   * The wish's own stems this keyword stands for, when the wish names it otherwise ("lone star state" for "texa",
   * see `LexicalOptions.vocabulary`); absent when the wish says the keyword's own words.
   */
  said?: readonly string[]
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
  /**
   * A single word the description writes only as part of a name (capitalised inside a sentence: "Twist" of "Oliver
   * Twist"): there it is not the word a wish says ("a clever twist"). See {@link readsAsName}.
   */
  asName?: true
}

/** How well every item's text matches a wish, by field-weighted BM25 over words and word pairs. */
export interface LexicalMatch {
  /** BM25 score per item that uses at least one of the wish's terms. */
  scores: ReadonlyMap<ItemId, number>
  /** The highest score (0 when nothing matches). */
  best: number
  /** The terms searched: stems and pairs of adjacent stems ("cold war", "con artist"), each used by few items. */
  terms: readonly string[]
  /**
   * The items using a distinctive word of the wish: one not far more common than its rarest (see
   * {@link COMMON_FACTOR}), a pair of its words together, or a word the catalogue's vocabulary added for it.
   * "submarine crew" needs "submarine" (or the pair), not "crew" alone.
   */
  distinctive: ReadonlySet<ItemId>
  /** The items using two adjacent words of the wish together ("tim burton", "cold war"). */
  together: ReadonlySet<ItemId>
}

export interface LexicalIndex {
  /**
   * The rare words of `text` the catalogue uses, each once, and their share (0–1) of the text's words, request words
   * aside: "dog", "heist" and "classic christmas" are all topic, "i like kristin wigg" or "birthday party for my
   * daughter" mostly not.
   */
  read(text: string, filtered?: ReadonlySet<string>): { keywords: Keyword[]; topicality: number }
  /** Where the item uses a stem or phrase of stems, as written there. */
  where(item: Item, stem: string): TermPlace | undefined
  /**
   * Scores every item against `text`: BM25 (k1 1.2, b 0.75) with each field's term counts weighted (title and
   * companies 3, tags 2, description 1) and length-normalised, over single stems and pairs of adjacent stems (a pair
   * counting twice), so "road trip" or "studio ghibli" said together outweigh either word alone. Cached per text.
   * `filtered`: stems a filter of the request carries ("thriller" of "political thriller" among thrillers), searched
   * only in pairs with another word of the wish, never alone; they count only in a tag said whole in `read`.
   */
  match(text: string, filtered?: ReadonlySet<string>): LexicalMatch
  /**
   * The terms the search reads in `text` (stems, or roots, and pairs of adjacent ones), each once; `filtered` stems
   * only in pairs, as `match` reads them.
   */
  terms(text: string, filtered?: ReadonlySet<string>): string[]
  /** The items (positions in the list the index was built over) whose text uses a search term, in any field. */
  itemsUsing(term: string): ArrayLike<number>
  /** The phrases of `text` the vocabulary names otherwise ("lone star state" → "texas"), read as also saying those words. */
  otherNames(text: string): readonly OtherName[]
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
    'were what when where which while with would your the and for not but you are was ' +
    'who whom whose she her hers his him its out off into onto upon how why has had can our'
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
const NO_STEMS: ReadonlySet<string> = new Set()

/** A pair of adjacent words found together counts this many times a single word: "road trip" is not "the road". */
const PAIR_WEIGHT = 2
/**
 * A word of a wish used by more than this many times as many items as the wish's rarest word is common beside it:
 * "crew" (1.5% of ml-latest-small) beside "submarine" (0.2%). An item that uses only such words is no match of
 * the wish's own; two words as rare as each other are each distinctive.
 */
export const COMMON_FACTOR = 4

/**
 * Lowercase, possessives and plurals folded: "Zombies", "zombie's" and "zombie" meet, as "stories" and "story", "wolves"
 * and "wolf".
 */
export function stemWord(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, '')
  // "wolves" and "wolf", "thieves" and "thief" meet ("knives", "drives" and "detectives" are left: no rule for -ives).
  if (w.length > 4 && /(?:lves|ieves)$/.test(w)) w = `${w.slice(0, -3)}f`
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`
  else if (w.length > 4 && /(?:ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1)
  // "zombie" and "zombies" (→ "zomby") meet, as "story" and "stories" do.
  if (w.length > 3 && w.endsWith('ie')) w = `${w.slice(0, -2)}y`
  return w
}

/** A root keeps at least this many letters: "typing" is "typ" as "type" is, "using" is not "us". */
const MIN_ROOT_LETTERS = 3
const DERIVED_SUFFIX_RE = /(?:ing|er|ed|e)$/

/**
 * The root shared by a stem's derived forms: "-ing", "-er", "-ed" and a final "e" dropped, a doubled final consonant
 * single, "-iz" as "-is", so "edit", "editing" and "edited" meet, as "play", "player" and "playing", "record" and
 * "recorder", "browse", "browser" and "browsing", "modelling" and "model", "organizer" and "organise". Catalogues
 * of programs name their facets by activity ("editing", "viewing", "downloading") where people say "edit", "view",
 * "download".
 */
export function rootWord(stem: string): string {
  let w = stem
  const stripped = w.replace(DERIVED_SUFFIX_RE, '')
  if (stripped.length >= MIN_ROOT_LETTERS && stripped !== w) w = stripped
  if (/([b-df-hj-np-tv-z])\1$/.test(w) && w.length > MIN_ROOT_LETTERS) w = w.slice(0, -1)
  return w.replace(/iz$/, 'is')
}

const WORD_RE = /\p{L}[\p{L}'’]*/gu
/**
 * A Roman numeral of a name ("World War I", "Rocky II", "Part IV"): a word though shorter than one, when it follows a
 * word with only spaces between. Never searched alone (`isNumeral`): only in a pair ("war i") and in a tag's key, so
 * "world war i" and "world war ii" are two facts, not both "world war".
 */
const NUMERAL_RE = /^(?:i|ii|iv|v|vi|vii|viii|ix|x)$/i
const isNumeral = (stem: string) => NUMERAL_RE.test(stem)

/** The words long enough to count, as written. */
function words(text: string): string[] {
  return wordsAt(text).map((w) => w.word)
}

/** The words long enough to count (and the numerals of names), as written, each with where it starts in the text. */
function wordsAt(text: string): { word: string; index: number }[] {
  const out: { word: string; index: number }[] = []
  let wordEnd = -1
  for (const m of text.matchAll(WORD_RE)) {
    const word = m[0]
    const numeral = wordEnd >= 0 && isNumeral(word) && /^ +$/.test(text.slice(wordEnd, m.index))
    if (word.length >= MIN_LETTERS || numeral) out.push({ word, index: m.index })
    wordEnd = word.length >= MIN_LETTERS ? m.index + word.length : -1
  }
  return out
}

/** What may stand between a sentence's end and its first word: spaces, opening quotes and brackets. */
const SENTENCE_OPENING_RE = /[\s"'“‘([]+$/u
const SENTENCE_END_RE = /[.!?…:]$/

/**
 * Whether a word, where a text writes it, reads as part of a name: capitalised, and not where a sentence starts
 * ("Twist" of "the story of Oliver Twist", but not of "Twists abound."). Names are told from words by how they are
 * written, not by a list of them.
 */
function readsAsName(text: string, at: { word: string; index: number }): boolean {
  const first = at.word.charAt(0)
  if (first === first.toLowerCase()) return false
  const before = text.slice(0, at.index).replace(SENTENCE_OPENING_RE, '')
  return before !== '' && !SENTENCE_END_RE.test(before)
}

/** Whether a text (a wish) writes a stem as part of a name ("a film about Oliver Twist" writes "twist" so). */
export function writesAsName(text: string, stem: string): boolean {
  return wordsAt(text).some((at) => stemWord(at.word) === stem && readsAsName(text, at))
}

/** The stems of a text's words that are not request words, each once, in order. */
export function saidStems(text: string): string[] {
  return [...new Set(words(text).map(stemWord))].filter((s) => !STOP.has(s) && !isNumeral(s))
}

/** A tag as its words' stems joined by spaces ("Con Artists" → "con artist"), so its spellings meet; "" for none. */
export function tagKey(tag: string): string {
  return words(tag).map(stemWord).join(' ')
}

/**
 * Where an item holds a fact (a tag or a company) by its key, spelled as the item has it, tags first; undefined when
 * it holds no such fact. The one rule for "this item holds that fact" (facts named in reasons, facts refused by name).
 */
export function heldAs(item: Item, factKey: string): TermPlace | undefined {
  const tag = item.tags.find((t) => tagKey(t) === factKey)
  if (tag !== undefined) return { field: 'tags', word: tag }
  const company = companiesOf(item).find((c) => tagKey(c) === factKey)
  return company === undefined ? undefined : { field: 'companies', word: company }
}

/**
 * Whether a tag's key keeps every word of it: "world war i" and "world war ii" are both "world war" to the search
 * (numerals and words under three letters are no words to it), so neither is named whole by any text.
 */
export function tagKeptWhole(tag: string): boolean {
  return tagKey(tag).split(' ').length === tag.split(/[^\p{L}\p{N}'’]+/u).filter(Boolean).length
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

/** How a search term is made from a stem: the stem itself, or its root (`rootWord`) when derived forms meet. */
type TermForm = (stem: string) => string
const asStem: TermForm = (stem) => stem

/** The searchable terms of a piece of text: stems that are not request words, and pairs of adjacent ones. */
export function termsOf(text: string, form: TermForm = asStem): string[] {
  return termsOfStems(words(text).map(stemWord), form)
}

function termsOfStems(stems: readonly string[], form: TermForm): string[] {
  const out: string[] = []
  stems.forEach((s, i) => {
    if (STOP_STEMS.has(s) || isNumeral(s)) return
    out.push(form(s))
    const next = stems[i + 1]
    if (next !== undefined && !STOP_STEMS.has(next)) out.push(`${form(s)} ${form(next)}`)
  })
  return out
}

/** The stems of a text's words that say what it is about (no request words), each once, in order. */
export function contentStems(text: string): string[] {
  return [...new Set(words(text).map(stemWord))].filter((s) => !STOP_STEMS.has(s) && !isNumeral(s))
}

/** How the index reads words. */
export interface LexicalOptions {
  /**
   * Search by roots (`rootWord`): "edit videos" meets "video editing", "record audio" an audio "recorder". Off, the
   * search reads stems (plurals folded) only.
   */
  roots?: boolean
  /**
   * The catalogue's words for things people name otherwise (a domain profile's `searchWords`, and the other names a
   * thesaurus gives its tags): a wish that says one of `phrases` is also read as saying `terms` ("a falling blocks
   * game" also "tetris", "the lone star state" also "texas"), by every reader of its words (`read`, `match`, `terms`).
   */
  vocabulary?: readonly SearchWords[]
}

/** Words a catalogue uses for what people call otherwise. */
export interface SearchWords {
  phrases: readonly string[]
  terms: readonly string[]
}

/** The catalogue's words for phrases a wish may say: each phrase's stems joined by spaces → the words for it. */
interface CompiledVocabulary {
  byTokens: ReadonlyMap<string, string[]>
  /** The most tokens any phrase has. */
  longest: number
}

/** A phrase of a wish the catalogue names otherwise, and the catalogue's words for it. */
export interface OtherName {
  /** As the wish says it, lower-case ("lone star state" for the vocabulary's "Lone-Star State"). */
  phrase: string
  words: string
}

/** A phrase's tokens, case-blind: letters and digits, hyphens and spaces alike ("Lone-Star State" → lone star state). */
const phraseTokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}'’]+/gu) ?? []
/** A phrase's tokens as stems, so plurals meet ("high rollers" says "high roller"). */
const phraseKey = (tokens: readonly string[]) => tokens.map(stemWord).join(' ')

/**
 * The phrases of a text the vocabulary names otherwise, read once per text: every reader of a wish (`read`, `match`,
 * `terms`) and its explanations ask for them.
 */
function otherNamesReader(vocabulary: CompiledVocabulary): (text: string) => readonly OtherName[] {
  const cache = new LruCache<string, readonly OtherName[]>(MATCH_CACHE_SIZE)
  return (text) => {
    let names = cache.get(text)
    if (!names) {
      names = otherNamesIn(text, vocabulary)
      cache.set(text, names)
    }
    return names
  }
}

/** Each entry's phrases by their tokens. */
function compileVocabulary(vocabulary: readonly SearchWords[]): CompiledVocabulary {
  const byTokens = new Map<string, string[]>()
  let longest = 0
  for (const { phrases, terms } of vocabulary) {
    for (const phrase of phrases) {
      const tokens = phraseTokens(phrase)
      if (!tokens.length) continue
      const key = phraseKey(tokens)
      byTokens.set(key, [...(byTokens.get(key) ?? []), terms.join(' ')])
      longest = Math.max(longest, tokens.length)
    }
  }
  return { byTokens, longest }
}

/** The phrases of `text` the vocabulary names otherwise, each entry once. */
function otherNamesIn(text: string, vocabulary: CompiledVocabulary): OtherName[] {
  if (!vocabulary.byTokens.size) return []
  const tokens = phraseTokens(text)
  const found = new Map<string, OtherName>()
  for (let n = 1; n <= vocabulary.longest; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const part = tokens.slice(i, i + n)
      for (const words of vocabulary.byTokens.get(phraseKey(part)) ?? []) found.set(words, { phrase: part.join(' '), words })
    }
  }
  return [...found.values()]
}

/**
 * A wish with the catalogue's words for what it says (its `names`, `LexicalOptions.vocabulary`) added, each after a
 * function word, so no pair of words is searched across the seam ("windy city" + "chicago" is no "city chicago").
 */
function withVocabulary(text: string, names: readonly OtherName[]): string {
  return names.length ? `${text} and ${names.map((n) => n.words).join(' and ')}` : text
}

/**
 * Term → postings, flat: the terms sorted (code-unit order), and each term's item positions (and weights) at
 * `starts[i]` to `starts[i + 1]`. Plain strings and typed arrays, so the table crosses threads cheaply (a build's
 * reader thread makes it) and is looked up by binary search without building a Map on the serving thread.
 */
export interface Postings {
  terms: string[]
  starts: Int32Array
  /** Positions in the item list the table was built from, ascending within a term. */
  at: Int32Array
  /** BM25 only: the length-normalised, field-weighted count of the term in each item. */
  weights?: Float64Array
}

/**
 * What the lexical index derives from the items, the same whichever thread builds it: which items use each stem
 * (and tag phrase), and the BM25 postings. Positions refer to {@link uniqueItems} of the items.
 */
export interface LexicalTables {
  itemCount: number
  keywords: Postings
  search: Postings
}

/** The items, one per id (the last of duplicates, where the first stood): the list the lexical tables index. */
export function uniqueItems(items: readonly Item[]): Item[] {
  return [...new Map(items.map((item) => [item.id, item])).values()]
}

/** Both lexical tables of `uniqueItems(items)`: what a build's reader thread hands to the server. */
export function buildLexicalTables(items: readonly Item[]): LexicalTables {
  const list = uniqueItems(items)
  const stems = stemsOf(list)
  return { itemCount: list.length, keywords: keywordPostings(list, stems), search: searchPostings(list, asStem, stems) }
}

/**
 * Builds the lexical index over the items' titles, descriptions, tags and companies. `popularity` orders each
 * keyword's items. `tables` ({@link buildLexicalTables} of the same items, e.g. made in another thread) saves
 * building them here (their BM25 postings read stems: a search by roots builds its own); without them the keyword
 * postings are built now and the BM25 postings at the first search.
 */
export function createLexicalIndex(
  items: readonly Item[],
  popularity: (id: ItemId) => number,
  options: LexicalOptions & { tables?: LexicalTables } = {},
): LexicalIndex {
  const form: TermForm = options.roots ? rootWord : asStem
  const otherNames = otherNamesReader(compileVocabulary(options.vocabulary ?? []))
  const { tables } = options
  if (tables && tables.itemCount !== items.length) {
    throw new AppError('internal', `Lexical tables of ${tables.itemCount} items given for ${items.length} items`, {
      details: { tables: tables.itemCount, items: items.length },
    })
  }
  const keyword = keywordLookup(tables?.keywords ?? keywordPostings(items), items, popularity)
  // The BM25 postings are built at the first search: a catalogue whose blend does not use them never pays for them.
  let search: ((own: string, text: string, filtered: ReadonlySet<string>) => LexicalMatch) | undefined
  let searchTable: Postings | undefined
  const searchTableOf = () => {
    searchTable ??= (form === asStem ? tables?.search : undefined) ?? searchPostings(items, form)
    return searchTable
  }
  return {
    read: (text, filtered) => readKeywords(text, keyword, filtered, otherNames(text)),
    where: (item, stem) => whereUsed(item, stem, form),
    match: (text, filtered = NO_STEMS) => {
      search ??= createSearch(items, searchTableOf(), form)
      return search(text, withVocabulary(text, otherNames(text)), new Set([...filtered].map(form)))
    },
    otherNames,
    terms: (text, filtered = NO_STEMS) =>
      searchedTerms(withVocabulary(text, otherNames(text)), form, new Set([...filtered].map(form))),
    itemsUsing: (term) => {
      const table = searchTableOf()
      const found = postingsOf(table, term)
      return found ? table.at.subarray(found.start, found.end) : []
    },
  }
}

/** The items using each stem of their title, description, tags and companies, and each tag phrase of several words. */
function keywordPostings(items: readonly Item[], stems = stemsOf(items)): Postings {
  const postings = postingsBuilder(false)
  const field = (fields: string[][][], name: Field) => fields[FIELDS.indexOf(name)] as string[][]
  items.forEach((_, at) => {
    const fields = stems[at] as string[][][]
    const tagStems = field(fields, 'tags')
    // The words of every field (a studio's name is as much a wish's rare word as a plot's: "from dreamworks"), and
    // each tag of several words as a phrase.
    const all = [field(fields, 'title'), field(fields, 'description'), tagStems, field(fields, 'companies')].flat(2)
    const own = new Set(all.filter((s) => !isNumeral(s)))
    for (const tag of tagStems) if (tag.length >= 2 && tag.length <= MAX_PHRASE_WORDS) own.add(tag.join(' '))
    for (const s of own) postings.add(s, at)
  })
  return postings.finish()
}

/** Each item's stems: per field (FIELDS order), per piece (a tag, a company), in order. */
function stemsOf(items: readonly Item[]): string[][][][] {
  return items.map((item) => {
    const pieces = fieldPieces(item)
    return FIELDS.map((f) => pieces[f].map((t) => words(t).map(stemWord)))
  })
}

/**
 * Collects (term, item position, weight) in item order into flat {@link Postings}: growing typed arrays and one
 * term → number Map, then a counting sort by term, so a catalogue's hundreds of thousands of postings make no
 * array per term (what made building them slow and heavy on the collector).
 */
function postingsBuilder(withWeights: boolean) {
  const termIds = new Map<string, number>()
  const names: string[] = []
  let termOf = new Int32Array(1 << 16)
  let positions = new Int32Array(1 << 16)
  let weights = withWeights ? new Float64Array(1 << 16) : undefined
  let count = 0
  const grow = () => {
    const bigger = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2)
      b.set(a)
      return b
    }
    termOf = bigger(termOf)
    positions = bigger(positions)
    if (weights) weights = bigger(weights)
  }
  return {
    add(term: string, at: number, weight = 0): void {
      let id = termIds.get(term)
      if (id === undefined) {
        id = names.length
        termIds.set(term, id)
        names.push(term)
      }
      if (count === termOf.length) grow()
      termOf[count] = id
      positions[count] = at
      if (weights) weights[count] = weight
      count++
    },
    finish(): Postings {
      const terms = [...names].sort()
      const rank = new Int32Array(names.length)
      terms.forEach((term, i) => {
        rank[termIds.get(term) as number] = i
      })
      const starts = new Int32Array(terms.length + 1)
      for (let k = 0; k < count; k++) (starts[(rank[termOf[k] as number] as number) + 1] as number)++
      for (let i = 0; i < terms.length; i++) starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number)
      const next = starts.slice(0, terms.length)
      const at = new Int32Array(count)
      const sortedWeights = weights ? new Float64Array(count) : undefined
      for (let k = 0; k < count; k++) {
        const dest = (next[rank[termOf[k] as number] as number] as number)++
        at[dest] = positions[k] as number
        if (sortedWeights) sortedWeights[dest] = (weights as Float64Array)[k] as number
      }
      return { terms, starts, at, ...(sortedWeights ? { weights: sortedWeights } : {}) }
    },
  }
}

/** Where a term's postings sit in the flat arrays (`start` to `end`), or undefined when no item uses it. */
function postingsOf(postings: Postings, term: string): { start: number; end: number } | undefined {
  const { terms, starts } = postings
  let lo = 0
  let hi = terms.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const t = terms[mid] as string
    if (t === term) return { start: starts[mid] as number, end: starts[mid + 1] as number }
    if (t < term) lo = mid + 1
    else hi = mid - 1
  }
  return undefined
}

/** The keyword for a stem or tag phrase, when it is rare enough to say something (built once per stem). */
function keywordLookup(postings: Postings, items: readonly Item[], popularity: (id: ItemId) => number) {
  const catalogueSize = items.length
  const maxItems = Math.max(MIN_CEILING, Math.floor(MAX_SHARE * catalogueSize))
  const built = new Map<string, Keyword>()
  return (stem: string): Keyword | undefined => {
    const cached = built.get(stem)
    if (cached) return cached
    const found = postingsOf(postings, stem)
    const count = found ? found.end - found.start : 0
    if (!found || count < MIN_ITEMS || count > maxItems || STOP.has(stem)) return undefined
    const list = Array.from(postings.at.subarray(found.start, found.end), (at) => (items[at] as Item).id)
    const ordered = [...list].sort((a, b) => popularity(b) - popularity(a))
    const members = new Set(list)
    const k: Keyword = { stem, idf: Math.log(catalogueSize / list.length), items: ordered, has: (id) => members.has(id) }
    built.set(stem, k)
    return k
  }
}

function readKeywords(
  text: string,
  keyword: (stem: string) => Keyword | undefined,
  filtered: ReadonlySet<string> = NO_STEMS,
  otherNames: readonly OtherName[] = [],
) {
  const sequence = words(text).map(stemWord)
  const said = saidStems(text).filter((s) => !filtered.has(s))
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
  // A phrase the catalogue names otherwise is topic too, read as the catalogue's words ("lone star state": "texas").
  for (const name of otherNames) {
    const k = keyword(tagKey(name.words))
    if (!k || phrases.some((p) => p.stem === k.stem)) continue
    const stems = saidStems(name.phrase)
    phrases.push({ ...k, said: stems })
    for (const s of stems) covered.add(s)
  }
  // Each rare word also counts alone: "zombie apocalypse" still finds the zombie films without that tag.
  const single = said.map(keyword).filter((k): k is Keyword => k !== undefined && !phrases.some((p) => p.stem === k.stem))
  const topical = said.filter((s) => covered.has(s) || single.some((k) => k.stem === s)).length
  return { keywords: [...phrases, ...single], topicality: said.length ? topical / said.length : 0 }
}

/**
 * Where the item uses a stem or phrase (or a term of the search, in the index's `form`): a whole tag, then the title, a
 * tag's words, a company, the description.
 */
function whereUsed(item: Item, stem: string, form: TermForm): TermPlace | undefined {
  if (stem.includes(' ')) {
    const tag = item.tags.find((t) => phraseOf(t) === stem)
    if (tag) return { field: 'tags', word: tag }
  }
  const wanted = stem.split(' ')
  const same = (s: string, w: string) => s === w || (form !== asStem && form(s) === w)
  const find = (text: string) => usesOf(text, wanted, same)[0]?.word
  const inTitle = find(item.title)
  if (inTitle) return { field: 'title', word: inTitle }
  const tag = item.tags.find((t) => find(t))
  if (tag) return { field: 'tags', word: tag }
  const company = companiesOf(item).find((c) => find(c))
  if (company) return { field: 'companies', word: company }
  return inDescription(item.description, wanted, same)
}

/** Where a text uses the stems `wanted` in a row, as written there, in order. */
function usesOf(
  text: string,
  wanted: readonly string[],
  same: (stem: string, wanted: string) => boolean,
): { word: string; index: number }[] {
  const ws = wordsAt(text)
  const stems = ws.map((w) => stemWord(w.word))
  const out: { word: string; index: number }[] = []
  for (let i = 0; i + wanted.length <= stems.length; i++) {
    if (!wanted.every((w, j) => same(stems[i + j] as string, w))) continue
    const run = ws.slice(i, i + wanted.length)
    out.push({ word: run.map((w) => w.word).join(' '), index: (run[0] as { index: number }).index })
  }
  return out
}

/**
 * Where a description uses the stems: a single word preferably where it is the word itself, marked `asName` when the
 * description writes it only inside names ("Oliver Twist" for "twist"). Phrases are quoted as found ("Cold War").
 */
function inDescription(
  description: string,
  wanted: readonly string[],
  same: (stem: string, wanted: string) => boolean,
): TermPlace | undefined {
  const uses = usesOf(description, wanted, same)
  const first = uses[0]
  if (!first) return undefined
  if (wanted.length > 1) return { field: 'description', word: first.word }
  const plain = uses.find((at) => !readsAsName(description, at))
  return plain ? { field: 'description', word: plain.word } : { field: 'description', word: first.word, asName: true }
}

/** Field-weighted BM25 postings: per term, the items using it and their length-normalised weighted counts. */
function searchPostings(items: readonly Item[], form: TermForm = asStem, stems = stemsOf(items)): Postings {
  const lengths = stems.map((fields) => fields.map((pieces) => pieces.reduce((n, p) => n + p.length, 0)))
  // The average over the items that have the field: most films have no tags, which must not make a tagged one long.
  const avgLength = FIELDS.map((_, k) => {
    const present = lengths.map((l) => l[k] as number).filter((l) => l > 0)
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 1
  })
  const postings = postingsBuilder(true)
  stems.forEach((fields, at) => {
    const weighted = new Map<string, number>()
    FIELDS.forEach((f, k) => {
      const norm = 1 - B + (B * ((lengths[at] as number[])[k] as number)) / (avgLength[k] as number)
      for (const piece of fields[k] as string[][]) {
        for (const term of termsOfStems(piece, form)) weighted.set(term, (weighted.get(term) ?? 0) + FIELD_WEIGHTS[f] / norm)
      }
    })
    for (const [term, tf] of weighted) postings.add(term, at, tf)
  })
  return postings.finish()
}

/** The terms of `text` a search reads, each once: `filtered` ones (in the search's form) only inside pairs. */
function searchedTerms(text: string, form: TermForm, filtered: ReadonlySet<string>): string[] {
  return [...new Set(termsOf(text, form))].filter((term) => !filtered.has(term))
}

/**
 * BM25 (k1 1.2, b 0.75) over the postings for `text` (the wish with any vocabulary terms added), cached per text;
 * `own` is the wish as said, whose rarest words make an item's match distinctive.
 */
function createSearch(
  items: readonly Item[],
  postings: Postings,
  form: TermForm,
): (own: string, text: string, filtered: ReadonlySet<string>) => LexicalMatch {
  const n = items.length
  const tfs = postings.weights as Float64Array
  // In a small catalogue a share is a handful of items: up to MIN_SEARCH_CEILING (at most half of them) may share a term.
  const maxDf = Math.max(Math.min(MIN_SEARCH_CEILING, n / 2), MAX_SEARCH_SHARE * n)
  const cache = new Map<string, LexicalMatch>()
  return (own, text, filtered) => {
    const key = `${text.trim().toLowerCase()}\u0000${[...filtered].sort().join(' ')}`
    const cached = cache.get(key)
    if (cached) return cached
    const found = searchedTerms(text, form, filtered)
      .map((term) => ({ term, at: postingsOf(postings, term) }))
      .filter((t): t is { term: string; at: { start: number; end: number } } => {
        const df = t.at ? t.at.end - t.at.start : 0
        return df > 0 && df <= maxDf
      })
    const scores = new Map<ItemId, number>()
    for (const { term, at: range } of found) {
      const df = range.end - range.start
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (term.includes(' ') ? PAIR_WEIGHT : 1)
      for (let i = range.start; i < range.end; i++) {
        const tf = tfs[i] as number
        const id = (items[postings.at[i] as number] as Item).id
        scores.set(id, (scores.get(id) ?? 0) + (idf * tf * (K1 + 1)) / (K1 + tf))
      }
    }
    let best = 0
    for (const s of scores.values()) if (s > best) best = s
    const tables = { items, postings }
    const distinctive = distinctiveItems(found, new Set(termsOf(own, form)), tables)
    const together = usersOf(
      found.filter((t) => t.term.includes(' ')),
      tables,
    )
    const result = { scores, best, terms: found.map((t) => t.term), distinctive, together }
    if (cache.size >= MATCH_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(key, result)
    return result
  }
}

/**
 * The items using a distinctive word of a wish: a word of it used by at most {@link COMMON_FACTOR} times as many
 * items as its rarest word, a pair of its words said together, or a word only the vocabulary added. With no single
 * word of the wish searched, every item the search scored.
 */
function distinctiveItems(
  found: readonly { term: string; at: { start: number; end: number } }[],
  own: ReadonlySet<string>,
  { items, postings }: { items: readonly Item[]; postings: Postings },
): Set<ItemId> {
  const df = (t: { at: { start: number; end: number } }) => t.at.end - t.at.start
  const said = found.filter((t) => !t.term.includes(' ') && own.has(t.term))
  const rarest = Math.min(...said.map(df))
  const distinctive = found.filter((t) =>
    !said.length || !own.has(t.term) ? true : t.term.includes(' ') || df(t) <= COMMON_FACTOR * rarest,
  )
  return usersOf(distinctive, { items, postings })
}

/** The items using any of the terms found. */
function usersOf(
  found: readonly { at: { start: number; end: number } }[],
  { items, postings }: { items: readonly Item[]; postings: Postings },
): Set<ItemId> {
  const out = new Set<ItemId>()
  for (const t of found) for (let i = t.at.start; i < t.at.end; i++) out.add((items[postings.at[i] as number] as Item).id)
  return out
}
