import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { factMeaningsOf, loadTrainingCatalog, loadWordNet } from '../../src/build/index.ts'
import { itemText } from '../../src/catalog/index.ts'
import { type ChatEngine, createChat } from '../../src/chat/index.ts'
import { fitBaseline, positivesByUser } from '../../src/collab/index.ts'
import { loadConfig } from '../../src/config/index.ts'
import type { CollabScorer, Embedder, Item, ItemId, VectorIndex } from '../../src/core/index.ts'
import { silentLogger } from '../../src/core/index.ts'
import { loadDomainProfile } from '../../src/domain/index.ts'
import { createEmbeddingCache, createUseEmbedder, type EmbeddingCache, embedWithCache } from '../../src/embed/index.ts'
import { loadWishFacts } from '../../src/eval/wish-facts.ts'
import { type ItemFacts, resolveRule, type WishRule } from '../../src/eval/wishes.ts'
import { buildIndex } from '../../src/index/index.ts'
import { createRecommender, type FactMeanings, factNamesOf, thesaurusWords } from '../../src/recommend/index.ts'
import { createMemoryStore } from '../../src/store/index.ts'

/**
 * A real runtime for the wish examples of issue 21, on a pool of the catalogue: the most popular films by the demo
 * build's own prior (ratings and the ReDial log, as `concierge rebuild` computes it; `popular` may be the whole
 * catalogue), plus every film a row's rule makes relevant and every film named in `keep`. So the popular films that
 * answered these wishes wrongly before are in the pool, and can win again if the behaviour regresses. The chat reads
 * messages against the whole catalogue (titles, words), as served; only the recommender is limited to the pool.
 */
export interface WishFixture {
  /** The films the recommender can pick from. */
  pool: Item[]
  /** A fresh chat: understanding over the whole catalogue (as served), recommending from the pool. */
  chat(): Promise<ChatEngine>
  /** The pool's films a rule makes relevant, by the data folder's facts (the wish benchmark's resolver). */
  relevant(rule: WishRule): Set<ItemId>
  /** The pool film whose title and year match. */
  byTitle(title: string, year: number): Item | undefined
  close(): Promise<void>
}

export interface WishFixtureOptions {
  /** How many of the most popular films join the pool (`Infinity`: all). */
  popular: number
  /** Rules whose relevant films all join the pool. */
  rules: readonly WishRule[]
  /** Films (title, year) that join the pool whatever their popularity. */
  keep: readonly (readonly [string, number])[]
}

export async function createWishFixture(dataDir: string, options: WishFixtureOptions): Promise<WishFixture> {
  // The blend as served: CONCIERGE_BLEND applies, so a deliberately broken blend shows in these tests.
  const config = loadConfig({ ...process.env, CONCIERGE_DATA_DIR: dataDir, CONCIERGE_DATASET: 'ml-latest-small' })
  const { catalog, popularity } = await loadTrainingCatalog(config)
  const facts = await loadWishFacts(dataDir, 'ml-latest-small')
  const pool = choosePool(catalog.items, popularity, facts.items, options)
  const poolIds = new Set(pool.map((i) => i.id))
  const { index, embedder, factMeanings } = await embedPool(pool, config.indexesDir)
  const recommender = await createRecommender({
    items: pool,
    index,
    embedder,
    collab: poolCollab(catalog.interactions, poolIds, config.collab.positiveThreshold),
    popularity: new Map(pool.map((i) => [i.id, popularity.get(i.id) ?? 0])),
    logger: silentLogger,
    weights: config.blend,
    factMeanings,
    // The film profile's search words and the other names of the pool's tags, as the served recommender reads the
    // profile's and those a build's tables hold for its items.
    vocabulary: [...loadDomainProfile('movies').searchWords, ...thesaurusWords(factNamesOf(pool), loadWordNet())],
  })
  return {
    pool,
    chat: async () =>
      createChat({
        items: catalog.items,
        recommender,
        store: await createMemoryStore(),
        logger: silentLogger,
        popularity,
      }),
    relevant: (rule) => new Set([...resolveRule(facts.items, rule)].filter((id) => poolIds.has(id))),
    byTitle: (title, year) => pool.find((i) => i.title === title && i.year === year),
    close: async () => {
      await recommender.close()
      await index.close()
      await embedder.close()
    },
  }
}

