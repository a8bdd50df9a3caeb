/**
 * Reads the facts wish rules are judged on straight from a data folder, independently of how a build turns them into
 * item text: for ml-latest-small the genres and year of movies.csv, the user tags of tags.csv, and the keywords and
 * production companies of tmdb_5000_movies.csv joined through links.csv's tmdbId; for a generic catalogue
 * (items.jsonl) its categories, tags and the `interface` and `toolkit` fields. Throws `data.not_found` when the folder
 * holds neither, `input.invalid` for a catalogue line that is not JSON.
 */
import { readFile } from 'node:fs/promises'
import { type DatasetChoice, type DetectedDataset, detectDataset, readCsv, splitTitleYear } from '../catalog/index.ts'
import { AppError } from '../core/index.ts'
import type { FactSource, ItemFacts } from './wishes.ts'

/** The facts of every item of the catalogue in `dataDir`, and which dataset it was. */
export async function loadWishFacts(
  dataDir: string,
  dataset: DatasetChoice = 'auto',
): Promise<{ dataset: DetectedDataset['dataset']; items: ItemFacts[] }> {
  const found = await detectDataset(dataDir, dataset)
  if (found.dataset === 'ml-latest-small') return { dataset: found.dataset, items: await movieFacts(found.paths) }
  if (found.dataset === 'generic' && found.paths.items.endsWith('.jsonl')) {
    return { dataset: found.dataset, items: await genericFacts(found.paths.items) }
  }
  throw new AppError('data.not_found', `Wish facts need ml-latest-small or an items.jsonl catalogue in ${dataDir}`, {
    details: { dir: dataDir, dataset: found.dataset },
  })
}

const norm = (value: string) => value.replace(/\s+/g, ' ').trim().toLowerCase()

function add(item: ItemFacts, source: FactSource, value: string): void {
  const v = norm(value)
  if (!v) return
  const set = (item.facts[source] as Set<string> | undefined) ?? new Set<string>()
  set.add(v)
  item.facts[source] = set
}

/** Rows of a CSV file as objects keyed by the header (the first record). */
async function readRows(path: string, onRow: (row: Record<string, string>) => void): Promise<void> {
  let header: string[] | undefined
  readCsv(await readFile(path, 'utf8'), ({ fields }) => {
    if (!header) {
      header = fields.map((f) => f.trim())
      return
    }
    const row: Record<string, string> = {}
    for (const [i, name] of header.entries()) row[name] = fields[i] ?? ''
    onRow(row)
  })
}

/** The `name`s of a TMDB JSON-in-CSV column (`[{"id": 1, "name": "chess"}]`); nothing when it is not such a list. */
export function tmdbNames(raw: string): string[] {
  try {
    const parsed: unknown = JSON.parse(raw)
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((e) => (typeof e?.name === 'string' ? [e.name as string] : []))
  } catch {
    return []
  }
}

interface MoviePaths {
  movies: string
  tags?: string
  links?: string
  tmdbMovies?: string
}

async function movieFacts(paths: MoviePaths): Promise<ItemFacts[]> {
  const byId = new Map<string, ItemFacts>()
  await readRows(paths.movies, (row) => {
    const id = (row.movieId ?? '').trim()
    const { year } = splitTitleYear(row.title ?? '')
    const item: ItemFacts = { id, ...(year !== undefined ? { year } : {}), facts: {} }
    for (const genre of (row.genres ?? '').split('|')) if (genre !== '(no genres listed)') add(item, 'categories', genre)
    byId.set(id, item)
  })
  if (paths.tags) {
    await readRows(paths.tags, (row) => {
      const item = byId.get((row.movieId ?? '').trim())
      if (item) add(item, 'tags', row.tag ?? '')
    })
  }
  if (paths.links && paths.tmdbMovies) {
    const byTmdb = new Map<string, ItemFacts>()
    await readRows(paths.links, (row) => {
      const item = byId.get((row.movieId ?? '').trim())
      if (item && row.tmdbId) byTmdb.set(row.tmdbId.trim(), item)
    })
    await readRows(paths.tmdbMovies, (row) => {
      const item = byTmdb.get((row.id ?? '').trim())
      if (!item) return
      for (const name of tmdbNames(row.keywords ?? '')) add(item, 'keywords', name)
      for (const name of tmdbNames(row.production_companies ?? '')) add(item, 'companies', name)
    })
  }
  return [...byId.values()]
}

const GENERIC_FIELDS: Record<string, FactSource> = {
  categories: 'categories',
  tags: 'tags',
  interface: 'interface',
  toolkit: 'toolkit',
}

async function genericFacts(path: string): Promise<ItemFacts[]> {
  const items: ItemFacts[] = []
  for (const [i, line] of (await readFile(path, 'utf8')).split('\n').entries()) {
    if (line.trim() === '') continue
    let row: Record<string, unknown>
    try {
      row = JSON.parse(line) as Record<string, unknown>
    } catch (cause) {
      throw new AppError('input.invalid', `${path} line ${i + 1} is not JSON`, { details: { path, line: i + 1 }, cause })
    }
    const item: ItemFacts = { id: String(row.id), facts: {} }
    if (typeof row.year === 'number') item.year = row.year
    for (const [field, source] of Object.entries(GENERIC_FIELDS)) {
      const value = row[field] ?? (row.metadata as Record<string, unknown> | undefined)?.[field]
      const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split('|') : []
      for (const v of values) if (typeof v === 'string') add(item, source, v)
    }
    items.push(item)
  }
  return items
}

/**
 * CSV text without the named columns (by header), every field quoted: how a build is made without some facts (the
 * blind wish benchmark drops TMDB's keywords and production companies).
 */
export function csvWithoutColumns(text: string, drop: readonly string[]): string {
  const lines: string[] = []
  let keep: number[] | undefined
  readCsv(text, ({ fields }) => {
    keep ??= fields.flatMap((name, i) => (drop.includes(name.trim()) ? [] : [i]))
    lines.push(keep.map((i) => `"${(fields[i] ?? '').replace(/"/g, '""')}"`).join(','))
  })
  return `${lines.join('\n')}\n`
}
