import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../test/support/data.ts'
import { AppError } from '../core/index.ts'
import { type CatalogProblem, loadCatalog } from './index.ts'

const fixtures = join(repoRoot, 'test', 'fixtures', 'catalog')

/** Runs a load that must fail with catalog.invalid and returns its problems. */
async function problemsOf(dataDir: string, maxProblems?: number): Promise<{ problems: CatalogProblem[]; total: number }> {
  const p = loadCatalog({ dataDir, ...(maxProblems !== undefined ? { maxProblems } : {}) })
  await expect(p).rejects.toMatchObject({ code: 'catalog.invalid' })
  const error = (await p.catch((e: unknown) => e)) as AppError
  return error.details as { problems: CatalogProblem[]; total: number }
}

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'concierge-catalog-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(tmp, name)
  await rm(dir, { recursive: true, force: true })
  await cp(join(fixtures, 'good-csv'), dir, { recursive: true })
  for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text)
  return dir
}

describe('loadCatalog (generic JSONL)', () => {
  it('loads items with lists, years, image URLs, extra fields as metadata, and aliased interaction columns', async () => {
    const c = await loadCatalog({ dataDir: join(fixtures, 'good-jsonl') })
    expect(c.name).toBe('good-jsonl')
    expect(c.items.map((i) => i.id)).toEqual(['b1', '2', 'b3'])
    const [hobbit, dune, poems] = c.items
    expect(hobbit).toMatchObject({
      title: 'The Hobbit',
      year: 1937,
      imageUrl: 'https://example.org/hobbit.jpg',
      metadata: { author: 'J. R. R. Tolkien', pages: 310 },
    })
    expect(dune).toMatchObject({ tags: ['politics', 'ecology', 'sand'], year: 1965, metadata: { series: 'Dune', inPrint: true } })
    expect(poems).toMatchObject({ title: '', tags: ['poetry'], metadata: { series: '{"name":"none"}' } })
    expect(c.interactions).toEqual([
      { userId: 'u1', itemId: 'b1', rating: 5, timestamp: 1700000000 },
      { userId: 'u1', itemId: '2', event: 'like', timestamp: Date.parse('2024-03-01T12:00:00Z') / 1000 },
      { userId: 'u2', itemId: 'b3', event: 'view' },
    ])
  })

  it('reports invalid JSON lines and non-object lines with their line numbers', async () => {
    const dir = join(tmp, 'bad-jsonl')
    await rm(dir, { recursive: true, force: true })
    await cp(join(fixtures, 'good-jsonl'), dir, { recursive: true })
    const good = await readFile(join(dir, 'items.jsonl'), 'utf8')
    await writeFile(join(dir, 'items.jsonl'), `${good}{"id": "x", "title": }\n[1,2]\n{"id":"y","title":"Y","tags":{"a":1}}\n`)
    const { problems } = await problemsOf(dir)
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['items.jsonl', 5, undefined],
      ['items.jsonl', 6, undefined],
      ['items.jsonl', 7, 'tags'],
    ])
    expect(problems[0]?.message).toMatch(/JSON/)
  })
})

