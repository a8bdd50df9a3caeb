import type { CategoricalFacet, Facet, FacetConstraint } from '../core/index.ts'
import type { DomainProfile } from '../domain/index.ts'

/** A field value a phrase names. */
interface FacetValue {
  field: string
  values: string[]
  /** Whether most items declare the field, so one that does not may still have the value. */
  declaredByMost: boolean
  notBefore?: readonly string[]
  /** Read from the catalogue's values, not from the profile's words for them. */
  raw?: boolean
}

/** What a message says of the catalogue's fields: the constraints, and the phrases that said them. */
export interface FacetReading {
  constraints: FacetConstraint[]
  /** The words of each value found, lower-cased ("gtk", "command line"). */
  phrases: string[]
  /** The words of each refusal, from the refusing word to the value ("isn't gtk", "nothing from kde"), then the value ("gtk"). */
  refusals: string[]
  /**
   * Whether the message refuses anything besides the values read ("a photo editor that isn't gtk": no, so the
   * "isn't" was the toolkit's and the editor is wished for; "nothing violent and not gtk": yes).
   */
  refusesMore: boolean
}

/**
 * Reads facet constraints from messages: values of the catalogue's categorical fields, and bounds on its numeric
 * fields other than the length field (the quantities pass reads that one in the profile's units).
 */
export interface FacetReader {
  read(text: string): FacetReading
}

/** Words before a value, in its clause, that refuse it ("not GTK", "nothing from KDE", "no qt stuff", "without"). */
const REFUSAL_RE =
  /\b(?:not|no|nothing|none|without|non|avoid|hate|except|anything but|never|dont|don't|do not|doesn't|doesnt|isn't|isnt|aren't|arent|rather not|other than|instead of)\b/
/** Share of the catalogue declaring a field from which an item without it is taken as an omission, not as "none". */
const DECLARED_BY_MOST = 0.7
/** Words that carry a refusal on to the next value ("no GTK or Qt"). */
const CHAINING = new Set(['or', 'nor', 'and'])
/** How many words before a value a refusal still reaches ("nothing from KDE", "no GTK or Qt please"). */
const REFUSAL_REACH = 4
const MAX_PHRASE_WORDS = 3
const CLAUSE_RE = /[.;!?]|,\s*(?:but|and)\b/
const BOUND_RE_SOURCE = String.raw`\b(under|below|less than|smaller than|at most|max(?:imum)?|up to|no more than|over|above|more than|bigger than|larger than|at least) (\d+(?:\.\d+)?) ?(UNITS)\b`
const LOWER_BOUND = new Set(['over', 'above', 'more than', 'bigger than', 'larger than', 'at least'])

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9+]/g, '')
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The phrases of the catalogue's field values: every value of a categorical facet other than categories (which the
 * category lexicon reads) said as written, without case or punctuation ("text mode" for `text-mode`), plus the
 * profile's words for values. A value in several fields belongs to the field with the fewest values (`toolkit`
 * before `tags`). Tags are only refused: asked for, they are wishes, read as text.
 */
function valuePhrases(facets: readonly Facet[], profile: DomainProfile, catalogueSize: number): Map<string, FacetValue> {
  const phrases = new Map<string, FacetValue>()
  const categorical = facets
    .filter((f): f is CategoricalFacet => f.kind === 'categorical' && f.field !== 'categories')
    .sort((a, b) => a.values.length - b.values.length)
  const declaredByMost = new Map(categorical.map((f) => [f.field, f.itemCount >= DECLARED_BY_MOST * catalogueSize]))
  const facetValueOf = (field: string, values: string[]): FacetValue => ({
    field,
    values,
    declaredByMost: declaredByMost.get(field) ?? false,
  })
  for (const facet of categorical) {
    for (const { value } of facet.values) {
      const key = squash(value)
      if (key.length < 2 || /^\d+$/.test(key) || phrases.has(key)) continue
      phrases.set(key, { ...facetValueOf(facet.field, [value]), raw: true })
    }
  }
  for (const w of profile.facetWords) {
    if (!declaredByMost.has(w.field)) continue
    for (const phrase of w.phrases)
      phrases.set(squash(phrase), { ...facetValueOf(w.field, w.values), ...(w.notBefore ? { notBefore: w.notBefore } : {}) })
  }
  return phrases
}

/** The profile's category words of several words ("web browser", "video player"), squashed. */
function kindPhrases(profile: DomainProfile): Set<string> {
  const kinds = profile.categories.flatMap((c) => [...c.words, ...(c.topics ?? [])])
  return new Set(kinds.filter((k) => k.trim().includes(' ')).map(squash))
}

/**
 * Whether words [i, end) lie inside a kind of item the profile names with more words ("web" of "a web browser", which
 * asks for a browser, not for the interface `web`).
 */
function insideKind(words: readonly string[], i: number, end: number, kinds: ReadonlySet<string>): boolean {
  for (let from = Math.max(0, i - MAX_PHRASE_WORDS); from <= i; from++) {
    for (let to = Math.max(end, from + 2); to <= Math.min(words.length, from + MAX_PHRASE_WORDS + 1); to++) {
      if (to - from > end - i && kinds.has(squash(words.slice(from, to).join('')))) return true
    }
  }
  return false
}

/**
 * The facet constraints one clause says: each value found, refused when a refusal word comes shortly before it. A
 * catalogue value inside a longer kind of item the profile names is part of that kind, not a value.
 */
