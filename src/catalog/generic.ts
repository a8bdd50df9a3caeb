import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { z } from 'zod'
import type { Interaction, Item } from '../core/index.ts'
import { readCsv } from './csv.ts'
import {
  type Parsed,
  parseId,
  parseImageUrl,
  parseList,
  parseRating,
  parseText,
  parseTimestamp,
  parseYear,
  shown,
} from './fields.ts'
import type { ProblemLog } from './problems.ts'

/** Wraps a field coercion as a zod schema whose issue message says what was expected. */
function field<T>(parse: (v: unknown) => Parsed<T>) {
  // `.optional()` before the transform: a missing key reaches the coercion as undefined instead of failing.
  return z
    .unknown()
    .optional()
    .transform((v, ctx): T => {
      const r = parse(v)
      if (r.ok) return r.value
      ctx.addIssue({ code: 'custom', message: r.message, input: v })
      return z.NEVER
    })
}

/** Column aliases accepted in headers and JSON keys, by canonical name. */
const ITEM_ALIASES: Record<string, string> = { image_url: 'imageUrl', imageUrl: 'imageUrl' }
const INTERACTION_ALIASES: Record<string, string> = {
  user: 'user',
  userId: 'user',
  user_id: 'user',
  item: 'item',
  itemId: 'item',
  item_id: 'item',
  rating: 'rating',
  event: 'event',
  event_type: 'event',
  eventType: 'event',
  timestamp: 'timestamp',
  time: 'timestamp',
}

const ITEM_FIELDS = new Set(['id', 'title', 'description', 'tags', 'categories', 'year', 'imageUrl', 'metadata'])

const itemSchema = z.object({
  id: field(parseId),
  title: field(parseText),
  description: field(parseText),
  tags: field(parseList),
  categories: field(parseList),
  year: field(parseYear),
  imageUrl: field(parseImageUrl),
})

const interactionSchema = z.object({
  user: field(parseId),
  item: field(parseId),
  rating: field(parseRating),
  event: field(parseText),
  timestamp: field(parseTimestamp),
})

type MetaValue = string | number | boolean | null

function metaValue(v: unknown): MetaValue | undefined {
  if (v === undefined) return undefined
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v
  if (typeof v === 'string') return v === '' ? undefined : v
  // Nested JSON is kept as its JSON text: metadata holds flat values only.
  return JSON.stringify(v)
}

/** One source row, keyed by canonical field names, with the line it came from. */
interface SourceRow {
  line: number
  values: Record<string, unknown>
  /** Canonical name → the name the file used, where they differ (aliases), so problems name the real column. */
  names: Record<string, string>
  /** Set when the row could not be read at all; reported in line order with the other problems. */
  error?: string
}

/** Reads JSONL or CSV rows into objects; syntax problems go to the log. Returns undefined when the file cannot be decoded. */
async function readRows(
  path: string,
  file: string,
  aliases: Record<string, string>,
  problems: ProblemLog,
): Promise<{ rows: SourceRow[]; columns?: Set<string> } | undefined> {
  const bytes = await readFile(path)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    problems.error({ file, message: 'not valid UTF-8 text: save the file as UTF-8' })
    return undefined
  }
  const rows: SourceRow[] = []
  const canon = (k: string) => aliases[k] ?? k
  if (path.endsWith('.jsonl')) {
    let line = 0
    for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
      line++
      const s = raw.trim()
      if (s === '') continue
      let value: unknown
      try {
        value = JSON.parse(s)
      } catch (error) {
        rows.push({ line, values: {}, names: {}, error: `expected one JSON object per line: ${(error as Error).message}` })
        continue
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        rows.push({ line, values: {}, names: {}, error: `expected a JSON object, got ${shown(value)}` })
        continue
      }
      const values: Record<string, unknown> = {}
      const names: Record<string, string> = {}
      for (const [k, v] of Object.entries(value)) {
        const c = canon(k)
        values[c] = v
        if (c !== k) names[c] = k
      }
      rows.push({ line, values, names })
    }
    return { rows }
  }
  let header: string[] | undefined
  const names: Record<string, string> = {}
  readCsv(
    text,
    ({ fields, line }) => {
      if (!header) {
        header = fields.map((h) => {
          const c = canon(h.trim())
          if (c !== h.trim()) names[c] = h.trim()
          return c
        })
        return
      }
      if (fields.length !== header.length) {
        rows.push({ line, values: {}, names, error: `expected ${header.length} fields (as in the header), got ${fields.length}` })
        return
      }
      const values: Record<string, unknown> = {}
      for (let i = 0; i < header.length; i++) values[header[i] as string] = fields[i]
      rows.push({ line, values, names })
    },
    { onError: ({ line, message }) => rows.push({ line, values: {}, names, error: message }) },
  )
  return { rows, columns: new Set(header ?? []) }
}

function reportIssues(issues: readonly ItemIssue[], file: string, row: SourceRow, problems: ProblemLog): void {
  const line = row.line
  for (const issue of issues) {
    const f = issue.path.map((p, i) => (i === 0 ? (row.names[p] ?? p) : p)).join('.')
    problems.error({ file, line, ...(f ? { field: f } : {}), message: f ? `${f}: ${issue.message}` : issue.message })
  }
}

function zodIssues(error: z.ZodError): ItemIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
}

/** A problem with one item's fields: `path` names the field (empty for the item as a whole). */
export interface ItemIssue {
  path: string[]
  message: string
}

/**
 * Validates one item given as field values (a JSONL object, a CSV row or an API body): the rules of the
 * catalogue's items file. Unknown fields and a `metadata` object become metadata (nested values as JSON text).
 */
