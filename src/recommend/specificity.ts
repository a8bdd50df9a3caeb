import type { Keyword } from './lexical.ts'
import { contentStems, stemWord } from './lexical.ts'
import type { Constraints } from './types.ts'

/**
 * Words that make a request more open, not more specific, however rare they are in a catalogue: occasions and
 * the general mood of an evening ("something fun for tonight", "a good one for the weekend").
 */
const OPEN_WORDS = new Set(
  (
    'tonight tonite evening night weekend today fun funny entertaining popular new recent classic old ' +
    'interesting cool awesome amazing decent fine whatever surprise random suggestion suggestions idea ideas ' +
    'relax relaxing chill easy light someone anyone anything something everyone ' +
    'please thanks help hello hey'
  )
    .split(' ')
    .map(stemWord),
)

/**
 * The open words of a wish that says something more ("funny" of "a funny heist"): searched only in pairs, they would
 * otherwise find every item tagged "funny" before the heists. A wish of open words alone keeps them.
 */
export function openStemsBeside(text: string): ReadonlySet<string> {
  const stems = contentStems(text)
  const open = stems.filter((s) => OPEN_WORDS.has(s))
  return open.length && open.length < stems.length ? new Set(open) : NO_STEMS
}
const NO_STEMS: ReadonlySet<string> = new Set()

/**
 * How specific one wish is, in [0, 1]: the share of its content words that are rare in the catalogue (a tag of
 * several words covers its words, a keyword the wish names otherwise the words that name it) times how rare they are
 * together (summed idf over ln(catalogue size), at most 1).
 * "a movie about chess" is about 0.75 on ml-latest-small; "anything good?" and "something fun for tonight" are 0.
 * Words a filter carries (`filtered` stems: "thriller" of "political thriller") are not the wish's own.
 */
export function wishSpecificity(
  text: string,
  keywords: readonly Keyword[],
  catalogueSize: number,
  filtered: ReadonlySet<string> = new Set(),
): number {
  const said = contentStems(text).filter((s) => !filtered.has(s))
  if (said.length === 0 || catalogueSize < 2) return 0
  const useful = keywords.filter((k) => !k.stem.split(' ').every((s) => OPEN_WORDS.has(s)))
  const covered = new Set(useful.flatMap((k) => k.said ?? k.stem.split(' ')))
  const share = said.filter((s) => covered.has(s)).length / said.length
  const rarity = Math.min(1, useful.reduce((sum, k) => sum + k.idf, 0) / Math.log(catalogueSize))
  return share * rarity
}

/**
 * How specific a request is, in [0, 1]: a person asked for by name makes it fully specific; otherwise its most
 * specific positive wish, by that wish's weight (an older wish, re-sent with less weight, counts less). A wish is at
 * least `floor` specific, however common its words: a wish said in other words than the catalogue's is still a wish.
 */
export function requestSpecificity(
  wishes: readonly { text: string; weight: number; keywords: readonly Keyword[]; filtered?: ReadonlySet<string> }[],
  constraints: Constraints,
  catalogueSize: number,
  floor = 0,
): number {
  if (constraints.mentions?.length) return 1
  let best = 0
  for (const w of wishes) {
    if (w.weight <= 0) continue
    const own = Math.max(floor, wishSpecificity(w.text, w.keywords, catalogueSize, w.filtered))
    best = Math.max(best, Math.min(1, w.weight) * own)
  }
  return best
}
