import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { Interaction, Item, ProgressListener } from '../core/index.ts'
import { readCsv } from './csv.ts'
import { displayTitle, parseTimestamp, shown, splitList, splitTitleYear } from './fields.ts'
import type { ProblemLog } from './problems.ts'

export interface MovieLensSmallPaths {
  movies: string
  ratings?: string
  tags?: string
  links?: string
  overviews?: string
  /**
   * TMDB movie facts (tmdb_5000_movies.csv: id, runtime, vote_count, keywords, …), joined through links.csv's
   * tmdbId: `metadata.runtime` (minutes), `metadata.votes` (TMDB vote count, a popularity signal beyond these
   * ratings), TMDB's keywords ("time travel", "heist") after the MovieLens tags and the production companies
   * (`metadata.companies`, "; "-separated: "Pixar Animation Studios; Walt Disney Pictures").
   */
  tmdbMovies?: string
}

export interface MovieLens100kPaths {
  items: string
  ratings?: string
}

/** The 19 genre flags of ml-100k u.item, in column order (as in u.genre). */
export const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const

/** Column positions by name, from a table header. */
type Columns = Record<string, number>

/**
 * Streams the rows of a CSV with a header to `onRow`, after checking that the expected columns are there and
 * reporting rows with the wrong field count. Returns the file name relative to `root`, or undefined when the
 * header is unusable.
 */
async function scanTable(
  path: string,
  root: string,
  required: string[],
  problems: ProblemLog,
  onRow: (fields: string[], line: number, cols: Columns) => void,
): Promise<string | undefined> {
  const file = relative(root, path)
  const text = await readFile(path, 'utf8')
  let cols: Columns | undefined
  let width = 0
  let usable = true
  readCsv(
    text,
    ({ fields, line }) => {
      if (!usable) return
      if (!cols) {
        cols = Object.fromEntries(fields.map((f, i) => [f.trim(), i]))
        width = fields.length
        const missing = required.filter((c) => cols?.[c] === undefined)
        if (missing.length > 0) {
          problems.error({
            file,
            line,
            message: `expected the MovieLens columns ${required.join(',')}; missing ${missing.join(', ')}`,
          })
          usable = false
        }
        return
      }
      if (fields.length !== width) {
        problems.error({ file, line, message: `expected ${width} fields (as in the header), got ${fields.length}` })
        return
      }
      onRow(fields, line, cols)
    },
    { onError: ({ line, message }) => problems.error({ file, line, message }) },
  )
  if (!cols) {
    problems.error({ file, message: `empty file: expected the MovieLens columns ${required.join(',')}` })
    return undefined
  }
  return usable ? file : undefined
}

/** A field by column name; the header check guarantees the column exists. */
const at = (fields: string[], cols: Columns, name: string): string => (fields[cols[name] as number] as string).trim()

/** A MovieLens title split into display title, year and the original text. */
function movieTitle(raw: string): { title: string; year?: number; originalTitle: string } {
  const { title, year } = splitTitleYear(raw)
  return { title: displayTitle(title), ...(year !== undefined ? { year } : {}), originalTitle: raw }
}

/**
 * Aggregates free-form tags per item: grouped case-insensitively, most frequent first (ties: first seen),
 * each written in its most frequent spelling.
 */
export function aggregateTags(tags: Iterable<[itemId: string, tag: string]>): Map<string, string[]> {
  const perItem = new Map<string, Map<string, { count: number; order: number; forms: Map<string, number> }>>()
  let order = 0
  for (const [itemId, raw] of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ')
    if (tag === '') continue
    let groups = perItem.get(itemId)
    if (!groups) {
      groups = new Map()
      perItem.set(itemId, groups)
    }
    const key = tag.toLowerCase()
    let g = groups.get(key)
    if (!g) {
      g = { count: 0, order: order++, forms: new Map() }
      groups.set(key, g)
    }
    g.count++
    g.forms.set(tag, (g.forms.get(tag) ?? 0) + 1)
  }
  const out = new Map<string, string[]>()
  for (const [itemId, groups] of perItem) {
    const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.order - b.order)
    out.set(
      itemId,
      sorted.map((g) => {
        let best = ''
        let bestCount = 0
        for (const [form, c] of g.forms) {
          if (c > bestCount) {
            best = form
            bestCount = c
          }
        }
        return best
      }),
    )
  }
  return out
}

