import { existsSync } from 'node:fs'
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { AppError, errorMessage, noProgress, type ProgressListener } from '../core/index.ts'
import { parseCsv } from './csv.ts'
import { detectDataset } from './detect.ts'

/** TMDB's API (https://developer.themoviedb.org/docs). Its terms ask for the attribution in the README. */
export const TMDB_API_URL = 'https://api.themoviedb.org/3'

export interface FetchTmdbOptions {
  /** Data folder holding movielens/ml-latest-small/ with its links.csv (run `concierge data movielens` first). */
  dest: string
  /** A TMDB API key (v3) or read access token (v4, sent as a bearer token). Never logged. */
  apiKey: string
  apiUrl?: string
  fetchImpl?: typeof fetch
  /** Requests started per second; default 20, half of what TMDB tolerates from one address. */
  requestsPerSecond?: number
  /** Requests in flight at once; default 4. */
  concurrency?: number
  /** Attempts per movie on 5xx answers or network errors before the run stops (resumable); default 4. */
  attempts?: number
  onProgress?: ProgressListener
}

export interface FetchTmdbResult {
  /** Movies asked of TMDB in this run. */
  fetched: number
  /** Movies already in the cache from an earlier run, not asked again. */
  cached: number
  /** Movies TMDB does not know (404). */
  missing: number
  /** Movies written with an overview / a running time. */
  withOverview: number
  withRuntime: number
  /** The files written: overviews.csv and tmdb_movies.csv beside movies.csv. */
  overviews: string
  tmdbMovies: string
}

/** What the cache keeps of one TMDB movie: the fields the MovieLens adapter and the README use. */
interface TmdbMovie {
  id: number
  title: string
  overview: string
  runtime: number | null
  vote_count: number
  vote_average: number
  keywords: { id: number; name: string }[]
  production_companies: { id: number; name: string }[]
}

type CacheLine = { tmdbId: number; found: true; movie: TmdbMovie } | { tmdbId: number; found: false }

/**
 * Fetches TMDB overviews, keywords, running times, vote counts and production companies for the movies of
 * ml-latest-small (by links.csv's tmdbId), then writes `overviews.csv` and `tmdb_movies.csv` beside movies.csv,
 * where the MovieLens adapter reads them. Paced to `requestsPerSecond`; a 429 pauses every request for its
 * Retry-After. Each answer is appended to `<dest>/tmdb-cache/movies.jsonl` as it arrives, so an interrupted run
 * resumes where it stopped and a repeated run asks nothing again. Throws `data.not_found` (no links.csv),
 * `data.download_failed` (refused key, repeated server errors: the cache keeps what was fetched).
 */
export async function fetchTmdb(options: FetchTmdbOptions): Promise<FetchTmdbResult> {
  const dest = resolve(options.dest)
  const { folder, links } = await readLinks(dest)
  const cachePath = join(dest, 'tmdb-cache', 'movies.jsonl')
  const cache = await readCache(cachePath)
  const wanted = [...new Set(links.values())]
  const pending = wanted.filter((id) => !cache.has(id))
  const cached = wanted.length - pending.length
  await mkdir(dirname(cachePath), { recursive: true })
  const file = await open(cachePath, 'a')
  try {
    const client = tmdbClient(options)
    const onProgress = options.onProgress ?? noProgress
    let done = 0
    await runPool(pending, options.concurrency ?? 4, async (tmdbId) => {
      const line = await client.movie(tmdbId)
      cache.set(tmdbId, line)
      await file.appendFile(`${JSON.stringify(line)}\n`)
      onProgress({ phase: 'tmdb', done: ++done, total: pending.length, unit: 'movies' })
    })
  } finally {
    await file.close()
  }
  const written = await writeTables(folder, links, cache)
  const missing = wanted.filter((id) => cache.get(id)?.found === false).length
  return { fetched: pending.length, cached, missing, ...written }
}

