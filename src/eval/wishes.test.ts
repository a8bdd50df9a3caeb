import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  blindRule,
  coverage,
  type ItemFacts,
  namesAFact,
  pairedDifference,
  parseWishSet,
  precisionAtK,
  recurrence,
  resolveRule,
  summarizeWishes,
  type WishRequest,
  wishHalf,
} from './wishes.ts'

const item = (id: string, facts: ItemFacts['facts'], year?: number): ItemFacts => ({
  id,
  facts,
  ...(year !== undefined ? { year } : {}),
})
const set = (...values: string[]) => new Set(values)

const ITEMS: ItemFacts[] = [
  item('searching', { tags: set('chess'), categories: set('drama') }, 1993),
  item('pawn', { keywords: set('chess', 'cold war'), categories: set('drama', 'thriller') }, 2014),
  item('heist90s', { keywords: set('heist'), categories: set('comedy', 'crime') }, 1996),
  item('heistHorror', { keywords: set('heist'), categories: set('comedy', 'horror') }, 1995),
  item('pixar', { companies: set('pixar animation studios'), categories: set('animation', 'children') }, 2003),
  item('undated', { keywords: set('heist'), categories: set('comedy') }),
]

describe('resolveRule', () => {
  it('finds the items with any topic fact from any source', () => {
    expect(resolveRule(ITEMS, { any: { tags: ['Chess'], keywords: ['chess'] } })).toEqual(set('searching', 'pawn'))
  })

  it('applies every condition, the exclusion and the year range', () => {
    const rule = { any: { keywords: ['heist'] }, all: [{ categories: ['Comedy'] }], none: { categories: ['Horror'] } }
    expect(resolveRule(ITEMS, rule)).toEqual(set('heist90s', 'undated'))
    expect(resolveRule(ITEMS, { ...rule, years: [1990, 1999] })).toEqual(set('heist90s'))
  })

  it('needs every group of all, each by any of its values', () => {
    expect(resolveRule(ITEMS, { all: [{ categories: ['drama'] }, { categories: ['thriller', 'horror'] }] })).toEqual(set('pawn'))
  })

  it('matches a company only when the item has it', () => {
    expect(resolveRule(ITEMS, { any: { companies: ['Pixar Animation Studios'] } })).toEqual(set('pixar'))
  })
})

describe('blindRule', () => {
  it('keeps only TMDB keywords and companies in the topic, and the conditions', () => {
    const rule = { any: { tags: ['chess'], keywords: ['chess'] }, years: [2000, 2020] as [number, number] }
    expect(blindRule(rule)).toEqual({ any: { keywords: ['chess'] }, years: [2000, 2020] })
    expect(resolveRule(ITEMS, blindRule(rule)!)).toEqual(set('pawn'))
  })

  it('gives nothing when the topic has no blind fact', () => {
    expect(blindRule({ any: { tags: ['atmospheric'] } })).toBeUndefined()
    expect(blindRule({ all: [{ categories: ['comedy'] }] })).toBeUndefined()
  })
})

describe('namesAFact', () => {
  it('tells a request that says a fact of its rule from a paraphrase', () => {
    const rule = { any: { keywords: ['heist', 'bank robbery'] }, all: [{ categories: ['Comedy'] }] }
    expect(namesAFact({ text: 'a funny heist movie', rule })).toBe(true)
    expect(namesAFact({ text: 'a comedy about thieves', rule })).toBe(true)
    expect(namesAFact({ text: 'crooks cracking a vault', rule })).toBe(false)
    expect(namesAFact({ text: 'an atheist drama', rule })).toBe(false)
    // A conversation names it in any turn.
    expect(namesAFact({ before: ['a heist movie'], text: 'funnier', rule })).toBe(true)
  })
})

describe('precisionAtK', () => {
  it('counts relevant items among the first k, empty slots as misses', () => {
    expect(precisionAtK(['a', 'x', 'b', 'y', 'z', 'c'], set('a', 'b', 'c'), 5)).toBeCloseTo(0.4)
    expect(precisionAtK(['a'], set('a'), 5)).toBeCloseTo(0.2)
    expect(precisionAtK([], set('a'), 5)).toBe(0)
  })
})

describe('recurrence', () => {
  it('is the share of top-k slots taken by the most frequent items', () => {
    const rankings = [
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
      ['a', 'e', 'f'],
    ]
    // a appears 3 times and b twice among 9 slots: the top 2 take 5/9.
    expect(recurrence(rankings, 5, 2)).toBeCloseTo(5 / 9)
    expect(recurrence(rankings, 1, 1)).toBe(1)
  })

  it('is 0 when nothing was shown', () => {
    expect(recurrence([[], []], 5, 20)).toBe(0)
  })
})