/**
 * ml-latest-small: movies.csv (+ ratings.csv, tags.csv, links.csv, and an optional TMDB overviews file as
 * descriptions). Ratings or tags naming a movie absent from movies.csv are warnings and are dropped.
 */
export async function loadMovieLensSmall(
  paths: MovieLensSmallPaths,
  root: string,
  problems: ProblemLog,
  onProgress: ProgressListener,
): Promise<{ items: Item[]; interactions: Interaction[] }> {
  const steps =
    1 +
    (paths.links ? 1 : 0) +
    (paths.tags ? 1 : 0) +
    (paths.overviews ? 1 : 0) +
    (paths.tmdbMovies ? 1 : 0) +
    (paths.ratings ? 1 : 0)
  let step = 0
  const tick = () => onProgress({ phase: 'load', done: ++step, total: steps, unit: 'files' })

  const items: Item[] = []
  const byId = new Map<string, Item>()
  const firstLine = new Map<string, number>()
  const file = relative(root, paths.movies)
  const moviesFile = await scanTable(paths.movies, root, ['movieId', 'title', 'genres'], problems, (fields, line, cols) => {
    const id = at(fields, cols, 'movieId')
    const rawTitle = at(fields, cols, 'title')
    if (!/^\d+$/.test(id)) {
      problems.error({ file, line, field: 'movieId', message: `movieId: expected a positive integer, got ${shown(id)}` })
      return
    }
    const seen = firstLine.get(id)
    if (seen !== undefined) {
      problems.error({ file, line, field: 'movieId', message: `movieId: duplicate id "${id}" (first on line ${seen})` })
      return
    }
    firstLine.set(id, line)
    if (rawTitle === '') {
      problems.error({ file, line, field: 'title', message: 'title: expected a movie title, got nothing' })
      return
    }
    const genres = at(fields, cols, 'genres')
    const t = movieTitle(rawTitle)
    const item: Item = {
      id,
      title: t.title,
      description: '',
      tags: [],
      categories: genres === '(no genres listed)' ? [] : splitList(genres),
      ...(t.year !== undefined ? { year: t.year } : {}),
      metadata: { originalTitle: t.originalTitle },
    }
    items.push(item)
    byId.set(id, item)
  })
  if (!moviesFile) return { items: [], interactions: [] }
  tick()

  if (paths.links) {
    await scanTable(paths.links, root, ['movieId', 'imdbId', 'tmdbId'], problems, (fields, line, cols) => {
      const id = at(fields, cols, 'movieId')
      const item = byId.get(id)
      if (!item) {
        problems.warn({
          file: relative(root, paths.links as string),
          line,
          field: 'movieId',
          message: `movieId ${shown(id)} is not in movies.csv`,
        })
        return
      }
      const imdb = at(fields, cols, 'imdbId')
      const tmdb = at(fields, cols, 'tmdbId')
      if (imdb !== '') item.metadata.imdbId = imdb
      if (/^\d+$/.test(tmdb)) item.metadata.tmdbId = Number(tmdb)
    })
    tick()
  }

  if (paths.tags) {
    const pairs: [string, string][] = []
    await scanTable(paths.tags, root, ['movieId', 'tag'], problems, (fields, line, cols) => {
      const id = at(fields, cols, 'movieId')
      if (!byId.has(id)) {
        problems.warn({
          file: relative(root, paths.tags as string),
          line,
          field: 'movieId',
          message: `movieId ${shown(id)} is not in movies.csv`,
        })
        return
      }
      pairs.push([id, at(fields, cols, 'tag')])
    })
    for (const [id, list] of aggregateTags(pairs)) (byId.get(id) as Item).tags = list
    tick()
  }

  if (paths.overviews) {
    await scanTable(paths.overviews, root, ['movieId', 'overview'], problems, (fields, line, cols) => {
      const id = at(fields, cols, 'movieId')
      const item = byId.get(id)
      if (!item) {
        problems.warn({
          file: relative(root, paths.overviews as string),
          line,
          field: 'movieId',
          message: `movieId ${shown(id)} is not in movies.csv`,
        })
        return
      }
      const text = at(fields, cols, 'overview').replace(/\s+/g, ' ')
      if (text === '') return
      item.description = text
      const source = cols.overview_source === undefined ? '' : at(fields, cols, 'overview_source')
      if (source !== '') item.metadata.overviewSource = source
    })
    tick()
  }

  if (paths.tmdbMovies) {
    await joinTmdbMovies(paths.tmdbMovies, root, items, problems)
    tick()
  }

  const interactions: Interaction[] = []
  if (paths.ratings) {
    const file = relative(root, paths.ratings)
    const check = ratingChecker(file, byId, problems)
    await scanTable(paths.ratings, root, ['userId', 'movieId', 'rating', 'timestamp'], problems, (fields, line, cols) => {
      const x = check(
        fields[cols.userId as number] as string,
        fields[cols.movieId as number] as string,
        fields[cols.rating as number] as string,
        fields[cols.timestamp as number] as string,
        line,
      )
      if (x) interactions.push(x)
    })
    tick()
  }
  return { items, interactions }
}

