import type { ItemId } from '../core/index.ts'
import type { ExtractedPreferences } from './client.ts'

/** The part of the chat's rule reading (`Understanding`) the LLM's reading can add to. */
export interface RuleReading {
  include: string[]
  exclude: string[]
  era?: { min?: number; max?: number }
  preferences: { text: string; weight: number }[]
}

export interface MergeOptions {
  /** Catalogue ids whose title matches (the chat's title index `lookup`); a title is kept only when exactly one does. */
  lookup?: (title: string) => readonly ItemId[]
  /** Items the rules already found named in the message: not added again. */
  named?: ReadonlySet<ItemId>
  /** Latest year an era may reach; default next year. */
  maxYear?: number
}

export interface MergedReading<T extends RuleReading> {
  reading: T
  /** Titles the LLM read as liked (or disliked) that the rules missed, grounded to one catalogue item each. */
  likes: ItemId[]
  dislikes: ItemId[]
}

const MAX_ADDED_MOODS = 3
const MAX_ADDED_TITLES = 5
const MAX_MOOD_CHARS = 40
const MIN_YEAR = 1870

/**
 * Merges the LLM's reading of a message into the rule reading. The rules win wherever they said something: the
 * LLM's categories are used only when the rules found none (its exclusions add to theirs, never against a rule
 * include), its era only when the rules found none and the years are plausible, its moods become extra wishes
 * when no rule wish already says them, and its titles count only when the catalogue holds exactly one match the
 * rules did not already find. Pure; `llm` undefined returns the rule reading unchanged.
 */
export function mergeReadings<T extends RuleReading>(
  rule: T,
  llm: ExtractedPreferences | undefined,
  options: MergeOptions = {},
): MergedReading<T> {
  if (!llm) return { reading: rule, likes: [], dislikes: [] }
  const ruleIncludes = lowerSet(rule.include)
  const exclude = [...rule.exclude, ...llm.excludeCategories.filter((c) => !ruleIncludes.has(c.toLowerCase()))]
  const excluded = lowerSet(exclude)
  const include = rule.include.length ? rule.include : llm.includeCategories.filter((c) => !excluded.has(c.toLowerCase()))
  const era = rule.era ?? plausibleEra(llm.era, options.maxYear ?? new Date().getFullYear() + 1)
  const reading: T = {
    ...rule,
    include: uniqueText(include),
    exclude: uniqueText(exclude),
    ...(era ? { era } : {}),
    preferences: [...rule.preferences, ...newMoods(llm.mood, rule.preferences)],
  }
  const likes = groundTitles(llm.likes, options)
  const liked = new Set(likes)
  const dislikes = groundTitles(llm.dislikes, options).filter((id) => !liked.has(id))
  return { reading, likes, dislikes }
}

function plausibleEra(era: ExtractedPreferences['era'], maxYear: number): RuleReading['era'] {
  if (!era) return undefined
  const ok = (y: number | null): y is number => y !== null && y >= MIN_YEAR && y <= maxYear
  const min = ok(era.from) ? era.from : undefined
  const max = ok(era.to) ? era.to : undefined
  if (min === undefined && max === undefined) return undefined
  if (min !== undefined && max !== undefined && min > max) return undefined
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }
}

/** Moods no rule wish already covers (either text containing the other), as positive wishes. */
function newMoods(moods: string[], existing: RuleReading['preferences']): RuleReading['preferences'] {
  const said = existing.map((p) => p.text.toLowerCase())
  const out: RuleReading['preferences'] = []
  for (const mood of moods) {
    const text = mood.trim().slice(0, MAX_MOOD_CHARS)
    const key = text.toLowerCase()
    if (!key || said.some((s) => s.includes(key) || key.includes(s))) continue
    said.push(key)
    out.push({ text, weight: 1 })
    if (out.length === MAX_ADDED_MOODS) break
  }
  return out
}

function groundTitles(titles: string[], options: MergeOptions): ItemId[] {
  if (!options.lookup) return []
  const out: ItemId[] = []
  for (const title of titles) {
    const ids = options.lookup(title)
    const id = ids.length === 1 ? ids[0] : undefined
    if (id === undefined || options.named?.has(id) || out.includes(id)) continue
    out.push(id)
    if (out.length === MAX_ADDED_TITLES) break
  }
  return out
}

function lowerSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()))
}

function uniqueText(values: string[]): string[] {
  const seen = new Set<string>()
  return values.filter((v) => !seen.has(v.toLowerCase()) && seen.add(v.toLowerCase()))
}