describe('coverage', () => {
  it('is the distinct items shown over the catalogue', () => {
    expect(
      coverage(
        [
          ['a', 'b'],
          ['a', 'c'],
        ],
        5,
        10,
      ),
    ).toBeCloseTo(0.3)
    expect(coverage([['a', 'b', 'c']], 1, 10)).toBeCloseTo(0.1)
  })
})

describe('summarizeWishes', () => {
  it('averages precision@5 and nDCG@10 over requests and tells how many were answered', () => {
    const request = { id: 'r', kind: 'topic', text: 'x', half: 'tune', rule: { any: { tags: ['a'] } } } as WishRequest
    const s = summarizeWishes(
      [
        { request, relevant: set('a', 'b'), shown: ['a', 'b', 'x', 'y', 'z'], ranked: ['a', 'b'] },
        { request, relevant: set('a'), shown: [], ranked: [] },
      ],
      100,
    )
    expect(s.precisionAt5).toBeCloseTo(0.2)
    expect(s.ndcgAt10).toBeCloseTo(0.5)
    expect(s.answered).toBe(0.5)
    expect(s.coverage).toBeCloseTo(0.05)
    expect(s.recurrence).toBe(1)
  })
})

describe('pairedDifference', () => {
  it('compares the requests both runs scored, with an interval', () => {
    const before = new Map([
      ['a', 0.2],
      ['b', 0.4],
      ['c', 0],
      ['gone', 1],
    ])
    const after = new Map([
      ['a', 0.4],
      ['b', 0.6],
      ['c', 0.2],
      ['new', 1],
    ])
    const d = pairedDifference(before, after)
    expect(d.n).toBe(3)
    expect(d.mean).toBeCloseTo(0.2)
    expect(d.halfWidth).toBeCloseTo(0)
  })
})

describe('parseWishSet', () => {
  const request = (id: string) => ({
    id,
    kind: 'topic',
    text: 'a movie about chess',
    half: wishHalf(id, 7),
    rule: { any: { tags: ['chess'] } },
  })

  it('accepts requests whose recorded half is the one the seed gives', () => {
    const parsed = parseWishSet({ name: 'n', description: '', splitSeed: 7, requests: [request('a'), request('b')] }, 'f.json')
    expect(parsed.requests.map((r) => r.id)).toEqual(['a', 'b'])
  })

  it('rejects a request moved to the other half', () => {
    const moved = { ...request('a'), half: wishHalf('a', 7) === 'tune' ? 'report' : 'tune' }
    expect(() => parseWishSet({ name: 'n', description: '', splitSeed: 7, requests: [moved] }, 'f.json')).toThrow(
      expect.objectContaining({ code: 'input.invalid' }),
    )
  })

  it('takes the earlier turns of a conversation, and rejects an empty one', () => {
    const turns = { ...request('a'), before: ['a heist movie'], text: 'funnier' }
    expect(parseWishSet({ name: 'n', description: '', splitSeed: 7, requests: [turns] }, 'f.json').requests[0]?.before).toEqual([
      'a heist movie',
    ])
    const empty = { name: 'n', description: '', splitSeed: 7, requests: [{ ...turns, before: [''] }] }
    expect(() => parseWishSet(empty, 'f.json')).toThrow(expect.objectContaining({ code: 'input.invalid' }))
  })

  it('rejects a duplicate id and a rule without topic or condition', () => {
    const twice = { name: 'n', description: '', splitSeed: 7, requests: [request('a'), request('a')] }
    expect(() => parseWishSet(twice, 'f.json')).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    const empty = { name: 'n', description: '', splitSeed: 7, requests: [{ ...request('a'), rule: {} }] }
    expect(() => parseWishSet(empty, 'f.json')).toThrow(expect.objectContaining({ code: 'input.invalid' }))
  })

  it('splits the sets in the repository about evenly and validates them', async () => {
    for (const name of ['movies', 'debian']) {
      const path = join(import.meta.dirname, '..', '..', 'bench', 'wishes', `${name}.json`)
      const parsed = parseWishSet(JSON.parse(await readFile(path, 'utf8')), path)
      const tune = parsed.requests.filter((r) => r.half === 'tune').length
      expect(tune / parsed.requests.length).toBeGreaterThan(0.35)
      expect(tune / parsed.requests.length).toBeLessThan(0.65)
    }
  })
})
