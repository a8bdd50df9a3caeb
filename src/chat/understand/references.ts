import type { ItemId } from '../../core/index.ts'
import { perDomain } from './domain-words.ts'
import { type PassEnv, type PointedItem, take, UNRESOLVED, type UtteranceState } from './state.ts'

const ORD: Record<string, number> = {
  first: 0,
  '1st': 0,
  second: 1,
  '2nd': 1,
  third: 2,
  '3rd': 2,
  fourth: 3,
  '4th': 3,
  fifth: 4,
  '5th': 4,
  sixth: 5,
  '6th': 5,
  seventh: 6,
  '7th': 6,
  eighth: 7,
  '8th': 7,
  ninth: 8,
  '9th': 8,
  tenth: 9,
  '10th': 9,
  last: -1,
}
const ORD_ALT = Object.keys(ORD).join('|')
const PRONOUN = '(?:it|that|this|both(?: of (?:them|those))?|them(?: both| all)?|those|these|all of (?:them|those))'
/** A pronoun pointing at what was shown, after a verb of watching or liking, or opening a clause that describes it. */
const reactionRe = perDomain(
  (w) =>
    new RegExp(
      `\\b(?:(?:${w.done}|${w.base}|lov(?:e|ed|es)|lik(?:e|ed|es)|enjoyed|hated?|disliked?|adored?|check(?:ed)? out) ${PRONOUN}(?! (?:is|was|one|${w.singular}|kind|type|sort)\\b)|(?:^|(?<=[.!?,;]\\s*))(?:(?:yes|yeah|yep|oh|ok|okay|wow)\\W+)*(?:it|that|this|those|they|both(?: of them)?)(?= ?(?:'s|is|was|were|are|sounds?|looks?|seems?)\\b)|(?:^|(?<=[.!?,;]\\s*))(?:yes|yeah|yep),? i (?:have|did)\\b|(?:^|(?<=[.!?,;]\\s*))no,? i (?:have ?n[o']?t|have not|did ?n[o']?t)\\b)`,
      'g',
    ),
)
const NOT_ITEM =
  '(?! (?:few|couple|several|years?|decades?|months?|weeks?|days?|time|times|night|world|half|place|part|chapter|episode|season|act|date|love|kiss|sight|person|lady|class|round|step|\\d+)\\b)'
const NUMBERED_RE = /(?:#|\b(?:number|no\.?|nr\.?|option|pick) ?)(\d{1,2})\b/g
// "The last few years", "the first time", "the first world war" are not items.
const ordinalRe = perDomain((w) => {
  const noun = `(?:one|pick|option|suggestion|title|item|${w.singular})`
  return new RegExp(`\\b(?:the (${ORD_ALT})${NOT_ITEM}(?: ${noun})?|(${ORD_ALT}) ${noun})\\b`, 'g')
})
/** "the 1979 one", answering which of two same-titled films. */
const PENDING_YEAR_RE = /\b(?:the )?((?:19|20)\d\d)(?: one| version)?\b/g
const PENDING_VERSION_RE =
  /\b(?:the )?(original|older one|old one|first version|remake|newer one|new one|recent one|latest one)\b/g
const demonstrativeRe = perDomain(
  (w) =>
    new RegExp(
      `\\b(?:(?:more|something|anything|some(?:thing)?s?) like (?:that|this|it|that one|this one)|similar (?:ones|${w.plural}|stuff)|something similar|more of (?:that|the same)|like that one|that one|this one|that (?:${w.singular})|this (?:${w.singular}))\\b`,
      'g',
    ),
)
const LIKE_ALL_SHOWN_RE =
  /\b(?:more like (?:these|those|them)|(?:i )?(?:like|liked|love|loved) (?:them all|all of them|these|those))\b/g

/**
 * References to the last reply, the pending question's options or the focus: "the second one", "#3", "the 1979
 * one", "more like that", "loved it". Their words are consumed; which item a demonstrative means is settled once
 * titles are found.
 */
export function readReferences(state: UtteranceState, { ctx, words }: PassEnv): UtteranceState {
  const pointed: PointedItem[] = [...state.pointed]
  let next = readPicks(state, ordinalRe(words), ctx.pending?.candidates ?? ctx.lastShown, Boolean(ctx.pending), pointed)
  if (ctx.pending) next = readPendingChoice(next, ctx.pending.candidates, ctx.yearOf, pointed)
  const focus = ctx.focus ?? ctx.lastShown[0]
  if (focus !== undefined) {
    next = take(next, demonstrativeRe(words), (m) => {
      const similar = /like|similar|more of/.test(m[0])
      pointed.push({
        start: m.index,
        end: m.index + m[0].length,
        itemId: focus,
        fromPending: false,
        similar,
        demonstrative: true,
      })
    })
  }
  next = take(next, reactionRe(words), reactTo(ctx.focus, ctx.lastShown, pointed))
  let likeAllShown = next.likeAllShown
  if (ctx.lastShown.length) {
    next = take(next, LIKE_ALL_SHOWN_RE, () => {
      likeAllShown = true
    })
  }
  return { ...next, pointed, likeAllShown }
}

/** "#2", "number 3", "the second one", "the last movie": a position in the options. */
function readPicks(
  state: UtteranceState,
  ordinal: RegExp,
  options: readonly ItemId[],
  fromPending: boolean,
  pointed: PointedItem[],
): UtteranceState {
  if (!options.length) return state
  const pickAt = (index: number) => (index < 0 ? options[options.length + index] : options[index])
  const point = (m: RegExpExecArray, id: ItemId | undefined) => {
    if (id === undefined) return false
    pointed.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending })
    return true
  }
  const next = take(state, NUMBERED_RE, (m) => point(m, pickAt(Number(m[1]) - 1)))
  return take(next, ordinal, (m) => point(m, pickAt(ORD[(m[1] ?? m[2])!]!)))
}

