import { describe, expect, it } from 'vitest'
import { type CollabScorer, type Embedder, type Item, normalize } from '../core/index.ts'
import { buildIndex } from '../index/index.ts'
import {
  type BlendWeights,
  createRecommender,
  intraListSimilarity,
  type Recommendation,
  type RecommenderDeps,
  type RecommendRequest,
} from './index.ts'
import { filteredStems, unfilteredText } from './recommender.ts'

// A hand-made world: four topic axes (0 animated/family, 1 horror, 2 space, 3 romance) plus 2 noise dimensions.
const DIM = 6
const TOPIC: Record<string, number> = { animated: 0, family: 0, scary: 1, horror: 1, space: 2, love: 3, romance: 3 }

function vec(...weights: number[]): Float32Array {
  const v = new Float32Array(DIM)
  weights.forEach((w, i) => {
    v[i] = w
  })
  return normalize(v)
}

interface Spec {
  id: string
  cats: string[]
  v: Float32Array
  pop: number
  year?: number
  description?: string
  tags?: string[]
  runtime?: number
}

const specs: Spec[] = [
  { id: 'a1', cats: ['Animation', 'Children'], v: vec(1, 0, 0, 0, 0.1, 0), pop: 300, year: 1995, tags: ['pixar'], runtime: 81 },
  {
    id: 'a2',
    cats: ['Animation', 'Children'],
    v: vec(1, 0, 0, 0, 0.12, 0.02),
    pop: 200,
    year: 1998,
    tags: ['pixar'],
    runtime: 95,
  },
  { id: 'a3', cats: ['Animation', 'Comedy'], v: vec(1, 0, 0.1, 0, 0.15, 0), pop: 150, year: 2001, tags: ['pixar'], runtime: 92 },
  { id: 'a4', cats: ['Animation', 'Children'], v: vec(0.95, 0, 0.05, 0.1, 0, 0.1), pop: 90, year: 2003, runtime: 100 },
  { id: 'a5', cats: ['Animation', 'Sci-Fi'], v: vec(0.7, 0, 0.7, 0, 0, 0), pop: 80, year: 2008, runtime: 98 },
  { id: 'h1', cats: ['Horror'], v: vec(0, 1, 0, 0, 0.1, 0), pop: 250, year: 1980 },
  { id: 'h2', cats: ['Horror', 'Thriller'], v: vec(0, 1, 0.05, 0, 0, 0.1), pop: 120, year: 1996 },
  { id: 'h3', cats: ['Horror', 'Sci-Fi'], v: vec(0, 0.75, 0.65, 0, 0, 0), pop: 220, year: 1979 },
  { id: 's1', cats: ['Sci-Fi', 'Adventure'], v: vec(0, 0, 1, 0, 0.1, 0), pop: 330, year: 1977 },
  { id: 's2', cats: ['Sci-Fi'], v: vec(0, 0, 1, 0, 0.12, 0.05), pop: 140, year: 2014 },
  { id: 's3', cats: ['Sci-Fi', 'Drama'], v: vec(0, 0.1, 0.95, 0.1, 0, 0.1), pop: 60, year: 1968 },
  { id: 's4', cats: ['Sci-Fi', 'Adventure'], v: vec(0, 0, 0.98, 0, 0.2, 0), pop: 100, year: 1980 },
  { id: 'r1', cats: ['Romance', 'Drama'], v: vec(0, 0, 0, 1, 0.1, 0), pop: 180, year: 1997 },
  { id: 'r2', cats: ['Romance', 'Comedy'], v: vec(0.1, 0, 0, 1, 0, 0.1), pop: 170, year: 1989 },
  { id: 'r3', cats: ['Romance', 'Sci-Fi'], v: vec(0, 0, 0.6, 0.8, 0, 0), pop: 40, year: 2013 },
  // Obscure near-duplicate of the space cluster: 2 ratings and no description.
  { id: 'x1', cats: ['Sci-Fi'], v: vec(0, 0, 1, 0, 0.11, 0.01), pop: 2, year: 2015, description: '' },
]

const items: Item[] = specs.map((s) => ({
  id: s.id,
  title: `Title ${s.id.toUpperCase()}`,
  description: s.description ?? `A film about ${s.cats.join(' and ').toLowerCase()}.`,
  tags: s.tags ?? [],
  categories: s.cats,
  year: s.year,
  metadata: (s.runtime === undefined ? {} : { runtime: s.runtime }) as Item['metadata'],
}))
const vectors = new Map(specs.map((s) => [s.id, s.v]))
const popularity = new Map(specs.map((s) => [s.id, s.pop]))

/** Embeds by keyword: each known word adds its topic axis; anything else is a faint, uniform vector. */
const embedder: Embedder = {
  id: 'test-keywords',
  dimension: DIM,
  embed: async (texts) =>
    texts.map((t) => {
      const v = new Float32Array(DIM).fill(0.01)
      for (const word of t.toLowerCase().split(/\W+/)) {
        const axis = TOPIC[word]
        if (axis !== undefined) v[axis] = (v[axis] as number) + 1
      }
      return normalize(v)
    }),
  close: async () => {},
}

