/** Text normalisation shared by title matching and utterance understanding. Pure. */

/** A word of an utterance: its normalised form and where it sits in the original text. */
export interface Token {
  norm: string
  raw: string
  start: number
  end: number
}

const ROMAN: Record<string, string> = { ii: '2', iii: '3', iv: '4', vi: '6', vii: '7', viii: '8', ix: '9' }

/** Longest utterance handled; longer text is cut (without error). */
export const MAX_UTTERANCE_CHARS = 2000

/** Strips control characters (keeps newlines and tabs as spaces) and caps the length. */
export function sanitizeUtterance(text: string): string {
  const cleaned = String(text ?? '')
    .normalize('NFC')
    .replace(/&(?:quot|#34);/g, '"')
    .replace(/&(?:apos|#39);/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    // A double quote between two letters is a mistyped apostrophe ("I"m"), not a quotation.
    .replace(/(\p{L})"(\p{L})/gu, "$1'$2")
    // Terminal escape sequences (colours, cursor moves) carry no words.
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, ' ')
  const cut = cleaned.length > MAX_UTTERANCE_CHARS ? cleaned.slice(0, MAX_UTTERANCE_CHARS) : cleaned
  return cut.replace(/\s+/g, ' ').trim()
}

/** Lowercase, accents stripped, apostrophes removed, `&` → and, Roman numerals II–IX → digits. */
export function normalizeWord(word: string): string {
  const w = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
  return ROMAN[w] ?? w
}

/** Splits text into normalised word tokens with their offsets in the original. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|&/gu
  for (const m of text.matchAll(re)) {
    const raw = m[0]
    const norm = raw === '&' ? 'and' : normalizeWord(raw)
    if (!norm) continue
    tokens.push({ norm, raw, start: m.index, end: m.index + raw.length })
  }
  return tokens
}

/** Normalised words of a text, joined by single spaces. */
export function normalizeText(text: string): string {
  return tokenize(text)
    .map((t) => t.norm)
    .join(' ')
}

/** Damerau-Levenshtein (optimal string alignment) distance, giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  const n = b.length
  let prev2 = new Array<number>(n + 1).fill(0)
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  let cur = new Array<number>(n + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    let rowMin = i
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    ;[prev2, prev, cur] = [prev, cur, prev2]
  }
  return prev[n]!
}

/** Ordinary words that are also titles ("Spy", "Heat", "Ghost"): common for title matching, yet what a wish is about ("spy movies"). */
export const TOPIC_WORDS = new Set('heat speed crash ghost memories spy super signs'.split(' '))

/**
 * Common English words: a single-word title made only of these ("Up", "Her", "It", "Big") is matched only
 * when written with a capital letter mid-sentence, so ordinary sentences do not turn into titles.
 */
export const COMMON_WORDS = new Set(
  (
    'a about above after again against ago all almost alone along already also although always am among an and another ' +
    'any anybody anyone anything anyway anywhere are around as ask asked at away back bad be because been before being ' +
    'below best better between big bit both but by call came can cant come could couldnt day days did didnt do does doesnt ' +
    'doing done dont down during each early easy either else end enough even ever every everyone everything exactly far few ' +
    'find fine first for found from full fun funny get gets getting give given go goes going gone good got great had hadnt ' +
    'half happy hard has hasnt have havent having he hear heard hello help her here hers herself hey hi high him himself his ' +
    'home honestly hope how however i id if ill im in instead into is isnt it its itself ive just keep kind know known last ' +
    'late later least left less let lets life like liked likes little long look looking lot lots love loved loves made make ' +
    'makes many maybe me mean might mine more most movie movies much must my myself name near need needs never new next nice ' +
    'night no none nope nor not nothing now of off oh ok okay old on once one ones only or other others our out over own part ' +
    'people perhaps pick picks please pretty probably put quite rather real really recent recommend right said same saw say ' +
    'says see seem seems seen she short should show shows since so some someone something sometimes soon sorry sound sounds ' +
    'start still stuff such sure take taken tell than thank thanks that thats the their them then there these they thing ' +
    'things think this those though thought through time times to today together too took top true try trying two up upon ' +
    'us use used very want wanted wants was wasnt watch watched watching way we well went were werent what whatever when ' +
    'where which while who whole why will wish with without wont work would wouldnt wow yeah yes yet you youd youll your arent ' +
    'youre yours yourself film films watchable thats second third fourth fifth three four five six seven eight nine ten ' +
    'taken go big her up it us them him me sure fine face more after before home alone night day ' +
    'perfect awesome cool nice excellent wonderful sweet brilliant fantastic exactly definitely absolutely totally lol omg'
  )
    .split(/\s+/)
    .concat([...TOPIC_WORDS]),
)
