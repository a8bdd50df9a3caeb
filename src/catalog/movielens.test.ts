import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { FILMS } from '../../test/fixtures/data/films.ts'
import { dataDir, FIXTURE_DATA_DIR, repoRoot } from '../../test/support/data.ts'
import { describeRealData } from '../../test/support/real-data.ts'
import type { Catalog, Item } from '../core/index.ts'
import { type CatalogProblem, itemText, loadCatalog } from './index.ts'
import { aggregateTags } from './movielens.ts'

const tiny = join(repoRoot, 'test', 'fixtures', 'catalog', 'ml-tiny')
const byId = (c: Catalog, id: string): Item => {
  const item = c.items.find((i) => i.id === id)
  if (!item) throw new Error(`no item ${id}`)
  return item
}

describe('aggregateTags', () => {
  it('groups case-insensitively, most frequent first, ties in first-seen order, in the most frequent spelling', () => {
    const tags = aggregateTags([
      ['m', 'Dark'],
      ['m', 'funny'],
      ['m', 'dark'],
      ['m', ' dark '],
      ['m', 'Funny'],
      ['m', 'slow'],
      ['m', '  '],
      ['n', 'x'],
    ])
    expect(tags.get('m')).toEqual(['dark', 'funny', 'slow'])
    expect(tags.get('n')).toEqual(['x'])
  })
})

