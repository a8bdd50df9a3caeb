import { clipWords, type FacetConstraint, fieldLabel, type Item, type ItemId, isAppError, type Reply } from '../core/index.ts'
import type { DomainProfile } from '../domain/index.ts'
import type { SessionState } from '../store/index.ts'
import type { Understanding } from './understand.ts'

/** What a turn did, said back to the person before the results ("Noted: you liked Alien; no horror."). */
export interface Notes {
  liked: ItemId[]
  disliked: ItemId[]
  seen: ItemId[]
  rejected: ItemId[]
  /** Series set aside by name ("Star Wars"), said as such rather than item by item. */
  series: string[]
  anchored: ItemId[]
  /** Words refused as the person wrote them ("superhero" of "anything but a superhero movie"). */
  refused: string[]
  constraints: string[]
}

export const emptyNotes = (): Notes => ({
  liked: [],
  disliked: [],
  seen: [],
  rejected: [],
  series: [],
  anchored: [],
  refused: [],
  constraints: [],
})

/** "A", "A and B", "A, B and C". */
export function joinNames(names: readonly string[]): string {
  const unique = [...new Set(names)]
  return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`
}

const WORD_RE = /[\p{L}\p{N}'’]+/gu
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * A wish as the person wrote it: its words (read lower-cased) found in order in the message, in the message's own
 * spelling ("road trip across America"); else in order with a few words left out between them within one clause (the
 * wish "doesn't itself seriously" is quoted "doesn't take itself too seriously"); the wish itself when the message
 * does not hold its words so.
 */
export function asWritten(wish: string, message: string): string {
  return writtenIn(wish, message) ?? spanOf(wish, message, LEFT_OUT) ?? wish
}

/** A wish's words as the message writes them side by side, or undefined when it does not. */
export function writtenIn(wish: string, message: string): string | undefined {
  return spanOf(wish, message, "[^\\p{L}\\p{N}'’]+")
}

/** Up to three words left out between two of a wish's words, spaces or hyphens around them (no clause ends). */
const LEFT_OUT = "(?:[\\s-]+[\\p{L}\\p{N}'’]+){0,3}?[\\s-]+"

function spanOf(wish: string, message: string, between: string): string | undefined {
  const words = wish.match(WORD_RE)
  if (!words) return undefined
  const pattern = `(?<![\\p{L}\\p{N}])${words.map(escapeRegExp).join(between)}(?![\\p{L}\\p{N}])`
  return new RegExp(pattern, 'iu').exec(message)?.[0].replace(/\s+/g, ' ')
}

/** The session's filters in words: "Comedy, no Horror, from 1990–1999, under 100 minutes". */
export function describeConstraints(session: SessionState, profile: DomainProfile): string {
  const c = session.constraints
  const parts: string[] = []
  if (c.categoryGroups?.length)
    parts.push(c.categoryGroups.map((g) => (g.length > 1 ? `(${g.join(' or ')})` : g[0])).join(' and '))
  else if (c.includeCategories.length) parts.push(`${c.includeCategories.join(' or ')}`)
  if (c.excludeCategories.length) parts.push(`no ${c.excludeCategories.join(' or ')}`)
  if (c.yearMin !== undefined && c.yearMax !== undefined) {
    parts.push(c.yearMin === c.yearMax ? `from ${c.yearMin}` : `from ${c.yearMin}–${c.yearMax}`)
  } else if (c.yearMin !== undefined) parts.push(`from ${c.yearMin} on`)
  else if (c.yearMax !== undefined) parts.push(`up to ${c.yearMax}`)
  const length = profile.length && c.metadata?.find((m) => m.field === profile.length?.field)
  if (length && length.max !== undefined && profile.length) parts.push(`under ${length.max} ${profile.length.unit}`)
  if (c.mentions?.length) parts.push(`naming ${joinNames(c.mentions)}`)
  for (const facet of c.facets ?? []) parts.push(describeFacet(facet, profile))
  return parts.length ? parts.join(', ') : 'no filters'
}

/** A facet constraint in words: "no gtk (toolkit)", "interface commandline or text-mode", "under 100 MB". */
function describeFacet(facet: FacetConstraint, profile: DomainProfile): string {
  if ('min' in facet || 'max' in facet) {
    const { min, max } = facet as { min?: number; max?: number }
    const amount = (n: number) => amountInWords(n, facet.field, profile)
    // The length field goes by its unit ("under 100 MB"); any other by its name ("price under 20").
    const named = facet.field === profile.length?.field ? '' : `${fieldLabel(facet.field).name} `
    if (min !== undefined && max !== undefined) return `${named}${amount(min)}–${amount(max)}`
    return max !== undefined ? `${named}under ${amount(max)}` : `${named}over ${amount(min as number)}`
  }
  const { include, exclude } = facet as { include?: string[]; exclude?: string[] }
  const parts: string[] = []
  if (include?.length) parts.push(`${facet.field} ${include.join(' or ')}`)
  if (exclude?.length) parts.push(`no ${exclude.join(' or ')} (${facet.field})`)
  return parts.join(', ')
}

/** A number of the profile's length field in its largest whole unit ("100 MB" for 102400 KB), else as it is. */
function amountInWords(n: number, field: string, profile: DomainProfile): string {
  const length = profile.length
  if (!length || length.field !== field) {
    const { unit } = fieldLabel(field)
    return unit ? `${n} ${unit}` : String(n)
  }
  const units = Object.entries(length.units).sort((a, b) => b[1] - a[1] || Math.abs(a[0].length - 2) - Math.abs(b[0].length - 2))
  const [name, size] = units.find(([, size]) => n >= size && Number.isInteger(n / size)) ?? [length.unit, 1]
  return `${n / size} ${name.length <= 2 ? name.toUpperCase() : name}`
}

/**
 * "Noted: you liked A; not B; no Star Wars films; avoiding "superhero"; filters: Comedy." or '' when the turn noted
 * nothing.
 */
export function acknowledge(notes: Notes, label: (id: ItemId) => string, profile: DomainProfile): string {
  const parts: string[] = []
  // "Saw it and liked it" points at one item twice; an item liked was seen, so it is not said again.
  const list = (all: ItemId[]) => {
    const ids = [...new Set(all)]
    return ids.slice(0, 3).map(label).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '')
  }
  const seen = notes.seen.filter((id) => !notes.liked.includes(id) && !notes.disliked.includes(id))
  if (notes.liked.length) parts.push(`you liked ${list(notes.liked)}`)
  if (notes.disliked.length) parts.push(`not ${list(notes.disliked)}`)
  if (seen.length) parts.push(`you've seen ${list(seen)}`)
  if (notes.rejected.length) parts.push(`skipping ${list(notes.rejected)}`)
  if (notes.series.length) parts.push(profile.say('seriesRefused', { series: notes.series.join(' or ') }))
  if (notes.anchored.length) parts.push(`more like ${list(notes.anchored)}`)
  if (notes.refused.length) parts.push(`avoiding ${joinNames(notes.refused.map((words) => `"${words}"`))}`)
  const filters = notes.constraints.at(-1)
  if (filters) parts.push(filters === 'no filters' ? 'no filters now' : `filters: ${filters}`)
  return parts.length ? `Noted: ${parts.join('; ')}.` : ''
}

