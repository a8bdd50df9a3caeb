import { AppError, type FacetConstraint, fieldLabel, fieldNumber, fieldValues, type Item } from '../core/index.ts'
import type { Constraints } from './types.ts'

// Items never change once loaded: their lower-case categories and searchable text are made once, not per request.
const lowerCategoriesOf = new WeakMap<Item, string[]>()
const namedTextOf = new WeakMap<Item, string>()

function lowerCategories(item: Item): string[] {
  let lower = lowerCategoriesOf.get(item)
  if (!lower) {
    lower = item.categories.map((c) => c.toLowerCase())
    lowerCategoriesOf.set(item, lower)
  }
  return lower
}

/** The text a mention (a name the person said) is looked for in. */
function namedText(item: Item): string {
  let text = namedTextOf.get(item)
  if (text === undefined) {
    text = `${item.title}\n${item.description}\n${item.tags.join('\n')}`
    namedTextOf.set(item, text)
  }
  return text
}

/** Checks a constraints object and returns a predicate over items. Throws `input.invalid` naming the bad field. */
export function compileConstraints(constraints: Constraints): (item: Item) => boolean {
  const include = lowerSet(constraints.includeCategories, 'constraints.includeCategories')
  const exclude = lowerSet(constraints.excludeCategories, 'constraints.excludeCategories')
  const groups: unknown = constraints.categoryGroups ?? []
  if (!Array.isArray(groups)) invalid('constraints.categoryGroups must be an array of arrays of strings')
  const allOf = groups.map((g, i) => lowerSet(g, `constraints.categoryGroups[${i}]`)).filter((g) => g.size > 0)
  const named = [...lowerSet(constraints.mentions, 'constraints.mentions')].map(wholeWords)
  const { yearMin, yearMax } = constraints
  checkNumber(yearMin, 'constraints.yearMin')
  checkNumber(yearMax, 'constraints.yearMax')
  const metadata = constraints.metadata ?? []
  if (!Array.isArray(metadata)) invalid('constraints.metadata must be an array')
  metadata.forEach((m, i) => {
    if (!m || typeof m.field !== 'string' || m.field === '')
      invalid(`constraints.metadata[${i}].field must be a non-empty string`)
    checkNumber(m.min, `constraints.metadata[${i}].min`)
    checkNumber(m.max, `constraints.metadata[${i}].max`)
  })
  const facets = compileFacets(constraints.facets)
  return (item) => {
    if (!facets(item)) return false
    if (include.size > 0 || exclude.size > 0 || allOf.length > 0) {
      const categories = lowerCategories(item)
      if (include.size > 0 && !categories.some((c) => include.has(c))) return false
      if (exclude.size > 0 && categories.some((c) => exclude.has(c))) return false
      for (const group of allOf) if (!categories.some((c) => group.has(c))) return false
    }
    if (named.length) {
      const text = namedText(item)
      if (!named.every((re) => re.test(text))) return false
    }
    if (yearMin !== undefined || yearMax !== undefined) {
      if (item.year === undefined) return false
      if (yearMin !== undefined && item.year < yearMin) return false
      if (yearMax !== undefined && item.year > yearMax) return false
    }
    for (const m of metadata) {
      const value = item.metadata[m.field]
      if (value === undefined || value === null) return false
      if (m.equals !== undefined && !sameValue(value, m.equals)) return false
      if (m.min !== undefined || m.max !== undefined) {
        const n = typeof value === 'number' ? value : Number(value)
        if (!Number.isFinite(n)) return false
        if (m.min !== undefined && n < m.min) return false
        if (m.max !== undefined && n > m.max) return false
      }
    }
    return true
  }
}

/**
 * Checks facet constraints and returns a predicate: a refused value (`exclude`) rules out every item holding it; values
 * asked for (`include`) rule out the items without any of them (those that do not declare the field only without
 * `orMissing`); bounds (`min`/`max`) rule out items without the number.
 */
export function compileFacets(facets: readonly FacetConstraint[] | undefined): (item: Item) => boolean {
  if (facets === undefined) return () => true
  if (!Array.isArray(facets)) invalid('constraints.facets must be an array')
  const checks = facets.map((f, i) => compileFacet(f, `constraints.facets[${i}]`))
  return (item) => checks.every((check) => check(item))
}

function compileFacet(facet: FacetConstraint, where: string): (item: Item) => boolean {
  if (!facet || typeof facet.field !== 'string' || facet.field === '') invalid(`${where}.field must be a non-empty string`)
  const { field } = facet
  if ('min' in facet || 'max' in facet) {
    const { min, max } = facet as { min?: number; max?: number }
    checkNumber(min, `${where}.min`)
    checkNumber(max, `${where}.max`)
    return (item) => {
      const n = fieldNumber(item, field)
      return n !== undefined && (min === undefined || n >= min) && (max === undefined || n <= max)
    }
  }
  const { include, exclude, orMissing } = facet as { include?: string[]; exclude?: string[]; orMissing?: boolean }
  const wanted = lowerSet(include, `${where}.include`)
  const refused = lowerSet(exclude, `${where}.exclude`)
  return (item) => {
    const values = fieldValues(item, field).map((v) => v.toLowerCase())
    if (values.some((v) => refused.has(v))) return false
    if (wanted.size === 0) return true
    return values.length === 0 ? orMissing === true : values.some((v) => wanted.has(v))
  }
}

/** Requested categories the item has, spelled as in the item. */
export function categoryFit(item: Item, includeCategories: readonly string[]): string[] {
  const wanted = new Set(includeCategories.map((c) => c.toLowerCase()))
  return item.categories.filter((c) => wanted.has(c.toLowerCase()))
}

