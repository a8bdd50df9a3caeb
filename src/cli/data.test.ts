import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { repoRoot } from '../../test/support/data.ts'
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
    expect(out.join('\n')).toContain('usage: concierge data movielens')
  })
})
