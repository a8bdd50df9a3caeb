import type { ItemId, SearchHit } from '../core/index.ts'
import type { LoadedIndex } from '../index/index.ts'

/** Above this many hidden base items a search filters them out inside the index instead of over-fetching. */
const OVERFETCH_HIDDEN_MAX = 200

/**
 * A build's index with live changes on top, without touching the build: `added` vectors (unit length, searched
 * exactly) are returned beside the base's hits, and `hidden` base items (deleted, or replaced by a newer
 * version in `added`) are never returned. Closing it leaves the base open: the build owns it.
 */
export function overlayIndex(
  base: LoadedIndex,
  added: ReadonlyMap<ItemId, Float32Array>,
  hidden: ReadonlySet<ItemId>,
): LoadedIndex {
  const hiddenInBase = [...hidden].filter((id) => base.has(id)).length
  const baseSearch = (query: Float32Array, k: number, filter?: (id: ItemId) => boolean): SearchHit[] => {
    if (hiddenInBase === 0) return base.search(query, k, filter)
    if (filter || hiddenInBase > OVERFETCH_HIDDEN_MAX) {
      return base.search(query, k, (id) => !hidden.has(id) && (!filter || filter(id)))
    }
    return base
      .search(query, k + hiddenInBase)
      .filter((hit) => !hidden.has(hit.id))
      .slice(0, k)
  }
  const addedSearch = (query: Float32Array, filter?: (id: ItemId) => boolean): SearchHit[] => {
    const length = norm(query) || 1
    const hits: SearchHit[] = []
    for (const [id, vector] of added) {
      if (filter && !filter(id)) continue
      let dot = 0
      for (let j = 0; j < vector.length; j++) dot += (vector[j] as number) * (query[j] as number)
      hits.push({ id, score: dot / length })
    }
    return hits
  }
  return {
    kind: base.kind,
    dimension: base.dimension,
    manifest: base.manifest,
    size: base.size - hiddenInBase + added.size,
    setEfSearch: (ef) => base.setEfSearch(ef),
    search(query, k, filter) {
      if (added.size === 0) return baseSearch(query, k, filter)
      const hits = [...baseSearch(query, k, filter), ...addedSearch(query, filter)]
      return hits.sort((a, b) => b.score - a.score).slice(0, k)
    },
    vector: (id) => added.get(id) ?? (hidden.has(id) ? undefined : base.vector(id)),
    has: (id) => added.has(id) || (!hidden.has(id) && base.has(id)),
    close: async () => {},
  }
}

/** The vector scaled to unit length (a zero vector stays zero). */
export function unitVector(vector: Float32Array): Float32Array {
  const length = norm(vector) || 1
  return vector.map((x) => x / length)
}

function norm(vector: Float32Array): number {
  let sq = 0
  for (const x of vector) sq += x * x
  return Math.sqrt(sq)
}
