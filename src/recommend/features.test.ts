import { describe, expect, it } from 'vitest'
import { type CollabScorer, type Item, normalize } from '../core/index.ts'
import { buildIndex } from '../index/index.ts'
import { gatherCandidates, type Wish } from './candidates.ts'
import { createCatalogueView } from './catalogue.ts'
import { FEATURES, poolContext } from './features.ts'
import { DEFAULT_WEIGHTS } from './weights.ts'

// Three axes: 0 chess, 1 space, 2 noise. Twenty plain films keep "chess" a rare word.
const vec = (...w: number[]) => normalize(Float32Array.from(w))
const film = (id: string, over: Partial<Item> & { v: Float32Array }): Item & { v: Float32Array } => ({
  id,
  title: `Film ${id}`,
  description: '',
  tags: [],
  categories: [],
  metadata: {},
  ...over,
})
const films = [
  film('chess', { description: 'A prodigy plays chess in the park.', year: 1993, categories: ['Drama'], v: vec(1, 0, 0.1) }),
  film('pawn', { description: 'A champion of chess at the Cold War.', year: 2015, categories: ['Drama'], v: vec(0.9, 0, 0.2) }),
  film('space', { description: 'Astronauts far from home.', year: 2014, categories: ['Sci-Fi'], v: vec(0, 1, 0.1) }),
  film('quiet', { year: 1970, categories: ['Sci-Fi', 'Drama'], v: vec(0.2, 0.7, 0.3) }),
  ...Array.from({ length: 20 }, (_, i) =>
    film(`p${i}`, { description: 'A family story in a city.', year: 1980 + i, categories: ['Comedy'], v: vec(0.1, 0.1, 1) }),
  ),
]
const popularity = new Map(films.map((f, i) => [f.id, f.id === 'space' ? 500 : 100 - i]))
const index = buildIndex(
  films.map((f) => f.id),
  films.map((f) => f.v),
  { kind: 'exact' },
)

/** A collaborative stand-in that scores each item by its position: the last film highest. */
const collab: CollabScorer = {
  name: 'by-position',
  itemIds: films.map((f) => f.id),
  score: () => Float32Array.from(films, (_, i) => i),
  close: async () => {},
}

function context(
  options: { wish?: string; liked?: string[]; lexicalUsed?: boolean; readsParts?: boolean; catalogue?: typeof films } = {},
) {
  const catalogue = options.catalogue ?? films
  const deps = options.catalogue
    ? {
        index: buildIndex(
          catalogue.map((f) => f.id),
          catalogue.map((f) => f.v),
          { kind: 'exact' },
        ),
        popularity,
        collab,
      }
    : { index, popularity, collab }
  const view = createCatalogueView(catalogue, deps, DEFAULT_WEIGHTS, options.readsParts ?? false)
  const wishes: Wish[] = options.wish
    ? [{ text: options.wish, filtered: new Set(), weight: 1, v: vec(1, 0, 0), words: view.wishWords(options.wish) }]
    : []
  const collabScores = collab.score([])
  const pool = { ids: catalogue.map((f) => f.id), query: vec(1, 0, 0), collabScores, foldIn: [], coldStart: false }
  return poolContext(pool, wishes, options.liked ?? [], view, {
    weights: DEFAULT_WEIGHTS,
    lexicalUsed: options.lexicalUsed ?? false,
  })
}
const byId = (values: ArrayLike<number>, catalogue = films) => new Map(catalogue.map((f, i) => [f.id, values[i] as number]))