/** "the 1979 one", "the original", "the remake": which of the pending question's same-titled films. */
function readPendingChoice(
  state: UtteranceState,
  candidates: readonly ItemId[],
  yearOf: (id: ItemId) => number | undefined,
  pointed: PointedItem[],
): UtteranceState {
  const point = (m: RegExpExecArray, id: ItemId | undefined) => {
    if (!id) return false
    pointed.push({ start: m.index, end: m.index + m[0].length, itemId: id, fromPending: true })
    return true
  }
  const next = take(state, PENDING_YEAR_RE, (m) =>
    point(
      m,
      candidates.find((c) => yearOf(c) === Number(m[1])),
    ),
  )
  return take(next, PENDING_VERSION_RE, (m) => {
    const byYear = [...candidates].sort((a, b) => (yearOf(a) ?? 0) - (yearOf(b) ?? 0))
    const oldest = /original|old|first/.test(m[1]!)
    return point(m, oldest ? byYear[0] : byYear[byYear.length - 1])
  })
}

/** "loved it", "seen them both", "it sounds great": a pronoun for what was just pointed at or shown. */
function reactTo(
  focus: ItemId | undefined,
  lastShown: readonly ItemId[],
  pointed: PointedItem[],
): (m: RegExpExecArray) => boolean {
  return (m) => {
    // "It" is the film just pointed at ("I've seen the first one, loved it"), else the focus; after a long list
    // it is anyone's guess, so only a list of one or two; "both" only of two.
    const before = pointed.filter((r) => r.start < m.index && !r.fromPending && !r.pronoun).at(-1)?.itemId
    const single = before ?? focus ?? (lastShown.length <= 2 ? lastShown[0] : undefined)
    let ids: ItemId[] = single !== undefined ? [single] : []
    if (/\bboth\b/.test(m[0])) ids = lastShown.length === 2 ? [...lastShown] : []
    else if (/\b(?:them|those|these|all|they)\b/.test(m[0])) ids = [...lastShown]
    // "It" with nothing shown to point at may still be a title said earlier in the message (resolved later); its
    // words stay free, since "a movie like It" names the film It.
    else if (!ids.length) {
      pointed.push({ start: m.index, end: m.index + m[0].length, itemId: UNRESOLVED, fromPending: false, pronoun: true })
      return false
    }
    if (!ids.length) return false
    for (const itemId of ids)
      pointed.push({ start: m.index, end: m.index + m[0].length, itemId, fromPending: false, pronoun: true })
    return true
  }
}
