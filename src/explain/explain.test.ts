import { describe, expect, it } from 'vitest'
import type { Item } from '../core/index.ts'
import type { Evidence, Recommendation } from '../recommend/index.ts'
import { composeReply, type ExplainContext, explainItem } from './index.ts'

function item(id: string, title: string, categories: string[], year?: number, tags: string[] = []): Item {
  return { id, title, description: '', tags, categories, year, metadata: {} }
}

const toyStory = item('1', 'Toy Story', ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'], 1995, ['pixar'])
const up = item('68954', 'Up', ['Adventure', 'Animation', 'Children', 'Drama'], 2009, ['pixar'])
const alien = item('1214', 'Alien', ['Horror', 'Sci-Fi'], 1979)
const seven = item('47', 'Se7en', ['Mystery', 'Thriller'], 1995)
const ALL_CATEGORIES = [
  'Adventure',
  'Animation',
  'Children',
  'Comedy',
  'Fantasy',
  'Drama',
  'Horror',
  'Sci-Fi',
  'Mystery',
  'Thriller',
]

function rec(it: Item, evidence: Partial<Evidence>, total = 1): Recommendation {
  return {
    item: it,
    parts: { semantic: total, collaborative: 0, popularity: 0, total },
    evidence: { matchedPreferences: [], similarTo: [], categoryFit: [], ...evidence },
  }
}

/** Every category or title the text names must be backed: categories by the item, titles by the liked list. */
function unbackedClaims(text: string, r: Recommendation, likedTitles: string[], titles: string[]): string[] {
  const lower = text.toLowerCase()
  const own = new Set(r.item.categories.map((c) => c.toLowerCase()))
  const bad = ALL_CATEGORIES.filter((c) => new RegExp(`\\b${c.toLowerCase()}\\b`).test(lower) && !own.has(c.toLowerCase()))
  for (const t of titles) if (t !== r.item.title && text.includes(t) && !likedTitles.includes(t)) bad.push(t)
  return bad
}

describe('explainItem', () => {
  it('names the matched preference, a description phrase and the liked item with shared genres', () => {
    const r = rec(up, {
      matchedPreferences: [{ text: 'heartwarming adventure', similarity: 0.41 }],
      descriptionPhrase: 'an old man ties balloons to his house',
      similarTo: [
        { item: toyStory, similarity: 0.6, sharedCategories: ['Adventure', 'Animation', 'Children'], sharedTags: ['pixar'] },
      ],
    })
    const text = explainItem(r, { preferences: ['heartwarming adventure'], likedTitles: ['Toy Story'] })
    expect(text).toBe(
      'It fits "heartwarming adventure": "an old man ties balloons to his house". Like Toy Story, it\'s adventure, animation and children.',
    )
    expect(unbackedClaims(text, r, ['Toy Story'], ['Toy Story', 'Alien', 'Up'])).toEqual([])
  })

  it('leads with where the item names a person asked for', () => {
    const r = rec(toyStory, { mentionFit: ['tagged "tom hanks"'], categoryFit: ['Comedy'] })
    expect(explainItem(r, { preferences: [] })).toBe('Tagged "tom hanks", as you asked. Listed under Comedy as you asked.')
    expect(explainItem(rec(toyStory, { categoryFit: ['Comedy'] }), { preferences: [] })).not.toMatch(/hanks/i)
  })

  it("backs a fit with the wish's own words in the item, and says where they are without a fit", () => {
    const fits = rec(toyStory, {
      matchedPreferences: [{ text: 'toys', similarity: 0.5 }],
      keywordFit: ['its description says "toys"'],
    })
    expect(explainItem(fits, { preferences: ['toys'] })).toBe('It fits "toys": its description says "toys".')
    // A description phrase is more specific still; without a fit the words alone are said.
    const phrased = rec(toyStory, { ...fits.evidence, descriptionPhrase: 'toys come to life when people leave' })
    expect(explainItem(phrased, { preferences: ['toys'] })).toBe('It fits "toys": "toys come to life when people leave".')
    expect(explainItem(rec(toyStory, { keywordFit: ['tagged "pixar"'] }), { preferences: ['pixar'] })).toBe('Tagged "pixar".')
  })

  it("backs a fit only with the words of the wish it fits, and says another wish's evidence apart", () => {
    // "a heist movie", then "funnier": Game Night was "It fits "heist": tagged "Comedy"".
    const r = rec(item('9', 'Game Night', ['Comedy'], 2018, ['Comedy']), {
      matchedPreferences: [{ text: 'heist', similarity: 0.4 }],
      keywordFit: ['tagged "Comedy"'],
    })
    const funnier = { text: 'funny lighthearted feel-good comedy', said: 'funnier' }
    expect(explainItem(r, { preferences: ['heist', funnier] })).toBe('It fits "heist". Tagged "Comedy".')
  })

  it('quotes a tag or the title only whole and only when the wish says every word of it', () => {
    const explained = (title: string, tags: string[], keywordFit: string[], wish: string) =>
      explainItem(rec(item('9', title, ['Comedy'], 2000, tags), { keywordFit }), { preferences: [wish] })
    expect(explained('Road Trip', [], ['its title says "Road Trip"'], 'a road trip movie')).toBe('Its title says "Road Trip".')
    expect(explained('Vacation', ['road trip'], ['tagged "road trip"'], 'a road trip movie')).toBe('Tagged "road trip".')
    expect(explained('Catch Me If You Can', ['con artists'], ['tagged "con artists"'], 'a con artist')).toBe(
      'Tagged "con artists".',
    )
    // A tag naming something else, and a word of a longer title, are no evidence for the wish.
    const none = (wish: string) => `Not a close match for "${wish}"; it rounds out the list.`
    const acrossAmerica = 'road trip across America'
    expect(explained('The Avengers', ['Captain America'], ['tagged "Captain America"'], acrossAmerica)).toBe(none(acrossAmerica))
    const bigFamily = 'drama about a big family'
    expect(explained('The Vow', ['romantic drama'], ['tagged "romantic drama"'], bigFamily)).toBe(none(bigFamily))
    expect(explained('Road House', [], ['its title says "Road"'], 'road trip')).toBe(none('road trip'))
    expect(explained('Toy Story', [], ['its title says "Toy"'], 'toys')).toBe(none('toys'))
  })

  it('does not quote word by word what the wish says side by side', () => {
    const split = ['its description says "road"', 'its description says "trip"']
    const r = rec(item('9', 'Tammy', ['Comedy'], 2014), { keywordFit: split })
    expect(explainItem(r, { preferences: ['road trip'] })).toBe('Not a close match for "road trip"; it rounds out the list.')
    // Words the wish says apart are each evidence.
    const apart = ['its description says "chess"', 'its description says "dragons"']
    const both = rec(item('9', 'Tammy', ['Comedy'], 2014), { keywordFit: apart })
    expect(explainItem(both, { preferences: ['chess and dragons'] })).toBe(
      'Its description says "chess" and its description says "dragons".',
    )
  })

  it('quotes the wish as the context spells it', () => {
    const r = rec(up, { matchedPreferences: [{ text: 'road trip across america', similarity: 0.5 }] })
    expect(explainItem(r, { preferences: ['road trip across America'] })).toBe('It fits "road trip across America".')
  })

  it('matches a critique by the text searched for it, and quotes the words the person said', () => {
    const r = rec(up, {
      matchedPreferences: [{ text: 'heartwarming feel-good', similarity: 0.5 }],
      keywordFit: ['its description says "heartwarming"'],
    })
    const gentler = { text: 'heartwarming feel-good', said: 'gentler' }
    expect(explainItem(r, { preferences: ['submarine', gentler] })).toBe(
      'It fits "gentler": its description says "heartwarming".',
    )
  })

  it('matches a wish by its search text, and quotes it as the message wrote it', () => {
    const r = rec(up, { matchedPreferences: [{ text: "doesn't itself seriously", similarity: 0.5 }] })
    const wish = { text: "doesn't itself seriously", written: "doesn't take itself too seriously" }
    expect(explainItem(r, { preferences: [wish] })).toBe('It fits "doesn\'t take itself too seriously".')
    expect(composeReply([r], { preferences: [wish] }).text).toContain('1 pick for "doesn\'t take itself too seriously"')
  })

  it('says "people who liked X also liked it" only from collaborative evidence', () => {
    const r = rec(seven, { alsoLikedBy: [{ item: alien }] })
    expect(explainItem(r, { preferences: [], likedTitles: ['Alien'] })).toBe('People who liked Alien also liked it.')
    expect(explainItem(rec(seven, {}), { preferences: [] })).not.toContain('liked')
  })

  it('does not name a title that is not among the liked ones', () => {
    const r = rec(up, {
      similarTo: [{ item: toyStory, similarity: 0.6, sharedCategories: ['Animation'], sharedTags: [] }],
      alsoLikedBy: [{ item: toyStory }],
    })
    const text = explainItem(r, { preferences: [], likedTitles: ['Alien'] })
    expect(text).not.toContain('Toy Story')
  })

  it('states category and year fit from evidence', () => {
    const r = rec(alien, { categoryFit: ['Sci-Fi'], yearFit: 'from 1979, in the 1970s you asked for' })
    const text = explainItem(r, { preferences: [] })
    expect(text).toBe('Listed under Sci-Fi as you asked, from 1979, in the 1970s you asked for.')
    expect(unbackedClaims(text, r, [], [])).toEqual([])
  })

  it('states the running time it fits when a length was asked for', () => {
    const r = rec(alien, { categoryFit: ['Sci-Fi'], metadataFit: ['117 minutes long, within the 120 you asked for'] })
    expect(explainItem(r, { preferences: [] })).toBe(
      'Listed under Sci-Fi as you asked, 117 minutes long, within the 120 you asked for.',
    )
  })

  it('ignores matched preferences that were not stated in this context', () => {
    const r = rec(alien, { matchedPreferences: [{ text: 'space horror', similarity: 0.5 }] })
    expect(explainItem(r, { preferences: ['something funny'] })).not.toContain('space horror')
  })

  it('falls back to what put the pick there when there is no specific evidence, and to filters only when set', () => {
    expect(explainItem(rec(alien, { popularityPercentile: 0.99 }), { preferences: [] })).toBe(
      'One of the most popular picks here.',
    )
    expect(explainItem(rec(alien, { popularityPercentile: 0.6 }), { preferences: [] })).toBe(
      'More popular than most in the catalogue.',
    )
    expect(explainItem(rec(alien, { popularityPercentile: 0.4 }), { preferences: [] })).toBe('It rounds out the list.')
    // All the Pretty Horses for "a movie about chess", asking for no filter.
    const horses = { ...item('3', 'All the Pretty Horses', ['Drama', 'Western'], 2000), description: 'A Texan rides to Mexico.' }
    const chess = { preferences: ['a movie about chess'] }
    expect(explainItem(rec(horses, { popularityPercentile: 0.4 }), chess)).toBe(
      'Not a close match for "a movie about chess"; it rounds out the list.',
    )
    expect(explainItem(rec(horses, { popularityPercentile: 0.4, nearWishes: ['a movie about chess'] }), chess)).toBe(
      'Its description is closer in meaning to "a movie about chess" than most in the catalogue.',
    )
    const likedBySimilarTaste = { ...rec(horses, {}), parts: { semantic: 0, collaborative: 1.5, popularity: 0, total: 1 } }
    expect(explainItem(likedBySimilarTaste, chess)).toBe('People who liked what you liked tend to like it too.')
    expect(explainItem(rec(horses, { popularityPercentile: 0.4 }), { ...chess, filtered: true })).toBe(
      'It passes everything you asked to filter on.',
    )
  })

  it('keeps to at most two sentences', () => {
    const r = rec(up, {
      matchedPreferences: [{ text: 'balloons', similarity: 0.5 }],
      similarTo: [{ item: toyStory, similarity: 0.6, sharedCategories: ['Animation'], sharedTags: [] }],
      alsoLikedBy: [{ item: toyStory }],
      categoryFit: ['Animation'],
      yearFit: 'from 2009, no older than the 2000 you asked for',
    })
    const text = explainItem(r, { preferences: ['balloons'] })
    expect(text.split(/(?<=\.)\s/).length).toBeLessThanOrEqual(2)
  })
})

describe('composeReply', () => {
  const tone = {
    dark: ['horror', 'thriller', 'crime', 'war', 'film-noir', 'drama'],
    light: ['comedy', 'animation', 'children', 'musical', 'romance'],
  }

  it('introduces the picks and offers a lighter next step for dark results', () => {
    const recs = [rec(alien, {}), rec(seven, {}), rec(item('2', 'The Shining', ['Horror'], 1980), {})]
    const reply = composeReply(recs, { preferences: ['something tense'], tone })
    expect(reply.text).toBe('Here are 3 picks for "something tense". Want something lighter?')
    expect(reply.suggestions).toEqual(['Something lighter?', 'More like #2?', 'Something more recent?'])
  })

  it('offers edge for light results and is deterministic', () => {
    const recs = [rec(toyStory, {}), rec(up, {}), rec(item('3', 'Shrek', ['Animation', 'Comedy'], 2001), {})]
    const a = composeReply(recs, { preferences: [], likedTitles: ['Finding Nemo'], tone })
    expect(a).toEqual(composeReply(recs, { preferences: [], likedTitles: ['Finding Nemo'], tone }))
    expect(a.text).toBe('Here are 3 picks based on Finding Nemo. Want something with more edge?')
    expect(a.suggestions[0]).toBe('Something with more edge?')
  })

  it('offers no change of tone in a domain without one (programs are neither dark nor light)', () => {
    const recs = [rec(alien, {}), rec(seven, {})]
    const reply = composeReply(recs, { preferences: ['something tense'] })
    expect(reply.suggestions).not.toContain('Something lighter?')
  })

  it('calls picks without a wish popular only in a catalogue that knows popularity', () => {
    const recs = [rec(alien, {}), rec(seven, {})]
    expect(composeReply(recs, { preferences: [] }).text).toMatch(/^Here are 2 popular picks to start with\./)
    expect(composeReply(recs, { preferences: [], unranked: true }).text).toMatch(/^Here are 2 picks to start with\./)
    expect(composeReply([], { preferences: [], unranked: true }).suggestions).not.toContain('Something popular')
  })

  it('says a critique in the words said for it, after the wishes and unquoted, never the text searched for it', () => {
    const recs = [rec(alien, {}), rec(seven, {})]
    const intro = (preferences: ExplainContext['preferences']) => composeReply(recs, { preferences }).text.split(' Want')[0]
    const gentler = { text: 'heartwarming feel-good', said: 'gentler' }
    expect(intro(['submarine', gentler])).toBe('Here are 2 picks for "submarine", gentler.')
    expect(intro([gentler])).toBe('Here are 2 picks, gentler.')
    const funnier = { text: 'funny lighthearted feel-good comedy', said: 'funnier' }
    expect(intro(['submarine', gentler, funnier])).toBe('Here are 2 picks, gentler and funnier.')
    // One search said twice is one wish, in the latest words.
    expect(intro(['submarine', gentler, { ...gentler, said: 'softer' }])).toBe('Here are 2 picks for "submarine", softer.')
  })

  it('says so when nothing fits', () => {
    const reply = composeReply([], { preferences: ['x'] })
    expect(reply.text).toContain("couldn't find")
    expect(reply.suggestions.length).toBeGreaterThan(0)
  })
})
