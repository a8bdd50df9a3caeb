import { itemText } from '../catalog/index.ts'
import { type Embedder, type Item, type ItemId, type Logger, silentLogger } from '../core/index.ts'
import type { LoadedIndex } from '../index/index.ts'
import { appendChanges, applyChange, type LiveChange, type LiveState, readLiveState, withLiveItems } from './log.ts'
import { overlayIndex, unitVector } from './overlay-index.ts'

/** The live catalogue as a server offers it (`POST /v1/items`, `DELETE /v1/items/{id}`): stored, then served at once. */
export interface LiveItems {
  /** Embeds, stores and serves the items (new ids are added, known ones replaced). */
  upsert(items: readonly Item[]): Promise<{ upserted: number }>
  /** Stores the deletion and stops recommending the item; `not_found` when no such item is served. */
  remove(id: ItemId): Promise<void>
}

/** Items added, replaced or deleted while serving, kept in `indexes/live-items.jsonl` until the next rebuild reads them. */
export interface LiveCatalogue {
  /** Embeds the items (so a failing encoder stores nothing), stores the change on disk, then applies it. */
  upsert(items: readonly Item[], embedder: Embedder): Promise<void>
  /** Stores the deletion on disk, then applies it. */
  remove(id: ItemId): Promise<void>
  /** A build's items and index with the changes on top; embeds upserted items this encoder has no vectors for yet. */
  view(items: readonly Item[], index: LoadedIndex, embedder: Embedder): Promise<{ items: Item[]; index: LoadedIndex }>
}

/** A long embedding call says how far it got this often (a 1,000-item upsert takes tens of seconds). */
const PROGRESS_EVERY_MS = 5000

export async function openLiveCatalogue(indexesDir: string, deps: { logger?: Logger } = {}): Promise<LiveCatalogue> {
  const logger = deps.logger ?? silentLogger
  const state: LiveState = await readLiveState(indexesDir)
  // Vectors of upserted items for one encoder (a build with another encoder embeds them again).
  let vectors = { encoderId: '', byId: new Map<ItemId, Float32Array>() }

  const embed = async (items: readonly Item[], embedder: Embedder): Promise<Map<ItemId, Float32Array>> => {
    const embedded = items.length > 0 ? await embedder.embed(items.map(itemText), { onProgress: progressLog(logger) }) : []
    return new Map(items.map((item, i) => [item.id, unitVector(embedded[i] as Float32Array)]))
  }
  const keep = (embedder: Embedder, fresh: Map<ItemId, Float32Array>) => {
    if (vectors.encoderId !== embedder.id) vectors = { encoderId: embedder.id, byId: new Map() }
    for (const [id, vector] of fresh) vectors.byId.set(id, vector)
  }
  const record = async (changes: LiveChange[]) => {
    await appendChanges(indexesDir, changes)
    for (const change of changes) applyChange(state, change)
  }

  return {
    async upsert(items, embedder) {
      const started = performance.now()
      const fresh = await embed(items, embedder)
      const embedded = performance.now()
      await record(items.map((item) => ({ op: 'upsert', item })))
      keep(embedder, fresh)
      logger.info('live items stored', {
        items: items.length,
        seconds: { embed: secondsBetween(started, embedded), store: secondsBetween(embedded, performance.now()) },
      })
    },
    async remove(id) {
      await record([{ op: 'delete', id }])
      vectors.byId.delete(id)
    },
    async view(items, index, embedder) {
      // A build made after the change already holds the item as it is now (the rebuild read the change): its
      // own vector serves, and the item need not be embedded again at every start.
      const inBuild = new Map(items.map((item) => [item.id, item]))
      const upserted = [...state.upserts.values()].filter((item) => !sameItem(item, inBuild.get(item.id)))
      const known = vectors.encoderId === embedder.id ? vectors.byId : new Map<ItemId, Float32Array>()
      keep(
        embedder,
        await embed(
          upserted.filter((item) => !known.has(item.id)),
          embedder,
        ),
      )
      const added = new Map(upserted.map((item) => [item.id, vectors.byId.get(item.id) as Float32Array]))
      const hidden = new Set([...state.deleted, ...added.keys()])
      return { items: withLiveItems(items, state), index: overlayIndex(index, added, hidden) }
    },
  }
}

/** Same catalogue content (metadata key order aside). */
function sameItem(a: Item, b: Item | undefined): boolean {
  return b !== undefined && itemKey(a) === itemKey(b)
}

function itemKey(item: Item): string {
  const metadata = Object.keys(item.metadata)
    .sort()
    .map((k) => [k, item.metadata[k]])
  const { id, title, description, tags, categories } = item
  return JSON.stringify([id, title, description, tags, categories, item.year ?? null, item.imageUrl ?? null, metadata])
}

/** Logs `done` of `total` items embedded at most every PROGRESS_EVERY_MS, with the rate so far. */
function progressLog(logger: Logger): (done: number, total: number) => void {
  const started = performance.now()
  let logged = started
  return (done, total) => {
    const now = performance.now()
    if (done === total || now - logged < PROGRESS_EVERY_MS) return
    logged = now
    const itemsPerSecond = Math.round((done / ((now - started) / 1000)) * 10) / 10
    logger.info('live items embedding', { done, total, itemsPerSecond })
  }
}

function secondsBetween(from: number, to: number): number {
  return Math.round(to - from) / 1000
}