describe('FEATURES (one function per blended part)', () => {
  it('semantic: closer to the query scores higher', () => {
    const semantic = byId(FEATURES.semantic(context()))
    expect(semantic.get('chess')).toBeGreaterThan(semantic.get('space') as number)
  })

  it('collaborative: follows the model scores of the fold-in', () => {
    const values = FEATURES.collaborative(context())
    expect(values[films.length - 1]).toBeGreaterThan(values[0] as number)
  })

  it('preferenceMatch: the item closest to a stated wish scores highest', () => {
    const match = byId(FEATURES.preferenceMatch(context({ wish: 'chess' })))
    expect(Math.max(...match.values())).toBe(match.get('chess'))
  })

  it('likedSimilarity: items close to a liked one score higher', () => {
    const liked = byId(FEATURES.likedSimilarity(context({ liked: ['space'] })))
    expect(liked.get('quiet')).toBeGreaterThan(liked.get('chess') as number)
  })

  it('tagOverlap: items sharing a rare tag with a liked one score higher, when the part is read', () => {
    const tagged = films.map((f) => (f.id === 'chess' || f.id === 'pawn' ? { ...f, tags: ['chess'] } : f))
    const view = createCatalogueView(tagged, { index, popularity }, DEFAULT_WEIGHTS, true)
    const pool = { ids: tagged.map((f) => f.id), foldIn: [], coldStart: false }
    const ctx = poolContext(pool, [], ['chess'], view, { weights: DEFAULT_WEIGHTS, lexicalUsed: false })
    const overlap = byId(FEATURES.tagOverlap(ctx))
    expect(overlap.get('pawn')).toBeGreaterThan(overlap.get('space') as number)
  })

  it("factMatch reads a filter's words only in pairs: the category of 'a political thriller' votes for no fact", () => {
    // 120 tagged films: ten thrillers whose overviews say "thriller" (tagged so), four about politics (one a
    // thriller too), the rest plain comedies.
    const tagged = Array.from({ length: 120 }, (_, i) =>
      film(`t${i}`, {
        description: i < 10 ? 'A tense thriller.' : i < 14 ? 'A political campaign.' : 'A family comedy.',
        tags: i < 10 ? ['thriller'] : i < 14 ? ['politics'] : ['comedy'],
        v: vec(0.1, 0.1, 1),
      }),
    ).map((f, i) => (i === 9 ? { ...f, description: 'A political thriller.', tags: ['thriller', 'politics'] } : f))
    const view = createCatalogueView(tagged, { index, popularity }, DEFAULT_WEIGHTS, true)
    const factsOf = (filtered?: ReadonlySet<string>) => view.factMatch('political thriller', filtered).facts.map((f) => f.fact)
    expect(factsOf()).toContain('thriller')
    expect(factsOf(new Set(['thriller']))).toEqual(['politic'])
  })

  it('popularity: the most popular item scores highest', () => {
    const pop = byId(FEATURES.popularity(context()))
    expect(Math.max(...pop.values())).toBe(pop.get('space'))
  })

  it('recency: 1 for the newest five years only, described: 1 with a description', () => {
    const recent = byId(FEATURES.recency(context()))
    expect([recent.get('pawn'), recent.get('space'), recent.get('chess')]).toEqual([1, 1, 0])
    const described = byId(FEATURES.described(context()))
    expect([described.get('chess'), described.get('quiet')]).toEqual([1, 0])
  })

  it('categoryOverlap: items sharing categories with a liked one score higher, and all alike without likes', () => {
    const overlap = byId(FEATURES.categoryOverlap(context({ liked: ['space'] })))
    expect(overlap.get('quiet')).toBeGreaterThan(overlap.get('chess') as number)
    expect(new Set(FEATURES.categoryOverlap(context()) as Float64Array).size).toBe(1)
  })

  it('keywordMatch: the items using the rare word of a topical wish, close enough to it', () => {
    const match = byId(FEATURES.keywordMatch(context({ wish: 'chess' })))
    expect(match.get('chess')).toBe(1)
    expect(match.get('space')).toBe(0)
  })

  it('lexical: the items whose text matches the wish lead, and nothing moves when the part is not used', () => {
    const lexical = byId(FEATURES.lexical(context({ wish: 'a movie about chess', lexicalUsed: true })))
    expect(lexical.get('chess')).toBeGreaterThan(0)
    expect(lexical.get('pawn')).toBeGreaterThan(lexical.get('space') as number)
    expect(new Set(FEATURES.lexical(context({ wish: 'a movie about chess' })) as Float64Array)).toEqual(new Set([0]))
  })

  it('labelMatch: the items carrying the labels the wish words vote for, even those not using the words', () => {
    // Four of six dramas say "chess"; the quiet drama does not, and the label vote still reaches it.
    const say = (id: string, description: string, categories: string[]) => film(id, { description, categories, v: vec(0, 0, 1) })
    const shelf = [
      ...['a', 'b', 'c', 'd'].map((id) => say(id, 'A game of chess decides everything.', ['Drama'])),
      say('quiet', 'Two sisters keep a lighthouse.', ['Drama']),
      say('also', 'A miner goes home.', ['Drama']),
      ...Array.from({ length: 40 }, (_, i) => say(`q${i}`, 'A family story in a city.', ['Comedy'])),
    ]
    const ids = shelf.map((f) => f.id)
    const shelfIndex = buildIndex(
      ids,
      shelf.map((f) => f.v),
      { kind: 'exact' },
    )
    const view = createCatalogueView(shelf, { index: shelfIndex, popularity: new Map() }, DEFAULT_WEIGHTS, false)
    const wish = 'a movie about chess'
    const wishes: Wish[] = [{ text: wish, filtered: new Set(), weight: 1, v: vec(0, 0, 1), words: view.wishWords(wish) }]
    const pool = { ids, query: vec(0, 0, 1), foldIn: [], coldStart: false }
    const parts = (labelsUsed: boolean) =>
      FEATURES.labelMatch(poolContext(pool, wishes, [], view, { weights: DEFAULT_WEIGHTS, lexicalUsed: false, labelsUsed }))
    const labels = new Map(ids.map((id, i) => [id, parts(true)[i] as number]))
    expect(labels.get('quiet')).toBeGreaterThan(labels.get('q3') as number)
    expect(labels.get('quiet')).toBe(labels.get('a'))
    expect(new Set(parts(false) as Float64Array)).toEqual(new Set([0]))
  })

  it('wishMatch: a tier, 1 for the items the words or meaning match outright, 0 for the rest', () => {
    const match = byId(FEATURES.wishMatch(context({ wish: 'a movie about chess', lexicalUsed: true })))
    expect([match.get('chess'), match.get('pawn')]).toEqual([1, 1])
    expect([match.get('space'), match.get('p3')]).toEqual([0, 0])
  })

  it("wishMatch: a strong lexical score from one common word of a wish is no match without the wish's rarest word", () => {
    // "crew" (five films, one with it in its title) is five times as common as "submarine" (one): the film titled
    // "The Crew" scores well for "submarine crew" on "crew" alone, and is no match; the submarine film is.
    const crewFilms = [
      film('sub', { title: 'Deep', description: 'A submarine lost at sea.', v: vec(0, 0, 1) }),
      film('crewTitle', { title: 'The Crew', description: 'Friends rob a bank.', v: vec(0, 0, 1) }),
      ...['a', 'b', 'c', 'd'].map((x) => film(`crew-${x}`, { description: 'A film crew at work.', v: vec(0, 0, 1) })),
      ...films,
    ]
    const ctx = context({ wish: 'submarine crew', lexicalUsed: true, catalogue: crewFilms })
    const m = ctx.lexical[0]!
    expect(m.scores.get('crewTitle')).toBeGreaterThanOrEqual(0.5 * m.best)
    const match = byId(FEATURES.wishMatch(ctx), crewFilms)
    expect([match.get('sub'), match.get('crewTitle'), match.get('crew-a')]).toEqual([1, 0, 0])
  })

  it('wishMatch: a wish saying a tag of several words whole needs the tag or its words together, not one of them', () => {
    // "love" is a request word, so "first" is the only word searched: the film titled "First" scores best.
    const tagged = [
      film('first', { title: 'First', description: 'A race.', v: vec(0, 0, 1) }),
      ...['a', 'b'].map((x) => film(`love-${x}`, { description: 'Two teenagers.', tags: ['first love'], v: vec(0, 0, 1) })),
      ...films,
    ]
    const ctx = context({ wish: 'first love', lexicalUsed: true, catalogue: tagged })
    expect(ctx.lexical[0]!.scores.get('first')).toBe(ctx.lexical[0]!.best)
    const match = byId(FEATURES.wishMatch(ctx), tagged)
    expect([match.get('love-a'), match.get('love-b'), match.get('first')]).toEqual([1, 1, 0])
  })
})

