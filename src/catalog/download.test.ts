import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../test/support/data.ts'
import { buildZip } from '../../test/support/zip.ts'
import type { ProgressEvent } from '../core/index.ts'
import { downloadMovieLens, loadCatalog, MOVIELENS_SMALL_URL } from './index.ts'
import { readZip } from './zip.ts'

const tiny = join(repoRoot, 'test', 'fixtures', 'catalog', 'ml-tiny')
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')

/** A fetch that serves fixed bodies by URL, records calls, and 404s anything else. */
function memoryFetch(routes: Record<string, Buffer | string | number | Error>): typeof fetch & { calls: string[] } {
  const calls: string[] = []
  const impl = async (input: string | URL | Request) => {
    const url = String(input)
    calls.push(url)
    const r = routes[url]
    if (r instanceof Error) throw r
    if (typeof r === 'number') return new Response('nope', { status: r })
    if (r === undefined) return new Response('not found', { status: 404 })
    const body = typeof r === 'string' ? Buffer.from(r) : r
    return new Response(new Uint8Array(body), { headers: { 'content-length': String(body.length) } })
  }
  return Object.assign(impl as typeof fetch, { calls })
}

let archive: Buffer
let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'concierge-dl-'))
  const files = ['movies.csv', 'ratings.csv', 'tags.csv', 'links.csv']
  archive = buildZip([
    { name: 'ml-latest-small/' },
    ...(await Promise.all(
      files.map(async (f, i) => ({ name: `ml-latest-small/${f}`, data: await readFile(join(tiny, f)), deflate: i % 2 === 0 })),
    )),
    { name: 'ml-latest-small/README.txt', data: Buffer.from('Résumé of terms\n'), deflate: true },
  ])
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('readZip', () => {
  it('reads stored and deflated entries, folders and UTF-8 names', () => {
    const zip = buildZip([
      { name: 'd/' },
      { name: 'd/a.txt', data: Buffer.from('hello hello hello hello'), deflate: true },
      { name: 'd/é.txt', data: Buffer.from('stored') },
      { name: 'd/empty.txt', data: Buffer.alloc(0), deflate: true },
    ])
    const entries = readZip(zip)
    expect(entries.map((e) => [e.name, e.isDirectory])).toEqual([
      ['d/', true],
      ['d/a.txt', false],
      ['d/é.txt', false],
      ['d/empty.txt', false],
    ])
    expect(entries[1]?.read().toString()).toBe('hello hello hello hello')
    expect(entries[2]?.read().toString()).toBe('stored')
    expect(entries[3]?.read()).toHaveLength(0)
  })

  it('refuses truncated archives and entries whose CRC does not match', () => {
    const zip = buildZip([{ name: 'a.txt', data: Buffer.from('abcdef') }])
    expect(() => readZip(zip.subarray(0, zip.length - 10))).toThrow(/end-of-central-directory/)
    expect(() => readZip(Buffer.from('not a zip at all, just some text'))).toThrow(/not a readable zip/)
    const bad = Buffer.from(zip)
    bad[30 + 'a.txt'.length] = 'X'.charCodeAt(0)
    expect(() => readZip(bad)[0]?.read()).toThrow(/CRC-32/)
  })
})

