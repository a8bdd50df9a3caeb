import { tokenize } from '../text.ts'
import { perDomain } from './domain-words.ts'
import { copyFindings, type PassEnv, type UtteranceState } from './state.ts'
import type { Understanding } from './types.ts'

const GREETING_WORDS = new Set(
  'hi hello hey hiya howdy yo hola greetings sup whats up there good morning afternoon evening how are you doing today im fine and concierge bot well nice to meet'.split(
    ' ',
  ),
)
const THANKS_WORDS = new Set(
  'thanks thank you thx ty so much a lot great cool ok okay awesome perfect bye goodbye see ya later will watch check it out them those that sounds good nice sure yes yeah yep alright i ill im gonna going to try give shot definitely'.split(
    ' ',
  ),
)
/** Asking what a film is ("what's it about?", "what is Inception about?", "tell me more about the second one"). */
const aboutRe = perDomain(
  (w) =>
    new RegExp(
      `^\\W*(?:(?:ok(?:ay)?|so|and|hmm+|cool|nice|oh)\\W+)?(?:what(?:'s|s| is| was)\\b.{0,80}\\babout|tell me (?:a bit |a little |some(?:thing)? |more )*about\\b.{0,80}|what happens in\\b.{0,80}|what(?:'s| is) the (?:plot|story|premise)\\b.{0,80}|(?:what kind of|what sort of|what type of) (?:${w.singular}) is (?:it|that|this)\\b)\\W*$`,
    ),
)
const HELP_RE =
  /^(?:help|\?+|what can you do|what do you do|how does (?:this|it) work|how do i use (?:this|you)|commands|what are my options|who are you|what are you)\W*$/

/**
 * What the message is, once everything else is read: a question about one film ("what's it about?"), a reset, or,
 * when it asks for nothing, help, a greeting or thanks. A question about a film ends the reading.
 */
export function readIntent(state: UtteranceState, { ctx, words }: PassEnv): UtteranceState {
  const findings = copyFindings(state.findings)
  const lower = state.lower
  if (asksAboutOneFilm(findings, lower, aboutRe(words))) {
    const named = findings.mentions.find((m) => m.mention.itemId !== undefined)?.mention.itemId
    const pointed = findings.references.at(-1)?.itemId
    const single = ctx.lastShown.length === 1 ? ctx.lastShown[0] : undefined
    const target = pointed ?? named ?? ctx.focus ?? single
    if (findings.mentions.length <= 1 && findings.references.length <= 1) {
      findings.intent = 'about'
      if (target !== undefined) findings.about = target
      findings.mentions = []
      findings.references = []
      findings.preferences = []
      return { ...state, findings, done: true }
    }
  }
  if (findings.reset) findings.intent = 'reset'
  else if (asksNothing(findings)) {
    const norm = tokenize(lower).map((t) => t.norm)
    if (HELP_RE.test(lower.trim())) findings.intent = 'help'
    else if (norm.length && norm.every((w) => GREETING_WORDS.has(w))) findings.intent = 'greeting'
    else if (norm.length && norm.every((w) => THANKS_WORDS.has(w))) findings.intent = 'thanks'
  }
  return { ...state, findings }
}

/** "what's it about?", "tell me about the second one", "what is Old Yeller?" with nothing else asked. */
function asksAboutOneFilm(findings: Understanding, lower: string, about: RegExp): boolean {
  // "what is Old Yeller?": the whole message asks what one named film is.
  const only = findings.mentions.length === 1 ? findings.mentions[0]!.mention : undefined
  const whatIsTitle =
    only !== undefined && /^\W*what(?:'s|s| is| was)\s+$/.test(lower.slice(0, only.start)) && /^\W*$/.test(lower.slice(only.end))
  return (
    !findings.reset &&
    (about.test(lower.trim()) || whatIsTitle) &&
    !findings.include.length &&
    !findings.exclude.length &&
    !findings.era
  )
}

function asksNothing(f: Understanding): boolean {
  return (
    !f.reset &&
    !f.dropFilters &&
    !f.mentions.length &&
    !f.references.length &&
    f.clarified === undefined &&
    !f.include.length &&
    !f.exclude.length &&
    !f.release?.length &&
    !f.era &&
    f.runtimeMax === undefined &&
    !f.runtimeIgnored &&
    !f.names?.length &&
    !f.preferences.length
  )
}
