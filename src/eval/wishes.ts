/**
 * The wish benchmark's instruments: natural requests whose relevance is a *rule* over catalogue facts (user tags,
 * TMDB keywords and companies, genres or sections, metadata such as `interface`, years), resolved to a set of item
 * ids, never a hand-picked list; the metrics a ranking is judged on (precision@k, nDCG@k) and the two health figures
 * over a whole run (recurrence of the most frequent items, coverage of the catalogue). Pure: the data files are read
 * by `wish-facts.ts` and the bench.
 */
import { z } from 'zod'
import { AppError } from '../core/index.ts'
import { meanInterval, ndcgAtK } from './metrics.ts'

/** The kinds of fact a rule can name. `tags`: MovieLens user tags or debtags; `categories`: genres or sections. */
export const FACT_SOURCES = ['tags', 'keywords', 'companies', 'categories', 'interface', 'toolkit'] as const
export type FactSource = (typeof FACT_SOURCES)[number]

/** Facts never written into the item text of a build made without the TMDB movie table: the blind labels. */
export const BLIND_SOURCES: readonly FactSource[] = ['keywords', 'companies']

/** One catalogue item's facts, values lower-cased and trimmed. */
export interface ItemFacts {
  id: string
  year?: number
  facts: Partial<Record<FactSource, ReadonlySet<string>>>
}

const valuesSchema = z.array(z.string().trim().min(1)).min(1)
/** A group matches an item that has any of its values in the named source (any source of the group). */
const groupSchema = z.partialRecord(z.enum(FACT_SOURCES), valuesSchema)
export type FactGroup = z.infer<typeof groupSchema>

export const wishRuleSchema = z
  .object({
    /** The topic: the item has any of these facts. */
    any: groupSchema.optional(),
    /** Further conditions, each a group the item must match (e.g. a genre, an interface). */
    all: z.array(groupSchema).optional(),
    /** The item matches none of these (e.g. "no horror", "not GTK"). */
    none: groupSchema.optional(),
    /** Inclusive year range. */
    years: z.tuple([z.number().int(), z.number().int()]).optional(),
  })
  .strict()
  .refine((r) => (r.any && Object.keys(r.any).length > 0) || (r.all && r.all.length > 0), {
    message: 'a rule needs a topic (any) or a condition (all)',
  })
export type WishRule = z.infer<typeof wishRuleSchema>

export const wishRequestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.string().min(1),
    text: z.string().min(3),
    /**
     * What the person said before, in the same conversation, one message per turn ("a heist movie" before
     * "funnier"): the reply to `text`, the last turn, is judged.
     */
    before: z.array(z.string().min(1)).min(1).optional(),
    half: z.enum(['tune', 'report']),
    rule: wishRuleSchema,
  })
  .strict()
export type WishRequest = z.infer<typeof wishRequestSchema>

export const wishSetSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** The seed of the split: a request's half is `wishHalf(id, seed)`, recorded beside it. */
    splitSeed: z.number().int(),
    requests: z.array(wishRequestSchema).min(1),
  })
  .strict()
export type WishSet = z.infer<typeof wishSetSchema>

/** FNV-1a of the seed and the id: the same id always lands in the same half. */
export function wishHalf(id: string, seed: number): 'tune' | 'report' {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (const ch of id) {
    h ^= ch.codePointAt(0) as number
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % 2 === 0 ? 'tune' : 'report'
}

/**
 * Validates a wish set (parsed JSON): the schema, unique ids, and that each recorded half is the one the seed gives,
 * so no request moves between halves unnoticed. Throws `input.invalid` naming the file and the first problems.
 */
export function parseWishSet(raw: unknown, file: string): WishSet {
  const parsed = wishSetSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new AppError('input.invalid', `Wish set ${file} is not valid: ${problems.join('; ')}`, { details: { file } })
  }
  const set = parsed.data
  const seen = new Set<string>()
  for (const r of set.requests) {
    const problem = seen.has(r.id)
      ? 'is listed twice'
      : r.half !== wishHalf(r.id, set.splitSeed)
        ? `is in half "${r.half}" but seed ${set.splitSeed} puts it in "${wishHalf(r.id, set.splitSeed)}"`
        : undefined
    if (problem) throw new AppError('input.invalid', `Wish set ${file}: request ${r.id} ${problem}`, { details: { file } })
    seen.add(r.id)
  }
  return set
}

function matchesGroup(item: ItemFacts, group: FactGroup): boolean {
  for (const [source, values] of Object.entries(group) as [FactSource, string[]][]) {
    const have = item.facts[source]
    if (have && values.some((v) => have.has(v.trim().toLowerCase()))) return true
  }
  return false
}

/** Whether an item satisfies a rule: its topic, every condition, no exclusion, the year range. */
export function matchesRule(item: ItemFacts, rule: WishRule): boolean {
  if (rule.any && !matchesGroup(item, rule.any)) return false
  if (rule.all && !rule.all.every((group) => matchesGroup(item, group))) return false
  if (rule.none && matchesGroup(item, rule.none)) return false
  if (rule.years) {
    const [from, to] = rule.years
    if (item.year === undefined || item.year < from || item.year > to) return false
  }
  return true
}

