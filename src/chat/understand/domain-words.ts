import { type Critique, type DomainProfile, loadDomainProfile } from '../../domain/index.ts'

/** The parts of a domain profile the understanding reads. */
export type UnderstandProfile = Pick<
  DomainProfile,
  'noun' | 'nounSynonyms' | 'verb' | 'verbSynonyms' | 'eras' | 'length' | 'impliedRefusals'
> &
  Partial<Pick<DomainProfile, 'wishWords' | 'searchWords' | 'critiques'>>

/** A named era of the profile, with the regular expression of its phrases. */
export interface EraWords {
  name: string
  re: RegExp
  min?: number
  max?: number
  lastYears?: number
  refused?: { min?: number; max?: number }
  vague: boolean
}

/** A domain's words compiled for the passes: nouns and verbs as regex alternatives, eras, length, implied refusals. */
export interface DomainWords {
  /** Singular nouns for one item ("movie|film|flick"), as a regex alternative. */
  singular: string
  /** Plural nouns ("movies|films|flicks"). */
  plural: string
  /** Base forms of the verbs of consumption ("watch|see"). */
  base: string
  /** Past and participle forms ("watched|saw|seen"). */
  done: string
  /** Participles only ("watched|seen"). */
  participle: string
  /** The item nouns, lower-cased ("movie", "films"). */
  nouns: ReadonlySet<string>
  /** Every noun and verb form, lower-cased: words that carry no wish of their own. */
  fluff: ReadonlySet<string>
  /** Words a wish keeps in this domain, chit-chat as they are elsewhere ("note", "type"). */
  wishWords: ReadonlySet<string>
  eras: readonly EraWords[]
  length?: { field: string; re: RegExp; defaultMax: number; units: ReadonlyMap<string, number> }
  /** Moods that refuse categories whatever else is asked ("feel-good" is never horror); `re` is not global. */
  impliedRefusals: readonly { re: RegExp; exclude: readonly string[] }[]
  /**
   * The profile's search-word phrases ("fake documentary", "talk to the audience"), global: a wish keeps their words
   * whole, common ones and all, for the search to meet them (undefined when the profile has none).
   */
  searchPhrases?: RegExp
  /** The profile's comparative critiques, in order, each with its global regex and the search texts it adds. */
  critiques: readonly CritiqueWords[]
}

/** A comparative critique compiled: where it is said (global regex) and the signed texts the search reads for it. */
export interface CritiqueWords {
  re: RegExp
  search: readonly { text: string; weight: number }[]
  /** The profile's names of the categories it leans toward (the lexicon maps them to the catalogue's spellings). */
  categories: readonly string[]
}

const compiled = new WeakMap<UnderstandProfile, DomainWords>()
let movies: DomainProfile | undefined

/** The profile read when none is given: movies, so the demo behaves as before profiles existed. */
export function defaultProfile(): DomainProfile {
  movies ??= loadDomainProfile('movies')
  return movies
}

/** The profile's words compiled once (cached per profile object). */
export function domainWords(profile: UnderstandProfile): DomainWords {
  let words = compiled.get(profile)
  if (!words) {
    words = compile(profile)
    compiled.set(profile, words)
  }
  return words
}

const escapeRe = (s: string) => s.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const alt = (forms: Iterable<string>) => [...new Set([...forms].map(escapeRe))].sort((a, b) => b.length - a.length).join('|')