async function readLinks(dest: string): Promise<{ folder: string; links: Map<string, number> }> {
  const found = await detectDataset(dest, 'ml-latest-small')
  const linksPath = found.dataset === 'ml-latest-small' ? found.paths.links : undefined
  if (found.dataset !== 'ml-latest-small' || linksPath === undefined) {
    throw new AppError('data.not_found', `${dest} has no ml-latest-small links.csv: run \`concierge data movielens\` first`, {
      details: { dir: dest },
    })
  }
  const links = new Map<string, number>()
  const [header, ...rows] = parseCsv(await readFile(linksPath, 'utf8'))
  const movieCol = header?.fields.indexOf('movieId') ?? -1
  const tmdbCol = header?.fields.indexOf('tmdbId') ?? -1
  for (const row of rows) {
    const tmdb = row.fields[tmdbCol]?.trim() ?? ''
    const movieId = row.fields[movieCol]?.trim() ?? ''
    if (movieId !== '' && /^\d+$/.test(tmdb)) links.set(movieId, Number(tmdb))
  }
  return { folder: dirname(found.paths.movies), links }
}

/** The cache so far; a line cut short by an interrupted write is ignored (that movie is asked again). */
async function readCache(path: string): Promise<Map<number, CacheLine>> {
  const cache = new Map<number, CacheLine>()
  if (!existsSync(path)) return cache
  for (const text of (await readFile(path, 'utf8')).split('\n')) {
    if (text.trim() === '') continue
    try {
      const line = JSON.parse(text) as CacheLine
      if (typeof line.tmdbId === 'number') cache.set(line.tmdbId, line)
    } catch {
      // A torn last line from an interrupted run.
    }
  }
  return cache
}

/** Runs `work` over `items` with at most `limit` at once; the first failure stops new work and is thrown. */
async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, limit) }, worker))
  const rejected = results.find((r) => r.status === 'rejected')
  if (rejected) throw rejected.reason
}

/** Paces requests to a rate; a pause (429) moves the next slot for everyone. */
function createPacer(perSecond: number) {
  const gap = 1000 / perSecond
  let nextAt = 0
  return {
    slot: async () => {
      const now = Date.now()
      const at = Math.max(now, nextAt)
      nextAt = at + gap
      if (at > now) await delay(at - now)
    },
    pauseFor: (ms: number) => {
      nextAt = Math.max(nextAt, Date.now() + ms)
    },
  }
}

