import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectDataset, loadCatalog } from './index.ts'

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'concierge-detect-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Creates a folder with empty files at the given relative paths (detection looks only at names). */
async function layout(name: string, files: string[]): Promise<string> {
  const dir = join(root, name)
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true })
    await writeFile(join(dir, f), '')
  }
  await mkdir(dir, { recursive: true })
  return dir
}

describe('detectDataset', () => {
  it('finds a generic catalogue, preferring items.jsonl and picking up interactions', async () => {
    const dir = await layout('generic', ['items.jsonl', 'items.csv', 'interactions.csv', 'movielens/ml-latest-small/movies.csv'])
    expect(await detectDataset(dir)).toEqual({
      dataset: 'generic',
      root: dir,
      paths: { items: join(dir, 'items.jsonl'), interactions: join(dir, 'interactions.csv') },
    })
  })

  it('finds movielens/ml-latest-small with its files and overviews under tmdb/', async () => {
    const ml = 'movielens/ml-latest-small'
    const dir = await layout('data', [
      `${ml}/movies.csv`,
      `${ml}/ratings.csv`,
      `${ml}/tags.csv`,
      `${ml}/links.csv`,
      'tmdb/ml-latest-small_movies_with_overview.csv',
      'movielens/ml-100k/u.item',
    ])
    expect(await detectDataset(dir)).toEqual({
      dataset: 'ml-latest-small',
      root: dir,
      paths: {
        movies: join(dir, ml, 'movies.csv'),
        ratings: join(dir, ml, 'ratings.csv'),
        tags: join(dir, ml, 'tags.csv'),
        links: join(dir, ml, 'links.csv'),
        overviews: join(dir, 'tmdb', 'ml-latest-small_movies_with_overview.csv'),
      },
    })
    const k100 = await detectDataset(dir, 'ml-100k')
    expect(k100).toEqual({ dataset: 'ml-100k', root: dir, paths: { items: join(dir, 'movielens/ml-100k/u.item') } })
  })

  it('accepts the MovieLens folder itself, with overviews beside the files or named overviews.csv', async () => {
    const a = await layout('mlself', ['movies.csv', 'ratings.csv', 'ml-latest-small_movies_with_overview.csv'])
    expect(await detectDataset(a)).toMatchObject({
      dataset: 'ml-latest-small',
      paths: { movies: join(a, 'movies.csv'), overviews: join(a, 'ml-latest-small_movies_with_overview.csv') },
    })
    const b = await layout('mlself2', ['movies.csv', 'overviews.csv'])
    const found = await detectDataset(b)
    expect(found).toMatchObject({ dataset: 'ml-latest-small', paths: { overviews: join(b, 'overviews.csv') } })
    expect(found.paths).not.toHaveProperty('ratings')
    const c = await layout('k100self', ['u.item', 'u.data'])
    expect(await detectDataset(c)).toMatchObject({
      dataset: 'ml-100k',
      paths: { items: join(c, 'u.item'), ratings: join(c, 'u.data') },
    })
  })

  it('throws data.not_found saying what to do for an empty or missing folder, or a missing dataset', async () => {
    const empty = await layout('empty', ['notes.txt'])
    await expect(detectDataset(empty)).rejects.toMatchObject({
      code: 'data.not_found',
      message: expect.stringContaining('concierge data movielens'),
    })
    await expect(detectDataset(join(root, 'nope'))).rejects.toMatchObject({ code: 'data.not_found' })
    const generic = await layout('only-generic', ['items.csv'])
    await expect(detectDataset(generic, 'ml-100k')).rejects.toMatchObject({ code: 'data.not_found' })
    await expect(loadCatalog({ dataDir: empty })).rejects.toMatchObject({ code: 'data.not_found' })
  })

  it('reports an empty items file as a catalogue problem', async () => {
    const dir = await layout('empty-items', [])
    await writeFile(join(dir, 'items.csv'), 'id,title\n')
    await expect(loadCatalog({ dataDir: dir })).rejects.toMatchObject({ code: 'catalog.invalid', details: { total: 1 } })
  })
})