function compile(profile: UnderstandProfile): DomainWords {
  const nouns = [profile.noun, ...profile.nounSynonyms]
  const verbs = [profile.verb, ...profile.verbSynonyms]
  const singular = alt(nouns.map((n) => n.singular))
  const plural = alt(nouns.map((n) => n.plural))
  const phrase = phraseCompiler(`(?:ones|stuff|${singular}|${plural})`, new Set(nouns.flatMap((n) => [n.singular, n.plural])))
  const length = profile.length
  return {
    singular,
    plural,
    base: alt(verbs.map((v) => v.base)),
    done: alt(verbs.flatMap((v) => [v.past, v.participle])),
    participle: alt(verbs.map((v) => v.participle)),
    nouns: new Set(nouns.flatMap((n) => [n.singular, n.plural]).map((w) => w.toLowerCase())),
    fluff: new Set(
      [
        ...nouns.flatMap((n) => [n.singular, n.plural]),
        ...verbs.flatMap((v) => [v.base, v.third, v.past, v.participle, v.gerund]),
      ].flatMap((w) => w.toLowerCase().split(/\s+/)),
    ),
    wishWords: new Set((profile.wishWords ?? []).map((w) => w.toLowerCase())),
    eras: profile.eras.map((e) => ({ ...e, re: phrase(e.phrases) })),
    length: length
      ? {
          field: length.field,
          re: lengthRe(phrase(length.phrases), Object.keys(length.units)),
          defaultMax: length.defaultMax,
          units: new Map(Object.entries(length.units).map(([k, v]) => [k.toLowerCase(), v])),
        }
      : undefined,
    impliedRefusals: profile.impliedRefusals.map((r) => ({ re: new RegExp(phrase(r.phrases).source), exclude: r.exclude })),
    ...(profile.searchWords?.length ? { searchPhrases: phrase(profile.searchWords.flatMap((w) => w.phrases)) } : {}),
    critiques: (profile.critiques ?? []).map((c) => ({ re: critiqueRe(c), search: c.search, categories: c.categories })),
  }
}

/**
 * Phrases as a regex alternative, longest first, spaces and hyphens the same ("feel good" also reads "feel-good" and
 * "feelgood"); each word as `wordRe` writes it (escaped by default).
 */
function phrasesAlt(phrases: readonly string[], wordRe: (word: string) => string = escapeRe): string {
  const parts = phrases.map((p) =>
    p
      .toLowerCase()
      .split(/[\s-]+/)
      .map(wordRe)
      .join('[\\s-]?'),
  )
  return [...new Set(parts)].sort((a, b) => b.length - a.length).join('|')
}

/** Where a critique is said: its phrases and its words after "more", "less", "not so" or a negation (see the schema). */
function critiqueRe(c: Critique): RegExp {
  const group = (list: readonly string[], before: string) => (list.length ? [`${before}(?:${phrasesAlt(list)})`] : [])
  const graded = [...group(c.phrases, ''), ...group(c.more, 'more '), ...group(c.less, 'less ')]
  const forms = [
    ...(graded.length ? [`(?:a (?:bit|little) )?(?:${graded.join('|')})`] : []),
    ...group(c.notSo, 'not (?:so|too|as) '),
    ...group(c.negated, "(?:not|nothing|aren'?t|isn'?t|without being) (?:so |too |as |very |overly |that )?"),
  ]
  return new RegExp(`\\b(?:${forms.join('|')})\\b`, 'g')
}

/**
 * Phrases as one global regex over lower-cased text: spaces and hyphens interchangeable, and an item noun inside a
 * phrase standing for any of them ("recent movies" also reads "recent films", "recent ones"; "the new one" is a film, not an era).
 */
function phraseCompiler(nounAlt: string, nouns: ReadonlySet<string>): (phrases: readonly string[]) => RegExp {
  const wordRe = (w: string) => (nouns.has(w) ? nounAlt : escapeRe(w))
  return (phrases) => new RegExp(`\\b(?:${phrasesAlt(phrases, wordRe)})\\b`, 'g')
}

/** The length phrases, or a limit with a number and a unit ("under 2 hours", "less than 100 MB"). */
function lengthRe(phrases: RegExp, units: readonly string[]): RegExp {
  const unit = units.length ? alt(units) : '(?!)'
  return new RegExp(
    `${phrases.source}|\\b(?:under|less than|below|at most|no more than|shorter than|smaller than) (\\d+(?:\\.\\d+)?) ?(${unit})\\b`,
    'g',
  )
}

/** A builder of regexes (or anything) from a domain's words, run once per domain. */
export function perDomain<T>(build: (words: DomainWords) => T): (words: DomainWords) => T {
  const cache = new WeakMap<DomainWords, T>()
  return (words) => {
    let value = cache.get(words)
    if (value === undefined) {
      value = build(words)
      cache.set(words, value)
    }
    return value
  }
}
