import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Item } from '../../src/core/index.ts'
import { createLabelIndex } from '../../src/recommend/labels.ts'
import { dataDir } from '../support/data.ts'

/** The Debian catalogue's items (debian-apps/items.jsonl in the data folder), when it is there. */
function debianItems(): Item[] | undefined {
  const file = join(dataDir() ?? '', 'debian-apps', 'items.jsonl')
  if (!existsSync(file)) return undefined
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const row = JSON.parse(line) as { id: string; title: string; description?: string; tags?: string[]; categories?: string[] }
      return {
        id: row.id,
        title: row.title,
        description: row.description ?? '',
        tags: row.tags ?? [],
        categories: row.categories ?? [],
        metadata: {},
      }
    })
}

// Wordings that are not in the wish benchmark: the votes come from the 4,805 programs' own words and debtags. The
// only suite of this file, so it is registered everywhere (a file without one fails the run) and skips, saying why,
// without the data folder.
const items = debianItems()
if (!items)
  console.warn(
    '[concierge tests] label votes on the real Debian catalogue: skipped, no debian-apps/items.jsonl in the data folder',
  )
describe('label votes on the Debian catalogue (real data)', () => {
  it.skipIf(!items)('votes for the debtag of what is asked, learned from the descriptions', () => {
    const index = createLabelIndex(items as Item[])
    const top = (text: string) => [...index.match(text).votes.keys()]
    expect(top('play chess against the computer')).toContain('tag:board:chess')
    expect(top('an irc client')).toContain('tag:chatting')
    expect(top('a tool to burn discs')).toContain('tag:storage:cd')
  })
})