function choosePool(
  items: readonly Item[],
  popularity: ReadonlyMap<ItemId, number>,
  facts: readonly ItemFacts[],
  options: WishFixtureOptions,
): Item[] {
  const ranked = [...items].sort((a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0) || a.id.localeCompare(b.id))
  const chosen = new Set(ranked.slice(0, options.popular).map((i) => i.id))
  for (const rule of options.rules) for (const id of resolveRule(facts, rule)) chosen.add(id)
  for (const [title, year] of options.keep) {
    const item = items.find((i) => i.title === title && i.year === year)
    if (!item) throw new Error(`wish fixture: ${title} (${year}) is not in the catalogue`)
    chosen.add(item.id)
  }
  return items.filter((i) => chosen.has(i.id))
}

/**
 * The pool's vectors and an exact index over them. Vectors depend only on the encoder and the text, so they come
 * from the test cache (kept across runs), else from a build's embedding cache (`<indexesDir>/.embedding-cache`, read
 * only: the demo build's holds every film), else from the encoder.
 */
async function embedPool(
  pool: readonly Item[],
  indexesDir: string,
): Promise<{ index: VectorIndex; embedder: Embedder; factMeanings: FactMeanings }> {
  // A first run without any cache embeds ~4,100 films: in the rebuild's worker pool (two workers), not on this thread.
  const embedder = await createUseEmbedder({ batchSize: 32, workers: 2, bulkAbove: 64, logger: silentLogger })
  const texts = pool.map((i) => itemText(i))
  // The same vector cache as the other chat tests: later runs embed nothing.
  const cache = await createEmbeddingCache(join(tmpdir(), 'concierge-test-embeddings'))
  await seedFromBuild(cache, embedder, texts, join(indexesDir, '.embedding-cache'))
  const { vectors } = await embedWithCache(embedder, texts, cache)
  // The facts' names embedded as a build embeds them, so the wish's meaning votes as it does when served.
  const factMeanings = await factMeaningsOf(
    pool,
    vectors,
    async (names) => (await embedWithCache(embedder, names, cache)).vectors,
  )
  await cache.close()
  const index = await buildIndex(
    pool.map((i) => i.id),
    vectors,
    { kind: 'exact' },
  )
  return { index, embedder, factMeanings }
}

/** Copies into `cache` the vectors it lacks that a build's cache in `buildCacheDir` holds (never written to). */
async function seedFromBuild(cache: EmbeddingCache, embedder: Embedder, texts: string[], buildCacheDir: string) {
  if (!existsSync(buildCacheDir)) return
  const have = await cache.lookup(embedder.id, embedder.dimension, texts)
  const missing = texts.filter((_, i) => !have[i])
  if (missing.length === 0) return
  const built = await createEmbeddingCache(buildCacheDir)
  const found = await built.lookup(embedder.id, embedder.dimension, missing)
  const seeded = missing.flatMap((text, i) => (found[i] ? [{ text, vector: found[i] }] : []))
  await cache.store(
    embedder.id,
    embedder.dimension,
    seeded.map((s) => s.text),
    seeded.map((s) => s.vector),
  )
}

/**
 * A collaborative scorer over the pool, so the blend weighs its parts as with the demo build's model (without one,
 * the text part takes `semanticAlone`). A one-turn wish has no fold-in, so the model's scores do not enter it.
 */
function poolCollab(
  interactions: Parameters<typeof positivesByUser>[0],
  poolIds: ReadonlySet<ItemId>,
  threshold: number,
): CollabScorer {
  const users = [...positivesByUser(interactions, threshold).values()]
    .map((items) => ({ items: items.filter((id) => poolIds.has(id)) }))
    .filter((u) => u.items.length > 0)
  return fitBaseline('popularity', users)
}