/** The ids of the items a rule makes relevant. */
export function resolveRule(items: readonly ItemFacts[], rule: WishRule): Set<string> {
  const out = new Set<string>()
  for (const item of items) if (matchesRule(item, rule)) out.add(item.id)
  return out
}

/**
 * The rule as judged blind: its topic keeps only the sources a blind build was made without (TMDB keywords and
 * companies); undefined when nothing of the topic is left (the request cannot be judged blind).
 */
export function blindRule(rule: WishRule): WishRule | undefined {
  const any: FactGroup = {}
  for (const source of BLIND_SOURCES) {
    const values = rule.any?.[source]
    if (values) any[source] = values
  }
  return Object.keys(any).length > 0 ? { ...rule, any } : undefined
}

/**
 * Whether the request's words name one of its rule's facts verbatim (a whole-word match of a topic or condition value
 * longer than three letters, e.g. "a heist movie" for the keyword heist): such requests can be answered by string
 * matching, paraphrased ones ("inmates planning to bust out of jail") cannot.
 */
export function namesAFact(request: Pick<WishRequest, 'text' | 'rule' | 'before'>): boolean {
  const text = [...(request.before ?? []), request.text].join(' ').toLowerCase()
  const groups = [request.rule.any ?? {}, ...(request.rule.all ?? [])]
  return groups.some((group) =>
    Object.values(group).some((values) =>
      (values ?? []).some((value) => {
        const v = value.toLowerCase()
        if (v.length <= 3) return false
        const escaped = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text)
      }),
    ),
  )
}

/** Share of the first k slots holding a relevant item; empty slots count as misses (the denominator is k). */
export function precisionAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  let hits = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i] as T)) hits++
  return hits / k
}

/**
 * Share of all the top-k slots of a run taken by its `top` most frequent items (0 when nothing was shown): high when
 * the same few items answer every request.
 */
export function recurrence<T>(rankings: readonly (readonly T[])[], k: number, top: number): number {
  const counts = new Map<T, number>()
  let slots = 0
  for (const ranked of rankings) {
    for (const id of ranked.slice(0, k)) {
      counts.set(id, (counts.get(id) ?? 0) + 1)
      slots++
    }
  }
  if (slots === 0) return 0
  const frequent = [...counts.values()].sort((a, b) => b - a).slice(0, top)
  return frequent.reduce((a, b) => a + b, 0) / slots
}

/** Distinct items in the top-k slots of a run over the catalogue's size. */
export function coverage<T>(rankings: readonly (readonly T[])[], k: number, catalogueSize: number): number {
  if (catalogueSize <= 0) return 0
  const distinct = new Set<T>()
  for (const ranked of rankings) for (const id of ranked.slice(0, k)) distinct.add(id)
  return distinct.size / catalogueSize
}

/** One request's outcome: what was shown (top 5 of a plain turn) and the longer ranking nDCG is read from. */
export interface WishOutcome {
  request: WishRequest
  relevant: ReadonlySet<string>
  shown: readonly string[]
  ranked: readonly string[]
}

export interface WishSummary {
  requests: number
  /** Share of requests whose plain reply showed any item. */
  answered: number
  precisionAt5: number
  /** Half-width of the 95% interval of the mean precision@5 over requests. */
  precisionAt5Ci: number
  ndcgAt10: number
  ndcgAt10Ci: number
  /** Share of top-5 slots taken by the 20 most frequent items. */
  recurrence: number
  coverage: number
}

/** Precision@5, nDCG@10 (with 95% intervals over requests), recurrence and coverage of a set of outcomes. */
export function summarizeWishes(outcomes: readonly WishOutcome[], catalogueSize: number): WishSummary {
  const p5 = meanInterval(outcomes.map((o) => precisionAtK(o.shown, o.relevant, 5)))
  const n10 = meanInterval(outcomes.map((o) => ndcgAtK(o.ranked, o.relevant, 10)))
  const shown = outcomes.map((o) => o.shown)
  return {
    requests: outcomes.length,
    answered: outcomes.length ? outcomes.filter((o) => o.shown.length > 0).length / outcomes.length : 0,
    precisionAt5: p5.mean,
    precisionAt5Ci: p5.halfWidth,
    ndcgAt10: n10.mean,
    ndcgAt10Ci: n10.halfWidth,
    recurrence: recurrence(shown, 5, 20),
    coverage: coverage(shown, 5, catalogueSize),
  }
}

/**
 * The paired difference `after − before` of a per-request figure over the requests both runs scored, with the
 * half-width of its 95% interval: the noise to read a change against (smaller than either run's own interval, since
 * the same requests are compared).
 */
export function pairedDifference(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): { mean: number; halfWidth: number; n: number } {
  const diffs: number[] = []
  for (const [id, value] of after) {
    const old = before.get(id)
    if (old !== undefined) diffs.push(value - old)
  }
  return meanInterval(diffs)
}