function readClause(
  clause: string,
  lookup: { phrases: ReadonlyMap<string, FacetValue>; kinds: ReadonlySet<string> },
  reading: FacetReading,
): FacetConstraint[] {
  const { phrases, kinds } = lookup
  const words = clause.split(/\s+/).filter(Boolean)
  const out: FacetConstraint[] = []
  let lastEnd = 0
  let lastRefused = false
  for (let i = 0; i < words.length; i++) {
    const found = phraseAt(words, i, phrases)
    if (!found || (found.value.raw && insideKind(words, i, i + found.length, kinds))) continue
    const before = words.slice(Math.max(lastEnd, i - REFUSAL_REACH), i)
    const chained: boolean = lastRefused && before.length > 0 && before.every((w) => CHAINING.has(w))
    const refused: boolean = chained || REFUSAL_RE.test(before.join(' '))
    if (refused) out.push({ field: found.value.field, exclude: [...found.value.values] })
    else if (found.value.field !== 'tags') out.push(asked(found.value))
    else continue
    reading.phrases.push(words.slice(i, i + found.length).join(' '))
    if (refused) {
      const from = chained ? lastEnd : refusalStart(words, Math.max(lastEnd, i - REFUSAL_REACH), i)
      // The whole refusal, then the value alone: the wishes may keep "isn't gtk", or only "gtk" of it.
      reading.refusals.push(words.slice(from, i + found.length).join(' '), words.slice(i, i + found.length).join(' '))
    }
    lastRefused = refused
    lastEnd = i + found.length
    i = lastEnd - 1
  }
  return out
}

/** Where the refusal before word `end` starts ("isn't" of "that isn't gtk"), searching back to `start`. */
function refusalStart(words: readonly string[], start: number, end: number): number {
  for (let j = end - 1; j >= start; j--) if (REFUSAL_RE.test(words.slice(j, end).join(' '))) return j
  return start
}

/** A value asked for; items without the field pass when most items declare it (a missing value is an omission). */
function asked(value: FacetValue): FacetConstraint {
  return { field: value.field, include: [...value.values], ...(value.declaredByMost ? { orMissing: true } : {}) }
}

/** The longest phrase of a field value starting at word `i`, if any. */
function phraseAt(words: readonly string[], i: number, phrases: ReadonlyMap<string, FacetValue>) {
  for (let n = Math.min(MAX_PHRASE_WORDS, words.length - i); n >= 1; n--) {
    const span = words.slice(i, i + n)
    if (span.includes(',')) continue
    const value = phrases.get(squash(span.join('')))
    if (value && !value.notBefore?.includes(words[i + n] ?? '')) return { value, length: n }
  }
  return undefined
}

/** Bounds said with a number and a unit of the field: "under 100 MB" (×1024 KB), "more than 500 votes". */
function boundsIn(text: string, field: string, units: Readonly<Record<string, number>>): FacetConstraint[] {
  const names = Object.keys(units).sort((a, b) => b.length - a.length)
  if (!names.length) return []
  const re = new RegExp(BOUND_RE_SOURCE.replace('UNITS', names.map(escapeRegExp).join('|')), 'g')
  return [...text.matchAll(re)].map((m) => {
    const amount = Number(m[2]) * (units[m[3] as string] ?? 1)
    return LOWER_BOUND.has(m[1] as string) ? { field, min: amount } : { field, max: amount }
  })
}

/** Money words after a number, for a field named like a price. */
const MONEY_UNITS = { dollars: 1, dollar: 1, euros: 1, euro: 1, pounds: 1, bucks: 1 }
const PRICE_FIELD_RE = /^(?:price|cost|fee)s?$/i
const CHEAPER_RE = /\b(?:cheaper than|costs? less than|under \$|below \$|less than \$) ?(\d+(?:\.\d+)?)/g

/**
 * Bounds on the other numeric fields, named by the field ("more than 500 votes", "under 300 pages") or, for a price,
 * by money ("cheaper than 20", "under $15", "under 10 euros"). Years are the eras' business.
 */
function fieldBounds(text: string, numeric: ReadonlySet<string>, lengthField: string | undefined): FacetConstraint[] {
  const out: FacetConstraint[] = []
  for (const field of numeric) {
    if (field === 'year' || field === lengthField) continue
    const name = field.toLowerCase().replace(/_/g, ' ')
    const units: Record<string, number> = { [name]: 1, [name.endsWith('s') ? name.slice(0, -1) : `${name}s`]: 1 }
    if (PRICE_FIELD_RE.test(field)) {
      Object.assign(units, MONEY_UNITS)
      for (const m of text.matchAll(CHEAPER_RE)) out.push({ field, max: Number(m[1]) })
    }
    out.push(...boundsIn(text, field, units))
  }
  return out
}

/** A reader over the catalogue's facets (of `catalogueSize` items) and the profile's words for them. Pure once built. */
export function createFacetReader(facets: readonly Facet[], profile: DomainProfile, catalogueSize: number): FacetReader {
  const lookup = { phrases: valuePhrases(facets, profile, catalogueSize), kinds: kindPhrases(profile) }
  const numeric = new Set(facets.filter((f) => f.kind === 'numeric').map((f) => f.field))
  return {
    read: (text) => {
      const lower = text.toLowerCase()
      const clauses = lower.split(CLAUSE_RE).map((c) => c.replace(/,/g, ' , ').replace(/[^a-z0-9+',\s-]/g, ' '))
      const reading: FacetReading = { constraints: [], phrases: [], refusals: [], refusesMore: false }
      reading.constraints = [
        ...clauses.flatMap((c) => readClause(c, lookup, reading)),
        ...fieldBounds(lower, numeric, profile.length?.field),
      ]
      const left = clauses.map((c) => reading.refusals.reduce((rest, r) => rest.replace(r, ' '), c)).join(' ')
      reading.refusesMore = REFUSAL_RE.test(left)
      return reading
    },
  }
}
