import { existsSync } from 'node:fs'
import { type Catalog, createFingerprint, type Interaction } from '../core/index.ts'
import { createStore, type Store, type StoreConfig, type StoredInteraction } from '../store/index.ts'

/** Training users from the store are kept apart from the catalogue's own users (MovieLens "1" is not widget "1"). */
export const STORE_USER_PREFIX = 'store:'

/** The catalogue with what people did in the running service appended, and how many interactions that added. */
export interface CatalogWithStore {
  catalog: Catalog
  /** Stored interactions that went into training (those naming an item the catalogue no longer has are left out). */
  storeInteractions: number
}

/**
 * Appends the store's interactions (feedback from the widget and Slack, accepted recommendations, events API) to the
 * catalogue a rebuild trains on. A forgotten user's interactions were deleted by the forget, so they never reach
 * here. The fingerprint covers them, so a rebuild retrains when people did something new.
 */
export function withStoreInteractions(catalog: Catalog, stored: readonly StoredInteraction[]): CatalogWithStore {
  const known = new Set(catalog.items.map((item) => item.id))
  const added: Interaction[] = []
  const fp = createFingerprint()
  fp.add(catalog.fingerprint)
  for (const s of stored) {
    if (!known.has(s.itemId)) continue
    const interaction: Interaction = { userId: `${STORE_USER_PREFIX}${s.userId}`, itemId: s.itemId, event: s.event }
    if (s.rating !== undefined) interaction.rating = s.rating
    if (s.timestamp !== undefined) interaction.timestamp = s.timestamp
    added.push(interaction)
    fp.add(`store:${s.userId}\u0000${s.itemId}\u0000${s.event}\u0000${s.rating ?? ''}\u0000${s.timestamp ?? ''}`)
  }
  if (added.length === 0) return { catalog, storeInteractions: 0 }
  return {
    catalog: { ...catalog, interactions: [...catalog.interactions, ...added], fingerprint: fp.digest() },
    storeInteractions: added.length,
  }
}

/**
 * Every interaction of the configured store, oldest first. An SQLite store whose file does not exist yet has none
 * (and is not created by a rebuild). Throws `store.failed` when the store cannot be read.
 */
export async function readStoreInteractions(
  config: StoreConfig,
  open: (config: StoreConfig) => Promise<Store> = createStore,
): Promise<StoredInteraction[]> {
  if (!config.url && !existsSync(config.path)) return []
  const store = await open(config)
  try {
    return await store.exportInteractions()
  } finally {
    await store.close()
  }
}
