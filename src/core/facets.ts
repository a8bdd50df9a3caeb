import type { Item } from './types.ts'

/** The item's own list fields; any other facet field name is a metadata field. */
const LIST_FIELDS = new Set(['categories', 'tags'])

/**
 * The values an item holds in a field, as spelled in the catalogue: `categories` and `tags` are its lists; a metadata
 * field holds one value, or a list kept as JSON text (`["gtk","qt"]`, how the generic loader stores nested JSON).
 * An item without the field, or with an empty list, holds none.
 */
export function fieldValues(item: Pick<Item, 'categories' | 'tags' | 'metadata'>, field: string): string[] {
  if (field === 'categories') return item.categories
  if (field === 'tags') return item.tags
  const value = item.metadata[field]
  if (value === undefined || value === null || value === '') return []
  if (typeof value !== 'string') return [String(value)]
  if (!value.startsWith('[')) return [value]
  try {
    const list: unknown = JSON.parse(value)
    if (Array.isArray(list)) return list.filter((v) => typeof v === 'string' || typeof v === 'number').map(String)
  } catch {
    // Not a list after all: the text is the value.
  }
  return [value]
}

/** The number an item holds in a field (`year`, or a numeric metadata field), or undefined. */
export function fieldNumber(item: Pick<Item, 'year' | 'metadata'>, field: string): number | undefined {
  if (field === 'year') return item.year
  const value = item.metadata[field]
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** Whether a field name is one of the item's own lists rather than metadata. */
export const isListField = (field: string): boolean => LIST_FIELDS.has(field)

/** Unit suffixes of field names, as shown after a number: `installed_size_kb` → "installed size", "KB". */
const UNIT_SUFFIXES: Record<string, string> = {
  kb: 'KB',
  mb: 'MB',
  gb: 'GB',
  min: 'minutes',
  mins: 'minutes',
  usd: 'USD',
  eur: 'EUR',
}

/** A field name in words, with the unit its name ends in: `installed_size_kb` → { name: 'installed size', unit: 'KB' }. */
export function fieldLabel(field: string): { name: string; unit?: string } {
  const words = field
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean)
  const unit = words.length > 1 ? UNIT_SUFFIXES[words[words.length - 1] as string] : undefined
  return unit ? { name: words.slice(0, -1).join(' '), unit } : { name: words.join(' ') }
}
