import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { itemText, loadCatalog } from '../catalog/index.ts'
import { fitBaseline, popularityScores, positivesByUser } from '../collab/index.ts'
import { type Embedder, type Item, type ItemId, silentLogger } from '../core/index.ts'
import { createUseEmbedder } from '../embed/index.ts'
import { explainItem } from '../explain/index.ts'
import { buildIndex } from '../index/index.ts'
import { BLENDED_PARTS, createRecommender, intraListSimilarity, type Recommender, type RecommendRequest } from './index.ts'

// Pixar films and a few others the assertions name; the rest of the slice is the most-rated movies.
const NEEDED = [
  '1',
  '3114',
  '2355',
  '4886',
  '6377',
  '8961',
  '60069',
  '68954',
  '45517',
  '50872',
  '1214',
  '1258',
  '593',
  '1997',
  '2710',
]
const SLICE = 240
// Embedding the slice takes ~10 s on an idle 2-core machine; allow for a busy one.
const SETUP_TIMEOUT_MS = 400_000

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

describe.each(dataSources())('createRecommender on ml-latest-small with USE-lite (240-movie slice, $name data)', ({ dir }) => {
  let embedder: Embedder
  let items: Item[]
  let byId: Map<ItemId, Item>
  let recommender: Recommender
  let relevanceOnly: Recommender
  let diverse: Recommender
  let withCollab: Recommender
  let vectors: Map<ItemId, Float32Array>
  let categories: string[]

  beforeAll(async () => {
    const catalog = await loadCatalog({ dataDir: dir, dataset: 'ml-latest-small' })
    const counts = new Map<ItemId, number>()
    for (const i of catalog.interactions) if ((i.rating ?? 0) >= 3.5) counts.set(i.itemId, (counts.get(i.itemId) ?? 0) + 1)
    const popular = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || (a < b ? -1 : 1))
    const chosen = new Set(NEEDED)
    for (const id of popular) {
      if (chosen.size >= SLICE) break
      chosen.add(id)
    }
    items = catalog.items.filter((i) => chosen.has(i.id))
    byId = new Map(items.map((i) => [i.id, i]))
    categories = [...new Set(catalog.items.flatMap((i) => i.categories))]
    embedder = await createUseEmbedder({ batchSize: 32, workers: 1, bulkAbove: 100_000, logger: silentLogger })
    const vs = await embedder.embed(items.map(itemText))
    vectors = new Map(items.map((i, n) => [i.id, vs[n] as Float32Array]))
    const index = buildIndex(
      items.map((i) => i.id),
      vs,
      { kind: 'hnsw', seed: 42 },
    )
    const popularity = new Map(items.map((i) => [i.id, counts.get(i.id) ?? 0]))
    recommender = await createRecommender({ items, index, embedder, popularity })
    relevanceOnly = await createRecommender({ items, index, embedder, popularity, weights: { mmrLambda: 1 } })
    diverse = await createRecommender({ items, index, embedder, popularity, weights: { mmrLambda: 0.5 } })
    const train = [...positivesByUser(catalog.interactions, 3.5).values()].map((list) => ({ items: list }))
    const collab = fitBaseline('ease', train, { lambda: 200 })
    // EASE stands in for the autoencoder (it fits in a second). The default weight (0.5) was tuned for the shipped
    // autoencoder's scores (see DEFAULT_WEIGHTS); EASE gets 2, the weight tuned for the plain Mult-DAE.
    withCollab = await createRecommender({
      items,
      index,
      embedder,
      collab,
      popularity: popularityScores(catalog.interactions, 3.5),
      weights: { collaborative: 2 },
    })
  }, SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await recommender?.close()
    await relevanceOnly?.close()
    await diverse?.close()
    await withCollab?.close()
    await embedder?.close()
  })

  it('steers towards animated family films after liking three Pixar films, and away after liking horror', async () => {
    const liked = ['1', '6377', '4886'] // Toy Story, Finding Nemo, Monsters, Inc.
    const out = await recommender.recommend(request({ liked, k: 5 }))
    expect(out).toHaveLength(5)
    const family = (recs: typeof out) =>
      recs.filter((r) => r.item.categories.some((c) => c === 'Animation' || c === 'Children')).length
    const horror = await recommender.recommend(request({ liked: ['1258', '1214', '593'], k: 5 })) // The Shining, Alien, Silence of the Lambs
    expect(out[0]?.item.id).toBe('3114') // Toy Story 2
    expect(family(out)).toBeGreaterThanOrEqual(2)
    expect(family(horror)).toBeLessThan(family(out))
    for (const r of out) expect(liked).not.toContain(r.item.id)
    const likedTitles = liked.map((id) => byId.get(id)!.title)
    const explained = out.map((r) => explainItem(r, { preferences: [], likedTitles }))
    expect(explained.filter((t) => likedTitles.some((title) => t.includes(title))).length).toBeGreaterThanOrEqual(2)
  })

  it('blends in the collaborative model, with "people who liked X" evidence naming a liked film', async () => {
    const liked = ['1', '6377', '4886']
    const out = await withCollab.recommend(request({ liked, k: 5 }))
    expect(out.filter((r) => r.item.categories.includes('Animation')).length).toBeGreaterThanOrEqual(3)
    const named = out.flatMap((r) => (r.evidence.alsoLikedBy ?? []).map((a) => a.item.id))
    expect(named.length).toBeGreaterThan(0)
    for (const id of named) expect(liked).toContain(id)
    expect(out.some((r) => r.parts.collaborative > 0 && r.parts.collaborativeRaw !== undefined)).toBe(true)
    expect(withCollab.weights.collaborative).toBeGreaterThan(0)
  })

  it('follows a text request towards its genre', async () => {
    const count = async (text: string, genres: string[]) =>
      (await recommender.recommend(request({ preferences: [{ text, weight: 1 }], k: 5 }))).filter((r) =>
        r.item.categories.some((c) => genres.includes(c)),
      ).length
    expect(await count('scary horror film', ['Horror', 'Thriller'])).toBeGreaterThanOrEqual(3)
    expect(await count('romantic comedy', ['Romance'])).toBeGreaterThanOrEqual(4)
    expect(await count('space adventure', ['Sci-Fi'])).toBeGreaterThanOrEqual(4)
  })

  it('never returns an excluded category, an out-of-range year or an excluded item', async () => {
    const first = await recommender.recommend(request({ preferences: [{ text: 'funny adventure', weight: 1 }], k: 5 }))
    const exclude = new Set(first.map((r) => r.item.id))
    const out = await recommender.recommend(
      request({
        preferences: [{ text: 'funny adventure', weight: 1 }],
        constraints: {
          includeCategories: ['adventure'],
          excludeCategories: ['comedy', 'Animation'],
          yearMin: 1980,
          yearMax: 1999,
        },
        exclude,
        k: 10,
      }),
    )
    expect(out.length).toBe(10)
    for (const r of out) {
      expect(exclude.has(r.item.id)).toBe(false)
      expect(r.item.categories).toContain('Adventure')
      expect(r.item.categories).not.toContain('Comedy')
      expect(r.item.categories).not.toContain('Animation')
      expect(r.item.year).toBeGreaterThanOrEqual(1980)
      expect(r.item.year).toBeLessThanOrEqual(1999)
      expect(r.evidence.categoryFit).toEqual(['Adventure'])
    }
  })

  it('carries score parts whose weighted sum is the total', async () => {
    const out = await recommender.recommend(
      request({ preferences: [{ text: 'space battles', weight: 1 }], liked: ['1214'], k: 8 }),
    )
    const w = recommender.weights
    for (const r of out) {
      const p = r.parts
      // No collaborative model here: the text weighs `semanticAlone`, the lexical match `lexicalAlone`, the label
      // votes `labelMatchAlone`.
      expect(p.semanticWeight).toBe(w.semanticAlone)
      const alone: Partial<Record<(typeof BLENDED_PARTS)[number], number>> = {
        semantic: p.semanticWeight as number,
        lexical: w.lexicalAlone,
        labelMatch: w.labelMatchAlone,
      }
      const weightOf = (key: (typeof BLENDED_PARTS)[number]) => alone[key] ?? w[key]
      const weighted = BLENDED_PARTS.reduce((sum, key) => sum + weightOf(key) * (p[key] as number), 0)
      expect(p.total).toBeCloseTo(weighted + (p.obscurity ?? 0), 9)
      for (const key of [...BLENDED_PARTS, 'semanticRaw', 'popularityRaw']) expect(Number.isFinite(p[key])).toBe(true)
    }
  })

  it('is more diverse with MMR (λ 0.5) than with relevance only', async () => {
    // A wish with a crowded neighbourhood: "superheroes" ranked superhero films so far above the rest that both
    // rankings picked the same eight, and so did "a space adventure" once the lexical part weighed in (its films
    // match the words); a wish of many films that share no rare word differs in both.
    const req = request({ preferences: [{ text: 'a film about friendship', weight: 1 }], k: 8 })
    const ils = async (r: Recommender) =>
      intraListSimilarity((await r.recommend(req)).map((x) => vectors.get(x.item.id) as Float32Array))
    expect(await ils(diverse)).toBeLessThan(await ils(relevanceOnly))
  })

  it('explains with claims backed by evidence only', async () => {
    const likedIds = ['1', '68954']
    const likedTitles = likedIds.map((id) => byId.get(id)!.title)
    const prefs = ['heartwarming adventure', 'talking animals']
    const out = await recommender.recommend(
      request({
        preferences: prefs.map((text) => ({ text, weight: 1 })),
        liked: likedIds,
        constraints: { includeCategories: ['Children'], excludeCategories: [] },
        k: 6,
      }),
    )
    expect(out.length).toBeGreaterThan(0)
    const titles = items.map((i) => i.title).filter((t) => t.length > 3)
    for (const r of out) {
      const text = explainItem(r, { preferences: prefs, likedTitles })
      const claims = text.replace(/"[^"]*"/g, '').toLowerCase()
      for (const c of categories) {
        if (new RegExp(`\\b${c.toLowerCase()}\\b`).test(claims)) expect(r.item.categories).toContain(c)
      }
      for (const t of titles) if (t !== r.item.title && text.includes(`${t} `)) expect(likedTitles).toContain(t)
      const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string)
      for (const q of quoted)
        expect(prefs.includes(q) || r.item.description.includes(q.replace(/…$/, '')) || r.item.tags.includes(q)).toBe(true)
    }
  })

  it('finds more like a film by its vector', () => {
    const out = recommender.similarItems('1', 5)
    expect(out.map((r) => r.item.id)).toContain('3114') // Toy Story 2
    expect(out.every((r) => r.item.id !== '1')).toBe(true)
  })
})
