import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { readFacets } from './facets.ts'

const item = (i: number, metadata: Item['metadata'], extra: Partial<Item> = {}): Item => ({
  id: String(i),
  title: `t${i}`,
  description: '',
  categories: [i % 2 ? 'sound' : 'games'],
  tags: [],
  metadata,
  ...extra,
})

describe('readFacets', () => {
  it('reads categorical fields with few values, numeric fields with their range, and skips identifiers', () => {
    const items = Array.from({ length: 100 }, (_, i) =>
      item(i, {
        toolkit: i % 3 ? '["gtk"]' : '["qt","sdl"]',
        homepage: `https://example.org/${i}`,
        installed_size_kb: 100 + i,
      }),
    )
    const facets = readFacets(items)
    expect(facets.map((f) => `${f.kind}:${f.field}`)).toEqual([
      'categorical:categories',
      'categorical:toolkit',
      'numeric:installed_size_kb',
    ])
    const toolkit = facets.find((f) => f.field === 'toolkit')
    expect(toolkit).toMatchObject({
      values: [
        { value: 'gtk', count: 66 },
        { value: 'qt', count: 34 },
        { value: 'sdl', count: 34 },
      ],
    })
    expect(facets.find((f) => f.field === 'installed_size_kb')).toMatchObject({ min: 100, max: 199, itemCount: 100 })
  })

  it('reads years and MovieLens-like metadata, leaving out thousands of free tags', () => {
    const items = Array.from({ length: 400 }, (_, i) =>
      item(i, { runtime: 80 + (i % 60) }, { year: 1950 + (i % 70), tags: [`tag ${i}`] }),
    )
    const fields = readFacets(items).map((f) => f.field)
    expect(fields).toEqual(['categories', 'year', 'runtime'])
  })
})
