import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import { displayTitle, splitTitleYear } from './fields.ts'
import { ITEM_TEXT_MAX_CHARS, itemText } from './text.ts'

const item = (over: Partial<Item>): Item => ({
  id: '1',
  title: '',
  description: '',
  tags: [],
  categories: [],
  metadata: {},
  ...over,
})

describe('itemText', () => {
  it('follows the documented template', () => {
    const text = itemText(
      item({
        title: 'Toy Story',
        year: 1995,
        categories: ['Animation', 'Comedy'],
        description: 'Toys come alive',
        tags: ['pixar', 'fun'],
      }),
    )
    expect(text).toBe('Toy Story (1995). Animation, Comedy. Toys come alive. Tags: pixar, fun.')
  })

  it('leaves out empty parts and does not double punctuation', () => {
    expect(itemText(item({ title: 'Dune' }))).toBe('Dune.')
    expect(itemText(item({ title: 'Who?', description: 'A question!' }))).toBe('Who? A question!')
    expect(itemText(item({ tags: ['poetry'] }))).toBe('Tags: poetry.')
  })

  it('caps the length by cutting the description, keeping title, categories and tags', () => {
    const text = itemText(
      item({ title: 'Long', year: 2000, categories: ['Drama'], description: 'word '.repeat(500), tags: ['keep me'] }),
    )
    expect(text.length).toBeLessThanOrEqual(ITEM_TEXT_MAX_CHARS)
    expect(text.startsWith('Long (2000). Drama. word word')).toBe(true)
    expect(text.endsWith('… Tags: keep me.')).toBe(true)
  })

  it('uses at most 10 tags', () => {
    const tags = Array.from({ length: 15 }, (_, i) => `t${i}`)
    expect(itemText(item({ title: 'X', tags }))).toBe(`X. Tags: ${tags.slice(0, 10).join(', ')}.`)
  })
})

describe('MovieLens titles', () => {
  it('splits the year off the title', () => {
    expect(splitTitleYear('Toy Story (1995)')).toEqual({ title: 'Toy Story', year: 1995 })
    expect(splitTitleYear('Babylon 5')).toEqual({ title: 'Babylon 5' })
    expect(splitTitleYear('Death Note: Desu nôto (2006–2007)')).toEqual({ title: 'Death Note: Desu nôto (2006–2007)' })
  })

  it('moves a trailing article to the front', () => {
    expect(displayTitle('Matrix, The')).toBe('The Matrix')
    expect(displayTitle('Misérables, Les')).toBe('Les Misérables')
    expect(displayTitle("Homme, L'")).toBe("L'Homme")
    expect(displayTitle('City of Lost Children, The (Cité des enfants perdus, La)')).toBe(
      'The City of Lost Children (Cité des enfants perdus, La)',
    )
    expect(displayTitle('Good, the Bad and the Ugly, The')).toBe('The Good, the Bad and the Ugly')
    expect(displayTitle('Paris, Texas')).toBe('Paris, Texas')
    expect(displayTitle('Crouching Tiger, Hidden Dragon')).toBe('Crouching Tiger, Hidden Dragon')
  })
})
