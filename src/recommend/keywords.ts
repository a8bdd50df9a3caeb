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

export interface KeywordIndex {
  /**
   * The rare words of `text` the catalogue uses, each once, and their share (0–1) of the text's words, request words
   * aside: "dog", "heist" and "classic christmas" are all topic, "i like kristin wigg" or "birthday party for my
   * daughter" mostly not.
   */
  read(text: string): { keywords: Keyword[]; topicality: number }
  /** Where the item uses the stem, with the word as it is written there. */
  where(item: Item, stem: string): { field: 'title' | 'description' | 'tags'; word: string } | undefined
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

/** A tag of several words as its stems joined by spaces, or undefined for a one-word (or too long) tag. */
function phraseOf(tag: string): string | undefined {
  const stems = words(tag).map(stemWord)
  return stems.length >= 2 && stems.length <= MAX_PHRASE_WORDS ? stems.join(' ') : undefined
}

/**
 * Builds the keyword index over the items' titles, descriptions and tags (each tag of several words also as a
 * whole). `popularity` orders each keyword's items.
 */
export function createKeywordIndex(items: readonly Item[], popularity: (id: ItemId) => number): KeywordIndex {
  const postings = new Map<string, ItemId[]>()
  for (const item of items) {
    const own = new Set(words(`${item.title} ${item.description} ${item.tags.join(' ')}`).map(stemWord))
    for (const tag of item.tags) {
      const phrase = phraseOf(tag)
      if (phrase) own.add(phrase)
    }
    for (const s of own) {
      let list = postings.get(s)
      if (!list) {
        list = []
        postings.set(s, list)
      }
      list.push(item.id)
    }
  }
  const maxItems = Math.max(MIN_CEILING, Math.floor(MAX_SHARE * items.length))
  const built = new Map<string, Keyword>()
  const keyword = (stem: string): Keyword | undefined => {
    const cached = built.get(stem)
    if (cached) return cached
    const list = postings.get(stem)
    if (!list || list.length < MIN_ITEMS || list.length > maxItems || STOP.has(stem)) return undefined
    const ordered = [...list].sort((a, b) => popularity(b) - popularity(a))
    const members = new Set(list)
    const k: Keyword = { stem, idf: Math.log(items.length / list.length), items: ordered, has: (id) => members.has(id) }
    built.set(stem, k)
    return k
  }
  return {
    read(text) {
      const sequence = words(text).map(stemWord)
      const said = [...new Set(sequence)].filter((s) => !STOP.has(s))
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
    },
    where(item, stem) {
      if (stem.includes(' ')) {
        const tag = item.tags.find((t) => phraseOf(t) === stem)
        return tag ? { field: 'tags', word: tag } : undefined
      }
      const find = (text: string) => words(text).find((w) => stemWord(w) === stem)
      const inTitle = find(item.title)
      if (inTitle) return { field: 'title', word: inTitle }
      const tag = item.tags.find((t) => find(t))
      if (tag) return { field: 'tags', word: tag }
      const inDescription = find(item.description)
      return inDescription ? { field: 'description', word: inDescription } : undefined
    },
  }
}