/** Collaborative stand-in: people who liked animation also liked romance comedies (r2), by a fixed co-like table. */
const collab: CollabScorer = {
  name: 'co-likes',
  itemIds: specs.map((s) => s.id),
  score: (liked) =>
    Float32Array.from(specs, (s) => {
      let score = 0
      for (const l of liked) {
        if (l.startsWith('a') && s.id === 'r2') score += 3
        if (l[0] === s.id[0]) score += 1
      }
      return score
    }),
  close: async () => {},
}

const index = buildIndex(
  specs.map((s) => s.id),
  specs.map((s) => s.v),
  { kind: 'exact' },
)

function request(overrides: Partial<RecommendRequest>): RecommendRequest {
  return {
    preferences: [],
    liked: [],
    disliked: [],
    history: [],
    constraints: { includeCategories: [], excludeCategories: [] },
    exclude: new Set(),
    k: 5,
    ...overrides,
  }
}

/**
 * `count` films on one vector axis: the first `held` described by `description` and tagged `tag`, the rest plain
 * dramas (tagged "drama"), with an exact index over them.
 */
function taggedWorld(count: number, held: number, description: string, tag: string) {
  const films: Item[] = Array.from({ length: count }, (_, i) => ({
    id: `f${i}`,
    title: `Film ${i}`,
    description: i < held ? description : 'A plain drama about a town.',
    tags: i < held ? [tag] : ['drama'],
    categories: ['Drama'],
    metadata: {},
  }))
  const vectors = films.map((_, i) => vec(0, 0, 0, 0, 1, i / count))
  return {
    films,
    index: buildIndex(
      films.map((f) => f.id),
      vectors,
      { kind: 'exact' },
    ),
  }
}

async function make(extra: Partial<RecommenderDeps> = {}) {
  return createRecommender({ items, index, embedder, popularity, ...extra })
}