describe('downloadMovieLens', () => {
  it('downloads, checks the published MD5, unpacks into <dest>/movielens/ml-latest-small and loads', async () => {
    const dest = join(tmp, 'ok')
    const fetchImpl = memoryFetch({
      [MOVIELENS_SMALL_URL]: archive,
      [`${MOVIELENS_SMALL_URL}.md5`]: `MD5 (ml-latest-small.zip) = ${md5(archive)}\n`,
    })
    const events: ProgressEvent[] = []
    const result = await downloadMovieLens({ dest, fetchImpl, onProgress: (e) => events.push(e) })
    expect(result).toEqual({ dir: join(dest, 'movielens', 'ml-latest-small'), verified: true, check: 'md5' })
    expect(fetchImpl.calls).toEqual([MOVIELENS_SMALL_URL, `${MOVIELENS_SMALL_URL}.md5`])
    expect((await readdir(result.dir)).sort()).toEqual(['README.txt', 'links.csv', 'movies.csv', 'ratings.csv', 'tags.csv'])
    expect(await readFile(join(result.dir, 'README.txt'), 'utf8')).toBe('Résumé of terms\n')
    expect(await readdir(join(dest, 'movielens'))).toEqual(['ml-latest-small'])
    expect(events.at(-1)).toMatchObject({ phase: 'extract', done: 6, total: 6 })
    expect(events.find((e) => e.phase === 'download')).toMatchObject({ total: archive.length, unit: 'bytes' })
    const catalog = await loadCatalog({ dataDir: dest })
    expect(catalog.items.map((i) => i.title)).toContain('The Matrix')
    expect(catalog.interactions).toHaveLength(4)
  })

  it('replaces an existing copy as a whole', async () => {
    const dest = join(tmp, 'replace')
    const target = join(dest, 'movielens', 'ml-latest-small')
    await mkdir(target, { recursive: true })
    await writeFile(join(target, 'stale.txt'), 'old')
    const fetchImpl = memoryFetch({ [MOVIELENS_SMALL_URL]: archive, [`${MOVIELENS_SMALL_URL}.md5`]: md5(archive) })
    await downloadMovieLens({ dest, fetchImpl })
    expect(existsSync(join(target, 'stale.txt'))).toBe(false)
    expect(existsSync(join(target, 'movies.csv'))).toBe(true)
    expect(await readdir(join(dest, 'movielens'))).toEqual(['ml-latest-small'])
  })

  it('throws data.checksum_mismatch and leaves the existing copy untouched when the MD5 differs', async () => {
    const dest = join(tmp, 'mismatch')
    const target = join(dest, 'movielens', 'ml-latest-small')
    await mkdir(target, { recursive: true })
    await writeFile(join(target, 'movies.csv'), 'keep me')
    const fetchImpl = memoryFetch({ [MOVIELENS_SMALL_URL]: archive, [`${MOVIELENS_SMALL_URL}.md5`]: '0'.repeat(32) })
    await expect(downloadMovieLens({ dest, fetchImpl })).rejects.toMatchObject({
      code: 'data.checksum_mismatch',
      details: { algorithm: 'md5', expected: '0'.repeat(32), actual: md5(archive) },
    })
    expect(await readFile(join(target, 'movies.csv'), 'utf8')).toBe('keep me')
    expect(await readdir(join(dest, 'movielens'))).toEqual(['ml-latest-small'])
  })

  it('checks a pinned SHA-256 instead of the MD5 when given', async () => {
    const sha = createHash('sha256').update(archive).digest('hex')
    const fetchImpl = memoryFetch({ [MOVIELENS_SMALL_URL]: archive })
    await expect(downloadMovieLens({ dest: join(tmp, 'sha'), fetchImpl, sha256: sha })).resolves.toMatchObject({
      verified: true,
      check: 'sha256',
    })
    await expect(downloadMovieLens({ dest: join(tmp, 'sha2'), fetchImpl, sha256: 'f'.repeat(64) })).rejects.toMatchObject({
      code: 'data.checksum_mismatch',
    })
    expect(existsSync(join(tmp, 'sha2', 'movielens', 'ml-latest-small'))).toBe(false)
  })

  it('installs but reports verified: false when no MD5 can be fetched', async () => {
    const fetchImpl = memoryFetch({ [MOVIELENS_SMALL_URL]: archive })
    await expect(downloadMovieLens({ dest: join(tmp, 'nomd5'), fetchImpl })).resolves.toMatchObject({
      verified: false,
      check: 'unavailable',
    })
  })

  it('throws data.download_failed on an HTTP error, a network error, a corrupt archive or an unsafe entry', async () => {
    const url = MOVIELENS_SMALL_URL
    await expect(downloadMovieLens({ dest: join(tmp, 'f1'), fetchImpl: memoryFetch({ [url]: 503 }) })).rejects.toMatchObject({
      code: 'data.download_failed',
      details: { reason: 'HTTP 503' },
    })
    const offline = memoryFetch({ [url]: new TypeError('fetch failed') })
    await expect(downloadMovieLens({ dest: join(tmp, 'f2'), fetchImpl: offline })).rejects.toMatchObject({
      code: 'data.download_failed',
    })
    const junk = Buffer.from('<html>maintenance</html>')
    const corrupt = memoryFetch({ [url]: junk, [`${url}.md5`]: md5(junk) })
    await expect(downloadMovieLens({ dest: join(tmp, 'f3'), fetchImpl: corrupt })).rejects.toMatchObject({
      code: 'data.download_failed',
    })
    const evil = buildZip([{ name: '../../evil.csv', data: Buffer.from('x') }])
    const slip = memoryFetch({ [url]: evil, [`${url}.md5`]: md5(evil) })
    await expect(downloadMovieLens({ dest: join(tmp, 'f4', 'data'), fetchImpl: slip })).rejects.toMatchObject({
      code: 'data.download_failed',
    })
    expect(existsSync(join(tmp, 'f4', 'data', 'evil.csv'))).toBe(false)
    expect(existsSync(join(tmp, 'f4', 'evil.csv'))).toBe(false)
    expect(existsSync(join(tmp, 'evil.csv'))).toBe(false)
    const empty = buildZip([{ name: 'other/readme.txt', data: Buffer.from('x') }])
    const wrong = memoryFetch({ [url]: empty, [`${url}.md5`]: md5(empty) })
    await expect(downloadMovieLens({ dest: join(tmp, 'f5'), fetchImpl: wrong })).rejects.toMatchObject({
      code: 'data.download_failed',
    })
    for (const d of ['f3', 'f4/data', 'f5']) expect(await readdir(join(tmp, d, 'movielens'))).toEqual([])
  })

  it('copies an existing folder with --from, including overviews.csv, without fetching', async () => {
    const fetchImpl = memoryFetch({})
    const result = await downloadMovieLens({ dest: join(tmp, 'copy'), from: tiny, fetchImpl })
    expect(result).toMatchObject({ verified: false, check: 'copied' })
    expect(fetchImpl.calls).toEqual([])
    expect(existsSync(join(result.dir, 'overviews.csv'))).toBe(true)
    const catalog = await loadCatalog({ dataDir: join(tmp, 'copy') })
    expect(catalog.items.find((i) => i.id === '1')?.description).toMatch(/^Led by Woody/)
    expect(existsSync(join(result.dir, 'tmdb_movies.csv'))).toBe(true)
    expect(catalog.items.find((i) => i.id === '1')?.metadata).toMatchObject({ runtime: 81, votes: 5269 })
    await expect(downloadMovieLens({ dest: join(tmp, 'copy2'), from: join(tmp, 'missing') })).rejects.toMatchObject({
      code: 'data.not_found',
    })
  })
})