export function parseItemValues(values: Record<string, unknown>): { ok: true; item: Item } | { ok: false; issues: ItemIssue[] } {
  const parsed = itemSchema.safeParse(values)
  if (!parsed.success) {
    return { ok: false, issues: zodIssues(parsed.error) }
  }
  const p = parsed.data
  const metadata = itemMetadata(values)
  if (!metadata.ok) return { ok: false, issues: [{ path: ['metadata'], message: metadata.message }] }
  if (p.title === '' && p.description === '' && p.tags.length === 0) {
    return {
      ok: false,
      issues: [{ path: [], message: `item ${shown(p.id)} has no usable text: give it a title, a description or tags` }],
    }
  }
  const item: Item = {
    id: p.id,
    title: p.title,
    description: p.description,
    tags: p.tags,
    categories: p.categories,
    ...(p.year !== undefined ? { year: p.year } : {}),
    ...(p.imageUrl !== undefined ? { imageUrl: p.imageUrl } : {}),
    metadata: metadata.value,
  }
  return { ok: true, item }
}

function itemMetadata(values: Record<string, unknown>): Parsed<Item['metadata']> {
  const metadata: Item['metadata'] = {}
  let nested = values.metadata
  // A CSV `metadata` column may hold a JSON object.
  if (typeof nested === 'string' && nested.trim().startsWith('{')) {
    try {
      nested = JSON.parse(nested)
    } catch {
      // reported below as not an object
    }
  }
  if (nested === '') nested = undefined
  if (nested !== undefined && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) {
    return { ok: false, message: `expected a JSON object, got ${shown(nested)}` }
  }
  for (const [k, v] of Object.entries((nested as Record<string, unknown> | undefined) ?? {})) {
    const m = metaValue(v)
    if (m !== undefined) metadata[k] = m
  }
  for (const [k, v] of Object.entries(values)) {
    if (ITEM_FIELDS.has(k)) continue
    const m = metaValue(v)
    if (m !== undefined) metadata[k] = m
  }
  return { ok: true, value: metadata }
}

/** Loads `items.jsonl|csv` from a generic catalogue. Bad rows, duplicates and items without text are reported. */
export async function loadGenericItems(
  path: string,
  root: string,
  problems: ProblemLog,
): Promise<{ items: Item[]; ids: Set<string> | undefined }> {
  const file = relative(root, path)
  const items: Item[] = []
  // Every id named by a row, valid or not, so interactions of a rejected item do not echo its problem.
  const ids = new Set<string>()
  const read = await readRows(path, file, ITEM_ALIASES, problems)
  // Undefined ids: the file was unusable, so interactions cannot be checked against it.
  if (!read) return { items, ids: undefined }
  if (read.columns && !read.columns.has('id')) {
    problems.error({ file, line: 1, field: 'id', message: 'missing column "id" in the header' })
    return { items, ids: undefined }
  }
  if (read.rows.length === 0) problems.error({ file, message: 'no items: expected at least one row after the header' })
  const firstLine = new Map<string, number>()
  for (const row of read.rows) {
    const { line, values } = row
    if (row.error !== undefined) {
      problems.error({ file, line, message: row.error })
      continue
    }
    const id = parseId(values.id)
    if (id.ok) ids.add(id.value)
    const parsed = parseItemValues(values)
    if (!parsed.ok) {
      reportIssues(parsed.issues, file, row, problems)
      continue
    }
    const item = parsed.item
    const seen = firstLine.get(item.id)
    if (seen !== undefined) {
      problems.error({ file, line, field: 'id', message: `id: duplicate id ${shown(item.id)} (first on line ${seen})` })
      continue
    }
    firstLine.set(item.id, line)
    items.push(item)
  }
  return { items, ids }
}

/**
 * Loads `interactions.csv|jsonl`. An interaction naming an item that is not in the catalogue is an error;
 * with `itemIds` undefined (the items file was unusable) that check is skipped rather than failing every row.
 */
export async function loadGenericInteractions(
  path: string,
  root: string,
  itemIds: ReadonlySet<string> | undefined,
  problems: ProblemLog,
): Promise<Interaction[]> {
  const file = relative(root, path)
  const read = await readRows(path, file, INTERACTION_ALIASES, problems)
  if (!read) return []
  if (read.columns) {
    const missing = ['user', 'item'].filter((c) => !read.columns?.has(c))
    // Named in the message by the plain column name; userId/user_id and itemId/item_id are accepted too.
    if (missing.length > 0) {
      for (const c of missing) problems.error({ file, line: 1, field: c, message: `missing column "${c}" in the header` })
      return []
    }
  }
  const out: Interaction[] = []
  for (const row of read.rows) {
    const { line, values } = row
    if (row.error !== undefined) {
      problems.error({ file, line, message: row.error })
      continue
    }
    const parsed = interactionSchema.safeParse(values)
    if (!parsed.success) {
      reportIssues(zodIssues(parsed.error), file, row, problems)
      continue
    }
    const p = parsed.data
    if (itemIds && !itemIds.has(p.item)) {
      const f = row.names.item ?? 'item'
      problems.error({ file, line, field: f, message: `${f}: ${shown(p.item)} is not in the catalogue` })
      continue
    }
    out.push({
      userId: p.user,
      itemId: p.item,
      ...(p.rating !== undefined ? { rating: p.rating } : {}),
      ...(p.event !== '' ? { event: p.event } : {}),
      ...(p.timestamp !== undefined ? { timestamp: p.timestamp } : {}),
    })
  }
  return out
}
