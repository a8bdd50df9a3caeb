import type { ItemId } from '../core/index.ts'
import { assistTurn, mergeReadings, proposalPart } from '../llm/index.ts'
import type { ChatContext } from './context.ts'
import type { Understanding } from './understand.ts'

/** Default budget for the LLM's reading and proposals of one message, ms: what has not answered by then is left out. */
export const DEFAULT_ASSIST_TIMEOUT_MS = 1500

/** A message's reading with what the LLM added: the merged understanding, titles it read, titles it proposes. */
export interface AssistedReading {
  u: Understanding
  /** Titles the LLM read as liked (or disliked) that the rules missed, one catalogue item each. */
  likes: ItemId[]
  dislikes: ItemId[]
  /** Catalogue items the LLM proposed for the wish, best first, with their blend part. */
  proposed: { id: ItemId; part: number }[]
}

/**
 * The rule reading merged with the LLM's (the rules win where they said something; see mergeReadings), and the
 * LLM's grounded title proposals when the message asks for something. Without an LLM, or when it fails or is
 * slower than its budget, the rule reading comes back unchanged. Never throws.
 */
export async function assistedReading(
  ctx: ChatContext,
  u: Understanding,
  signal: AbortSignal | undefined,
): Promise<AssistedReading> {
  const { llm, llmAssistTimeoutMs } = ctx.deps
  if (!llm || !u.text.trim()) return { u, likes: [], dislikes: [], proposed: [] }
  const assist = await assistTurn(llm, u.text, {
    categories: ctx.lexicon.categories,
    lookup: (title, year) => ctx.titles.lookup(title, year),
    propose: u.intent === 'request',
    signal,
    timeoutMs: llmAssistTimeoutMs ?? DEFAULT_ASSIST_TIMEOUT_MS,
  })
  const named = new Set(u.mentions.flatMap((m) => m.mention.candidates))
  for (const r of u.references) named.add(r.itemId)
  const merged = mergeReadings(u, assist.extracted, {
    lookup: (title) => ctx.titles.lookup(title),
    named,
    maxYear: ctx.maxYear + 1,
  })
  const proposed = assist.proposals.map((p) => ({ id: p.id, part: proposalPart(p.rank) }))
  return { u: merged.reading, likes: merged.likes, dislikes: merged.dislikes, proposed }
}
