import type { Item, ItemId } from '../core/index.ts'
import { COMMON_WORDS, editDistance, type Token, tokenize } from './text.ts'

/** How a key was derived: the title (or an a.k.a.), the part before a subtitle, or opening words several titles share. */
type KeyKind = 'full' | 'part' | 'series'

interface Entry {
  id: ItemId
  kind: KeyKind
  /** A whole title that starts with an article ("The Heat"); the key drops it. */
  article?: boolean
  /** That article is "A" or "An" ("A Quiet Place"): "a quiet place" may name it. */
  indefinite?: boolean
}

/** A title found in an utterance. */
export interface TitleMention {
  /** Character offsets in the utterance, covering a leading article and a trailing year when present. */
  start: number
  end: number
  text: string
  /** The item meant, when it is clear. */
  itemId?: ItemId
  /** Close candidates, best first, when the person should be asked ("Alien (1979) or Aliens (1986)?"). */
  candidates: ItemId[]
  ambiguous: boolean
  fuzzy: boolean
  /** The words are part of several titles and the whole of none ("Star Wars", "Harry Potter"): a series. */
  series?: boolean
}

export interface TitleIndex {
  /** Titles mentioned in `text`, in order of appearance, not overlapping. Offsets outside `masked` only. */
  find(text: string, options?: { masked?: readonly [number, number][] }): TitleMention[]
  /** Items whose title key equals the normalised `title` (article-, accent-, punctuation-insensitive), with `year` ±1 if given. */
  lookup(title: string, year?: number): ItemId[]
  /** "Title (Year)" for display. */
  label(id: ItemId): string
}