describe('createRecommender', () => {
  it('ranks by popularity at cold start', async () => {
    const rec = await make()
    const out = await rec.recommend(request({ k: 3 }))
    expect(out.map((r) => r.item.id)).toEqual(['s1', 'a1', 'h1'])
    expect(out.every((r) => r.parts.semantic === 0 && r.parts.collaborative === 0)).toBe(true)
  })

  it('adds nothing from a candidate source a variant switched off', async () => {
    // At a cold start only the popular items are candidates: without that source there are none.
    expect(await (await make({ sources: { popular: false } })).recommend(request({ k: 3 }))).toEqual([])
    const wish = request({ preferences: [{ text: 'space', weight: 1 }], k: 3 })
    const weights = { candidates: 5 }
    const all = await make({ weights })
    expect((await all.recommend(wish)).length).toBe(3)
    // Without the vector search, rare words and lexical search, a wish's pool is a fifth of `candidates` of the most
    // popular: the one most popular item.
    const onlyPopular = await make({ weights, sources: { semantic: false, keywords: false, lexical: false } })
    expect((await onlyPopular.recommend(wish)).map((r) => r.item.id)).toEqual(['s1'])
  })

  it('follows the text of a preference', async () => {
    const rec = await make()
    const out = await rec.recommend(request({ preferences: [{ text: 'something scary', weight: 1 }], k: 3 }))
    expect(out.map((r) => r.item.id).sort()).toEqual(['h1', 'h2', 'h3'])
    expect(out[0]?.evidence.matchedPreferences[0]?.text).toBe('something scary')
  })

  it('claims a fit to a wish only when the item is close to it catalogue-wide, not just within a filtered pool', async () => {
    const rec = await make()
    const space = [{ text: 'space', weight: 1 }]
    // Among horror films the sci-fi horror h3 is the one least unlike "space", yet far from what space films are.
    const horror = await rec.recommend(
      request({ preferences: space, constraints: { includeCategories: ['Horror'], excludeCategories: [] }, k: 3 }),
    )
    expect(horror[0]?.item.id).toBe('h3')
    for (const r of horror) expect(r.evidence.matchedPreferences).toEqual([])
    // Space films themselves still fit it.
    const any = await rec.recommend(request({ preferences: space, k: 3 }))
    expect(any[0]?.item.categories).toContain('Sci-Fi')
    expect(any[0]?.evidence.matchedPreferences.map((m) => m.text)).toEqual(['space'])
  })

  it('says which wishes an item is nearer than most of the catalogue, for a pick nothing else explains', async () => {
    const rec = await make()
    const out = await rec.recommend(request({ preferences: [{ text: 'space', weight: 1 }], k: 16 }))
    const near = Object.fromEntries(out.map((r) => [r.item.id, r.evidence.nearWishes]))
    expect(near.s1).toEqual(['space'])
    expect(near.h1).toBeUndefined()
    expect(near.r1).toBeUndefined()
  })

  it('steers towards items like the liked ones, which it never returns', async () => {
    const rec = await make()
    const out = await rec.recommend(request({ liked: ['a1', 'a2'], k: 3 }))
    const ids = out.map((r) => r.item.id)
    expect(ids).not.toContain('a1')
    expect(ids).not.toContain('a2')
    expect(out.slice(0, 2).every((r) => r.item.categories.includes('Animation'))).toBe(true)
    const similar = out[0]?.evidence.similarTo[0]
    expect(['a1', 'a2']).toContain(similar?.item.id)
    expect(similar?.sharedCategories).toContain('Animation')
  })

  it('honours category, year and metadata constraints and exclusions', async () => {
    const rec = await make()
    const out = await rec.recommend(
      request({
        preferences: [{ text: 'space', weight: 1 }],
        constraints: { includeCategories: ['sci-fi'], excludeCategories: ['HORROR'], yearMin: 1970, yearMax: 2010 },
        exclude: new Set(['s1']),
        k: 10,
      }),
    )
    const ids = out.map((r) => r.item.id)
    expect(ids.sort()).toEqual(['a5', 's4'])
    const withRuntime = await rec.recommend(
      request({
        constraints: { includeCategories: [], excludeCategories: [], metadata: [{ field: 'runtime', max: 95 }] },
        k: 10,
      }),
    )
    expect(withRuntime.map((r) => r.item.id).sort()).toEqual(['a1', 'a2', 'a3'])
    for (const r of withRuntime) {
      expect(r.evidence.metadataFit).toEqual([`${r.item.metadata.runtime} minutes long, within the 95 you asked for`])
    }
    expect(out.every((r) => r.evidence.metadataFit === undefined)).toBe(true)
    expect(out.find((r) => r.item.id === 's4')?.evidence.yearFit).toBe('from 1980, between 1970 and 2010 as you asked')
    // Category groups: every group met ("romantic sci-fi"), each by any of its categories.
    const groups = { includeCategories: ['Romance', 'Sci-Fi'], excludeCategories: [] }
    const romanticSciFi = await rec.recommend(
      request({ constraints: { ...groups, categoryGroups: [['romance'], ['SCI-FI']] }, k: 10 }),
    )
    expect(romanticSciFi.map((r) => r.item.id)).toEqual(['r3'])
    expect(romanticSciFi[0]!.evidence.categoryFit.sort()).toEqual(['Romance', 'Sci-Fi'])
    const either = await rec.recommend(
      request({ constraints: { ...groups, categoryGroups: [['Animation', 'Romance'], ['Sci-Fi']] }, k: 20 }),
    )
    expect(either.map((r) => r.item.id).sort()).toEqual(['a5', 'r3'])
    // Mentions: the name as whole words in the title, description or tags, said back as evidence.
    const named = await rec.recommend(
      request({ constraints: { includeCategories: [], excludeCategories: [], mentions: ['PIXAR'] }, k: 20 }),
    )
    expect(named.map((r) => r.item.id).sort()).toEqual(['a1', 'a2', 'a3'])
    for (const r of named) expect(r.evidence.mentionFit).toEqual(['tagged "pixar"'])
    expect(out.every((r) => r.evidence.mentionFit === undefined)).toBe(true)
  })

  it('pushes away from a negative preference', async () => {
    const rec = await make()
    const plain = await rec.recommend(request({ preferences: [{ text: 'space', weight: 1 }], k: 8 }))
    const lessScary = await rec.recommend(
      request({
        preferences: [
          { text: 'space', weight: 1 },
          { text: 'scary', weight: -0.7 },
        ],
        k: 8,
      }),
    )
    const rank = (list: typeof plain, id: string) => list.findIndex((r) => r.item.id === id)
    expect(rank(plain, 'h3')).toBeGreaterThanOrEqual(0)
    expect(rank(lessScary, 'h3') === -1 || rank(lessScary, 'h3') > rank(plain, 'h3')).toBe(true)
    const semantic = (list: typeof plain) => list.find((r) => r.item.id === 'h3')?.parts.semanticRaw ?? -1
    expect(semantic(lessScary)).toBeLessThan(semantic(plain))
  })

  it('reports parts whose weighted sum is the total', async () => {
    const w = {
      semantic: 1.2,
      collaborative: 0.8,
      popularity: 0.4,
      preferenceMatch: 0.3,
      likedSimilarity: 0.2,
      categoryOverlap: 0.5,
      tagOverlap: 0.6,
      recency: 0.7,
      described: 0.9,
    }
    const rec = await make({ collab, weights: w })
    const out = await rec.recommend(request({ preferences: [{ text: 'love', weight: 1 }], liked: ['a1'], k: 5 }))
    expect(out).toHaveLength(5)
    for (const r of out) {
      const p = r.parts
      const sum =
        1.2 * p.semantic +
        0.8 * p.collaborative +
        0.4 * p.popularity +
        0.3 * (p.preferenceMatch as number) +
        0.2 * (p.likedSimilarity as number) +
        0.5 * (p.categoryOverlap as number) +
        0.6 * (p.tagOverlap as number) +
        0.7 * (p.recency as number) +
        0.9 * (p.described as number) +
        (p.keywordMatch as number) +
        (p.obscurity ?? 0)
      expect(p.total).toBeCloseTo(sum, 10)
      expect(p.semanticWeight).toBe(1.2)
      expect(Number.isFinite(p.semanticRaw)).toBe(true)
      expect(p.described).toBe(r.item.description ? 1 : 0)
    }
  })

  /** The ids of the first n results, sorted (ties in a single part come back in id order anyway). */
  const firstIds = (out: { item: Item }[], n: number) =>
    out
      .slice(0, n)
      .map((r) => r.item.id)
      .sort()

  // Every part but the one under test weighs 0, and MMR is off, so the order is that part's alone.
  const only = (part: keyof BlendWeights, value = 1): Partial<BlendWeights> => ({
    semantic: 0,
    semanticAlone: 0,
    collaborative: 0,
    popularity: 0,
    preferenceMatch: 0,
    likedSimilarity: 0,
    categoryOverlap: 0,
    tagOverlap: 0,
    recency: 0,
    described: 0,
    keywordMatch: 0,
    categoryLean: 0,
    obscurity: 0,
    mmrLambda: 1,
    [part]: value,
  })

  it('lifts items that share categories with the liked ones (category overlap)', async () => {
    const rec = await make({ weights: only('categoryOverlap') })
    // h3 is Horror and Sci-Fi: the films that are only Horror or only Sci-Fi overlap most (1 of 2 categories), then
    // the two-category films sharing one (1 of 3); nothing else.
    const out = await rec.recommend(request({ liked: ['h3'], k: 6 }))
    expect(firstIds(out, 3)).toEqual(['h1', 's2', 'x1'])
    for (const r of out) expect(r.item.categories.some((c) => c === 'Horror' || c === 'Sci-Fi')).toBe(true)
    const overlap = out.map((r) => r.parts.categoryOverlap as number)
    expect([...overlap].sort((a, b) => b - a)).toEqual(overlap)
  })

  it('lifts the items in the categories a critique leans toward, for a wish that pulls (category lean)', async () => {
    const rec = await make({ weights: only('categoryLean') })
    const space = { text: 'space', weight: 1 }
    const funnier = { text: 'funny lighthearted feel-good comedy', weight: 1, lean: ['Comedy'] }
    const out = await rec.recommend(request({ preferences: [space, funnier], k: 6 }))
    // The two comedies (the animated space comedy a3 and the romantic comedy r2) first, at the wish's weight.
    expect(firstIds(out, 2)).toEqual(['a3', 'r2'])
    expect(out.map((r) => r.parts.categoryLean)).toEqual([1, 1, 0, 0, 0, 0])
    // A lean rides only on a pull: on a push ("less funny") it lifts nothing.
    const pushed = await rec.recommend(request({ preferences: [space, { ...funnier, weight: -0.5 }], k: 6 }))
    expect(pushed.every((r) => r.parts.categoryLean === 0)).toBe(true)
  })

  it('lifts items that share rare tags with the liked ones (tag overlap)', async () => {
    const rec = await make({ weights: only('tagOverlap') })
    // a1 is tagged "pixar", as a2 and a3 are; the other films have no tags at all.
    const out = await rec.recommend(request({ liked: ['a1'], k: 5 }))
    expect(firstIds(out, 2)).toEqual(['a2', 'a3'])
    expect(out[0]?.parts.tagOverlap).toBeGreaterThan(out[2]?.parts.tagOverlap as number)
    // Without liked films there is nothing to overlap with: the part is flat.
    const cold = await rec.recommend(request({ preferences: [{ text: 'space', weight: 1 }], k: 5 }))
    expect(new Set(cold.map((r) => r.parts.tagOverlap)).size).toBe(1)
  })

  it('lifts items whose text uses a rare word of a wish they are close to (keyword match), and says where', async () => {
    const rec = await make({ weights: only('keywordMatch') })
    // "pixar" means nothing to the encoder, but three animated films are tagged with it.
    const out = await rec.recommend(request({ preferences: [{ text: 'pixar animated', weight: 1 }], k: 5 }))
    expect(firstIds(out, 3)).toEqual(['a1', 'a2', 'a3'])
    for (const r of out.slice(0, 3)) {
      expect(r.parts.keywordMatch).toBeGreaterThan(0)
      expect(r.evidence.keywordFit).toEqual(['tagged "pixar"'])
    }
    for (const r of out.slice(3)) expect(r.parts.keywordMatch).toBe(0)
    // Far from the wish, the word alone earns nothing: the Pixar films are not space films.
    const space = await rec.recommend(request({ preferences: [{ text: 'pixar space', weight: 1 }], k: 16 }))
    for (const r of space) {
      expect(r.parts.keywordMatch).toBe(0)
      expect(r.evidence.keywordFit).toBeUndefined()
    }
  })

  it('does not quote a wish word the item writes only inside a name, unless the wish writes it so too', async () => {
    // "twist" is rare: a musical about Oliver Twist (a name) and a film with a twist (the word) use it.
    const described: Record<string, string> = {
      a1: 'A musical of the adventures of Oliver Twist in London.',
      a2: 'A puzzle film with a clever twist. Twists abound.',
    }
    const twisted = items.map((i) => ({ ...i, description: described[i.id] ?? i.description }))
    const rec = await createRecommender({ items: twisted, index, embedder, popularity, weights: only('keywordMatch') })
    const fitsFor = async (wish: string) => {
      const out = await rec.recommend(request({ preferences: [{ text: wish, weight: 1 }], k: 5 }))
      return Object.fromEntries(out.map((r) => [r.item.id, r.evidence.keywordFit]))
    }
    const lower = await fitsFor('an animated film with a twist')
    expect(lower.a2).toEqual(['its description says "twist"'])
    expect(lower.a1).toBeUndefined()
    // Written as a name, the wish asks for the name.
    expect((await fitsFor('animated, with a Twist')).a1).toEqual(['its description says "Twist"'])
  })

  it("lifts the catalogue's newest years (recency)", async () => {
    // The newest item is from 2015, so with recentYears 5 the recent ones are 2011-2015: s2, r3 and x1.
    const rec = await make({ weights: { ...only('recency'), recentYears: 5 } })
    const out = await rec.recommend(request({ preferences: [{ text: 'love', weight: 1 }], k: 5 }))
    expect(firstIds(out, 3)).toEqual(['r3', 's2', 'x1'])
    expect(out.slice(0, 3).every((r) => r.parts.recency === 1)).toBe(true)
    expect(out.slice(3).every((r) => r.parts.recency === 0)).toBe(true)
    await expect(make({ weights: { recentYears: 0 } })).rejects.toThrow(/recentYears must be a positive integer/)
  })

  it('gives collaborative evidence naming the liked item', async () => {
    const rec = await make({ collab })
    const out = await rec.recommend(request({ liked: ['a1'], k: 5 }))
    const r2 = out.find((r) => r.item.id === 'r2')
    expect(r2).toBeDefined()
    expect(r2?.parts.collaborative).toBeGreaterThan(0)
    expect(r2?.evidence.alsoLikedBy?.map((a) => a.item.id)).toEqual(['a1'])
    expect(out.find((r) => r.item.id === 'h1')?.evidence.alsoLikedBy).toBeUndefined()
  })

  it('keeps an obscure item without description below well-known ones on a weak match', async () => {
    const rec = await make()
    const out = await rec.recommend(request({ preferences: [{ text: 'space', weight: 1 }], k: 4 }))
    const x1 = out.findIndex((r) => r.item.id === 'x1')
    expect(x1 === -1 || x1 >= 3).toBe(true)
    const all = await rec.recommend(request({ preferences: [{ text: 'space', weight: 1 }], k: 16 }))
    expect(all.find((r) => r.item.id === 'x1')?.parts.obscurity).toBeLessThan(0)
  })

  it('diversifies with MMR compared to relevance only', async () => {
    const relevanceOnly = await make({ weights: { mmrLambda: 1 } })
    const diverse = await make({ weights: { mmrLambda: 0.3 } })
    const req = request({ preferences: [{ text: 'space animated', weight: 1 }], k: 4 })
    const ils = async (r: typeof diverse) =>
      intraListSimilarity((await r.recommend(req)).map((x) => vectors.get(x.item.id) as Float32Array))
    expect(await ils(diverse)).toBeLessThan(await ils(relevanceOnly))
  })

  it('adds proposed items to a small pool, scores their part by its weight, and never lets one past the filters', async () => {
    const scary = { preferences: [{ text: 'something scary', weight: 1 }], k: 16 }
    const small = await make({ weights: { candidates: 2 } })
    const without = await small.recommend(request(scary))
    expect(without.map((r) => r.item.id)).not.toContain('r3')
    const proposed = [
      { id: 'r3', part: 1 },
      { id: 'a5', part: 0.5 },
      { id: 'nope', part: 1 },
    ]
    const unweighted = await small.recommend(request({ ...scary, proposed }))
    expect(unweighted.find((r) => r.item.id === 'r3')?.parts.llmProposal).toBe(1)
    expect(unweighted.find((r) => r.item.id === 'h1')?.parts.llmProposal).toBe(0)
    const weighted = await make({ weights: { candidates: 2, llmProposal: 10 } })
    const lifted = await weighted.recommend(request({ ...scary, proposed, k: 2 }))
    expect(lifted[0]?.item.id).toBe('r3')
    const filtered = await weighted.recommend(request({ ...scary, proposed, exclude: new Set(['r3']), k: 2 }))
    expect(filtered.map((r) => r.item.id)).not.toContain('r3')
    await expect(small.recommend(request({ proposed: [{ id: 'r3', part: Number.NaN }] }))).rejects.toMatchObject({
      code: 'input.invalid',
    })
  })

  it('returns nothing when no item passes the filters', async () => {
    const rec = await make()
    expect(await rec.recommend(request({ constraints: { includeCategories: ['Western'], excludeCategories: [] } }))).toEqual([])
  })

  it('finds similar items for "more like X", never X itself', async () => {
    const rec = await make()
    const out = rec.similarItems('s1', 3, (id) => id !== 's2')
    expect(out.map((r) => r.item.id)).toEqual(['x1', 's4', 's3'])
    expect(out[0]?.evidence.similarTo[0]?.item.id).toBe('s1')
    expect(() => rec.similarItems('nope', 3)).toThrowError(expect.objectContaining({ code: 'not_found' }))
  })

  it('rejects malformed requests with input.invalid', async () => {
    const rec = await make()
    await expect(rec.recommend(request({ k: 0 }))).rejects.toMatchObject({ code: 'input.invalid' })
    await expect(rec.recommend(request({ preferences: [{ text: 'x', weight: Number.NaN }] }))).rejects.toMatchObject({
      code: 'input.invalid',
    })
    await expect(
      rec.recommend(
        request({ constraints: { includeCategories: [], excludeCategories: [], yearMin: Number.POSITIVE_INFINITY } }),
      ),
    ).rejects.toMatchObject({ code: 'input.invalid' })
    await expect(
      rec.recommend(request({ constraints: { includeCategories: [], excludeCategories: [], mentions: 'Tom Hanks' as never } })),
    ).rejects.toMatchObject({ code: 'input.invalid', message: expect.stringContaining('constraints.mentions') })
    const badGroups = { includeCategories: [], excludeCategories: [], categoryGroups: [['Comedy'], 'Romance'] }
    await expect(rec.recommend(request({ constraints: badGroups as never }))).rejects.toMatchObject({
      code: 'input.invalid',
      message: expect.stringContaining('constraints.categoryGroups[1]'),
    })
    const badLean = [{ text: 'funny', weight: 1, lean: 'Comedy' as never }]
    await expect(rec.recommend(request({ preferences: badLean }))).rejects.toMatchObject({
      code: 'input.invalid',
      message: expect.stringContaining('preferences[0].lean must be an array of words'),
    })
  })

  it('refuses an index whose dimension differs from the encoder', async () => {
    await expect(make({ embedder: { ...embedder, dimension: DIM + 1 } })).rejects.toMatchObject({ code: 'index.incompatible' })
    await expect(make({ weights: { mmrLambda: 2 } })).rejects.toMatchObject({ code: 'config.invalid' })
  })

  it('refuses unknown blend weights by name, so a typo in CONCIERGE_BLEND does not pass silently', async () => {
    const typo = { semantc: 0.7 } as unknown as Partial<BlendWeights>
    await expect(make({ weights: typo })).rejects.toThrow(/unknown "semantc" \(known: semantic, /)
    expect((await make({ weights: { semantic: 0.7 } })).weights.semantic).toBe(0.7)
  })

  it('wraps an encoder failure as embed.failed and refuses calls after close', async () => {
    const broken = await make({ embedder: { ...embedder, embed: async () => Promise.reject(new Error('boom')) } })
    await expect(broken.recommend(request({ preferences: [{ text: 'space', weight: 1 }] }))).rejects.toMatchObject({
      code: 'embed.failed',
    })
    await broken.close()
    await broken.close()
    await expect(broken.recommend(request({}))).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('finds and explains a studio wish through the lexical channel, which weighs lexicalAlone without a collaborative model', async () => {
    const withStudio = items.map((i) =>
      i.id === 's4' ? { ...i, metadata: { ...i.metadata, companies: 'Studio Ghibli; Someone Else' } } : i,
    )
    const ask = request({ preferences: [{ text: 'a Studio Ghibli film', weight: 1 }], k: 3 })
    const off = await createRecommender({ items: withStudio, index, embedder, popularity, weights: { lexicalAlone: 0 } })
    expect((await off.recommend(ask)).map((r) => r.item.id)).not.toContain('s4')
    const on = await createRecommender({ items: withStudio, index, embedder, popularity })
    const out = await on.recommend(ask)
    const studio = out.find((r) => r.item.id === 's4')
    expect(studio?.evidence.keywordFit).toContain('made by Studio Ghibli')
  })

  it("quotes a fact the wish names that a pick holds, though the pick's text is far from the wish as a whole", async () => {
    // 500 films: six tagged "sad" (far from the wish's vector), six tagged "dog" (close to it), the rest plain dramas.
    const kind = (i: number) => (i < 6 ? 'sad' : i < 12 ? 'dog' : 'drama')
    const films: Item[] = Array.from({ length: 500 }, (_, i) => ({
      id: `f${i}`,
      title: `Film ${i}`,
      description: kind(i) === 'sad' ? 'A sad story.' : kind(i) === 'dog' ? 'A dog and a boy.' : 'A plain drama about a town.',
      tags: [kind(i)],
      categories: ['Drama'],
      metadata: {},
    }))
    const uniform = new Float32Array(DIM).fill(1)
    const own = buildIndex(
      films.map((f) => f.id),
      films.map((_, i) =>
        normalize(kind(i) === 'sad' ? uniform.map((x) => -x) : kind(i) === 'dog' ? uniform : vec(0, 0, 0, 0, 1, 0)),
      ),
      { kind: 'exact' },
    )
    const rec = await createRecommender({
      items: films,
      index: own,
      embedder,
      popularity: new Map(films.map((f, i) => [f.id, 600 - i])),
    })
    const out = await rec.recommend(request({ preferences: [{ text: 'a sad film about a dog', weight: 1 }], k: 12 }))
    const sad = out.filter((r) => r.item.tags.includes('sad'))
    expect(sad.length).toBeGreaterThan(0)
    for (const r of sad) expect(r.evidence.keywordFit, r.item.id).toContain('tagged "sad"')
  })

  it("reads a wish that names a fact otherwise by the catalogue's name for it, and says which name it read", async () => {
    // 300 films: four tagged "Texas" whose text never says "lone star state", the rest plain dramas.
    const { films, index: own } = taggedWorld(300, 4, 'A sheriff rides out at dawn.', 'Texas')
    const deps = { items: films, index: own, embedder, popularity: new Map(films.map((f, i) => [f.id, i < 4 ? 150 : 300 - i])) }
    const ask = request({ preferences: [{ text: 'something set in the Lone Star State', weight: 1 }], k: 4 })
    const texan = (list: readonly Recommendation[]) => list.filter((r) => r.item.tags[0] === 'Texas')
    expect(texan(await (await createRecommender(deps)).recommend(ask))).toEqual([])
    const vocabulary = [{ phrases: ['Lone-Star State'], terms: ['texas'] }]
    const out = await (await createRecommender({ ...deps, vocabulary })).recommend(ask)
    expect(texan(out)).toHaveLength(4)
    for (const r of out) expect(r.evidence.keywordFit).toContain('tagged "Texas" ("lone star state" is another name for it)')
  })

  it('moves the blend by how specific the wish is, unless films the person liked lead the conversation', async () => {
    // Three of the sixteen films are tagged "pixar": a rare word.
    const rec = await make({ weights: { specificity: 1 } })
    const wish = { preferences: [{ text: 'something by pixar', weight: 1 }], k: 3 }
    const alone = await rec.recommend(request(wish))
    expect(alone[0]?.parts.specificity).toBeGreaterThan(0)
    const withLiked = await rec.recommend(request({ ...wish, liked: ['a1'] }))
    expect(withLiked[0]?.parts.specificity).toBe(0)
    const open = await rec.recommend(request({ preferences: [{ text: 'anything good', weight: 1 }], k: 3 }))
    expect(open[0]?.parts.specificity).toBe(0)
    // Anchors alone ("like A1 but by pixar") count the wish by `anchorSpecificity`; liked films still lead.
    const anchors = [{ id: 'a1', weight: 1, turn: 0 }]
    expect((await rec.recommend(request({ ...wish, anchors })))[0]?.parts.specificity).toBe(0)
    const anchorLed = await make({ weights: { specificity: 1, anchorSpecificity: 1 } })
    const anchored = await anchorLed.recommend(request({ ...wish, anchors }))
    expect(anchored[0]?.parts.specificity).toBeCloseTo(alone[0]?.parts.specificity as number, 6)
    expect((await anchorLed.recommend(request({ ...wish, anchors, liked: ['a2'] })))[0]?.parts.specificity).toBe(0)
    // A wish that changes the anchors ("like A1 but by pixar") counts by `contrastSpecificity` instead.
    const contrast = { preferences: [{ text: 'something by pixar', weight: 1, contrast: true as const }], k: 3 }
    const contrastLed = await make({ weights: { specificity: 1, contrastSpecificity: 1 } })
    const changed = await contrastLed.recommend(request({ ...contrast, anchors }))
    expect(changed[0]?.parts.specificity).toBeCloseTo(alone[0]?.parts.specificity as number, 6)
    expect((await contrastLed.recommend(request({ ...wish, anchors })))[0]?.parts.specificity).toBe(0)
    const contrastOff = await make({ weights: { specificity: 1, contrastSpecificity: 0 } })
    expect((await contrastOff.recommend(request({ ...contrast, anchors })))[0]?.parts.specificity).toBe(0)
  })

  it('counts a wish whose words vote strongly for a fact as specific at least by factSpecificity', async () => {
    // 200 films: ten whose overviews say "fangs" (5%: too common to be a rare word), all tagged "vampire".
    const { films, index: own } = taggedWorld(200, 10, 'They bare their fangs.', 'vampire')
    const deps = { items: films, index: own, embedder, popularity: new Map(films.map((f, i) => [f.id, 300 - i])) }
    const ask = request({ preferences: [{ text: 'creatures with fangs', weight: 1 }], k: 3 })
    const plain = await (await createRecommender({ ...deps, weights: { factSpecificity: 0 } })).recommend(ask)
    expect(plain[0]?.parts.specificity).toBe(0)
    const floored = await (await createRecommender({ ...deps, weights: { factSpecificity: 0.5 } })).recommend(ask)
    expect(floored[0]?.parts.specificity).toBe(0.5)
    const unrelated = request({ preferences: [{ text: 'a plain town', weight: 1 }], k: 3 })
    const open = await (await createRecommender({ ...deps, weights: { factSpecificity: 0.5 } })).recommend(unrelated)
    expect(open[0]?.parts.specificity).toBe(0)
  })

  it('refuses the items holding a fact a refusal names ("no superhero films"), not those its words only point to', async () => {
    // 200 films; the ten most popular say "masked" and are tagged as the test's tag.
    const refusing = async (tag: string, text: string, implied?: true) => {
      const { films, index: own } = taggedWorld(200, 10, 'A masked vigilante guards the city.', tag)
      const popular = new Map(films.map((f, i) => [f.id, 300 - i]))
      const rec = await createRecommender({ items: films, index: own, embedder, popularity: popular })
      const out = await rec.recommend(request({ preferences: [{ text, weight: -0.6, ...(implied ? { implied } : {}) }], k: 10 }))
      return out.filter((r) => r.item.tags.includes(tag)).length
    }
    expect(await refusing('superhero', 'superhero films')).toBe(0)
    // A text the chat reads for the person's words ("sappy romance love story" for "not too cheesy") refuses nothing.
    expect(await refusing('superhero', 'superhero films', true)).toBeGreaterThan(0)
    // "masked" votes for the tag (every film saying it holds it) but does not name it: nothing is refused outright.
    expect(await refusing('superhero', 'masked')).toBeGreaterThan(0)
    // A tag whose key drops a word is named by no refusal: "world war" is not "World War II".
    expect(await refusing('World War II', 'world war')).toBeGreaterThan(0)
  })

  it('refuses the films of a company a refusal names by its own word ("not marvel"), not by a word many names share', async () => {
    // 300 films by 150 companies: the ten most popular by "Marvel Studios" or "Marvel Enterprises", every one's
    // company name ending in "Studios" or "Enterprises".
    const { films: plain, index: own } = taggedWorld(300, 0, '', 'drama')
    const films = plain.map((f, i) => ({
      ...f,
      metadata: {
        companies:
          i < 10 ? `Marvel ${i % 2 ? 'Studios' : 'Enterprises'}` : `Maker${i % 150} ${i % 2 ? 'Studios' : 'Enterprises'}`,
      },
    }))
    const rec = await createRecommender({
      items: films,
      index: own,
      embedder,
      popularity: new Map(films.map((f, i) => [f.id, 300 - i])),
    })
    const marvels = async (text: string, implied?: true) => {
      const out = await rec.recommend(request({ preferences: [{ text, weight: -0.6, ...(implied ? { implied } : {}) }], k: 20 }))
      return out.filter((r) => String(r.item.metadata.companies).startsWith('Marvel')).length
    }
    expect(await marvels('marvel')).toBe(0)
    expect(await marvels('anything marvel')).toBe(0)
    // "studios" is in half the names: it names no company. Nor does the chat's own text for a critique.
    expect(await marvels('studios')).toBeGreaterThan(0)
    expect(await marvels('marvel', true)).toBeGreaterThan(0)
  })

  it('never quotes a tag stating other numbers than the wish as its evidence ("World War II" for the first world war)', async () => {
    const { films, index: own } = taggedWorld(200, 10, 'A soldier in the trenches.', 'World War II')
    const rec = await createRecommender({
      items: films,
      index: own,
      embedder,
      popularity: new Map(films.map((f, i) => [f.id, 300 - i])),
    })
    const quotes = async (text: string) => {
      const out = await rec.recommend(request({ preferences: [{ text, weight: 1 }], k: 5 }))
      return out.flatMap((r) => r.evidence.keywordFit ?? []).filter((fit) => fit.includes('World War II')).length
    }
    expect(await quotes('the second world war')).toBeGreaterThan(0)
    expect(await quotes('the first world war')).toBe(0)
  })

  it('reads a wish without the category words its filter carries: "pixar comedy" filtered to comedies is about pixar', async () => {
    const rec = await make({ weights: { specificity: 1 } })
    const constraints = { includeCategories: ['Comedy'], excludeCategories: [] }
    const said = await rec.recommend(request({ preferences: [{ text: 'pixar comedy', weight: 1 }], constraints, k: 3 }))
    const filtered = await rec.recommend(
      request({ preferences: [{ text: 'pixar comedy', weight: 1, filtered: ['comedy'] }], constraints, k: 3 }),
    )
    const pixar = await rec.recommend(request({ preferences: [{ text: 'pixar', weight: 1 }], constraints, k: 3 }))
    // "comedy" (in two descriptions) is a rare word here: said as the wish's, it makes the wish read more specific
    // and its comedies match; carried by the filter, the wish reads as "pixar" alone, and is quoted as said.
    expect(said[0]?.parts.specificity).not.toBeCloseTo(pixar[0]?.parts.specificity as number, 6)
    expect(filtered[0]?.parts.specificity).toBeCloseTo(pixar[0]?.parts.specificity as number, 6)
    expect(filtered.map((r) => r.item.id)).toEqual(pixar.map((r) => r.item.id))
  })

  it('does not compute the wish-match tier when it weighs nothing, unless the parts are read', async () => {
    const wish = request({ preferences: [{ text: 'something by pixar', weight: 1 }], k: 5 })
    const unweighted = await make({ weights: { specificity: 0 } })
    expect((await unweighted.recommend(wish)).map((r) => r.parts.wishMatch)).toEqual([0, 0, 0, 0, 0])
    const read = await make({ weights: { specificity: 0 }, onScored: () => {} })
    expect((await read.recommend(wish)).some((r) => r.parts.wishMatch === 1)).toBe(true)
  })
})

describe('filteredStems', () => {
  it('are the stems of the words a filter carries, unless nothing that says what the wish is about is left', () => {
    expect([...filteredStems('political thriller', ['thriller'])]).toEqual(['thriller'])
    expect([...filteredStems('psychological Thrillers', ['thrillers'])]).toEqual(['thriller'])
    expect([...filteredStems('thriller', ['thriller'])]).toEqual([])
    expect([...filteredStems('a good thriller', ['thriller'])]).toEqual([])
    expect([...filteredStems('political thriller', undefined)]).toEqual([])
  })
})

describe('unfilteredText', () => {
  it('is the wish without the words its filter carries, what its meaning votes read', () => {
    expect(unfilteredText('political thriller', new Set(['thriller']))).toBe('political')
    expect(
      unfilteredText('a psychological Thrillers, please', filteredStems('a psychological Thrillers, please', ['thriller'])),
    ).toBe('a psychological please')
    expect(unfilteredText('political thriller', new Set())).toBe('political thriller')
    // Never empty: a wish of filtered words alone is itself.
    expect(unfilteredText('thriller', new Set(['thriller']))).toBe('thriller')
  })
})
