import { AppError, type Item } from '../core/index.ts'
import { type DomainProfile, GENERIC_DOMAIN } from './load.ts'
import type { DetectRule } from './schema.ts'

/** What detection looks at: the dataset kind recorded in the build and the catalogue's items. */
export interface CatalogueShape {
  dataset?: string
  items: readonly Pick<Item, 'categories' | 'metadata'>[]
}

function share(items: CatalogueShape['items'], has: (item: CatalogueShape['items'][number]) => boolean): number {
  if (items.length === 0) return 0
  let n = 0
  for (const item of items) if (has(item)) n++
  return n / items.length
}

/** Whether every part of a rule holds for the catalogue. */
export function ruleMatches(rule: DetectRule, shape: CatalogueShape): boolean {
  if (rule.datasets && !(shape.dataset !== undefined && rule.datasets.includes(shape.dataset))) return false
  for (const field of rule.fields ?? []) {
    if (share(shape.items, (item) => item.metadata[field] !== undefined && item.metadata[field] !== null) < rule.minShare)
      return false
  }
  if (rule.categories) {
    const names = new Set(rule.categories.map((c) => c.toLowerCase()))
    if (share(shape.items, (item) => item.categories.some((c) => names.has(c.toLowerCase()))) < rule.minShare) return false
  }
  return true
}

/**
 * The profile for a catalogue: the one named by `choice` (`CONCIERGE_DOMAIN`), else the first (by file name) whose
 * detection rules match, else the generic one. Throws `config.invalid` when `choice` names no profile.
 */
export function chooseDomainProfile(profiles: readonly DomainProfile[], shape: CatalogueShape, choice?: string): DomainProfile {
  if (choice && choice !== 'auto') {
    const named = profiles.find((p) => p.id === choice)
    if (named) return named
    throw new AppError(
      'config.invalid',
      `CONCIERGE_DOMAIN=${choice} names no profile; the profiles are ${profiles.map((p) => p.id).join(', ')} (files in domains/).`,
      { details: { domain: choice, profiles: profiles.map((p) => p.id) } },
    )
  }
  const detected = profiles.find((p) => p.id !== GENERIC_DOMAIN && p.detect.some((rule) => ruleMatches(rule, shape)))
  const generic = profiles.find((p) => p.id === GENERIC_DOMAIN)
  const chosen = detected ?? generic
  if (!chosen) throw new AppError('config.invalid', 'No generic domain profile loaded: restore domains/generic.en.json.')
  return chosen
}
