import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../catalog/index.ts'
import { csvWithoutColumns, loadWishFacts } from './wish-facts.ts'
import { resolveRule } from './wishes.ts'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wish-facts-'))
  const ml = join(dir, 'movies', 'movielens', 'ml-latest-small')
  await mkdir(ml, { recursive: true })
  await mkdir(join(dir, 'movies', 'tmdb'), { recursive: true })
  await writeFile(
    join(ml, 'movies.csv'),
    'movieId,title,genres\n1,Searching for Bobby Fischer (1993),Drama\n2,"Incredibles, The (2004)",Action|Animation|Children\n3,Untitled,(no genres listed)\n',
  )
  await writeFile(join(ml, 'tags.csv'), 'userId,movieId,tag,timestamp\n5,1, Chess ,1\n6,2,pixar,2\n')
  await writeFile(join(ml, 'links.csv'), 'movieId,imdbId,tmdbId\n1,108065,14292\n2,317705,9806\n3,1,\n')
  const companies = JSON.stringify([{ name: 'Pixar Animation Studios', id: 3 }]).replace(/"/g, '""')
  const keywords = JSON.stringify([
    { id: 1, name: 'superhero' },
    { id: 2, name: 'Family' },
  ]).replace(/"/g, '""')
  await writeFile(
    join(dir, 'movies', 'tmdb', 'tmdb_5000_movies.csv'),
    `id,title,keywords,production_companies,runtime\n9806,The Incredibles,"${keywords}","${companies}",115\n77,Not in the catalogue,"[]","[]",90\n`,
  )
  await mkdir(join(dir, 'apps'))
  await writeFile(
    join(dir, 'apps', 'items.jsonl'),
    [
      { id: 'cmus', title: 'cmus', categories: ['sound'], tags: ['player', 'audio'], interface: ['text-mode'] },
      { id: 'rhythmbox', title: 'rhythmbox', categories: ['gnome'], tags: ['player'], interface: ['x11'], toolkit: ['gtk'] },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  )
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadWishFacts', () => {
  it('reads MovieLens genres, years and user tags, and TMDB keywords and companies through links', async () => {
    const { dataset, items } = await loadWishFacts(join(dir, 'movies'))
    expect(dataset).toBe('ml-latest-small')
    const incredibles = items.find((i) => i.id === '2')!
    expect(incredibles.year).toBe(2004)
    expect([...(incredibles.facts.categories ?? [])]).toEqual(['action', 'animation', 'children'])
    expect([...(incredibles.facts.keywords ?? [])]).toEqual(['superhero', 'family'])
    expect([...(incredibles.facts.companies ?? [])]).toEqual(['pixar animation studios'])
    expect(resolveRule(items, { any: { tags: ['chess'] } })).toEqual(new Set(['1']))
    expect(items.find((i) => i.id === '3')?.facts.categories).toBeUndefined()
  })

  it('reads a generic catalogue’s categories, tags, interface and toolkit', async () => {
    const { dataset, items } = await loadWishFacts(join(dir, 'apps'))
    expect(dataset).toBe('generic')
    const rule = { any: { tags: ['player'] }, all: [{ interface: ['text-mode', 'commandline'] }], none: { toolkit: ['gtk'] } }
    expect(resolveRule(items, rule)).toEqual(new Set(['cmus']))
  })

  it('fails with data.not_found for a folder without a catalogue', async () => {
    await mkdir(join(dir, 'empty'), { recursive: true })
    await expect(loadWishFacts(join(dir, 'empty'))).rejects.toMatchObject({ code: 'data.not_found' })
  })
})

describe('csvWithoutColumns', () => {
  it('drops the named columns and keeps quoted fields intact', () => {
    const text = 'id,keywords,title\n1,"[{""name"": ""chess""}]","Fischer, Bobby"\n'
    const rows = parseCsv(csvWithoutColumns(text, ['keywords'])).map((r) => r.fields)
    expect(rows).toEqual([
      ['id', 'title'],
      ['1', 'Fischer, Bobby'],
    ])
  })
})
