import { z } from 'zod'
import type { ItemId } from '../core/index.ts'

/** A title the LLM proposed for a wish, grounded to one catalogue item. */
export interface ProposedTitle {
  id: ItemId
  /** 0 for the LLM's first proposal; ranks stay in the LLM's order after invented titles are dropped. */
  rank: number
}

/** The catalogue ids a title and year name (the chat's title index `lookup`: normalised title, year ±1). */
export type TitleLookup = (title: string, year?: number) => readonly ItemId[]

/** The most proposals asked for and kept. */
export const MAX_PROPOSALS = 20
/** Entries of an answer looked at: a model that lists hundreds is not read to the end. */
const MAX_ENTRIES_READ = 50

const entrySchema = z.object({
  title: z.string().trim().min(1).max(200),
  year: z.number().int().min(1870).max(2100),
})
const answerSchema = z.object({ titles: z.array(z.unknown()) })

/**
 * The proposals of an answer `{"titles": [{"title", "year"}, …]}` that name exactly one catalogue item by title
 * and year; entries that are malformed, lack a year, match nothing (invented) or several items, or repeat an
 * item are dropped. Undefined when the answer is not of that shape. Pure.
 */
export function groundProposals(answer: unknown, lookup: TitleLookup, max = MAX_PROPOSALS): ProposedTitle[] | undefined {
  const parsed = answerSchema.safeParse(answer)
  if (!parsed.success) return undefined
  const out: ProposedTitle[] = []
  const seen = new Set<ItemId>()
  for (const raw of parsed.data.titles.slice(0, MAX_ENTRIES_READ)) {
    const entry = entrySchema.safeParse(raw)
    if (!entry.success) continue
    const ids = lookup(entry.data.title, entry.data.year)
    const id = ids.length === 1 ? ids[0] : undefined
    if (id === undefined || seen.has(id)) continue
    seen.add(id)
    out.push({ id, rank: out.length })
    if (out.length === Math.min(max, MAX_PROPOSALS)) break
  }
  return out
}

/** A blend part for a proposal: 1 for the first, falling linearly to 1/MAX_PROPOSALS for the last possible one. */
export function proposalPart(rank: number): number {
  return Math.max(0, 1 - rank / MAX_PROPOSALS)
}
