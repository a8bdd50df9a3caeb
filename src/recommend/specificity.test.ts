import { describe, expect, it } from 'vitest'
import { film } from '../../test/support/films.ts'
import type { Item } from '../core/index.ts'
import { createLexicalIndex, stemWord } from './lexical.ts'
import { blendFor } from './scoring.ts'
import { openStemsBeside, requestSpecificity, wishSpecificity } from './specificity.ts'
import { DEFAULT_WEIGHTS, mergeBlend } from './weights.ts'

// 300 films: a few about chess or a road trip, one "tonight" in a description; the rest plain.
const items: Item[] = [
  film('c1', 'A prodigy plays chess.', ['chess']),
  film('c2', 'A champion of chess.'),
  film('r1', 'Friends take a road trip.', ['road trip']),
  film('r2', 'A family road trip.', ['road trip']),
  film('t1', 'A party tonight goes wrong.'),
  film('t2', 'Tonight the fun begins.'),
  ...Array.from({ length: 294 }, (_, i) => film(`p${i}`, i % 2 ? 'A good story of a city.' : 'A good fun story of a road.')),
]
const lexical = createLexicalIndex(items, () => 1)
const specificity = (text: string) => wishSpecificity(text, lexical.read(text).keywords, items.length)

describe('wishSpecificity', () => {
  it('orders open requests below specific ones', () => {
    const open = ['anything good?', 'something fun for tonight', 'recommend me something']
    const specific = ['a movie about chess', 'a road trip movie']
    for (const o of open) expect(specificity(o)).toBe(0)
    for (const s of specific) expect(specificity(s)).toBeGreaterThan(0.4)
    expect(specificity('a movie about chess for tonight')).toBeGreaterThan(0)
    expect(specificity('a movie about chess for tonight')).toBeLessThan(specificity('a movie about chess'))
  })
})

describe('requestSpecificity', () => {
  const wish = (text: string, weight = 1) => ({ text, weight, keywords: lexical.read(text).keywords })
  const none = { includeCategories: [], excludeCategories: [] }

  it('takes the most specific positive wish, by its weight; a person named makes it fully specific', () => {
    const chess = requestSpecificity([wish('chess')], none, items.length)
    expect(requestSpecificity([wish('anything good?'), wish('chess')], none, items.length)).toBe(chess)
    expect(requestSpecificity([wish('chess', 0.5)], none, items.length)).toBeCloseTo(chess / 2)
    expect(requestSpecificity([wish('chess', -1)], none, items.length)).toBe(0)
    expect(requestSpecificity([], { ...none, mentions: ['Tom Hanks'] }, items.length)).toBe(1)
    expect(requestSpecificity([wish('anything good?')], none, items.length, 0.8)).toBe(0.8)
    expect(requestSpecificity([wish('chess', -1)], none, items.length, 0.8)).toBe(0)
  })
})

describe('blendFor', () => {
  it('keeps the open weights for an open request or with the knob at 0, and moves towards the specific end', () => {
    const off = mergeBlend({ specificity: 0 })
    expect(blendFor(off, 1, true).popularity).toBe(DEFAULT_WEIGHTS.popularity)
    expect(blendFor(off, 1, true).wishMatch).toBe(DEFAULT_WEIGHTS.wishMatch)
    // By default a specific request adds the wish-match tier and keeps every other weight of the open end.
    const byDefault = mergeBlend({})
    expect(blendFor(byDefault, 0, true).wishMatch).toBe(0)
    expect(blendFor(byDefault, 1, true).wishMatch).toBeGreaterThan(0)
    // … and the part for the facts the wish's words vote for.
    expect(blendFor(byDefault, 0, true).factMatch).toBe(0)
    expect(blendFor(byDefault, 1, true).factMatch).toBeGreaterThan(0)
    expect(blendFor(byDefault, 1, true).popularity).toBe(DEFAULT_WEIGHTS.popularity)
    const on = mergeBlend({ specificity: 1, 'specific.popularity': 0.2, 'specific.lexical': 1 })
    expect(blendFor(on, 0, true).popularity).toBe(DEFAULT_WEIGHTS.popularity)
    expect(blendFor(on, 1, true).popularity).toBeCloseTo(0.2)
    expect(blendFor(on, 0.5, true).popularity).toBeCloseTo((DEFAULT_WEIGHTS.popularity + 0.2) / 2)
    expect(blendFor(on, 1, true).lexical).toBeGreaterThan(blendFor(on, 0, true).lexical)
    // Without a collaborative model the text keeps its weight alone at both ends.
    expect(blendFor(on, 1, false).semantic).toBe(DEFAULT_WEIGHTS.semanticAlone)
  })

  it('refuses a specific weight for something that is not a blended part', () => {
    expect(() => mergeBlend({ 'specific.candidates': 3 })).toThrow(expect.objectContaining({ code: 'config.invalid' }))
    expect(() => mergeBlend({ specificity: 2 })).toThrow(expect.objectContaining({ code: 'config.invalid' }))
  })
})

describe('openStemsBeside', () => {
  it('names the open words of a wish that says something more, and none of a wish of open words alone', () => {
    expect([...openStemsBeside('funny heist')]).toEqual([stemWord('funny')])
    expect([...openStemsBeside('something fun for tonight')]).toEqual([])
    expect([...openStemsBeside('chess')]).toEqual([])
  })
})
