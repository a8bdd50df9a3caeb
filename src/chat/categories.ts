import type { Item } from '../core/index.ts'
import type { DomainProfile } from '../domain/index.ts'
import { defaultProfile } from './understand/domain-words.ts'

/** Ages spelled out, two to eleven (what the understanding strips from wishes with the digits: "my seven year old"). */
export const AGE_WORDS = 'two three four five six seven eight nine ten eleven'.split(' ')

/** A category word found in an utterance. */
export interface CategoryTerm {
  /** The words as normalised in the utterance. */
  phrase: string
  /** Catalogue category names it asks for. */
  include: string[]
  /** Catalogue category names a refusal of it rules out. */
  exclude: string[]
  /**
   * Those of `exclude` only implied by the refusal, not named ("no horror" also refuses thrillers: the profile's
   * `alsoExclude`): a category asked for in the same message keeps them ("a funny heist movie, no horror").
   */
  implied?: string[]
  /**
   * Those of `include` only implied by the request, not named ("kids" also asks for animated films: the profile's
   * `alsoInclude`): a refusal of them by name in the same message wins ("a kids film, not a cartoon").
   */
  impliedInclude?: string[]
  /** The category's own name ("horror", "comedies"), which says nothing beyond the category; "scary" or "space" say more. */
  plain: boolean
  /** A subject within the category ("heist"): asked for, a wish, not a filter. */
  topic?: boolean
  /** Names people ("kids", "family"): who the item is for, or people in its story (see `readsAsWish`). */
  people?: boolean
}

export interface CategoryLexicon {
  /** Catalogue category names, as spelled in the catalogue. */
  readonly categories: readonly string[]
  /** Normalised phrase → term, for every synonym whose concept exists in this catalogue, plus the category names. */
  readonly terms: ReadonlyMap<string, CategoryTerm>
  /** Longest phrase, in words. */
  readonly maxWords: number
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')
/** Singular, squashed: "Comedies" → "comedy", "Sci-Fi" → "scifi". */
const stem = (s: string) =>
  squash(s)
    .replace(/ies$/, 'y')
    .replace(/(?<!s)s$/, '')

/** A phrase as the lexicon keys it: lower case, punctuation as spaces, one space between words. */
function termKey(phrase: string): string {
  return phrase
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The catalogue's categories a profile's category name stands for ("Children" → Children, Kids…); none when it lacks it. */
export function categoriesNamed(lexicon: CategoryLexicon, name: string): readonly string[] {
  return lexicon.terms.get(termKey(name))?.include ?? []
}

/**
 * Derives the synonym table against the catalogue's actual category names: a concept of the domain profile (words
 * people use for a kind of item, with the category spellings it may have) is kept only when one of its spellings is
 * a category of the catalogue (compared without case and punctuation), and every catalogue category is reachable by
 * its own name. The profile defaults to movies.
 */
export function createCategoryLexicon(
  items: readonly Item[],
  profile: Pick<DomainProfile, 'categories' | 'noun' | 'nounSynonyms'> = defaultProfile(),
): CategoryLexicon {
  // "war movie" is as plain as "war".
  const nouns = [profile.noun, ...profile.nounSynonyms].flatMap((n) => [n.singular, n.plural]).map((n) => n.toLowerCase())
  const dropNouns = (phrase: string) =>
    phrase
      .split(/\s+/)
      .filter((w) => !nouns.includes(w.toLowerCase()))
      .join(' ')
  const counts = new Map<string, number>()
  for (const item of items) for (const c of item.categories) counts.set(c, (counts.get(c) ?? 0) + 1)
  const categories = [...counts.keys()].filter((c) => !/no genres/i.test(c)).sort()
  const bySquash = new Map(categories.map((c) => [squash(c), c]))
  const find = (names: string[]) => names.map((n) => bySquash.get(squash(n))).filter((c): c is string => c !== undefined)
  const terms = new Map<string, CategoryTerm>()
  type Kind = Pick<CategoryTerm, 'topic' | 'people' | 'implied' | 'impliedInclude'>
  const put = (phrase: string, include: string[], exclude: string[], kind: Kind = {}) => {
    const plain = include.some((c) => stem(c) === stem(dropNouns(phrase)))
    const key = termKey(phrase)
    if (!key || terms.has(key)) return
    terms.set(key, {
      phrase: key,
      include,
      exclude,
      plain,
      ...(kind.implied?.length ? { implied: kind.implied } : {}),
      ...(kind.impliedInclude?.length ? { impliedInclude: kind.impliedInclude } : {}),
      ...(kind.topic ? { topic: true } : {}),
      ...(kind.people ? { people: true } : {}),
    })
  }
  for (const concept of profile.categories) {
    const found = find(concept.names)
    if (!found.length) continue
    const implied = find(concept.alsoExclude ?? []).filter((c) => !found.includes(c))
    const exclude = [...new Set([...found, ...implied])]
    const impliedInclude = find(concept.alsoInclude ?? []).filter((c) => !found.includes(c))
    const include = [...new Set([...found, ...impliedInclude])]
    for (const w of concept.words) put(w, include, exclude, { people: concept.people, implied, impliedInclude })
    for (const w of concept.topics ?? []) put(w, include, exclude, { topic: true, implied, impliedInclude })
  }
  for (const c of categories) {
    put(c, [c], [c])
    put(c.replace(/-/g, ''), [c], [c])
  }
  const maxWords = Math.max(1, ...[...terms.keys()].map((k) => k.split(' ').length))
  return { categories, terms, maxWords }
}
