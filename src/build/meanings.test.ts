import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { film } from '../../test/support/films.ts'
import { isAppError } from '../core/index.ts'
import { hubness, MEANING_VECTORS_FILE, MEANINGS_FILE, meaningNames, readFactMeanings, writeFactMeanings } from './meanings.ts'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})
const folder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'meanings-'))
  dirs.push(dir)
  return dir
}

describe('fact meanings of a build', () => {
  it('names each fact at least three items hold once, in its most used spelling, sorted', () => {
    const items = [
      film('1', '', ['Vampires', 'heist']),
      film('2', '', ['vampire', 'heist']),
      film('3', '', ['vampires']),
      film('4', '', ['vampires', 'chess']),
      film('5', '', ['chess']),
    ]
    // "heist" and "chess" are held by two items each: too few. The three spellings of vampires are one fact.
    expect(meaningNames(items)).toEqual(['vampires'])
  })

  it('measures how close a name is to the items in general', () => {
    const items = [Float32Array.from([1, 0]), Float32Array.from([0.8, 0.6]), Float32Array.from([0, 1])]
    const [near, far] = hubness([Float32Array.from([1, 0]), Float32Array.from([-1, 0])], items)
    expect(near).toBeGreaterThan(far as number)
  })

  it('reads back what it wrote, and nothing from a build that did not list the files', async () => {
    const dir = await folder()
    const meanings = { names: ['prison', 'family'], vectors: Float32Array.from([1, 0, 0, 1]), dimension: 2, hubness: [0.3, 0.4] }
    await writeFactMeanings(dir, meanings)
    const files = [MEANINGS_FILE, MEANING_VECTORS_FILE]
    expect(await readFactMeanings(dir, files)).toEqual(meanings)
    expect(await readFactMeanings(dir, [])).toBeUndefined()
  })

  it('refuses vectors that do not match the names, naming the file', async () => {
    const dir = await folder()
    await writeFactMeanings(dir, {
      names: ['prison', 'family'],
      vectors: Float32Array.from([1, 0, 0, 1]),
      dimension: 2,
      hubness: [0.3, 0.4],
    })
    await writeFile(join(dir, MEANING_VECTORS_FILE), new Uint8Array(12))
    const error = await readFactMeanings(dir, [MEANINGS_FILE, MEANING_VECTORS_FILE]).catch((e: unknown) => e)
    expect(isAppError(error, 'index.corrupt')).toBe(true)
    expect(String((error as Error).message)).toContain(MEANING_VECTORS_FILE)
  })
})
