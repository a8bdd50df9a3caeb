import { AppError, type ItemId, type SearchHit } from '../core/index.ts'

/**
 * The item vectors of an index: ids in insertion order and their unit vectors in one contiguous
 * Float32Array (row i = label i). Shared by the exact index, the HNSW fallback and `vector(id)`.
 */
export interface VectorTable {
  readonly ids: readonly ItemId[]
  readonly labels: ReadonlyMap<ItemId, number>
  readonly data: Float32Array
  readonly dimension: number
}

export function createVectorTable(ids: readonly ItemId[], data: Float32Array, dimension: number): VectorTable {
  const labels = new Map<ItemId, number>()
  ids.forEach((id, label) => {
    if (labels.has(id)) {
      throw new AppError('input.invalid', `Duplicate item id "${id}" at position ${label}`, { details: { id, position: label } })
    }
    labels.set(id, label)
  })
  return { ids, labels, data, dimension }
}

/** Copies the given vectors into one unit-normalised block, refusing wrong lengths and non-finite values. */
export function packVectors(ids: readonly ItemId[], vectors: readonly Float32Array[]): { data: Float32Array; dimension: number } {
  if (ids.length !== vectors.length) {
    throw new AppError('input.invalid', `Got ${ids.length} ids but ${vectors.length} vectors`, {
      details: { ids: ids.length, vectors: vectors.length },
    })
  }
  const first = vectors[0]
  if (!first || first.length === 0) {
    throw new AppError('input.invalid', 'Cannot build an index without items (or with zero-length vectors)', {
      details: { items: ids.length },
    })
  }
  const dimension = first.length
  const data = new Float32Array(ids.length * dimension)
  vectors.forEach((v, i) => {
    if (v.length !== dimension) {
      throw new AppError('input.invalid', `Vector of item "${ids[i]}" has length ${v.length}, expected ${dimension}`, {
        details: { id: ids[i], position: i, length: v.length, expected: dimension },
      })
    }
    let sq = 0
    for (let j = 0; j < dimension; j++) {
      const x = v[j] as number
      if (!Number.isFinite(x)) {
        throw new AppError('input.invalid', `Vector of item "${ids[i]}" holds a non-finite value at ${j}`, {
          details: { id: ids[i], position: i, component: j },
        })
      }
      sq += x * x
    }
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0
    const base = i * dimension
    for (let j = 0; j < dimension; j++) data[base + j] = (v[j] as number) * scale
  })
  return { data, dimension }
}

/** A unit-length copy of a query, checked for length and finiteness. */
export function normalizeQuery(query: Float32Array, dimension: number): Float32Array {
  if (!(query instanceof Float32Array) || query.length !== dimension) {
    throw new AppError('input.invalid', `Query vector has length ${query?.length}, the index expects ${dimension}`, {
      details: { length: query?.length, expected: dimension },
    })
  }
  let sq = 0
  for (let j = 0; j < dimension; j++) {
    const x = query[j] as number
    if (!Number.isFinite(x)) {
      throw new AppError('input.invalid', `Query vector holds a non-finite value at ${j}`, { details: { component: j } })
    }
    sq += x * x
  }
  const out = new Float32Array(dimension)
  if (sq === 0) return out
  const scale = 1 / Math.sqrt(sq)
  for (let j = 0; j < dimension; j++) out[j] = (query[j] as number) * scale
  return out
}

/** A copy of row `label`. */
export function rowOf(table: VectorTable, label: number): Float32Array {
  const d = table.dimension
  return table.data.slice(label * d, (label + 1) * d)
}

/**
 * Exact top-k by dot product over the rows whose mask byte is 1 (all rows without a mask).
 * Ties go to the lower label so results are deterministic.
 */
export function exactTopK(table: VectorTable, q: Float32Array, k: number, mask?: Uint8Array): SearchHit[] {
  const n = table.ids.length
  const d = table.dimension
  const data = table.data
  if (k <= 0 || n === 0) return []
  // A bounded min-heap of (score, label): the root is the weakest hit kept so far.
  const heapScore = new Float64Array(k)
  const heapLabel = new Int32Array(k)
  let size = 0
  const worse = (a: number, b: number) =>
    (heapScore[a] as number) < (heapScore[b] as number) ||
    (heapScore[a] === heapScore[b] && (heapLabel[a] as number) > (heapLabel[b] as number))
  const swap = (a: number, b: number) => {
    const s = heapScore[a] as number
    heapScore[a] = heapScore[b] as number
    heapScore[b] = s
    const l = heapLabel[a] as number
    heapLabel[a] = heapLabel[b] as number
    heapLabel[b] = l
  }
  const siftDown = (start: number) => {
    let i = start
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < size && worse(l, m)) m = l
      if (r < size && worse(r, m)) m = r
      if (m === i) return
      swap(i, m)
      i = m
    }
  }
  for (let label = 0; label < n; label++) {
    if (mask && mask[label] !== 1) continue
    let s = 0
    const base = label * d
    for (let j = 0; j < d; j++) s += (q[j] as number) * (data[base + j] as number)
    if (size < k) {
      heapScore[size] = s
      heapLabel[size] = label
      let i = size++
      while (i > 0) {
        const p = (i - 1) >> 1
        if (!worse(i, p)) break
        swap(i, p)
        i = p
      }
    } else if (s > (heapScore[0] as number)) {
      heapScore[0] = s
      heapLabel[0] = label
      siftDown(0)
    }
  }
  const hits: { label: number; score: number }[] = []
  for (let i = 0; i < size; i++) hits.push({ label: heapLabel[i] as number, score: heapScore[i] as number })
  hits.sort((a, b) => b.score - a.score || a.label - b.label)
  return hits.map((h) => ({ id: table.ids[h.label] as ItemId, score: h.score }))
}
