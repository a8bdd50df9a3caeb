import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { itemText, loadCatalog } from '../../src/catalog/index.ts'
import { type ChatEngine, createChat } from '../../src/chat/index.ts'
import type { Catalog, Embedder, Item, ItemId, VectorIndex } from '../../src/core/index.ts'
import { silentLogger } from '../../src/core/index.ts'
import { createEmbeddingCache, createUseEmbedder, embedWithCache } from '../../src/embed/index.ts'
import { buildIndex } from '../../src/index/index.ts'
import { createRecommender, type Recommender } from '../../src/recommend/index.ts'
import { createMemoryStore, type Store } from '../../src/store/index.ts'

/** A small real runtime for chat tests: a deterministic subset of ml-latest-small, the real USE-lite encoder. */
export interface ChatFixture {
  catalog: Catalog
  items: Item[]
  popularity: Map<ItemId, number>
  embedder: Embedder
  index: VectorIndex
  recommender: Recommender
  /** A chat over the subset; `store` defaults to a fresh memory store; `items` replaces the items (same ids). */
  chat(store?: Store, items?: Item[]): Promise<ChatEngine>
  /** The subset item whose title (display form) and year match. */
  byTitle(title: string, year?: number): Item
  close(): Promise<void>
}

/** Titles the scripted conversations name, kept in the subset whatever their popularity. */
const NEEDED = [
  ['The Matrix', 1999],
  ['Alien', 1979],
  ['Aliens', 1986],
  ['Toy Story', 1995],
  ['Toy Story 2', 1999],
  ['Finding Nemo', 2003],
  ['Monsters, Inc.', 2001],
  ['Up', 2009],
  ['The Godfather', 1972],
  ['The Shining', 1980],
  ['Titanic', 1997],
  ['Scream', 1996],
  ['The Martian', 2015],
] as const

export async function createChatFixture(dataDir: string, size = 360): Promise<ChatFixture> {
  const catalog = await loadCatalog({ dataDir, dataset: 'ml-latest-small' })
  const popularity = new Map<ItemId, number>()
  for (const i of catalog.interactions) popularity.set(i.itemId, (popularity.get(i.itemId) ?? 0) + 1)
  const ranked = [...catalog.items].sort(
    (a, b) => (popularity.get(b.id) ?? 0) - (popularity.get(a.id) ?? 0) || a.id.localeCompare(b.id),
  )
  const chosen = new Map<ItemId, Item>()
  for (const [title, year] of NEEDED) {
    const item = catalog.items.find((i) => i.title === title && i.year === year)
    if (item) chosen.set(item.id, item)
  }
  // Popular items plus every animated and horror item among the top 1,500, so category filters have depth.
  for (const item of ranked.slice(0, 1500)) {
    if (chosen.size >= size) break
    if (chosen.size < size * 0.7 || item.categories.includes('Animation') || item.categories.includes('Horror')) {
      chosen.set(item.id, item)
    }
  }
  const items = [...chosen.values()].sort((a, b) => Number(a.id) - Number(b.id))
  const embedder = await createUseEmbedder({ batchSize: 32, workers: 1, bulkAbove: 1_000_000, logger: silentLogger })
  // Vectors are cached across test files and runs (same encoder, same text → same vector); a fresh clone embeds once.
  const cache = await createEmbeddingCache(join(tmpdir(), 'concierge-test-embeddings'))
  const { vectors } = await embedWithCache(
    embedder,
    items.map((i) => itemText(i)),
    cache,
  )
  await cache.close()
  const index = await buildIndex(
    items.map((i) => i.id),
    vectors,
    { kind: 'exact' },
  )
  const subsetPopularity = new Map(items.map((i) => [i.id, popularity.get(i.id) ?? 0]))
  const recommender = await createRecommender({ items, index, embedder, popularity: subsetPopularity, logger: silentLogger })
  return {
    catalog,
    items,
    popularity: subsetPopularity,
    embedder,
    index,
    recommender,
    chat: async (store, replaced) =>
      createChat({
        items: replaced ?? items,
        recommender: replaced
          ? await createRecommender({ items: replaced, index, embedder, popularity: subsetPopularity, logger: silentLogger })
          : recommender,
        store: store ?? (await createMemoryStore()),
        logger: silentLogger,
        popularity: subsetPopularity,
      }),
    byTitle(title, year) {
      const item = items.find((i) => i.title === title && (year === undefined || i.year === year))
      if (!item) throw new Error(`fixture: ${title} is not in the subset`)
      return item
    },
    close: async () => {
      await recommender.close()
      await index.close()
      await embedder.close()
    },
  }
}
