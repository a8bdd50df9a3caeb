import type { Item } from '../core/index.ts'

/**
 * Words people use for a kind of item, mapped to the catalogue's category names. Each concept lists the
 * category spellings it may have in a catalogue (MovieLens latest-small, MovieLens 100k, generic data) and the
 * words (normalised, single or multi-word) that name it. `alsoExclude` widens a refusal: "nothing scary" also
 * rules out thrillers, while "something scary" asks only for horror.
 */
interface Concept {
  names: string[]
  words: string[]
  alsoExclude?: string[]
  /** Categories that also satisfy a request for it: "something for the kids" is met by an animated film too. */
  alsoInclude?: string[]
}

/** "my 7 year old", "she's seven years old", "a 5-yr-old": ages 2 to 11 ask for a children's film. */
/** Ages spelled out, two to eleven (also what the understanding strips from wishes with the digits). */
export const AGE_WORDS = 'two three four five six seven eight nine ten eleven'.split(' ')

const CHILD_AGES = [...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(String), ...AGE_WORDS].flatMap((age) =>
  ['year old', 'year olds', 'years old', 'yr old', 'yo'].map((unit) => `${age} ${unit}`),
)

const CONCEPTS: Concept[] = [
  { names: ['Action'], words: ['action', 'action packed', 'actionpacked', 'explosions', 'shootouts', 'martial arts'] },
  { names: ['Adventure'], words: ['adventure', 'adventures', 'adventurous', 'quest', 'treasure hunt'] },
  { names: ['Animation'], words: ['animation', 'animated', 'cartoon', 'cartoons', 'anime', 'pixar'] },
  {
    names: ['Children', "Children's", 'Kids', 'Family'],
    words: [
      'kids',
      'kid',
      'children',
      'childrens',
      'family',
      'family friendly',
      'for the whole family',
      'kiddie',
      'kiddos',
      'toddler',
      'toddlers',
      'preschooler',
      'preschoolers',
      'little ones',
      'grandkids',
      'grandchildren',
      ...CHILD_AGES,
    ],
    // MovieLens leaves Children off many family films (Frozen: Animation, Comedy, Fantasy, Musical, Romance).
    alsoInclude: ['Animation'],
  },
  {
    names: ['Comedy'],
    words: [
      'comedy',
      'comedies',
      'funny',
      'hilarious',
      'humor',
      'humour',
      'humorous',
      'laugh',
      'laughs',
      'comedic',
      'goofy',
      'silly',
    ],
  },
  { names: ['Crime'], words: ['crime', 'heist', 'heists', 'gangster', 'gangsters', 'mafia', 'mob movie', 'cop movie', 'cops'] },
  { names: ['Documentary'], words: ['documentary', 'documentaries', 'docs', 'docu', 'true story documentary'] },
  { names: ['Drama'], words: ['drama', 'dramas', 'dramatic', 'tearjerker', 'tear jerker'] },
  { names: ['Fantasy'], words: ['fantasy', 'fantasies', 'magic', 'magical', 'wizards', 'dragons', 'fairy tale', 'fairytale'] },
  { names: ['Film-Noir', 'Film Noir'], words: ['noir', 'film noir'] },
  {
    names: ['Horror'],
    words: [
      'horror',
      'horrors',
      'scary',
      'scare',
      'scares',
      'creepy',
      'spooky',
      'frightening',
      'terrifying',
      'slasher',
      'slashers',
      'gore',
      'gory',
      'zombie',
      'zombies',
    ],
    alsoExclude: ['Thriller'],
  },
  { names: ['Musical'], words: ['musical', 'musicals', 'singing', 'song and dance'] },
  { names: ['Mystery'], words: ['mystery', 'mysteries', 'whodunit', 'whodunnit', 'detective', 'detectives'] },
  // A romcom is both: asked for, it needs the comedy too; refused, the romance goes.
  { names: ['Romance'], words: ['romcom', 'romcoms', 'rom com', 'rom coms'], alsoInclude: ['Comedy'] },
  {
    names: ['Romance'],
    words: ['romance', 'romances', 'romantic', 'love story', 'love stories', 'chick flick', 'chick flicks'],
  },
  {
    names: ['Sci-Fi', 'Science Fiction', 'SciFi'],
    words: ['scifi', 'sci fi', 'science fiction', 'space', 'outer space', 'futuristic', 'robots', 'dystopian', 'dystopia'],
  },
  { names: ['Thriller'], words: ['thriller', 'thrillers', 'suspense', 'suspenseful', 'tense'] },
  { names: ['War'], words: ['war', 'wars movie', 'war movie', 'war movies', 'wwii', 'ww2', 'military', 'soldiers'] },
  { names: ['Western'], words: ['western', 'westerns', 'cowboy', 'cowboys'] },
  { names: ['IMAX'], words: ['imax'] },
]

/** A category word found in an utterance. */
export interface CategoryTerm {
  /** The words as normalised in the utterance. */
  phrase: string
  /** Catalogue category names it asks for. */
  include: string[]
  /** Catalogue category names a refusal of it rules out. */
  exclude: string[]
  /** The category's own name ("horror", "comedies"), which says nothing beyond the category; "scary" or "space" say more. */
  plain: boolean
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

/**
 * Derives the synonym table against the catalogue's actual category names: a concept is kept only when one
 * of its spellings is a category of the catalogue (compared without case and punctuation), and every
 * catalogue category is reachable by its own name.
 */
export function createCategoryLexicon(items: readonly Item[]): CategoryLexicon {
  const counts = new Map<string, number>()
  for (const item of items) for (const c of item.categories) counts.set(c, (counts.get(c) ?? 0) + 1)
  const categories = [...counts.keys()].filter((c) => !/no genres/i.test(c)).sort()
  const bySquash = new Map(categories.map((c) => [squash(c), c]))
  const find = (names: string[]) => names.map((n) => bySquash.get(squash(n))).filter((c): c is string => c !== undefined)
  const terms = new Map<string, CategoryTerm>()
  const put = (phrase: string, include: string[], exclude: string[]) => {
    const plain = include.some((c) => stem(c) === stem(phrase.replace(/\b(?:movies?|films?)\b/gi, '')))
    const key = phrase
      .toLowerCase()
      .replace(/[^a-z0-9 ]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
    if (!key || terms.has(key)) return
    terms.set(key, { phrase: key, include, exclude, plain })
  }
  for (const concept of CONCEPTS) {
    const found = find(concept.names)
    if (!found.length) continue
    const exclude = [...new Set([...found, ...find(concept.alsoExclude ?? [])])]
    const include = [...new Set([...found, ...find(concept.alsoInclude ?? [])])]
    for (const w of concept.words) put(w, include, exclude)
  }
  for (const c of categories) {
    put(c, [c], [c])
    put(c.replace(/-/g, ''), [c], [c])
  }
  const maxWords = Math.max(1, ...[...terms.keys()].map((k) => k.split(' ').length))
  return { categories, terms, maxWords }
}
