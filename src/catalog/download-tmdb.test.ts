import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../test/support/data.ts'
import { startTmdbImitation, type TmdbMovieFixture } from '../../test/support/tmdb-api.ts'
import { retryAfterMs } from './download-tmdb.ts'
import { fetchTmdb, loadCatalog } from './index.ts'

const tiny = join(repoRoot, 'test', 'fixtures', 'catalog', 'ml-tiny')
const KEY = '0123456789abcdef0123456789abcdef'

/** ml-tiny's links name TMDB 862 (Toy Story), 603 (The Matrix) and 902, which this imitation does not know. */
const MOVIES: Record<number, TmdbMovieFixture> = {
  862: {
    title: 'Toy Story',
    overview: 'Led by Woody, "Andy\'s" toys live happily,\nuntil Buzz arrives.',
    runtime: 81,
    vote_count: 5415,
    keywords: ['toy', 'friendship', 'duringcreditsstinger'],
    companies: ['Pixar'],
  },
  603: {
    title: 'The Matrix',
    overview: 'A hacker learns the truth about his reality.',
    runtime: 136,
    vote_count: 9079,
    keywords: ['simulated reality', 'hacker'],
    companies: ['Village Roadshow Pictures', 'Warner Bros.'],
  },
}

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'concierge-tmdb-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

/** A data folder with ml-tiny's MovieLens files and no TMDB files yet. */
async function dataFolder(name: string): Promise<string> {
  const dest = join(tmp, name)
  const folder = join(dest, 'movielens', 'ml-latest-small')
  await mkdir(folder, { recursive: true })
  for (const file of ['movies.csv', 'ratings.csv', 'links.csv']) await copyFile(join(tiny, file), join(folder, file))
  return dest
}

const fast = { requestsPerSecond: 1000, attempts: 1 }

describe('fetchTmdb', () => {
  it('writes overviews, running times, votes and keywords where the MovieLens adapter reads them', async () => {
    const dest = await dataFolder('ok')
    const api = await startTmdbImitation({ apiKey: KEY, movies: MOVIES })
    const result = await fetchTmdb({ dest, apiKey: KEY, apiUrl: `${api.url}/3`, ...fast })
    await api.close()
    expect(result).toMatchObject({ fetched: 3, cached: 0, missing: 1, withOverview: 2, withRuntime: 2 })
    const catalog = await loadCatalog({ dataDir: dest })
    const toyStory = catalog.items.find((i) => i.id === '1')
    expect(toyStory?.description).toBe('Led by Woody, "Andy\'s" toys live happily, until Buzz arrives.')
    expect(toyStory?.metadata).toMatchObject({ runtime: 81, votes: 5415, overviewSource: 'tmdb_api' })
    expect(toyStory?.tags).toEqual(expect.arrayContaining(['toy', 'friendship']))
    expect(toyStory?.tags).not.toContain('duringcreditsstinger')
    expect(catalog.items.find((i) => i.id === '2571')?.metadata).toMatchObject({ runtime: 136 })
    const table = await readFile(result.tmdbMovies, 'utf8')
    expect(table).toContain('Village Roadshow Pictures')
  })

  it('waits out a 429 for its Retry-After and then gets the movie', async () => {
    const dest = await dataFolder('limited')
    const api = await startTmdbImitation({ apiKey: KEY, movies: MOVIES, rateLimitOnce: { ids: [862], retryAfterSeconds: '1' } })
    const started = Date.now()
    const result = await fetchTmdb({ dest, apiKey: KEY, apiUrl: `${api.url}/3`, ...fast, concurrency: 1 })
    await api.close()
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(api.requests.filter((r) => r.startsWith('/3/movie/862'))).toHaveLength(2)
    expect(result).toMatchObject({ fetched: 3, withOverview: 2 })
  })

  it('resumes an interrupted run where it stopped, and asks nothing again once complete', async () => {
    const dest = await dataFolder('resume')
    const dying = await startTmdbImitation({ apiKey: KEY, movies: MOVIES, failAfter: 1 })
    const first = fetchTmdb({ dest, apiKey: KEY, apiUrl: `${dying.url}/3`, ...fast, concurrency: 1 })
    await expect(first).rejects.toMatchObject({ code: 'data.download_failed', details: { status: 503 } })
    await dying.close()
    expect(dying.answered).toHaveLength(1)
    const healthy = await startTmdbImitation({ apiKey: KEY, movies: MOVIES })
    const second = await fetchTmdb({ dest, apiKey: KEY, apiUrl: `${healthy.url}/3`, ...fast })
    expect(second).toMatchObject({ fetched: 2, cached: 1, withOverview: 2 })
    expect(healthy.requests.some((r) => r.startsWith(`/3/movie/${dying.answered[0]}?`))).toBe(false)
    const third = await fetchTmdb({ dest, apiKey: KEY, apiUrl: `${healthy.url}/3`, ...fast })
    expect(third).toMatchObject({ fetched: 0, cached: 3, missing: 1, withOverview: 2 })
    expect(healthy.requests).toHaveLength(2)
    await healthy.close()
  })

  it('sends a v4 token as a bearer token, and refuses a wrong key without printing it', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl'
    const api = await startTmdbImitation({ apiKey: token, movies: MOVIES })
    const dest = await dataFolder('bearer')
    await expect(fetchTmdb({ dest, apiKey: token, apiUrl: `${api.url}/3`, ...fast })).resolves.toMatchObject({ withOverview: 2 })
    expect(api.requests.every((r) => !r.includes('api_key'))).toBe(true)
    const wrong = fetchTmdb({ dest: await dataFolder('wrong'), apiKey: 'wrong-key', apiUrl: `${api.url}/3`, ...fast })
    await expect(wrong).rejects.toMatchObject({ code: 'data.download_failed', details: { status: 401 } })
    await expect(wrong).rejects.not.toThrow(/wrong-key/)
    await api.close()
  })

  it('throws data.not_found when the data folder has no MovieLens links yet', async () => {
    await expect(fetchTmdb({ dest: join(tmp, 'nothing'), apiKey: KEY })).rejects.toMatchObject({ code: 'data.not_found' })
    expect(existsSync(join(tmp, 'nothing', 'tmdb-cache'))).toBe(false)
  })
})

describe('retryAfterMs', () => {
  it('reads seconds or an HTTP date, and waits a second when the header is absent or unreadable', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs('Sun, 06 Dec 2026 16:00:05 GMT', Date.parse('Sun, 06 Dec 2026 16:00:00 GMT'))).toBe(5000)
    expect(retryAfterMs(null)).toBe(1000)
    expect(retryAfterMs('soon')).toBe(1000)
  })
})
