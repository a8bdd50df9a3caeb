import type { CopyKey, Noun, Verb } from './schema.ts'

/** Placeholders each reply template may use besides the noun and verb forms. */
export const COPY_PLACEHOLDERS: Record<CopyKey, readonly string[]> = {
  greeting: [],
  help: [],
  reset: [],
  thanks: [],
  startSuggestions: [],
  whichOne: [],
  whichOneSuggestions: [],
  describeSuggestions: [],
  unknownPeople: ['names'],
  seriesRefused: ['series'],
  noYears: ['era'],
  noLength: [],
  earlierWishUnmatched: ['wishes'],
  failed: [],
}

const PLACEHOLDER_RE = /\{([A-Za-z]+)\}/g

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** The noun and verb forms every template may use: `{noun}`, `{Nouns}`, `{verbing}`, …. */
export function wordVariables(noun: Noun, verb: Verb): Record<string, string> {
  return {
    noun: noun.singular,
    nouns: noun.plural,
    Noun: capitalise(noun.singular),
    Nouns: capitalise(noun.plural),
    verb: verb.base,
    verbs: verb.third,
    verbed: verb.past,
    verbedParticiple: verb.participle,
    verbing: verb.gerund,
    Verb: capitalise(verb.base),
  }
}

/** The placeholders of a template that are neither word forms nor allowed for its key. */
export function unknownPlaceholders(template: string, key: CopyKey): string[] {
  const allowed = new Set([...Object.keys(wordVariables(DUMMY_NOUN, DUMMY_VERB)), ...COPY_PLACEHOLDERS[key]])
  return [...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string).filter((name) => !allowed.has(name))
}

/** Fills `{name}` placeholders; a placeholder without a value stays as written (validation rules that out). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER_RE, (whole, name: string) => values[name] ?? whole)
}

const DUMMY_NOUN: Noun = { singular: 'x', plural: 'x' }
const DUMMY_VERB: Verb = { base: 'x', third: 'x', past: 'x', participle: 'x', gerund: 'x' }