/** Seconds or an HTTP date, as Retry-After allows; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return 1000
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? 1000 : Math.max(0, date - now)
}

const MAX_RATE_LIMITED = 20

function tmdbClient(options: FetchTmdbOptions) {
  const fetchImpl = options.fetchImpl ?? fetch
  const base = (options.apiUrl ?? TMDB_API_URL).replace(/\/+$/, '')
  const pacer = createPacer(options.requestsPerSecond ?? 20)
  const attempts = options.attempts ?? 4
  // A v4 read access token is a JWT (three dot-separated parts); a v3 key is 32 hex digits.
  const bearer = options.apiKey.split('.').length === 3
  const headers: Record<string, string> = { accept: 'application/json' }
  if (bearer) headers.authorization = `Bearer ${options.apiKey}`
  const urlFor = (tmdbId: number, withKey: boolean) => {
    const url = `${base}/movie/${tmdbId}?append_to_response=keywords&language=en-US`
    return withKey && !bearer ? `${url}&api_key=${encodeURIComponent(options.apiKey)}` : url
  }
  const fail = (tmdbId: number, reason: string, status?: number) =>
    new AppError('data.download_failed', `TMDB did not answer for movie ${tmdbId} (${reason}); run again to resume`, {
      details: { url: urlFor(tmdbId, false), reason, ...(status === undefined ? {} : { status }) },
    })
  const movie = async (tmdbId: number): Promise<CacheLine> => {
    let errors = 0
    let limited = 0
    for (;;) {
      await pacer.slot()
      let response: Response
      try {
        response = await fetchImpl(urlFor(tmdbId, true), { headers })
      } catch (error) {
        if (++errors >= attempts) throw fail(tmdbId, errorMessage(error))
        await delay(250 * 2 ** errors)
        continue
      }
      if (response.ok) return { tmdbId, found: true, movie: toMovie(await response.json(), tmdbId) }
      await response.body?.cancel()
      if (response.status === 404) return { tmdbId, found: false }
      if (response.status === 401) {
        throw new AppError('data.download_failed', 'TMDB refused the API key (HTTP 401): check TMDB_API_KEY', {
          details: { status: 401 },
        })
      }
      if (response.status === 429 && ++limited <= MAX_RATE_LIMITED) {
        pacer.pauseFor(retryAfterMs(response.headers.get('retry-after')))
        continue
      }
      if (response.status < 500 || ++errors >= attempts) throw fail(tmdbId, `HTTP ${response.status}`, response.status)
      await delay(250 * 2 ** errors)
    }
  }
  return { movie }
}

const named = (value: unknown): { id: number; name: string }[] =>
  Array.isArray(value)
    ? value
        .filter((v): v is { id: unknown; name: string } => typeof v?.name === 'string')
        .map((v) => ({ id: Number(v.id) || 0, name: v.name }))
    : []

/** The fields kept of a TMDB movie answer; anything missing or malformed becomes empty. */
function toMovie(body: unknown, tmdbId: number): TmdbMovie {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const keywords = (b.keywords ?? {}) as { keywords?: unknown }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  return {
    id: tmdbId,
    title: typeof b.title === 'string' ? b.title : '',
    overview: typeof b.overview === 'string' ? b.overview.replace(/\s+/g, ' ').trim() : '',
    runtime: typeof b.runtime === 'number' && b.runtime > 0 ? b.runtime : null,
    vote_count: num(b.vote_count),
    vote_average: num(b.vote_average),
    keywords: named(keywords.keywords),
    production_companies: named(b.production_companies),
  }
}

/** One CSV line, fields quoted when they need it (RFC 4180). */
function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(String(f)) ? `"${String(f).replaceAll('"', '""')}"` : String(f))).join(',')}\n`
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text)
  await rename(`${path}.tmp`, path)
}

/** Writes overviews.csv (by movieId) and tmdb_movies.csv (by TMDB id, in TMDB 5000's column names). */
async function writeTables(folder: string, links: Map<string, number>, cache: Map<number, CacheLine>) {
  const movies = new Map<number, TmdbMovie>()
  for (const line of cache.values()) if (line.found) movies.set(line.tmdbId, line.movie)
  let overviewText = csvLine(['movieId', 'overview', 'overview_source'])
  let withOverview = 0
  for (const [movieId, tmdbId] of links) {
    const overview = movies.get(tmdbId)?.overview ?? ''
    if (overview === '') continue
    overviewText += csvLine([movieId, overview, 'tmdb_api'])
    withOverview++
  }
  let tableText = csvLine(['id', 'title', 'runtime', 'vote_count', 'vote_average', 'keywords', 'production_companies'])
  let withRuntime = 0
  const used = new Set(links.values())
  for (const m of movies.values()) {
    if (!used.has(m.id)) continue
    if (m.runtime !== null) withRuntime++
    const [keywords, companies] = [JSON.stringify(m.keywords), JSON.stringify(m.production_companies)]
    tableText += csvLine([m.id, m.title, m.runtime ?? '', m.vote_count, m.vote_average, keywords, companies])
  }
  const overviews = join(folder, 'overviews.csv')
  const tmdbMovies = join(folder, 'tmdb_movies.csv')
  await writeAtomically(overviews, overviewText)
  await writeAtomically(tmdbMovies, tableText)
  return { withOverview, withRuntime, overviews, tmdbMovies }
}