const LEADING_ARTICLES = new Set(['the', 'a', 'an'])
const MOVED_ARTICLE = /^(.*), (The|A|An|La|Le|Les|L'|Il|El|Die|Das|Der|Los|Las|Un|Une|Lo|Gli|I|Det|Den|De|Het|Ein|Eine|O|Os|As)$/i
const CUE_BEFORE = new Set([
  'loved',
  'love',
  'liked',
  'like',
  'enjoyed',
  'seen',
  'saw',
  'watched',
  'hated',
  'about',
  'than',
  'including',
  'as',
])
const VERB_AFTER = new Set(
  'is was has had will would sounds sounded looks looked seems seemed does did can could should might must may isnt wasnt doesnt didnt s'.split(
    ' ',
  ),
)
/** What a verb of watching takes when it is not a title: "saw it", "loved them". */
const OBJECT_PRONOUNS = new Set(['it', 'that', 'this', 'them', 'those', 'these', 'both', 'all'])
const RATIO_REMAKE = 4
const RATIO_NEAR = 2

/** Splits a catalogue title into the names a person may use: main title, a.k.a. forms, the part before a subtitle. */
export function titleVariants(rawTitle: string): { full: string[]; part: string[] } {
  let title = rawTitle.trim().replace(/\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$/, '')
  const groups: string[] = []
  // Trailing parenthesised groups are alternative titles: "Seven (a.k.a. Se7en)".
  for (;;) {
    const m = /\s*\(([^()]*)\)\s*$/.exec(title)
    if (!m || m.index === 0) break
    groups.unshift(m[1]!.replace(/^a\.k\.a\.\s*/i, '').trim())
    title = title.slice(0, m.index)
  }
  const unmove = (t: string) => {
    const m = MOVED_ARTICLE.exec(t.trim())
    return m ? `${m[2]}${m[2]!.endsWith("'") ? '' : ' '}${m[1]}` : t.trim()
  }
  const full = [unmove(title), ...groups.map(unmove)].filter(Boolean)
  const part: string[] = []
  for (const t of full) {
    const colon = /^(.+?)\s*(?::| - )\s*(.+)$/.exec(t)
    if (colon) {
      if (colon[1]!.trim().split(/\s+/).length >= 2) part.push(colon[1]!)
      const sub = colon[2]!.split(/\s*(?::| - )\s*/).pop()!
      if (sub.split(/\s+/).length >= 2) part.push(sub)
    }
  }
  return { full, part }
}

/** The lookup key of a title: normalised words without a leading English article. */
export function titleKey(title: string): string {
  const words = tokenize(title).map((t) => t.norm)
  if (words.length > 1 && LEADING_ARTICLES.has(words[0]!)) words.shift()
  return words.join(' ')
}

/**
 * The title keys of a catalogue, derived from its items alone and the same whichever thread builds them (a build's
 * reader thread does, for a server): plain Maps and arrays, so they cross threads by structured clone.
 */
export interface TitleTables {
  /** Title key → the items it names. */
  exact: Map<string, Entry[]>
  /** Keys by first character and length, for typo matching. */
  fuzzyKeys: Map<string, string[]>
  /** Longest key, in words (at most 14). */
  maxTokens: number
}

/** The lookups built once per catalogue that finding and resolving titles read. */
interface TitleTable extends TitleTables {
  /** Category words: titles made of them need a capital. */
  reserved: ReadonlySet<string>
  byItem: Map<ItemId, Item>
  pop: (id: ItemId) => number
  yearOf: (id: ItemId) => number | undefined
  /** Whether typed words are a typo of a key rather than words of their own. */
  typo: (typed: readonly Token[], key: string) => boolean
}

/**
 * Builds the title index once per catalogue. `popularity` (any positive scale) breaks ties between items
 * sharing a title; without it, the number of tags stands in. `tables` ({@link buildTitleTables} of the same items,
 * e.g. made in another thread) saves building them here.
 */
export function createTitleIndex(
  items: readonly Item[],
  popularity?: ReadonlyMap<ItemId, number>,
  options: { reserved?: ReadonlySet<string>; tables?: TitleTables } = {},
): TitleIndex {
  const table = titleTable(items, popularity, options.reserved ?? new Set<string>(), options.tables ?? buildTitleTables(items))
  const { exact, byItem, yearOf, pop } = table
  const label = (id: ItemId) => {
    const item = byItem.get(id)
    if (!item) return id
    const y = yearOf(id)
    const base = item.title.replace(/\s*\(\d{4}\)\s*$/, '')
    return y ? `${displayTitle(base)} (${y})` : displayTitle(base)
  }
  return {
    find: (text, findOptions = {}) => findTitles(table, text, findOptions.masked ?? []),
    lookup(title, year) {
      const entries = (exact.get(titleKey(title)) ?? []).filter((e) => e.kind === 'full')
      return entries
        .map((e) => e.id)
        .filter((id) => {
          if (year === undefined) return true
          const y = yearOf(id)
          return y !== undefined && Math.abs(y - year) <= 1
        })
        .sort((a, b) => {
          if (year !== undefined) {
            const d = Math.abs((yearOf(a) ?? 0) - year) - Math.abs((yearOf(b) ?? 0) - year)
            if (d !== 0) return d
          }
          return pop(b) - pop(a)
        })
    },
    label,
  }
}

/** The title keys of the items: every title, a.k.a. and subtitle-less form, and the openings series share. */
export function buildTitleTables(items: readonly Item[]): TitleTables {
  const exact = new Map<string, Entry[]>()
  const fuzzyKeys = new Map<string, string[]>()
  const fuzzySeen = new Set<string>()
  let maxTokens = 1
  const add = (key: string, entry: Entry) => {
    if (!key) return
    let list = exact.get(key)
    if (!list) {
      list = []
      exact.set(key, list)
    }
    // Only whole titles are matched with typos: a typo in a fragment ("chapter 2") is too loose.
    if (entry.kind === 'full' && !fuzzySeen.has(key)) {
      fuzzySeen.add(key)
      const bucketKey = `${key[0]}${key.length}`
      const bucket = fuzzyKeys.get(bucketKey) ?? []
      bucket.push(key)
      fuzzyKeys.set(bucketKey, bucket)
    }
    if (!list.some((e) => e.id === entry.id && (e.kind === 'full' || entry.kind !== 'full'))) {
      const i = list.findIndex((e) => e.id === entry.id)
      if (i >= 0) list.splice(i, 1)
      list.push(entry)
    }
    maxTokens = Math.max(maxTokens, key.split(' ').length)
  }
  for (const item of items) {
    const v = titleVariants(item.title)
    for (const t of v.full) {
      const first = tokenize(t)[0]?.norm ?? ''
      add(titleKey(t), {
        id: item.id,
        kind: 'full',
        article: LEADING_ARTICLES.has(first),
        ...(first === 'a' || first === 'an' ? { indefinite: true } : {}),
      })
    }
    for (const t of v.part) add(titleKey(t), { id: item.id, kind: 'part' })
  }
  for (const [key, ids] of seriesOpenings(items, exact)) for (const id of ids) add(key, { id, kind: 'series' })
  return { exact, fuzzyKeys, maxTokens: Math.min(maxTokens, 14) }
}

function titleTable(
  items: readonly Item[],
  popularity: ReadonlyMap<ItemId, number> | undefined,
  reserved: ReadonlySet<string>,
  tables: TitleTables,
): TitleTable {
  const byItem = new Map<ItemId, Item>()
  for (const item of items) byItem.set(item.id, item)
  const pop = (id: ItemId) => popularity?.get(id) ?? (byItem.get(id)?.tags.length ?? 0) * 0.01
  // Every word of the catalogue's titles, descriptions and tags, built at the first typo looked at.
  let vocabulary: Set<string> | undefined
  const isWord = (norm: string) => {
    vocabulary ??= new Set(items.flatMap((i) => tokenize(`${i.title} ${i.description} ${i.tags.join(' ')}`).map((t) => t.norm)))
    return vocabulary.has(norm)
  }
  return {
    ...tables,
    reserved,
    byItem,
    pop,
    yearOf: (id) => byItem.get(id)?.year ?? yearFromTitle(byItem.get(id)?.title ?? ''),
    // A near miss is a typo only when what was typed is not itself a word the catalogue uses: "across America" is
    // not a misspelt The American. Spacing alone ("spiderman") is no other word.
    typo: (typed, key) => typed.map((t) => t.norm).join('') === key.replace(/ /g, '') || !typed.every((t) => isWord(t.norm)),
  }
}

/**
 * A series by its shared opening words ("Harry Potter" of "Harry Potter and the …", "Star Trek II"): two words or
 * more, ending on an uncommon word, that open at least SERIES_MIN titles, in two of them followed by a sequel's
 * word ("and the", "Part", a numeral), and are not a title themselves. "New York Stories" makes no series.
 */
function seriesOpenings(items: readonly Item[], exact: ReadonlyMap<string, Entry[]>): [string, Set<ItemId>][] {
  const openings = new Map<string, { ids: Set<ItemId>; sequels: number }>()
  for (const item of items) {
    const words = titleKey(titleVariants(item.title).full[0] ?? item.title).split(' ')
    for (let len = 2; len < words.length; len++) {
      if (COMMON_WORDS.has(words[len - 1]!)) continue
      const key = words.slice(0, len).join(' ')
      const o = openings.get(key) ?? { ids: new Set<ItemId>(), sequels: 0 }
      o.ids.add(item.id)
      if (SEQUEL_WORD_RE.test(words[len]!)) o.sequels++
      openings.set(key, o)
    }
  }
  return [...openings]
    .filter(
      ([key, { ids, sequels }]) => ids.size >= SERIES_MIN && sequels >= 2 && !exact.get(key)?.some((e) => e.kind === 'full'),
    )
    .map(([key, { ids }]): [string, Set<ItemId>] => [key, ids])
}

/** Chooses among entries of one key: the clear winner, or the close ones to ask about. */
function resolveEntries(
  table: TitleTable,
  entries: Entry[],
  key: string,
  year: number | undefined,
  typedArticle?: boolean,
): { ids: ItemId[]; ambiguous: boolean; series?: boolean } {
  const { pop, yearOf, exact } = table
  let list = entries
  if (year !== undefined) {
    const near = list.filter((e) => {
      const y = yearOf(e.id)
      return y !== undefined && Math.abs(y - year) <= 1
    })
    if (near.length) {
      const same = near.filter((e) => yearOf(e.id) === year)
      list = same.length ? same : near
    }
  }
  const full = list.filter((e) => e.kind === 'full')
  // "Lord of the Rings" is the trilogy, not the little-known 1978 film of that name: a title far less known than
  // the films whose names it opens stands for their series.
  const parts = list.filter((e) => e.kind !== 'full').map((e) => e.id)
  const bestPop = (ids: ItemId[]) => Math.max(0, ...ids.map(pop))
  if (year === undefined && full.length && parts.length >= 2) {
    if (bestPop(parts) >= RATIO_REMAKE * bestPop(full.map((e) => e.id)))
      return { ids: parts.sort((a, b) => pop(b) - pop(a)), ambiguous: false, series: true }
  }
  const top = (full.length ? full : list).map((e) => e.id).sort((a, b) => pop(b) - pop(a))
  if (!full.length && year === undefined && top.length > 1) return { ids: top, ambiguous: false, series: true }
  if (!full.length || year !== undefined) return { ids: top, ambiguous: false }
  const first = top[0]!
  const close = top.filter((id, i) => i === 0 || pop(id) * RATIO_REMAKE >= pop(first))
  if (close.length > 1) {
    // "The Heat" is The Heat (2013), not Heat (1995); "Arrival" is Arrival (2016), not The Arrival (1996).
    const asTyped =
      typedArticle === undefined ? [] : close.filter((id) => full.some((e) => e.id === id && Boolean(e.article) === typedArticle))
    if (asTyped.length === 1) return { ids: [asTyped[0]!, ...top.filter((id) => id !== asTyped[0])], ambiguous: false }
    return { ids: close.slice(0, 4), ambiguous: true }
  }
  // "Alien" vs "Aliens": a plural/singular twin title of comparable popularity.
  const twinKey = key.endsWith('s') ? key.slice(0, -1) : `${key}s`
  const twin = (exact.get(twinKey) ?? []).filter((e) => e.kind === 'full').sort((a, b) => pop(b.id) - pop(a.id))[0]
  if (twin && pop(twin.id) * RATIO_NEAR >= pop(first) && pop(first) * RATIO_NEAR >= pop(twin.id)) {
    return { ids: [first, twin.id], ambiguous: true }
  }
  return { ids: top, ambiguous: false }
}

/** A stretch of tokens [i, j) that matched a title key, exactly or with a typo. */
interface Span {
  i: number
  j: number
  entries: Entry[]
  key: string
  fuzzy: boolean
  score: number
}

/** Titles mentioned in `text`, in order of appearance, not overlapping, outside `masked`. */
function findTitles(table: TitleTable, input: string, masked: readonly [number, number][]): TitleMention[] {
  let text = input
  // SHOUTED TEXT says nothing about which words are titles: judge it as if lowercase.
  const letters = text.replace(/[^\p{L}]/gu, '')
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length
  if (letters.length >= 8 && upper / letters.length > 0.6) text = text.toLowerCase()
  const all = tokenize(text)
  const isMasked = (t: Token) => masked.some(([s, e]) => t.start < e && t.end > s)
  const spans = exactSpans(table, text, all, isMasked)
  spans.push(...fuzzySpans(table, text, all, isMasked, spans))
  spans.sort((a, b) => b.score - a.score || a.i - b.i)
  const taken = new Array<boolean>(all.length).fill(false)
  const chosen: Span[] = []
  for (const s of spans) {
    let free = true
    for (let k = s.i; k < s.j; k++) if (taken[k]) free = false
    if (!free) continue
    for (let k = s.i; k < s.j; k++) taken[k] = true
    chosen.push(s)
  }
  chosen.sort((a, b) => a.i - b.i)
  return chosen.map((s) => toMention(table, text, all, s, taken))
}

/** Every stretch that is a title key and reads as meant for one. */
function exactSpans(table: TitleTable, text: string, all: Token[], isMasked: (t: Token) => boolean): Span[] {
  const { exact, maxTokens, reserved } = table
  const spans: Span[] = []
  const n = all.length
  // Every stretch that is a title key, masked or not.
  const hits: { i: number; j: number; key: string; entries: Entry[] }[] = []
  for (let i = 0; i < n; i++) {
    for (let len = Math.min(maxTokens, n - i); len >= 1; len--) {
      const key = all
        .slice(i, i + len)
        .map((t) => t.norm)
        .join(' ')
      const entries = exact.get(key)
      if (entries) hits.push({ i, j: i + len, key, entries })
    }
  }
  // Words inside a title with a distinctive word ("Inception", "Black Panther"): beside another title, a capital
  // is not part of a longer name.
  const titled = new Array<boolean>(n).fill(false)
  for (const h of hits)
    if (all.slice(h.i, h.j).some((t) => !plainWord(t, reserved))) for (let k = h.i; k < h.j; k++) titled[k] = true
  for (const { i, j, key, entries } of hits) {
    if (all.slice(i, j).some(isMasked)) continue
    const kind = entries.some((e) => e.kind === 'full') ? 'full' : entries.some((e) => e.kind === 'part') ? 'part' : 'series'
    if (kindOfThing(all, i, entries)) continue
    if (accept(text, all, i, j, reserved, kind, titled))
      spans.push({ i, j, entries, key, fuzzy: false, score: (j - i) * 10 + key.length * 0.1 + 5 })
  }
  return spans
}

/** Typo matches, only on stretches no exact title covers. */
function fuzzySpans(
  table: TitleTable,
  text: string,
  all: Token[],
  isMasked: (t: Token) => boolean,
  exactOnes: readonly Span[],
): Span[] {
  const { exact, fuzzyKeys, reserved, pop } = table
  const spans: Span[] = []
  const n = all.length
  const covered = new Array<boolean>(n).fill(false)
  for (const s of exactOnes) if (s.j - s.i > 1 || !COMMON_WORDS.has(s.key)) for (let k = s.i; k < s.j; k++) covered[k] = true
  for (let i = 0; i < n; i++) {
    const w = all[i]!.norm
    if (covered[i] || isMasked(all[i]!) || COMMON_WORDS.has(w) || reserved.has(w) || LEADING_ARTICLES.has(w)) continue
    for (let len = Math.min(5, n - i); len >= 1; len--) {
      const slice = all.slice(i, i + len)
      if (slice.some((t, k) => covered[i + k] || isMasked(t))) continue
      const last = slice[len - 1]!.norm
      if (COMMON_WORDS.has(last) || (len === 1 && reserved.has(last))) continue
      const span = slice.map((t) => t.norm).join(' ')
      if (span.replace(/ /g, '').length < 6 || /^\d+$/.test(span)) continue
      const max = span.length >= 12 ? 2 : 1
      let best: { key: string; d: number; pop: number } | undefined
      const near: string[] = []
      for (let d = -max; d <= max; d++) near.push(...(fuzzyKeys.get(`${span[0]}${span.length + d}`) ?? []))
      for (const key of near) {
        if (key === span) continue
        const d = editDistance(span, key, max)
        if (d > max) continue
        const p = Math.max(...exact.get(key)!.map((e) => pop(e.id)))
        if (!best || d < best.d || (d === best.d && p > best.pop)) best = { key, d, pop: p }
      }
      // "I love dinosaurs" is about dinosaurs, not the film Dinosaur: a lower-case plural of a one-word title.
      const plural =
        best !== undefined &&
        len === 1 &&
        (span === `${best.key}s` || span === `${best.key}es`) &&
        !/^\p{Lu}/u.test(slice[0]!.raw)
      if (
        best &&
        !plural &&
        table.typo(slice, best.key) &&
        !kindOfThing(all, i, exact.get(best.key)!) &&
        (len > 1 || fuzzyWordAllowed(text, all, i, reserved))
      ) {
        spans.push({
          i,
          j: i + len,
          entries: exact.get(best.key)!,
          key: best.key,
          fuzzy: true,
          score: len * 10 + span.length * 0.1 - best.d * 3,
        })
      }
    }
  }
  return spans
}

/** The mention of a chosen span, with a leading article and a trailing year it takes in. */
function toMention(table: TitleTable, text: string, all: Token[], s: Span, taken: readonly boolean[]): TitleMention {
  let startTok = s.i
  if (startTok > 0 && LEADING_ARTICLES.has(all[startTok - 1]!.norm) && !taken[startTok - 1]) startTok--
  let end = all[s.j - 1]!.end
  let year: number | undefined
  const next = all[s.j]
  if (next && /^(19|20)\d\d$/.test(next.norm) && !taken[s.j]) {
    year = Number(next.norm)
    end = next.end
    if (text[end] === ')') end++
  }
  const { ids, ambiguous, series } = resolveEntries(table, s.entries, s.key, year, s.fuzzy ? undefined : startTok < s.i)
  const start = all[startTok]!.start
  const mention: TitleMention = {
    start,
    end,
    text: text.slice(start, end),
    candidates: ids,
    ambiguous,
    fuzzy: s.fuzzy,
  }
  if (!ambiguous && ids[0] !== undefined) mention.itemId = ids[0]
  if (series) mention.series = true
  return mention
}

/** How many titles must open with the same words for those words to name a series. */
const SERIES_MIN = 3
/** A word that goes on from a series' name to one film of it: "and the …", "Part 2", "Episode IV", "II", "3". */
const SEQUEL_WORD_RE = /^(?:and|part|episode|chapter|ii|iii|iv|vi|vii|\d{1,2})$/

/** When people watch, as they say it ("a movie for date night", "this weekend"): titles of them need a capital. */
const OCCASION_WORDS = new Set(['date', 'weekend', 'tonight', 'evening'])
/** Spans of time ("from the last 10 years", "two hours long"): titles made of them need a capital too. */
const TIME_WORDS = new Set('year years decade decades month months week weeks day days hour hours minute minutes'.split(' '))

/** "I'm", "you're", "we've", "don't": a contraction is a common word, whatever title its letters spell ("im"). */
const CONTRACTION_RE = /['’](?:m|re|ve|ll|d|t)$/i
/** "I", "I'm", "I've": always written with a capital, which says nothing of a title. */
const CAPITAL_I_RE = /^I(?:['’]\p{L}+)?$/u

/** A word that says nothing about being a title on its own: common, an occasion, a span of time, a category word, an article, a number. */
function plainWord(t: Token, reserved: ReadonlySet<string>): boolean {
  return (
    COMMON_WORDS.has(t.norm) ||
    CONTRACTION_RE.test(t.raw) ||
    OCCASION_WORDS.has(t.norm) ||
    TIME_WORDS.has(t.norm) ||
    reserved.has(t.norm) ||
    LEADING_ARTICLES.has(t.norm) ||
    /^\d+$/.test(t.norm)
  )
}

/**
 * Whether a span that matched a title key is really meant as a title: single common words ("up", "her") and
 * phrases made only of common words count only when capitalised mid-sentence, quoted, or the whole message.
 */
function accept(
  text: string,
  all: Token[],
  i: number,
  j: number,
  reserved: ReadonlySet<string>,
  kind: KeyKind,
  titled: readonly boolean[],
): boolean {
  const words = all.slice(i, j)
  const uncommon = words.filter((t) => !plainWord(t, reserved)).length
  // A part of a title ("Star Wars" of "Star Wars: Episode IV") needs two distinctive words or a capital.
  const allCommon = uncommon === 0 || (kind !== 'full' && uncommon < 2)
  const whole = (i === 0 || (i === 1 && LEADING_ARTICLES.has(all[0]!.norm))) && (j === all.length || isYear(all[j]))
  if (whole && (uncommon > 0 || isYear(all[j]))) return true
  const first = words[0]!
  const quoted = /["“'‘*]\s*$/.test(text.slice(Math.max(0, first.start - 5), first.start))
  if (quoted) return true
  // Opening words of a series ("Harry Potter", but "kung fu movies" is no Kung Fu Panda) are written as a name.
  if (kind === 'series' && !words.every((t) => /^[\p{Lu}\d]/u.test(t.raw) || COMMON_WORDS.has(t.norm))) return false
  // "I" is always written with a capital: it says nothing unless the next word has one too ("I Am Legend").
  // A title opening with a number ("10 Years") shows its capital on the first word.
  const lead = /^\d+$/.test(first.raw) && words[1] ? words[1] : first
  const upper = /^\p{Lu}/u.test(lead.raw) && !(CAPITAL_I_RE.test(lead.raw) && !/^\p{Lu}/u.test(words[1]?.raw ?? ''))
  const capitalised = upper && !sentenceStart(text, all, i)
  // "The Help was great": a capitalised article and word name a title even at the start of a sentence.
  const prevRaw = all[i - 1]?.raw ?? ''
  const articled = upper && LEADING_ARTICLES.has(prevRaw.toLowerCase()) && /^\p{Lu}/u.test(prevRaw)
  // One word of a longer capitalised name ("the Royal Family Queen", "Queen Elizabeth") is part of that name.
  const inName = (k: number, after: boolean) => !titled[k] && capitalisedNeighbour(text, all, k, after)
  if (words.length === 1 && !whole && (inName(i - 1, false) || inName(j, true))) return false
  // "Saw Dead Man Walking", "Saw it and liked it": a verb of watching or liking opening a sentence, before a title
  // or a pronoun, is the verb.
  const next = all[j]
  if (
    words.length === 1 &&
    CUE_BEFORE.has(first.norm) &&
    sentenceStart(text, all, i) &&
    next !== undefined &&
    (titled[j] || OBJECT_PRONOUNS.has(next.norm))
  )
    return false
  // "It was great": a pronoun-like title followed by a verb is the pronoun.
  if (allCommon && words.length === 1 && !articled && VERB_AFTER.has(all[j]?.norm ?? '')) return false
  // "Get Out was amazing": every word capitalised and a verb after it names a title even at the start of a sentence.
  const titleCased = words.length > 1 && words.every((t) => /^\p{Lu}/u.test(t.raw)) && VERB_AFTER.has(all[j]?.norm ?? '')
  if (allCommon) return (capitalised || articled || titleCased) && (words.length > 1 || first.raw.length > 1)
  if (words.length === 1) {
    // A distinctive word with a capital ("Boyhood was good") is a title even at the start of a sentence.
    if (upper) return true
    return cuedTitle(all, i, reserved)
  }
  return words.some((t) => /\p{Lu}/u.test(t.raw)) || saidAsTitle(text, all, { i, j, titled, reserved })
}

/** Nouns after a title that say it names films ("other star wars movies", "the harry potter series"). */
const SERIES_NOUNS = new Set('movie movies film films flick flicks ones series franchise trilogy sequel sequels saga'.split(' '))
/** Words after which a title closing the sentence is named ("my favourite is the dark knight", "similar to alien"). */
const TITLE_ENDING_LEADS = new Set('is was are were of to than'.split(' '))
/** Words that join titles in a list ("inception and the dark knight", "alien or aliens"). */
const LIST_WORDS = new Set(['and', 'or', 'nor'])

/**
 * Whether a lower-case title of several words, mid-message, is said as one: after a cue ("loved the dark knight"),
 * before a verb, a year or a noun for films ("the dark knight was great", "star wars movies"), opening a sentence,
 * closing it after "is" or "of" ("my favourite is the dark knight"), or listed beside another title. Inside a
 * longer phrase ("set in the lone star state", "turns everything upside down", "for new year's eve") its words
 * describe the wish.
 */
function saidAsTitle(
  text: string,
  all: Token[],
  { i, j, titled, reserved }: { i: number; j: number; titled: readonly boolean[]; reserved: ReadonlySet<string> },
): boolean {
  if (cuedTitle(all, i, reserved) || sentenceStart(text, all, i)) return true
  const next = all[j]
  if (next && (VERB_AFTER.has(next.norm) || isYear(next) || SERIES_NOUNS.has(next.norm))) return true
  const before = LEADING_ARTICLES.has(all[i - 1]?.norm ?? '') ? i - 2 : i - 1
  const listedBefore =
    (LIST_WORDS.has(all[before]?.norm ?? '') || /,\s*$/.test(text.slice(0, all[i]!.start))) && titled[before - 1] === true
  const after = LEADING_ARTICLES.has(all[j + 1]?.norm ?? '') ? j + 2 : j + 1
  const listedAfter =
    next !== undefined && (LIST_WORDS.has(next.norm) || /^\s*,/.test(text.slice(all[j - 1]!.end))) && titled[after] === true
  if (listedBefore || listedAfter) return true
  // Ending the sentence after a verb of being or "of"/"to" ("my favourite is the dark knight", "similar to …").
  const ends = next === undefined || /^\s*[.!?;:]/.test(text.slice(all[j - 1]!.end))
  return ends && TITLE_ENDING_LEADS.has(all[before]?.norm ?? '')
}

/**
 * Nouns after which "about" opens a topic ("a movie about boxing"), not a title ("what about Inception?"); a word
 * of a category does too ("a comedy about high school" is no High School).
 */
const TOPIC_NOUNS = new Set(
  'movie movies film films flick flicks one ones something anything story stories show shows'.split(' '),
)

/** Words after which "about" turns to what the film is about ("like mean girls but about boys", "more about dogs"). */
const TOPIC_TURNS = new Set('but and or more less mostly only just all'.split(' '))

/**
 * Whether the word before token i (or before its article) says a title follows: "loved up", "seen the heat".
 * `reserved`: the catalogue's category words.
 */
function cuedTitle(all: Token[], i: number, reserved: ReadonlySet<string>): boolean {
  const k = LEADING_ARTICLES.has(all[i - 1]?.norm ?? '') ? i - 2 : i - 1
  const cue = all[k]?.norm ?? ''
  if (!CUE_BEFORE.has(cue)) return false
  const before = all[k - 1]?.norm ?? ''
  return !(cue === 'about' && (TOPIC_NOUNS.has(before) || TOPIC_TURNS.has(before) || reserved.has(before)))
}

/**
 * "a love story", "about an afterlife": lower-case words after "a" or "an" name a kind of thing, unless a title they
 * match opens with that article ("a quiet place", "a beautiful mind").
 */
function kindOfThing(all: Token[], i: number, entries: readonly Entry[]): boolean {
  const before = all[i - 1]
  if (!before || (before.norm !== 'a' && before.norm !== 'an')) return false
  return !/^\p{Lu}/u.test(all[i]!.raw) && !entries.some((e) => e.indefinite)
}

/** A lone misspelt word is taken for a title only when it looks meant as one ("I loved the godfater", "Spiderman"). */
function fuzzyWordAllowed(text: string, all: Token[], i: number, reserved: ReadonlySet<string>): boolean {
  const whole = (i === 0 || (i === 1 && LEADING_ARTICLES.has(all[0]!.norm))) && (i + 1 === all.length || isYear(all[i + 1]))
  if (whole) return true
  if (/^\p{Lu}/u.test(all[i]!.raw) && !sentenceStart(text, all, i)) return true
  return cuedTitle(all, i, reserved)
}

/**
 * Whether token k, just before or `after` a match, is a capitalised word joined to it by spaces alone. "I" and
 * articles do not count, nor a word before the match that opens its sentence ("Loved Boyhood").
 */
function capitalisedNeighbour(text: string, all: Token[], k: number, after: boolean): boolean {
  const t = all[k]
  if (!t || t.raw === 'I' || LEADING_ARTICLES.has(t.norm) || !/^\p{Lu}/u.test(t.raw)) return false
  const gap = after ? text.slice(all[k - 1]!.end, t.start) : text.slice(t.end, all[k + 1]!.start)
  return /^ +$/.test(gap) && (after || !sentenceStart(text, all, k))
}

function isYear(t: Token | undefined): boolean {
  return t !== undefined && /^(19|20)\d\d$/.test(t.norm)
}

function sentenceStart(text: string, all: Token[], i: number): boolean {
  let k = i
  if (k > 0 && LEADING_ARTICLES.has(all[k - 1]!.norm)) k--
  if (k === 0) return true
  const between = text.slice(all[k - 1]!.end, all[k]!.start)
  return /[.!?:\n]/.test(between)
}

export function yearFromTitle(title: string): number | undefined {
  const m = /\((\d{4})(?:[-–]\d{0,4})?\)\s*$/.exec(title)
  return m ? Number(m[1]) : undefined
}

/** "Matrix, The" → "The Matrix" for display. */
export function displayTitle(title: string): string {
  const m = MOVED_ARTICLE.exec(title.replace(/\s*\(.*$/, '').trim())
  const main = m ? `${m[2]}${m[2]!.endsWith("'") ? '' : ' '}${m[1]}` : title.replace(/\s*\(.*$/, '').trim()
  return main || title
}