describe('ml-latest-small adapter (fixture)', () => {
  it('parses titles, years, genres, tags, links and overviews from <ml folder>/overviews.csv', async () => {
    const c = await loadCatalog({ dataDir: tiny })
    expect(c.name).toBe('ml-latest-small')
    expect(c.items.map((i) => i.id)).toEqual(['1', '2571', '29', '114335', '149334'])
    expect(byId(c, '2571')).toEqual({
      id: '2571',
      title: 'The Matrix',
      description: 'A hacker learns the truth.',
      // MovieLens tags first, then TMDB's keywords: "Philosophy" once, "woman director" (how it was made) left out.
      tags: ['sci-fi', 'philosophy', 'artificial intelligence', 'virtual reality'],
      categories: ['Action', 'Sci-Fi', 'Thriller'],
      year: 1999,
      metadata: {
        originalTitle: 'Matrix, The (1999)',
        imdbId: '0133093',
        tmdbId: 603,
        overviewSource: 'tmdb_5000',
        runtime: 136,
        votes: 8907,
        companies: 'Village Roadshow Pictures; Groucho II Film Partnership',
      },
    })
    expect(byId(c, '1').metadata.companies).toBe('Pixar Animation Studios')
    // An empty company list is no companies, not an empty string.
    expect(byId(c, '29').metadata.companies).toBeUndefined()
    expect(byId(c, '29')).toMatchObject({ title: 'The City of Lost Children (Cité des enfants perdus, La)', description: '' })
    // TMDB writes runtime 0 when it does not know it: no runtime rather than a zero-minute film.
    expect(byId(c, '29').metadata).toMatchObject({ votes: 308 })
    expect(byId(c, '29').metadata.runtime).toBeUndefined()
    expect(byId(c, '114335')).toMatchObject({ title: 'La cravate', year: 1957, categories: [] })
    expect(byId(c, '114335').metadata.tmdbId).toBeUndefined()
    expect(byId(c, '149334').year).toBeUndefined()
    expect(c.interactions[3]).toEqual({ userId: '2', itemId: '114335', rating: 0.5, timestamp: 1445714995 })
  })

  it('warns about a malformed TMDB runtime, vote count or keyword list, naming the line, and keeps the movie without it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-ml-'))
    try {
      await cp(tiny, dir, { recursive: true })
      const tmdb = await readFile(join(dir, 'tmdb_movies.csv'), 'utf8')
      await writeFile(
        join(dir, 'tmdb_movies.csv'),
        tmdb.replace('603,136,The Matrix,8907', '603,long,The Matrix,-3').replace(/"\[\{""id"": 931.*?\]"/, '"{oops"'),
      )
      const warnings: string[] = []
      const logger = { warn: (m: string) => warnings.push(m) } as unknown as import('../core/index.ts').Logger
      const c = await loadCatalog({ dataDir: dir, logger })
      const matrix = byId(c, '2571').metadata
      expect(matrix.runtime).toBeUndefined()
      expect(matrix.votes).toBeUndefined()
      expect(byId(c, '1').metadata).toMatchObject({ runtime: 81, votes: 5269 })
      // A keyword column that is not TMDB's list is skipped: Toy Story keeps its own tags only.
      expect(byId(c, '1').tags).not.toContain('toy')
      expect(warnings).toEqual(['3 rows or values skipped in ' + dir])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('warns about a malformed production company list, naming the line and field, and keeps the movie without companies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-ml-'))
    try {
      await cp(tiny, dir, { recursive: true })
      const tmdb = await readFile(join(dir, 'tmdb_movies.csv'), 'utf8')
      await writeFile(join(dir, 'tmdb_movies.csv'), tmdb.replace('""name"": ""Pixar Animation Studios""', '""id_only"": 0'))
      const examples: string[] = []
      const logger = {
        warn: (_m: string, fields?: { examples?: string[] }) => examples.push(...(fields?.examples ?? [])),
      } as unknown as import('../core/index.ts').Logger
      const c = await loadCatalog({ dataDir: dir, logger })
      expect(byId(c, '1').metadata.companies).toBeUndefined()
      expect(byId(c, '1').metadata).toMatchObject({ runtime: 81, votes: 5269 })
      expect(byId(c, '2571').metadata.companies).toBe('Village Roadshow Pictures; Groucho II Film Partnership')
      expect(examples).toEqual([expect.stringMatching(/^tmdb_movies\.csv:3 production_companies: expected a JSON list/)])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports bad rating rows with file, line and field, and skips ratings of unknown movies as warnings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-ml-'))
    try {
      await cp(tiny, dir, { recursive: true })
      const ratings = await readFile(join(dir, 'ratings.csv'), 'utf8')
      await writeFile(join(dir, 'ratings.csv'), `${ratings}3,1,9,964982703\n3,1,x,964982703\n3,1,4,soon\n3,999999,4,1\n`)
      const warnings: string[] = []
      const logger = { warn: (m: string) => warnings.push(m) } as unknown as import('../core/index.ts').Logger
      const p = loadCatalog({ dataDir: dir, logger })
      await expect(p).rejects.toMatchObject({ code: 'catalog.invalid' })
      const details = ((await p.catch((e: { details: unknown }) => e.details)) ?? {}) as { problems: CatalogProblem[] }
      expect(details.problems.map((x) => [x.file, x.line, x.field])).toEqual([
        ['ratings.csv', 6, 'rating'],
        ['ratings.csv', 7, 'rating'],
        ['ratings.csv', 8, 'timestamp'],
      ])
      expect(warnings).toEqual(['1 row or value skipped in ' + dir])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('MovieLens on the fixture data folder', () => {
  let small: Catalog
  let k100: Catalog
  beforeAll(async () => {
    small = await loadCatalog({ dataDir: FIXTURE_DATA_DIR, dataset: 'ml-latest-small' })
    k100 = await loadCatalog({ dataDir: FIXTURE_DATA_DIR, dataset: 'ml-100k' })
  })

  it('finds ml-latest-small in the data layout and joins links, overviews, tags and TMDB facts', () => {
    expect(small.name).toBe('ml-latest-small')
    expect(small.items).toHaveLength(FILMS.length)
    expect(new Set(small.interactions.map((i) => i.userId)).size).toBe(60)
    // The generator leaves one overview in ten empty and one film in five without TMDB facts.
    expect(small.items.filter((i) => i.description !== '')).toHaveLength(FILMS.filter((_, n) => n % 10 !== 9).length)
    expect(small.items.filter((i) => typeof i.metadata.runtime === 'number')).toHaveLength(
      FILMS.filter((f) => f.id % 5 !== 2).length,
    )
    expect(byId(small, '2571')).toMatchObject({
      title: 'The Matrix',
      year: 1999,
      metadata: { originalTitle: 'Matrix, The (1999)', runtime: 136, votes: 12_571, tmdbId: 902_571 },
    })
    expect(byId(small, '2571').tags).toEqual(expect.arrayContaining(['artificial intelligence', 'virtual reality']))
    // The Matrix is one of the films without an overview: its text goes from genres straight to tags.
    expect(itemText(byId(small, '2571'))).toBe(
      'The Matrix (1999). Action, Sci-Fi, Thriller. Tags: artificial intelligence, virtual reality, martial arts.',
    )
    expect(itemText(byId(small, '1'))).toMatch(/^Toy Story \(1995\)\. Adventure, .*\. A pull-string cowboy doll/)
  })

  it('finds ml-100k, decodes its latin-1 titles, and fingerprints each dataset on its own', async () => {
    expect(k100.name).toBe('ml-100k')
    expect(k100.items).toHaveLength(FILMS.length + 2)
    expect(new Set(k100.interactions.map((i) => i.userId)).size).toBe(300)
    expect(byId(k100, '1').categories).toEqual(['Adventure', 'Animation', "Children's", 'Comedy', 'Fantasy'])
    expect(k100.items.map((i) => i.title)).toEqual(expect.arrayContaining(['Les Misérables', "C'est arrivé près de chez vous"]))
    expect(k100.items.some((i) => i.title.includes('\uFFFD'))).toBe(false)
    const again = await loadCatalog({ dataDir: FIXTURE_DATA_DIR, dataset: 'ml-100k' })
    expect(again.fingerprint).toBe(k100.fingerprint)
    expect(small.fingerprint).not.toBe(k100.fingerprint)
  })
})

describeRealData('MovieLens on real data', () => {
  let small: Catalog
  let k100: Catalog
  let loadMs = 0
  beforeAll(async () => {
    const dir = dataDir() as string
    const t0 = performance.now()
    small = await loadCatalog({ dataDir: dir, dataset: 'ml-latest-small' })
    loadMs = performance.now() - t0
    k100 = await loadCatalog({ dataDir: dir, dataset: 'ml-100k' })
  })

  it('loads ml-latest-small: 9,742 movies, 100,836 ratings, 610 users, with overviews from tmdb/', () => {
    expect(small.name).toBe('ml-latest-small')
    expect(small.items).toHaveLength(9742)
    expect(small.interactions).toHaveLength(100_836)
    expect(new Set(small.interactions.map((i) => i.userId)).size).toBe(610)
    expect(small.items.filter((i) => i.description !== '')).toHaveLength(6361)
    // 1,572 movies have MovieLens tags; TMDB's keywords give 4,208 some.
    expect(small.items.filter((i) => i.tags.length > 0)).toHaveLength(4208)
    expect(small.items.filter((i) => i.categories.length === 0)).toHaveLength(34)
    expect(small.items.filter((i) => i.year === undefined)).toHaveLength(13)
    // TMDB 5000 facts joined through links.csv: running times (for "nothing too long") and vote counts.
    expect(small.items.filter((i) => typeof i.metadata.runtime === 'number')).toHaveLength(3536)
    expect(small.items.filter((i) => typeof i.metadata.votes === 'number')).toHaveLength(3536)
    // Loading includes parsing every file and the fingerprint; measured, not a benchmark.
    console.info(`ml-latest-small loaded in ${loadMs.toFixed(0)} ms`)
  })

  it('splits titles and years, joins links, overviews and tags', () => {
    expect(byId(small, '1')).toMatchObject({
      title: 'Toy Story',
      year: 1995,
      categories: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
      metadata: { originalTitle: 'Toy Story (1995)', imdbId: '0114709', tmdbId: 862, overviewSource: 'tmdb_top10k' },
    })
    expect(byId(small, '1').description).toMatch(/^Led by Woody, Andy's toys/)
    expect(byId(small, '2571')).toMatchObject({
      title: 'The Matrix',
      year: 1999,
      metadata: { originalTitle: 'Matrix, The (1999)', runtime: 136, votes: 8907 },
    })
    expect(byId(small, '527').tags).toEqual([
      'Holocaust',
      'moving',
      'thought-provoking',
      'based on a true story',
      'biography',
      'disturbing',
      'factory',
      'concentration camp',
      'hero',
      'world war ii',
      'nazis',
      'defense industry',
      'the holocaust',
    ])
    expect(itemText(byId(small, '2571'))).toMatch(
      /^The Matrix \(1999\)\. Action, Sci-Fi, Thriller\. Set in the 22nd century.* Tags: martial arts, sci-fi,/,
    )
  })

  it('keeps every item text within the cap', () => {
    const longest = Math.max(...small.items.map((i) => itemText(i).length))
    expect(longest).toBeLessThanOrEqual(1000)
    expect(longest).toBeGreaterThan(900)
  })

  it('loads ml-100k: 1,682 items, 100,000 ratings, 943 users, latin-1 titles decoded', () => {
    expect(k100.name).toBe('ml-100k')
    expect(k100.items).toHaveLength(1682)
    expect(k100.interactions).toHaveLength(100_000)
    expect(new Set(k100.interactions.map((i) => i.userId)).size).toBe(943)
    expect(byId(k100, '543')).toMatchObject({ title: 'Les Misérables', year: 1995, categories: ['Drama', 'Musical'] })
    expect(byId(k100, '1104').title).toBe('C\u0027est arrivé près de chez vous')
    expect(byId(k100, '1').categories).toEqual(['Animation', "Children's", 'Comedy'])
    expect(k100.items.some((i) => i.title.includes('\uFFFD'))).toBe(false)
  })

  it('gives the same fingerprint on a second load and different ones per dataset', async () => {
    const again = await loadCatalog({ dataDir: dataDir() as string, dataset: 'ml-100k' })
    expect(again.fingerprint).toBe(k100.fingerprint)
    expect(small.fingerprint).not.toBe(k100.fingerprint)
  })
})
