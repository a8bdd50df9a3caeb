import { type CategoricalFacet, type Facet, fieldNumber, fieldValues, type Item, type NumericFacet } from '../core/index.ts'

/** At most this many distinct values for a metadata field to count as categorical (`interface`, `toolkit`). */
export const MAX_METADATA_VALUES = 60
/** At most this many distinct tags for tags to be a facet (Debian's debtags: 199; MovieLens' free tags are thousands). */
export const MAX_TAG_VALUES = 300

type FacetItem = Pick<Item, 'categories' | 'tags' | 'year' | 'metadata'>

function categorical(items: readonly FacetItem[], field: string, maxValues: number): CategoricalFacet | undefined {
  const counts = new Map<string, number>()
  let itemCount = 0
  for (const item of items) {
    const values = fieldValues(item, field)
    if (values.length) itemCount++
    for (const v of new Set(values)) counts.set(v, (counts.get(v) ?? 0) + 1)
    if (counts.size > maxValues) return undefined
  }
  if (counts.size < 2) return undefined
  const values = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count)
  return { kind: 'categorical', field, values, itemCount }
}

function numeric(items: readonly FacetItem[], field: string): NumericFacet | undefined {
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  let itemCount = 0
  for (const item of items) {
    const n = fieldNumber(item, field)
    if (n === undefined) continue
    itemCount++
    if (n < min) min = n
    if (n > max) max = n
  }
  return itemCount > 0 && max > min ? { kind: 'numeric', field, min, max, itemCount } : undefined
}

/** Metadata fields by the kind of their values: numbers (in most items that have them) or text. */
function metadataFields(items: readonly FacetItem[]): { numbers: string[]; texts: string[] } {
  const seen = new Map<string, { numbers: number; others: number }>()
  for (const item of items) {
    for (const [key, value] of Object.entries(item.metadata)) {
      if (value === undefined || value === null) continue
      const s = seen.get(key) ?? { numbers: 0, others: 0 }
      if (typeof value === 'number') s.numbers++
      else s.others++
      seen.set(key, s)
    }
  }
  const numbers = [...seen].filter(([, s]) => s.numbers > s.others).map(([k]) => k)
  const texts = [...seen].filter(([, s]) => s.numbers <= s.others).map(([k]) => k)
  return { numbers: numbers.sort(), texts: texts.sort() }
}

/**
 * The fields of a catalogue the chat can filter on, read from its items: categories; tags when they are few;
 * every metadata field with few distinct text values (`interface`, `toolkit`) as categorical; `year` and every
 * numeric metadata field (`runtime`, `installed_size_kb`, `price`) with its range. Identifier-like fields (many
 * distinct values) and fields with one value are left out.
 */
export function readFacets(items: readonly FacetItem[]): Facet[] {
  const { numbers, texts } = metadataFields(items)
  const facets: (Facet | undefined)[] = [
    categorical(items, 'categories', Number.POSITIVE_INFINITY),
    categorical(items, 'tags', MAX_TAG_VALUES),
    ...texts.map((field) => categorical(items, field, MAX_METADATA_VALUES)),
    numeric(items, 'year'),
    ...numbers.map((field) => numeric(items, field)),
  ]
  return facets.filter((f): f is Facet => f !== undefined)
}