/**
 * Adds `runtime`, `votes`, keywords (as tags, after the item's own) and production companies (`companies`: "Pixar
 * Animation Studios; Walt Disney Pictures") from a TMDB movies table to the items whose `tmdbId` it lists. Rows for
 * movies outside the catalogue are expected (the table is TMDB's, not MovieLens') and skipped quietly; a malformed
 * runtime, vote count, keyword or company list is a warning naming the line, and the item simply goes without that
 * field.
 */
async function joinTmdbMovies(path: string, root: string, items: readonly Item[], problems: ProblemLog): Promise<void> {
  const file = relative(root, path)
  const byTmdb = new Map<number, Item>()
  for (const item of items) if (typeof item.metadata.tmdbId === 'number') byTmdb.set(item.metadata.tmdbId, item)
  const count = (raw: string, line: number, field: string, max: number): number | undefined => {
    if (raw === '') return undefined
    const n = Number(raw)
    if (!Number.isFinite(n) || n < 0 || n > max) {
      problems.warn({ file, line, field, message: `${field}: expected a number from 0 to ${max}, got ${shown(raw)}` })
      return undefined
    }
    return n
  }
  await scanTable(path, root, ['id', 'runtime', 'vote_count'], problems, (fields, line, cols) => {
    const item = byTmdb.get(Number(at(fields, cols, 'id')))
    if (!item) return
    const runtime = count(at(fields, cols, 'runtime'), line, 'runtime', 1000)
    const votes = count(at(fields, cols, 'vote_count'), line, 'vote_count', 1e9)
    // TMDB writes 0 for an unknown runtime.
    if (runtime !== undefined && runtime > 0) item.metadata.runtime = Math.round(runtime)
    if (votes !== undefined) item.metadata.votes = Math.round(votes)
    if (cols.keywords !== undefined) {
      const keywords = tmdbKeywords(at(fields, cols, 'keywords'))
      if (keywords === undefined) {
        problems.warn({ file, line, field: 'keywords', message: 'keywords: expected a JSON list of {"name": …} objects' })
      } else addTags(item, keywords)
    }
    if (cols.production_companies !== undefined) {
      const companies = tmdbNames(at(fields, cols, 'production_companies'))
      if (companies === undefined) {
        const message = 'production_companies: expected a JSON list of {"name": …} objects'
        problems.warn({ file, line, field: 'production_companies', message })
      } else if (companies.length) item.metadata.companies = companies.slice(0, MAX_COMPANIES).join(COMPANY_SEPARATOR)
    }
  })
}