describe('loadCatalog (generic CSV)', () => {
  it('loads a CSV with BOM, CRLF, quoted commas, embedded line breaks and doubled quotes', async () => {
    const c = await loadCatalog({ dataDir: join(fixtures, 'good-csv') })
    expect(c.items).toHaveLength(3)
    expect(c.items[0]).toEqual({
      id: 'p1',
      title: 'Kettle, steel',
      description: 'Boils water fast.\r\nA second line with "quotes".',
      tags: ['kitchen', 'steel'],
      categories: ['Home'],
      year: 2021,
      imageUrl: 'https://example.org/k.png',
      metadata: { price: '29.90' },
    })
    expect(c.items[1]).toMatchObject({ id: 'p2', categories: ['Home', 'Gifts'], metadata: {} })
    expect(c.items[1]?.year).toBeUndefined()
    expect(c.interactions).toEqual([
      { userId: 'alice', itemId: 'p1', rating: 4.5, timestamp: 1700000000 },
      { userId: 'alice', itemId: 'p2', event: 'purchase', timestamp: 1700000100 },
      { userId: 'bob', itemId: 'p3', rating: 2 },
    ])
  })

  it('lists every bad row with file, line and field, in line order', async () => {
    const { problems, total } = await problemsOf(join(fixtures, 'bad'))
    expect(total).toBe(10)
    expect(problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['items.csv', 3, 'year'],
      ['items.csv', 4, 'image_url'],
      ['items.csv', 5, 'id'],
      ['items.csv', 6, 'id'],
      ['items.csv', 7, undefined],
      ['items.csv', 8, undefined],
      ['items.csv', 9, undefined],
      ['interactions.csv', 3, 'item'],
      ['interactions.csv', 4, 'rating'],
      ['interactions.csv', 5, 'timestamp'],
    ])
    expect(problems[0]?.message).toBe('year: expected an integer between 1800 and 2100, got "19x5"')
    expect(problems[3]?.message).toMatch(/duplicate.*"a1".*line 2/)
    expect(problems[4]?.message).toMatch(/no usable text/)
    expect(problems[7]?.message).toMatch(/"zz" is not in the catalogue/)
  })

  it('caps the listed problems but counts them all', async () => {
    const { problems, total } = await problemsOf(join(fixtures, 'bad'), 4)
    expect(problems).toHaveLength(4)
    expect(total).toBe(10)
    const error = (await loadCatalog({ dataDir: join(fixtures, 'bad'), maxProblems: 4 }).catch((e: unknown) => e)) as AppError
    expect(error).toBeInstanceOf(AppError)
    expect(error.details.more).toBe(6)
    expect(error.message).toContain('10 problems')
  })

  it('reports a duplicate id, an unknown item and an item without text on their own', async () => {
    const dup = await folder('dup', { 'items.csv': 'id,title\nx,One\ny,Two\nx,Three\n', 'interactions.csv': 'user,item\n' })
    expect((await problemsOf(dup)).problems).toEqual([
      { file: 'items.csv', line: 4, field: 'id', message: 'id: duplicate id "x" (first on line 2)' },
    ])
    const unknown = await folder('unknown', { 'interactions.csv': 'user,item,rating\nu,p1,5\nu,nope,1\n' })
    expect((await problemsOf(unknown)).problems).toMatchObject([{ file: 'interactions.csv', line: 3, field: 'item' }])
    const empty = await folder('notext', {
      'items.csv': 'id,title,description,tags,categories\nq,,,,Home\n',
      'interactions.csv': 'user,item\n',
    })
    expect((await problemsOf(empty)).problems).toMatchObject([{ file: 'items.csv', line: 2 }])
  })

  it('reports missing required columns and invalid UTF-8', async () => {
    const noId = await folder('noid', { 'items.csv': 'name,title\nx,One\n', 'interactions.csv': 'user,item\n' })
    expect((await problemsOf(noId)).problems).toMatchObject([{ file: 'items.csv', field: 'id' }])
    const noUser = await folder('nouser', { 'interactions.csv': 'who,item\nu,p1\n' })
    expect((await problemsOf(noUser)).problems).toMatchObject([{ file: 'interactions.csv', field: 'user' }])
    const latin = await folder('latin', {})
    await writeFile(join(latin, 'items.csv'), Buffer.from('id,title\nx,Caf\xe9\n', 'latin1'))
    expect((await problemsOf(latin)).problems).toMatchObject([{ file: 'items.csv', message: expect.stringMatching(/UTF-8/) }])
  })
})

describe('metadata column', () => {
  it('reads a JSON object from a CSV metadata column and reports anything else', async () => {
    const ok = await folder('meta-ok', {
      'items.csv': 'id,title,metadata\nx,One,"{""a"":1,""b"":""t""}"\n',
      'interactions.csv': 'user,item\n',
    })
    expect((await loadCatalog({ dataDir: ok })).items[0]?.metadata).toEqual({ a: 1, b: 't' })
    const bad = await folder('meta-bad', { 'items.csv': 'id,title,metadata\nx,One,[1]\n', 'interactions.csv': 'user,item\n' })
    expect((await problemsOf(bad)).problems).toMatchObject([{ file: 'items.csv', line: 2, field: 'metadata' }])
  })
})

describe('catalogue fingerprint', () => {
  it('is stable across loads and changes when an item or an interaction changes', async () => {
    const dir = await folder('fp', {})
    const a = await loadCatalog({ dataDir: dir })
    const b = await loadCatalog({ dataDir: dir })
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(b.fingerprint).toBe(a.fingerprint)

    const items = await readFile(join(dir, 'items.csv'), 'utf8')
    await writeFile(join(dir, 'items.csv'), items.replace('Mug', 'Cup'))
    const renamed = await loadCatalog({ dataDir: dir })
    expect(renamed.fingerprint).not.toBe(a.fingerprint)

    await writeFile(join(dir, 'items.csv'), items)
    const inter = await readFile(join(dir, 'interactions.csv'), 'utf8')
    await writeFile(join(dir, 'interactions.csv'), inter.replace('bob,p3,2', 'bob,p3,3'))
    const rerated = await loadCatalog({ dataDir: dir })
    expect(rerated.fingerprint).not.toBe(a.fingerprint)
    expect(rerated.fingerprint).not.toBe(renamed.fingerprint)

    await writeFile(join(dir, 'interactions.csv'), inter)
    expect((await loadCatalog({ dataDir: dir })).fingerprint).toBe(a.fingerprint)
  })
})
