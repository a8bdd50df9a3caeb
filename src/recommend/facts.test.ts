import { describe, expect, it } from 'vitest'
import { film } from '../../test/support/films.ts'
import type { Item } from '../core/index.ts'
import { createFactVotes } from './facts.ts'
import { createLexicalIndex, tagKey } from './lexical.ts'

// 100 tagged films: five prison films whose overviews say "inmates" or "jail" (tagged "Prison" or "prisons"), one
// prison film whose overview says neither, two films that say "inmates" about something else, and plain dramas
// tagged "family" or "friendship".
const items: Item[] = [
  film('p1', 'Inmates dig a tunnel out of the jail.', ['Prison', 'escape']),
  film('p2', 'Two inmates become friends over the years.', ['prison', 'friendship']),
  film('p3', 'A guard and the inmates of a county jail.', ['prisons']),
  film('p4', 'Wrongly convicted, he plans to leave the jail.', ['prison']),
  film('p5', 'The inmates riot.', ['prison']),
  film('p6', 'A banker serves a life sentence and never gives up hope.', ['prison']),
  film('a1', 'The inmates of an asylum put on a play.', ['theatre']),
  film('a2', 'A doctor studies the inmates of a hospital.', ['medicine']),
  film('r1', 'A reunion of classmates.', ['friendship']),
  film('r2', 'A reunion of rivals.', ['friendship']),
  film('r3', 'A family reunion.', ['family']),
  film('r4', 'A reunion at a wedding.', ['family']),
  ...Array.from({ length: 88 }, (_, i) =>
    film(`d${i}`, i % 2 ? 'A family drama about siblings.' : 'Old friends meet again.', [i % 2 ? 'family' : 'friendship']),
  ),
]

function votes() {
  const lexical = createLexicalIndex(items, () => 0)
  const vote = createFactVotes(items, lexical, tagKey)
  return (text: string) => vote(lexical.terms(text))
}

describe('createFactVotes', () => {
  it("votes for the facts the wish's words point to on the catalogue's items, spellings of a tag together", () => {
    const match = votes()('inmates planning to bust out of jail')
    expect(match.facts[0]?.fact).toBe('prison')
    // The prison film whose overview says neither word is a match: it holds the fact.
    expect(match.scores.get('p6')).toBe(match.best)
    expect(match.scores.get('p3')).toBe(match.best)
    // Films that say "inmates" about something else are not ("theatre" meets the word once: chance).
    expect(match.scores.has('a1')).toBe(false)
    expect(match.facts.map((f) => f.fact)).not.toContain('theatre')
    expect(match.scores.has('d1')).toBe(false)
  })

  it('gives nothing for words too common or too rare to learn from', () => {
    const vote = votes()
    // "drama" is on half the films, "tunnel" on one.
    expect(vote('a drama').facts).toEqual([])
    expect(vote('a tunnel').facts).toEqual([])
    expect(vote('a tunnel').best).toBe(0)
    expect(vote('').scores.size).toBe(0)
  })

  it('votes only for facts the items using the word hold more often than the catalogue, and on two items or more', () => {
    const vote = votes()
    // "reunion" is on two "friendship" and two "family" films, each held by nearly half the catalogue.
    expect(vote('a reunion').facts).toEqual([])
    // "jail" is on three prison films, one of them also tagged "escape" (met once: chance).
    expect(vote('jail').facts.map((f) => f.fact)).toEqual(['prison'])
  })
})