/** Keywords that say how a film was released or made rather than what it is about. */
const NOT_ABOUT = /stinger$|^woman director$|^independent film$|^3d$|^imax$/i
const MAX_TMDB_KEYWORDS = 30
/** Production companies kept per movie (TMDB lists the main ones first) and how `metadata.companies` joins them. */
const MAX_COMPANIES = 5
export const COMPANY_SEPARATOR = '; '

/** Adds tags the item does not have yet (case-insensitively), after its own. */
function addTags(item: Item, tags: readonly string[]): void {
  const own = new Set(item.tags.map((t) => t.toLowerCase()))
  for (const k of tags) {
    if (own.has(k.toLowerCase())) continue
    own.add(k.toLowerCase())
    item.tags.push(k)
  }
}

/**
 * The names in TMDB's keyword column (`[{"id": 1463, "name": "culture clash"}, …]`), release notes such as
 * "duringcreditsstinger" left out; undefined when the column is not such a list. Empty text is no keywords.
 */
export function tmdbKeywords(raw: string): string[] | undefined {
  return tmdbNames(raw)
    ?.filter((name) => !NOT_ABOUT.test(name))
    .slice(0, MAX_TMDB_KEYWORDS)
}

/**
 * The names in one of TMDB's list columns (keywords, `production_companies`: `[{"name": "Pixar Animation Studios",
 * "id": 3}, …]`), spaces tidied, at most 60 characters each; undefined when the column is not such a list. Empty
 * text is no names.
 */
export function tmdbNames(raw: string): string[] | undefined {
  if (raw.trim() === '') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed)) return undefined
  const out: string[] = []
  for (const entry of parsed) {
    const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined
    if (typeof name !== 'string') return undefined
    const clean = name.replace(/\s+/g, ' ').trim().slice(0, 60)
    if (clean) out.push(clean)
  }
  return out
}

/**
 * Validates one rating row (0.5–5 stars, seconds since 1970); ratings of unknown movies are warnings.
 * The hot path of loading (100k rows), so it avoids intermediate objects.
 */
function ratingChecker(file: string, byId: ReadonlyMap<string, Item>, problems: ProblemLog) {
  return (user: string, item: string, ratingText: string, timeText: string, line: number): Interaction | undefined => {
    const userId = user.trim()
    const itemId = item.trim()
    if (userId === '') {
      problems.error({ file, line, field: 'userId', message: 'userId: expected a user id, got nothing' })
      return undefined
    }
    const rating = ratingText.trim() === '' ? Number.NaN : Number(ratingText)
    if (!(rating >= 0.5 && rating <= 5)) {
      problems.error({
        file,
        line,
        field: 'rating',
        message: `rating: expected a number from 0.5 to 5, got ${shown(ratingText)}`,
      })
      return undefined
    }
    let timestamp: number | undefined
    if (timeText.trim() !== '') {
      timestamp = Number(timeText)
      if (!Number.isInteger(timestamp) || timestamp < 0) {
        const ts = parseTimestamp(timeText)
        if (!ts.ok) {
          problems.error({ file, line, field: 'timestamp', message: `timestamp: ${ts.message}` })
          return undefined
        }
        timestamp = ts.value
      }
    }
    if (!byId.has(itemId)) {
      problems.warn({ file, line, field: 'movieId', message: `movie ${shown(itemId)} is not in the item list` })
      return undefined
    }
    return timestamp === undefined ? { userId, itemId, rating } : { userId, itemId, rating, timestamp }
  }
}

