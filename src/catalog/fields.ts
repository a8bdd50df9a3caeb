/** Field coercions shared by the generic loader and the MovieLens adapter. Each returns a value or an error text. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const fail = (message: string): Parsed<never> => ({ ok: false, message })

export const YEAR_MIN = 1800
export const YEAR_MAX = 2100

/** Shows a bad value in a message, shortened so a huge cell does not flood the output. */
export function shown(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value)
  const cut = s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}…` : s
  return JSON.stringify(cut)
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '')
}

const INT = /^[+-]?\d+$/
const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

export function parseYear(v: unknown): Parsed<number | undefined> {
  if (isBlank(v)) return ok(undefined)
  const n = typeof v === 'number' ? v : typeof v === 'string' && INT.test(v.trim()) ? Number(v) : Number.NaN
  if (!Number.isInteger(n) || n < YEAR_MIN || n > YEAR_MAX) {
    return fail(`expected an integer between ${YEAR_MIN} and ${YEAR_MAX}, got ${shown(v)}`)
  }
  return ok(n)
}

export function parseRating(v: unknown): Parsed<number | undefined> {
  if (isBlank(v)) return ok(undefined)
  const n = typeof v === 'number' ? v : typeof v === 'string' && NUM.test(v.trim()) ? Number(v) : Number.NaN
  if (!Number.isFinite(n)) return fail(`expected a number, got ${shown(v)}`)
  return ok(n)
}

/** Seconds since the epoch: an integer, or an ISO 8601 date/time string. */
export function parseTimestamp(v: unknown): Parsed<number | undefined> {
  if (isBlank(v)) return ok(undefined)
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return ok(v)
  if (typeof v === 'string') {
    const s = v.trim()
    if (INT.test(s) && Number(s) >= 0) return ok(Number(s))
    if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
      const ms = Date.parse(s)
      if (Number.isFinite(ms)) return ok(Math.floor(ms / 1000))
    }
  }
  return fail(`expected seconds since 1970 (a non-negative integer) or an ISO 8601 date, got ${shown(v)}`)
}

/** An id: a non-empty string, or an integer written as a number in JSON. */
export function parseId(v: unknown): Parsed<string> {
  if (typeof v === 'number' && Number.isInteger(v)) return ok(String(v))
  if (typeof v === 'string' && v.trim() !== '') return ok(v.trim())
  return fail(`expected a non-empty id, got ${v === undefined ? 'nothing' : shown(v)}`)
}

export function parseText(v: unknown): Parsed<string> {
  if (v === undefined || v === null) return ok('')
  if (typeof v === 'string') return ok(v.trim())
  if (typeof v === 'number' || typeof v === 'boolean') return ok(String(v))
  return fail(`expected text, got ${shown(v)}`)
}

/** A list: a JSON array of strings, or one string with entries separated by `|`. Entries are trimmed, empties dropped. */
export function parseList(v: unknown): Parsed<string[]> {
  if (isBlank(v)) return ok([])
  if (typeof v === 'string') return ok(splitList(v))
  if (Array.isArray(v) && v.every((e) => typeof e === 'string' || typeof e === 'number')) {
    return ok(v.map((e) => String(e).trim()).filter((e) => e !== ''))
  }
  return fail(`expected a list of strings (a JSON array, or text separated by "|"), got ${shown(v)}`)
}

export function splitList(s: string): string[] {
  const out: string[] = []
  for (const part of s.split('|')) {
    const t = part.trim()
    if (t !== '') out.push(t)
  }
  return out
}

export function parseImageUrl(v: unknown): Parsed<string | undefined> {
  if (isBlank(v)) return ok(undefined)
  if (typeof v === 'string') {
    const s = v.trim()
    try {
      const u = new URL(s)
      if (u.protocol === 'http:' || u.protocol === 'https:') return ok(s)
    } catch {
      // reported below
    }
  }
  return fail(`expected an absolute http(s) URL, got ${shown(v)}`)
}

/** Year at the end of a MovieLens title: `Toy Story (1995)` → { title: 'Toy Story', year: 1995 }. */
export function splitTitleYear(raw: string): { title: string; year?: number } {
  const m = /^(.*?)\s*\((\d{4})\)\s*$/.exec(raw)
  if (!m) return { title: raw.trim() }
  const year = Number(m[2])
  if (year < YEAR_MIN || year > YEAR_MAX) return { title: raw.trim() }
  return { title: (m[1] as string).trim(), year }
}

const ARTICLES = new Set([
  'The',
  'A',
  'An',
  'Le',
  'La',
  'Les',
  "L'",
  'El',
  'Il',
  'Lo',
  'Los',
  'Las',
  'Das',
  'Der',
  'Die',
  'Den',
  'Det',
  'Gli',
])

/**
 * Moves a trailing article to the front: `Matrix, The` → `The Matrix`,
 * `City of Lost Children, The (Cité des enfants perdus, La)` → `The City of Lost Children (Cité des enfants perdus, La)`,
 * `Homme, L'` → `L'Homme`. Other titles come back unchanged.
 */
export function displayTitle(title: string): string {
  const m = /^(.+?), ([A-Z][a-z]{0,2}'?)(\s+\(.*\))?$/.exec(title)
  if (!m) return title
  const [, main, article, rest] = m as unknown as [string, string, string, string | undefined]
  if (!ARTICLES.has(article)) return title
  const sep = article.endsWith("'") ? '' : ' '
  return `${article}${sep}${main}${rest ?? ''}`
}