describe('companies as facts', () => {
  const made = (item: Item, companies: string): Item => ({ ...item, metadata: { companies } })
  // Four films by "Dreamworks Animation" (two say so nowhere else), four by "Capital Films" whose overviews do not say
  // "capital" while six other overviews do, and four by "Bigfoot Filmworks" that are the films tagged "ann lee".
  const studios: Item[] = [
    ...['a talking ogre', 'a penguin plot', 'a lonely dragon', 'a zoo escape'].map((d, i) =>
      made(film(`w${i}`, `${d}.`, ['animation']), 'Dreamworks Animation'),
    ),
    ...['a heist', 'a chase', 'a duel', 'a storm'].map((d, i) => made(film(`c${i}`, `${d}.`, ['action']), 'Capital Films')),
    ...Array.from({ length: 6 }, (_, i) => film(`k${i}`, 'Lost in the capital city.', ['paris'])),
    ...['a block party', 'a summer heat', 'a barber shop', 'a jazz club'].map((d, i) =>
      made(film(`l${i}`, `${d}.`, ['ann lee']), 'Bigfoot Filmworks'),
    ),
    ...items,
  ]
  const lexical = createLexicalIndex(studios, () => 0)
  const vote = createFactVotes(studios, lexical, tagKey)
  const factsFor = (text: string) => vote(lexical.terms(text)).facts.map((f) => f.fact)

  it("votes for a company by a word only its name uses ('from dreamworks'), so every film it made matches", () => {
    const match = vote(lexical.terms('an animated movie from dreamworks'))
    expect(factsFor('an animated movie from dreamworks')).toContain(tagKey('Dreamworks Animation'))
    expect(match.scores.get('w3')).toBe(match.best)
  })

  it('does not vote for a company by a common word its name happens to use, but does by words its films share', () => {
    // "capital" is in six overviews as well as the company's name: "the french capital" is Paris, not Capital Films.
    expect(factsFor('something set in the french capital')).not.toContain(tagKey('Capital Films'))
    // "ann lee" is no word of the company's name; the films tagged so are the company's.
    expect(factsFor('an ann lee joint')).toContain(tagKey('Bigfoot Filmworks'))
  })
})

describe('fact meanings', () => {
  /** Unit vectors on three axes: "prison" along x, "family" along y, "friendship" along z. */
  const axis = (x: number, y: number, z: number) => {
    const n = Math.hypot(x, y, z)
    return Float32Array.from([x / n, y / n, z / n])
  }
  const meanings = {
    names: ['prison', 'family', 'friendship'],
    vectors: Float32Array.from([...axis(1, 0, 0), ...axis(0, 1, 0), ...axis(0, 0, 1)]),
    dimension: 3,
    hubness: [0.2, 0.2, 0.6],
  }
  const lexical = createLexicalIndex(items, () => 0)

  it('votes for the facts named closest to what a wish means, sharing no word with them', () => {
    const vote = createFactVotes(items, lexical, tagKey, { facts: meanings, count: 1 })
    // "locked up behind bars" shares no word with any item; its vector points at "prison".
    const match = vote(lexical.terms('locked up behind bars'), { text: 'locked up behind bars', vector: axis(1, 0.1, 0) })
    expect(match.facts.map((f) => f.fact)).toEqual(['prison'])
    expect(match.scores.get('p6')).toBe(match.best)
    expect(match.scores.has('r3')).toBe(false)
    // Without meanings (count 0, or no vector) the same words vote for nothing.
    const wordsOnly = createFactVotes(items, lexical, tagKey, { facts: meanings, count: 0 })
    expect(wordsOnly(lexical.terms('locked up behind bars'), { text: 'x', vector: axis(1, 0, 0) }).facts).toEqual([])
  })

  it('counts a name close to everything (its hubness) against it, and ignores names under the bar', () => {
    const vote = createFactVotes(items, lexical, tagKey, { facts: meanings, count: 1 })
    // Equally close to "family" and "friendship": "friendship" is close to every wish (hubness 0.6), so "family" wins.
    const between = vote([], { text: 'between', vector: axis(0, 1, 1) })
    expect(between.facts.map((f) => f.fact)).toEqual(['family'])
    // A wish far from every name (cosine under 0.5) votes for none.
    expect(vote([], { text: 'far', vector: axis(-1, -1, 0.5) }).facts).toEqual([])
  })
})