/** ml-100k: u.item (latin-1, `|`-separated, 19 genre flags) and u.data (tab-separated user item rating timestamp). */
export async function loadMovieLens100k(
  paths: MovieLens100kPaths,
  root: string,
  problems: ProblemLog,
  onProgress: ProgressListener,
): Promise<{ items: Item[]; interactions: Interaction[] }> {
  const total = paths.ratings ? 2 : 1
  const file = relative(root, paths.items)
  const text = (await readFile(paths.items)).toString('latin1')
  const items: Item[] = []
  const byId = new Map<string, Item>()
  const firstLine = new Map<string, number>()
  let line = 0
  for (const raw of text.split('\n')) {
    line++
    const row = raw.replace(/\r$/, '')
    if (row.trim() === '') continue
    const f = row.split('|')
    if (f.length !== 5 + ML100K_GENRES.length) {
      problems.error({ file, line, message: `expected ${5 + ML100K_GENRES.length} fields separated by "|", got ${f.length}` })
      continue
    }
    const id = (f[0] as string).trim()
    if (!/^\d+$/.test(id)) {
      problems.error({ file, line, field: 'movie id', message: `movie id: expected a positive integer, got ${shown(id)}` })
      continue
    }
    const seen = firstLine.get(id)
    if (seen !== undefined) {
      problems.error({ file, line, field: 'movie id', message: `movie id: duplicate id "${id}" (first on line ${seen})` })
      continue
    }
    firstLine.set(id, line)
    const rawTitle = (f[1] as string).trim()
    if (rawTitle === '') {
      problems.error({ file, line, field: 'movie title', message: 'movie title: expected a title, got nothing' })
      continue
    }
    const flags = f.slice(5)
    const badFlag = flags.findIndex((v) => v !== '0' && v !== '1')
    if (badFlag >= 0) {
      const g = ML100K_GENRES[badFlag] as string
      problems.error({ file, line, field: g, message: `${g}: expected a genre flag 0 or 1, got ${shown(flags[badFlag])}` })
      continue
    }
    const t = movieTitle(rawTitle)
    const releaseDate = (f[2] as string).trim()
    const dateYear = /(\d{4})$/.exec(releaseDate)?.[1]
    const year = t.year ?? (dateYear ? Number(dateYear) : undefined)
    const metadata: Item['metadata'] = { originalTitle: t.originalTitle }
    if (releaseDate !== '') metadata.releaseDate = releaseDate
    const imdbUrl = (f[4] as string).trim()
    if (imdbUrl !== '') metadata.imdbUrl = imdbUrl
    const item: Item = {
      id,
      title: t.title,
      description: '',
      tags: [],
      // The "unknown" genre flag means no genre, not a genre called unknown.
      categories: ML100K_GENRES.filter((_, i) => i > 0 && flags[i] === '1'),
      ...(year !== undefined ? { year } : {}),
      metadata,
    }
    items.push(item)
    byId.set(id, item)
  }
  onProgress({ phase: 'load', done: 1, total, unit: 'files' })
  const interactions: Interaction[] = []
  if (paths.ratings) {
    const rfile = relative(root, paths.ratings)
    const data = await readFile(paths.ratings, 'utf8')
    const check = ratingChecker(rfile, byId, problems)
    let n = 0
    for (const raw of data.split('\n')) {
      n++
      const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (row.trim() === '') continue
      const fields = row.split('\t')
      if (fields.length !== 4) {
        problems.error({
          file: rfile,
          line: n,
          message: `expected 4 tab-separated fields (user item rating timestamp), got ${fields.length}`,
        })
        continue
      }
      const x = check(fields[0] as string, fields[1] as string, fields[2] as string, fields[3] as string, n)
      if (x) interactions.push(x)
    }
    onProgress({ phase: 'load', done: 2, total, unit: 'files' })
  }
  return { items, interactions }
}
