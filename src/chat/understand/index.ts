import type { CategoryLexicon } from '../categories.ts'
import { sanitizeUtterance } from '../text.ts'
import type { TitleIndex } from '../title-index.ts'
import { readCategories } from './categories.ts'
import { readControls } from './control.ts'
import { readCritiques } from './critiques.ts'
import { defaultProfile, domainWords } from './domain-words.ts'
import { readAnchoredEra, readEras } from './eras.ts'
import { readIntent } from './intent.ts'
import { readNames } from './names.ts'
import { readQuantities } from './quantities.ts'
import { readReferences } from './references.ts'
import { readSentiment } from './sentiment.ts'
import { initialState, type Pass, type PassEnv, type UtteranceState } from './state.ts'
import { readTitles } from './titles.ts'
import type { UnderstandContext, Understanding } from './types.ts'
import { readWishes } from './wishes.ts'

export type { Pass, PassEnv, UtteranceState } from './state.ts'
export type { ItemAction, UnderstandContext, Understanding } from './types.ts'

/**
 * The passes, in the order they run. Order matters: each consumes the words it reads, so a later pass does not read
 * them again (control phrases before titles, so "shorter" is not a typo of "Shooter"; names before titles, so
 * "with Tom Cruise" is not the film The Cruise; titles before categories and wishes).
 */
export const PASSES: readonly { name: string; run: Pass }[] = [
  { name: 'controls', run: readControls },
  { name: 'references', run: readReferences },
  { name: 'critiques', run: readCritiques },
  { name: 'eras', run: readEras },
  { name: 'quantities', run: readQuantities },
  { name: 'names', run: readNames },
  { name: 'titles', run: readTitles },
  { name: 'sentiment', run: readSentiment },
  { name: 'anchored era', run: readAnchoredEra },
  { name: 'categories', run: readCategories },
  { name: 'wishes', run: readWishes },
  { name: 'intent', run: readIntent },
]

/** Runs the passes over a sanitised utterance, stopping early when one says the reading is done. */
export function runPasses(text: string, env: PassEnv, passes: readonly { run: Pass }[] = PASSES): UtteranceState {
  let state = initialState(text)
  for (const pass of passes) {
    if (state.done) break
    state = pass.run(state, env)
  }
  return state
}

/**
 * Understands one message without any LLM: titles (fuzzy, year-tolerant), likes and dislikes, categories in and
 * out, eras, runtime, references to the last reply, critiques, reset, greetings. Pure and fast.
 */
export function understand(input: string, ctx: UnderstandContext, titles: TitleIndex, lexicon: CategoryLexicon): Understanding {
  const words = domainWords(ctx.profile ?? defaultProfile())
  return runPasses(sanitizeUtterance(input), { ctx, titles, lexicon, words }).findings
}
