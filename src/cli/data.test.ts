import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { repoRoot } from '../../test/support/data.ts'
import { redirectFetch, startImitationServer } from '../../test/support/imitation-server.ts'
import { startTmdbImitation } from '../../test/support/tmdb-api.ts'
import { buildZip } from '../../test/support/zip.ts'
import { run } from './data.ts'

const tiny = join(repoRoot, 'test', 'fixtures', 'catalog', 'ml-tiny')
let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'concierge-cli-data-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})
afterEach(() => {
  vi.restoreAllMocks()
})

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')))
  return { out, err }
}

describe('concierge data', () => {
  it('copies a folder with --from and prints a summary', async () => {
    const { out } = capture()
    const dest = join(tmp, 'data')
    expect(await run(['movielens', '--dest', dest, '--from', tiny, '--quiet'])).toBe(0)
    const text = out.join('\n')
    expect(text).toContain(join(dest, 'movielens', 'ml-latest-small'))
    expect(text).toContain('5 movies (2 with an overview), 4 ratings, 2 users')
    expect(text).toContain(`CONCIERGE_DATA_DIR=${dest}`)
  })

  it('exits 2 on bad arguments or a missing --from folder', async () => {
    const { err } = capture()
    expect(await run([])).toBe(2)
    expect(await run(['imdb'])).toBe(2)
    expect(await run(['movielens', '--nope'])).toBe(2)
    expect(await run(['movielens', '--dest', join(tmp, 'x'), '--from', join(tmp, 'missing'), '-q'])).toBe(2)
    expect(err.join('\n')).toContain('data.not_found')
  })

  it('prints usage with --help', async () => {
    const { out } = capture()
    expect(await run(['--help'])).toBe(0)
    expect(out.join('\n')).toContain('usage: concierge data <movielens|redial|tmdb|all>')
  })

  it('adds TMDB facts with TMDB_API_KEY, and asks for the key when it is missing', async () => {
    const { out, err } = capture()
    const dest = join(tmp, 'tmdb')
    expect(await run(['movielens', '--dest', dest, '--from', tiny, '-q'])).toBe(0)
    const movie = { runtime: 81, vote_count: 10, keywords: ['toy'], companies: ['Pixar'] }
    const api = await startTmdbImitation({ apiKey: 'k3y', movies: { 862: { ...movie, title: 'Toy Story', overview: 'Toys.' } } })
    const fetchImpl = redirectFetch('https://api.themoviedb.org', api)
    expect(await run(['tmdb', '--dest', dest, '-q'], { fetchImpl, env: { TMDB_API_KEY: 'k3y' } })).toBe(0)
    await api.close()
    expect(out.join('\n')).toContain('3 movies asked, 0 from the cache, 2 unknown to TMDB')
    expect(out.join('\n')).toContain('1 with an overview, 1 with a running time')
    expect(await run(['tmdb', '--dest', dest, '-q'], { env: {} })).toBe(2)
    expect(err.join('\n')).toContain('Set TMDB_API_KEY')
  })

  it('fetches ReDial from its official address and refuses an archive that is not the pinned one', async () => {
    const { out, err } = capture()
    const zip = buildZip([{ name: 'train_data.jsonl', data: Buffer.from('{}\n') }])
    const github = await startImitationServer((_req, res) => {
      res.writeHead(200).end(zip)
      return true
    })
    const dest = join(tmp, 'all')
    const code = await run(['all', '--dest', dest, '--from', tiny, '-q'], {
      fetchImpl: redirectFetch('https://github.com', github),
      env: {},
    })
    await github.close()
    expect(github.requests).toEqual(['/ReDialData/website/raw/data/redial_dataset.zip'])
    expect(code).toBe(1)
    expect(out.join('\n')).toContain('ml-latest-small ready')
    expect(err.join('\n')).toContain('data.checksum_mismatch')
  })
})
