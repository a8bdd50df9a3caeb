/**
 * Shortens `text` to at most `max` characters, `ellipsis` included, for people to read: cut at the last space
 * before the limit when that keeps more than half of it (else mid-word), without trailing spaces or `,;:.`, then
 * the ellipsis. Text that already fits comes back unchanged. (Catalogue item texts are cut with it before they are
 * embedded: a change here changes their vectors.)
 */
export function clipWords(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text
  const room = max - ellipsis.length
  if (room <= 0) return ''
  const slice = text.slice(0, room)
  const space = slice.lastIndexOf(' ')
  const base = space > max / 2 ? slice.slice(0, space) : slice
  return `${base.replace(/[\s,;:.]+$/, '')}${ellipsis}`
}

/** A URL without its password, for messages and logs (a connection URL is a secret; its host is not). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

const ORDINALS = 'first second third fourth fifth sixth seventh eighth ninth tenth'.split(' ')
const CARDINALS = 'one two three four five six seven eight nine ten'.split(' ')
/** Roman numerals of two letters or more: "i", "v" and "x" alone are words as often as numbers ("I", "V for Vendetta"). */
const ROMAN: Readonly<Record<string, number>> = { ii: 2, iii: 3, iv: 4, vi: 6, vii: 7, viii: 8, ix: 9 }

/**
 * The small numbers (1–10) a text states, written as digits, words, ordinals or roman numerals ("World War II",
 * "the second world war", "ww2" → 2; "the first world war" → 1). Years and other large numbers are left out.
 */
export function smallNumbersIn(text: string): Set<number> {
  const out = new Set<number>()
  for (const token of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digits = /^[a-z]*(\d{1,2})$/.exec(token)?.[1]
    const value = digits ? Number(digits) : ORDINALS.indexOf(token) + 1 || CARDINALS.indexOf(token) + 1 || (ROMAN[token] ?? 0)
    if (value >= 1 && value <= 10) out.add(value)
  }
  return out
}

/** Whether two texts each state small numbers and share none ("first world war" and "World War II"). */
export function numbersDisagree(a: string, b: string): boolean {
  const [x, y] = [smallNumbersIn(a), smallNumbersIn(b)]
  return x.size > 0 && y.size > 0 && ![...x].some((n) => y.has(n))
}
