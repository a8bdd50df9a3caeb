import { describesRe, REQUEST_CUE_RE, refusedBefore } from './cues.ts'
import type { EraWords } from './domain-words.ts'
import { clauseAt, copyFindings, type PassEnv, take, type UtteranceState } from './state.ts'
import type { Understanding } from './types.ts'

/** When a film is set ("set in the 1920s", "takes place in 1944"): a wish about its story, not when it was made. */
const SETTING_BEFORE_RE =
  /\b(?:set|settings?|takes? place|taking place|happens?|happening|period piece|historical)(?:\s+(?:in|during|of|from|around))?\s+(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?$/
const RECENT_REL_RE = /\b(?:more (?:recent|modern|current|up to date)|newer|less old|something new(?:er)?)\b/g
/** The last few years, in any domain with years: "from the past couple of years", "the last decade". */
const LAST_YEARS_RE =
  /\b(?:(?:last|past) (?:(?:few|couple(?: of)?|several|\d|two|three|four|five) )?years?|(?:last|past) decade)\b/g
const OLDER_REL_RE = /\b(?:older|less (?:recent|new|modern)|something old(?:er)?)\b/g
const DECADE_WORDS: Record<string, number> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
  'two thousands': 2000,
  noughties: 2000,
}
const DECADE_RE =
  /\b(?:(early|late|mid) ?-?)?(?:'?(\d0)[’']?s|(19\d0|20\d0)[’']?s|(twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|noughties|two thousands))\b/g
const YEAR_RANGE_RE = /\b(?:between|from) ((?:19|20)\d\d) (?:and|to|-|till|until) ((?:19|20)\d\d)\b/g
const YEAR_AFTER_RE =
  /\b(after|since|post|newer than|later than|from) ((?:19|20)\d\d)( on(?:wards?)?| and (?:later|after|newer)| or (?:later|newer))?\b/g
const YEAR_BEFORE_RE = /\b(before|pre|prior to|until|up to|older than|earlier than) ((?:19|20)\d\d)\b/g
const YEAR_IN_RE = /\b(?:in|of|released in|made in|year) ((?:19|20)\d\d)\b/g

type Bounds = [number | undefined, number | undefined]

/**
 * When the films were made: exact eras ("the 90s", "after 2010", "from 1995") and vague ones ("recent", "older",
 * "classics"), which give way to an exact one in the same message: "something older, from the 80s" asks for the
 * 80s, not for everything from 1980 to just before what was shown. An impossible range is dropped.
 */
export function readEras(state: UtteranceState, env: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const setEra = (min: number | undefined, max: number | undefined) => {
    findings.era ??= {}
    if (min !== undefined) findings.era.min = findings.era.min === undefined ? min : Math.min(findings.era.min, min)
    if (max !== undefined) findings.era.max = findings.era.max === undefined ? max : Math.max(findings.era.max, max)
  }
  const vague: Bounds[] = []
  const relative: ('newer' | 'older')[] = []
  const before = state.masked.length
  let next = readVagueEras(state, env, { vague, relative }, ([min, max]) => setEra(min, max))
  next = readExactEras(next, env.ctx.maxYear, setEra)
  const onlyRelative = !findings.era && vague.length === 1 && relative.length === 1
  if (!findings.era) for (const [min, max] of vague) setEra(min, max)
  if (onlyRelative) next = { ...next, relativeEra: relative[0] }
  dropImpossibleEra(findings)
  // Items without years: no era filters them; the reply can say so with the words used.
  const [start, end] = next.masked[before] ?? []
  if (env.ctx.hasYears === false && start !== undefined) {
    delete findings.era
    findings.eraIgnored = state.text.slice(start, end)
  }
  return { ...next, findings }
}

/** "recent", "newer", "older", "classics", "old school": relative to what was shown, or to the catalogue's years. */
function readVagueEras(
  state: UtteranceState,
  { ctx, words }: PassEnv,
  { vague, relative }: { vague: Bounds[]; relative: ('newer' | 'older')[] },
  exact: (bounds: Bounds) => void,
): UtteranceState {
  const shownYears = ctx.lastShown.map(ctx.yearOf).filter((y): y is number => y !== undefined)
  const median = shownYears.length ? [...shownYears].sort((a, b) => a - b)[Math.floor(shownYears.length / 2)]! : undefined
  // Refused eras flip: "nothing old school" asks for after 1989, "nothing recent" for before the last years.
  const negated = (m: RegExpExecArray) => refusedBefore(state.lower.slice(clauseAt(state, m.index)?.start ?? 0, m.index), words)
  const newer = median !== undefined ? median + 1 : ctx.maxYear - 5
  const older = median !== undefined ? median - 1 : 1989
  const vaguely = (era: Bounds) => void vague.push(era)
  // "They're classics!", "that one is old": describing films already named says nothing about the era wanted.
  const describing = (m: RegExpExecArray) => {
    const clause = clauseAt(state, m.index)
    const text = state.lower.slice(clause?.start ?? 0, clause?.end ?? state.lower.length)
    return describesRe(words).test(text) && !REQUEST_CUE_RE.test(text)
  }
  const relatively = (kind: 'newer' | 'older', m: RegExpExecArray) => {
    if (!negated(m)) relative.push(kind)
  }
  let next = take(state, RECENT_REL_RE, (m) => {
    relatively('newer', m)
    vaguely(negated(m) ? [undefined, median ?? ctx.maxYear - 6] : [newer, undefined])
  })
  // The domain's named eras ("recent", "classics", "old school"), in the profile's order.
  for (const era of words.eras) {
    next = take(next, era.re, (m) => {
      if (describing(m)) return false
      const bounds = eraBounds(era, ctx.maxYear, negated(m))
      if (era.vague) vaguely(bounds)
      else exact(bounds)
    })
  }
  next = take(next, LAST_YEARS_RE, (m) => vaguely(negated(m) ? [undefined, ctx.maxYear - 6] : [ctx.maxYear - 5, undefined]))
  return take(next, OLDER_REL_RE, (m) => {
    relatively('older', m)
    vaguely(negated(m) ? [median ?? 1990, undefined] : [undefined, older])
  })
}

/**
 * "like Alien but more recent", "I loved The Matrix, something older": a relative era said beside titles asked for
 * more like, or liked, is relative to their years (newer than the newest, older than the oldest), not to what was
 * shown or the catalogue's last years. Read once the titles and what is said of them are known (after sentiment).
 */
export function readAnchoredEra(state: UtteranceState, { ctx }: PassEnv): UtteranceState {
  if (!state.relativeEra || !state.findings.era) return state
  const years = state.findings.mentions
    .filter((m) => (m.action === 'anchor' || m.action === 'like') && m.mention.itemId !== undefined)
    .map((m) => ctx.yearOf(m.mention.itemId as string))
    .filter((y): y is number => y !== undefined)
  if (!years.length) return state
  const era = state.relativeEra === 'newer' ? { min: Math.max(...years) + 1 } : { max: Math.min(...years) - 1 }
  // Newer than the catalogue's newest: nothing is, so the era read without the title stands.
  if (era.min !== undefined && era.min > ctx.maxYear) return state
  const findings = copyFindings(state.findings)
  findings.era = era
  return { ...state, findings }
}

/** The years a named era asks for; refused, the years around it ("nothing old school" asks for 1990 on). */
function eraBounds(era: EraWords, maxYear: number, refused: boolean): Bounds {
  if (era.lastYears !== undefined)
    return refused ? [undefined, maxYear - era.lastYears - 1] : [maxYear - era.lastYears, undefined]
  if (!refused) return [era.min, era.max]
  if (era.refused) return [era.refused.min, era.refused.max]
  return [era.max !== undefined ? era.max + 1 : undefined, era.min !== undefined ? era.min - 1 : undefined]
}

/** Years and decades: "between 1990 and 2000", "after 2010", "before 1980", "the late 90s", "in 1994". */
function readExactEras(
  state: UtteranceState,
  maxYear: number,
  setEra: (min: number | undefined, max: number | undefined) => void,
): UtteranceState {
  // "Set in the 1920s" is when the story happens: left in the text as a wish.
  const setting = (m: RegExpExecArray) => SETTING_BEFORE_RE.test(state.lower.slice(Math.max(0, m.index - 40), m.index))
  let next = take(state, YEAR_RANGE_RE, (m) => {
    if (setting(m)) return false
    setEra(Math.min(Number(m[1]), Number(m[2])), Math.max(Number(m[1]), Number(m[2])))
  })
  next = take(next, YEAR_AFTER_RE, (m) => {
    const y = Number(m[2])
    if (m[1] === 'from' && !m[3]) setEra(y, y)
    else setEra(m[1] === 'after' || m[1] === 'post' || /than/.test(m[1]!) ? y + 1 : y, undefined)
  })
  next = take(next, YEAR_BEFORE_RE, (m) => {
    const y = Number(m[2])
    setEra(undefined, m[1] === 'until' || m[1] === 'up to' ? y : y - 1)
  })
  next = take(next, DECADE_RE, (m) => {
    if (setting(m)) return false
    const [min, max] = decadeBounds(m, maxYear)
    setEra(min, max)
  })
  return take(next, YEAR_IN_RE, (m) => {
    if (setting(m)) return false
    setEra(Number(m[1]), Number(m[1]))
  })
}

/** "the 90s" → 1990–1999, "early 80s" → 1980–1984, "'20s" → 2020s when the catalogue reaches them, else 1920s. */
function decadeBounds(m: RegExpExecArray, maxYear: number): [number, number] {
  let start: number
  if (m[2]) {
    const d = Number(m[2])
    start = d <= Math.floor((maxYear % 100) / 10) * 10 ? 2000 + d : 1900 + d
  } else if (m[3]) start = Number(m[3])
  else start = DECADE_WORDS[m[4]!]!
  const part = m[1]
  return [start + (part === 'late' ? 6 : part === 'mid' ? 3 : 0), start + (part === 'early' ? 4 : part === 'mid' ? 7 : 9)]
}

function dropImpossibleEra(findings: Understanding): void {
  const era = findings.era
  if (era && era.min !== undefined && era.max !== undefined && era.min > era.max) delete findings.era
}