/** "from 1994, in the 1990s you asked for" when a year constraint was given and the item has a year. */
export function yearFit(item: Item, constraints: Constraints): string | undefined {
  const { yearMin, yearMax } = constraints
  if (item.year === undefined || (yearMin === undefined && yearMax === undefined)) return undefined
  if (yearMin !== undefined && yearMax !== undefined) {
    if (yearMin % 10 === 0 && yearMax === yearMin + 9) return `from ${item.year}, in the ${yearMin}s you asked for`
    return `from ${item.year}, between ${yearMin} and ${yearMax} as you asked`
  }
  if (yearMin !== undefined) return `from ${item.year}, no older than the ${yearMin} you asked for`
  return `from ${item.year}, no newer than the ${yearMax} you asked for`
}

/**
 * The metadata bounds the item meets, in words: "95 minutes long, within the 100 you asked for" for `runtime`,
 * "price 12, between 10 and 20 as you asked" for any other field. Only bounds that were set and a value the item has.
 */
export function metadataFit(item: Item, constraints: Constraints): string[] {
  const out: string[] = []
  for (const m of constraints.metadata ?? []) {
    if (m.min === undefined && m.max === undefined) continue
    const value = item.metadata[m.field]
    const n = typeof value === 'number' ? value : Number(value)
    if (value === undefined || value === null || !Number.isFinite(n)) continue
    if (m.field === 'runtime') {
      const wanted =
        m.max !== undefined && m.min === undefined
          ? `within the ${m.max} you asked for`
          : m.min !== undefined && m.max === undefined
            ? `at least the ${m.min} you asked for`
            : `between ${m.min} and ${m.max} as you asked`
      out.push(`${n} minutes long, ${wanted}`)
      continue
    }
    const range =
      m.min !== undefined && m.max !== undefined
        ? `between ${m.min} and ${m.max}`
        : m.max !== undefined
          ? `at most ${m.max}`
          : `at least ${m.min}`
    out.push(`${m.field} ${n}, ${range} as you asked`)
  }
  return [...out, ...facetFit(item, constraints)]
}

/**
 * The facet constraints the item meets, in words: "interface commandline as you asked", "toolkit qt, not gtk as you
 * asked", "installed size 822 KB, at most 2048 KB as you asked". Only what the item itself declares.
 */
export function facetFit(item: Item, constraints: Constraints): string[] {
  const out: string[] = []
  for (const facet of constraints.facets ?? []) {
    if ('min' in facet || 'max' in facet) {
      const { min, max } = facet as { min?: number; max?: number }
      const n = fieldNumber(item, facet.field)
      if (n === undefined) continue
      const { name, unit } = fieldLabel(facet.field)
      const amount = (x: number | undefined) => (unit ? `${x} ${unit}` : `${x}`)
      const range =
        min !== undefined && max !== undefined
          ? `between ${amount(min)} and ${amount(max)}`
          : max !== undefined
            ? `at most ${amount(max)}`
            : `at least ${amount(min)}`
      out.push(`${name} ${amount(n)}, ${range} as you asked`)
      continue
    }
    const values = fieldValues(item, facet.field)
    if (!values.length) continue
    const { include, exclude } = facet as { include?: string[]; exclude?: string[] }
    const wanted = new Set((include ?? []).map((v) => v.toLowerCase()))
    const matched = values.filter((v) => wanted.has(v.toLowerCase()))
    if (matched.length) out.push(`${facet.field} ${matched.join(', ')} as you asked`)
    else if (exclude?.length) out.push(`${facet.field} ${values.join(', ')}, not ${exclude.join(' or ')} as you asked`)
  }
  return out
}

/** Whether the constraints filter anything: categories, years, metadata, names or fields asked for or refused. */
export function hasFilters(constraints: Constraints): boolean {
  const { includeCategories, excludeCategories, categoryGroups, mentions, yearMin, yearMax, metadata, facets } = constraints
  return (
    includeCategories.length > 0 ||
    excludeCategories.length > 0 ||
    Boolean(categoryGroups?.length || mentions?.length || metadata?.length || facets?.length) ||
    yearMin !== undefined ||
    yearMax !== undefined
  )
}

/** Where the item names each of `mentions`: its title, `tagged "tom hanks"`, or its description. */
export function mentionFit(item: Item, constraints: Constraints): string[] {
  const out: string[] = []
  for (const name of constraints.mentions ?? []) {
    const re = wholeWords(name.trim())
    const tag = item.tags.find((t) => re.test(t))
    if (re.test(item.title)) out.push(`its title names ${name.trim()}`)
    else if (tag) out.push(`tagged "${tag}"`)
    else if (re.test(item.description)) out.push(`its description names ${name.trim()}`)
  }
  return out
}

/** A case-insensitive pattern for the words as whole words ("Tom Hanks" not inside "Tom Hanksford"). */
function wholeWords(words: string): RegExp {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu')
}

function sameValue(value: string | number | boolean, wanted: string | number | boolean): boolean {
  if (typeof wanted === 'string') return String(value).toLowerCase() === wanted.toLowerCase()
  if (typeof wanted === 'number') return Number(value) === wanted
  return value === wanted || String(value).toLowerCase() === String(wanted)
}

function lowerSet(values: readonly string[] | undefined, where: string): Set<string> {
  if (values === undefined) return new Set()
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) invalid(`${where} must be an array of strings`)
  return new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => v !== ''))
}

function checkNumber(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) invalid(`${where} must be a finite number`)
}

function invalid(message: string): never {
  throw new AppError('input.invalid', `Invalid recommend request: ${message}.`, { details: { reason: message } })
}
