import { categoriesNamed } from '../categories.ts'
import { copyFindings, type PassEnv, take, type UtteranceState } from './state.ts'

/**
 * Comparative critiques anywhere in the message ("funnier", "less violent"), in the domain profile's words
 * (`critiques`; relative era and length are read by their own passes): signed wishes added to the query, once per
 * critique however often it is said ("funnier and lighter"), each with the words the person said for it: the search
 * reads "funny lighthearted feel-good comedy", the reply quotes "funnier and lighter".
 */
export function readCritiques(state: UtteranceState, { words, lexicon }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  let next = state
  for (const critique of words.critiques) {
    const said: string[] = []
    next = take(next, critique.re, (m) => void said.push(asSaid(state, m)))
    if (!said.length) continue
    const saidAs = [...new Set(said)].join(' and ')
    const lean = [...new Set(critique.categories.flatMap((name) => categoriesNamed(lexicon, name)))]
    for (const p of critique.search)
      findings.preferences.push({ ...p, said: saidAs, ...(p.weight > 0 && lean.length ? { lean } : {}) })
  }
  return { ...next, findings }
}

/** The words of a match as the message writes them (the passes read it lower-cased; offsets are shared). */
function asSaid(state: UtteranceState, m: RegExpExecArray): string {
  return state.text.slice(m.index, m.index + m[0].length).replace(/\s+/g, ' ')
}