describe("factMatch and the fact tier (the facts a wish's words vote for)", () => {
  // Five heist films whose overviews say "vault" (tagged "heist"), one heist film that does not, and plain comedies.
  const tagged = [
    ...['a', 'b', 'c', 'd', 'e'].map((k) =>
      film(`h${k}`, { description: `Thieves crack the vault of bank ${k}.`, tags: ['heist'], v: vec(0.3, 0.3, 1) }),
    ),
    film('quietHeist', { description: 'Old friends plan one last job.', tags: ['Heists'], v: vec(0.1, 0.1, 1) }),
    ...Array.from({ length: 60 }, (_, i) =>
      film(`c${i}`, { description: 'A family comedy in a city.', tags: ['family'], v: vec(0.1, 0.1, 1) }),
    ),
  ]
  const taggedIndex = buildIndex(
    tagged.map((f) => f.id),
    tagged.map((f) => f.v),
    { kind: 'exact' },
  )
  function factContext(weights: typeof DEFAULT_WEIGHTS, factsUsed: boolean) {
    const view = createCatalogueView(tagged, { index: taggedIndex, popularity: new Map() }, weights, false)
    const text = 'a vault robbery'
    const wishes: Wish[] = [{ text, filtered: new Set(), weight: 1, v: vec(1, 0, 0), words: view.wishWords(text) }]
    const pool = { ids: tagged.map((f) => f.id), foldIn: [], coldStart: false }
    const ctx = poolContext(pool, wishes, [], view, { weights, lexicalUsed: true, factsUsed })
    return { ctx, byItem: (values: ArrayLike<number>) => new Map(tagged.map((f, i) => [f.id, values[i] as number])) }
  }

  it('the items holding the voted fact lead, the one whose text never says the word too', () => {
    const { ctx, byItem } = factContext(DEFAULT_WEIGHTS, true)
    const part = byItem(FEATURES.factMatch(ctx))
    expect(part.get('quietHeist')).toBe(part.get('ha'))
    expect(part.get('quietHeist')).toBeGreaterThan(part.get('c1') as number)
  })

  it('wishMatchFacts puts the fact holders in the tier; off, the tier reads words and meaning only', () => {
    const on = factContext({ ...DEFAULT_WEIGHTS, wishMatchFacts: 0.5 }, true)
    const off = factContext(DEFAULT_WEIGHTS, true)
    const tierOn = on.byItem(FEATURES.wishMatch(on.ctx))
    const tierOff = off.byItem(FEATURES.wishMatch(off.ctx))
    expect([tierOn.get('quietHeist'), tierOn.get('c1')]).toEqual([1, 0])
    expect(tierOff.get('quietHeist')).toBe(0)
  })

  it('factCandidates brings the fact holders into the pool, none without it', () => {
    const view = createCatalogueView(tagged, { index: taggedIndex, popularity: new Map() }, DEFAULT_WEIGHTS, false)
    const text = 'a vault robbery'
    const wishes: Wish[] = [{ text, filtered: new Set(), weight: 1, v: vec(0, 0, 1), words: view.wishWords(text) }]
    const request = {
      k: 5,
      preferences: [{ text, weight: 1 }],
      liked: [],
      disliked: [],
      history: [],
      exclude: new Set<string>(),
      constraints: { includeCategories: [], excludeCategories: [] },
    }
    const pool = (factCandidates: number) =>
      gatherCandidates(
        { request, wishes, query: vec(1, 0, 0) },
        { view, index: taggedIndex, collab: undefined },
        { ...DEFAULT_WEIGHTS, candidates: 1, lexicalCandidates: 0, factCandidates },
        () => true,
        (source) => source !== 'keywords',
      ).ids
    expect(pool(0)).not.toContain('quietHeist')
    expect(pool(6)).toContain('quietHeist')
  })
})
