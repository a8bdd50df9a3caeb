import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { buildCatalogueTables, readCatalogueTables, TABLES_FILE, TABLES_VERSION, writeCatalogueTables } from './tables.ts'

const item = (id: string, title: string, description: string, tags: string[], extra: Partial<Item> = {}): Item => ({
  id,
  title,
  description,
  tags,
  categories: ['Drama'],
  metadata: {},
  ...extra,
})
/** A fixed little catalogue: titles, descriptions, tags of several words, a company, a facet, numerals of names. */
const ITEMS: Item[] = [
  item('1', 'The Chess Player', 'A prodigy plays chess against the champion during the cold war.', ['chess', 'cold war']),
  item('2', 'Road Trip', 'Two friends drive across America on a road trip.', ['road trip'], { year: 2000 }),
  item('3', 'Heist Night', 'A crew plans a bank heist.', ['heist', 'bank robbery'], { metadata: { companies: 'Malpaso' } }),
  item('4', 'Quiet Days', 'A family story in a small town.', [], { categories: ['Comedy'], metadata: { interface: 'x11' } }),
  item('5', 'Cold Harbour', 'A spy story at the harbour in the cold war.', ['spy', 'cold war'], { year: 1985 }),
  item('6', 'Trenches II', 'Soldiers of World War I hold the line.', ['World War I'], { year: 1990 }),
]

const digest = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(value, (_, v) => (v instanceof Map ? [...v] : ArrayBuffer.isView(v) ? [...(v as Uint32Array)] : v)))
    .digest('hex')
    .slice(0, 16)

describe('catalogue tables', () => {
  it('are built by rules whose version is TABLES_VERSION (a rule change without a bump fails here)', () => {
    // Changed the stems, stop words, field weights, title keys, facets or thesaurus? Bump TABLES_VERSION in tables.ts (older
    // builds then get their tables built anew instead of served with the old rules) and pin the new digest.
    expect({ version: TABLES_VERSION, digest: digest(buildCatalogueTables(ITEMS)) }).toEqual({
      version: 5,
      digest: 'b16423d74a2cae81',
    })
  })

  it("hold the other names WordNet gives the items' tags, searched as the tags' words", () => {
    const { thesaurus } = buildCatalogueTables([
      item('6', 'Lone Rider', 'A ranger rides alone.', ['texas']),
      item('7', 'Green Fields', 'A farmer goes home.', ['ireland', 'chess']),
    ])
    expect(thesaurus).toContainEqual({ phrases: expect.arrayContaining(['lone-star state']), terms: ['texas'] })
    expect(thesaurus).toContainEqual({ phrases: expect.arrayContaining(['emerald isle']), terms: ['ireland'] })
    // "chess" names a game and a grass, neither attested: no other name is guessed.
    expect(thesaurus.map((words) => words.terms[0])).not.toContain('chess')
  })

  it('written under other rules are not served: the reader builds them anew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-tables-'))
    try {
      await writeCatalogueTables(dir, ITEMS)
      expect(await readCatalogueTables(dir, ITEMS)).toEqual(buildCatalogueTables(ITEMS))
      const file = JSON.parse(await readFile(join(dir, TABLES_FILE), 'utf8'))
      await writeFile(join(dir, TABLES_FILE), JSON.stringify({ ...file, formatVersion: TABLES_VERSION - 1 }))
      expect(await readCatalogueTables(dir, ITEMS)).toBeUndefined()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
