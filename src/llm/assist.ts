import type { ExtractedPreferences, LlmClient } from './client.ts'
import type { ProposedTitle, TitleLookup } from './propose.ts'

export interface TurnAssistOptions {
  /** The catalogue's categories, for the preference reading. */
  categories?: readonly string[]
  /** Grounds proposed titles; without it no titles are asked for. */
  lookup?: TitleLookup
  /** Whether to ask for titles at all (a wish, not "thanks" or "the second one"). Default true. */
  propose?: boolean
  signal?: AbortSignal
  /** Budget for both calls together, ms: what has not answered by then is left out. */
  timeoutMs: number
}

export interface TurnAssist {
  /** The LLM's reading of the message, for mergeReadings; undefined when unavailable. */
  extracted?: ExtractedPreferences
  /** Grounded title proposals, best first; empty when unavailable. */
  proposals: ProposedTitle[]
}

/**
 * What the LLM adds to one turn: its reading of the message and its title proposals, asked side by side within one
 * time budget. Never throws; with no LLM configured it returns nothing at once.
 */
export async function assistTurn(llm: LlmClient | undefined, text: string, options: TurnAssistOptions): Promise<TurnAssist> {
  if (!llm) return { proposals: [] }
  const budget = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, budget]) : budget
  const lookup = options.lookup
  const [extracted, proposals] = await Promise.all([
    llm
      .extractPreferences(text, { signal, ...(options.categories ? { categories: options.categories } : {}) })
      .catch(() => undefined),
    lookup && options.propose !== false ? llm.proposeTitles(text, { signal, lookup }).catch(() => undefined) : undefined,
  ])
  return { ...(extracted ? { extracted } : {}), proposals: proposals ?? [] }
}