/** What an item is, from the catalogue only: its label, categories, length and description. */
export function describeItem(item: Item, name: string, profile: DomainProfile): Reply {
  const field = profile.length?.field
  const value = field === undefined ? undefined : item.metadata[field]
  const length = typeof value === 'number' && value > 0 ? `, ${value} ${profile.length?.unit}` : ''
  const kind = item.categories.length ? ` (${item.categories.join(', ')}${length})` : length ? ` (${length.slice(2)})` : ''
  const about = item.description.trim() ? ` ${clipWords(item.description.trim(), 600)}` : " I don't have a description of it."
  return {
    text: `${name}${kind}:${about} Want more like it?`,
    items: [],
    suggestions: profile.suggestions('describeSuggestions'),
  }
}

/** "Which one do you mean: 1) Alien (1979), 2) Aliens (1986)?" */
export function whichOne(candidates: readonly ItemId[], label: (id: ItemId) => string): string {
  return `Which one do you mean: ${candidates.map((id, i) => `${i + 1}) ${label(id)}`).join(', ')}?`
}

/** The reply to thanks, help and greetings. */
export function smallTalk(intent: Understanding['intent'], profile: DomainProfile): Reply {
  if (intent === 'thanks') return { text: profile.say('thanks'), items: [], suggestions: ['Something else', 'Start over'] }
  const text = intent === 'help' ? profile.say('help') : profile.say('greeting')
  return { text, items: [], suggestions: profile.suggestions('startSuggestions') }
}

/** The caveats a reply carries whoever words it: what could not be filtered or looked for. */
export function caveatsOf(u: Understanding, profile: DomainProfile): string[] {
  const caveats: string[] = []
  if (u.eraIgnored) caveats.push(profile.say('noYears', { era: u.eraIgnored }))
  if (u.runtimeIgnored) caveats.push(profile.say('noLength'))
  if (u.unknownPeople?.length) caveats.push(profile.say('unknownPeople', { names: joinNames(u.unknownPeople) }))
  return caveats
}

export function safeExplain(fn: () => string): string {
  try {
    return fn()
  } catch {
    return 'It matches what you asked for.'
  }
}

/** An error's message when it is ours (safe to log), else only its class name. */
export function safeReason(error: unknown): string {
  return isAppError(error) ? error.message : error instanceof Error ? error.name : 'unknown'
}
