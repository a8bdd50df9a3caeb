import { copyFindings, type PassEnv, type Range, type UtteranceState } from './state.ts'

/** Two or three capitalised words: a person's name when a cue such as "starring" comes right before. */
const PERSON_NAME_RE = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’-]+){1,2}(?![\p{L}\p{N}])/gu
/** One to three capitalised words after a place cue. */
const PLACE_NAME_RE = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}[\p{Ll}'’-]+){0,2}(?![\p{L}\p{N}])/gu
const PLACE_CUE_RE = /\b(?:set in|takes? place in|taking place in|happens in|happening in|located in|based in)\s+$/
const PERSON_CUE_RE =
  /\b(?:with|starring|stars?|featuring|feat\.?|by|directed by|actors?|actress|directors?|(?:movies?|films?) of)\s+$/

/**
 * People and places asked for by name ("movies featuring Jeff Goldblum", "set in Paris"). As text a name would only
 * match descriptions that sound alike, and the reply would then claim the films fit it: the films whose text names
 * it answer; a person no item names is set aside (`unknownPeople`), a place no item names stays a wish. Read
 * before titles.
 */
export function readNames(state: UtteranceState, { ctx, titles }: PassEnv): UtteranceState {
  const knowsName = ctx.knowsName
  if (!knowsName) return state
  const findings = copyFindings(state.findings)
  const masked = [...state.masked]
  for (const { name, span } of cued(state, masked, PERSON_NAME_RE, PERSON_CUE_RE)) {
    // A name that is a whole title ("films with Harry Potter") stays a title; a name holding part of one ("with Tom
    // Cruise", the film The Cruise) is the person.
    const asTitle = titles.find(name)[0]
    if (asTitle && !asTitle.fuzzy && asTitle.start === 0 && asTitle.end === name.length) continue
    if (knowsName(name)) findings.names = [...(findings.names ?? []), name]
    else findings.unknownPeople = [...(findings.unknownPeople ?? []), name]
    masked.push(span)
  }
  for (const { name, span } of cued(state, masked, PLACE_NAME_RE, PLACE_CUE_RE)) {
    if (!knowsName(name)) continue
    findings.names = [...(findings.names ?? []), name]
    masked.push(span)
  }
  return { ...state, masked, findings }
}

/** Names right after their cue and not consumed yet, each with the span to consume from the cue on. */
function cued(state: UtteranceState, masked: readonly Range[], nameRe: RegExp, cueRe: RegExp): { name: string; span: Range }[] {
  return [...state.text.matchAll(nameRe)].flatMap((m) => {
    const start = m.index
    const end = start + m[0].length
    const cue = cueRe.exec(state.lower.slice(Math.max(0, start - 24), start))
    return cue && !masked.some(([a, b]) => a < end && start < b)
      ? [{ name: m[0], span: [start - cue[0].length, end] as Range }]
      : []
  })
}
