import type { CollabScorer, ItemId } from '../core/index.ts'
import { invertSpd } from './linalg.ts'
import { buildVocabulary, itemCounts, knownIndices, toRows, type UserRows } from './rows.ts'

/** An in-memory scorer over a fixed item vocabulary. */
function scorerOf(name: string, rows: UserRows, scoreCols: (cols: number[]) => Float32Array): CollabScorer {
  const index = new Map<ItemId, number>()
  rows.itemIds.forEach((id, c) => {
    index.set(id, c)
  })
  return {
    name,
    itemIds: rows.itemIds,
    score: (liked) => scoreCols(knownIndices(liked, index)),
    close: async () => {},
  }
}

/** Popularity: the number of training users with a positive on each item, whatever was liked. */
export function fitPopularity(rows: UserRows): CollabScorer {
  const counts = Float32Array.from(itemCounts(rows))
  return scorerOf('popularity', rows, () => counts.slice())
}

/** Item → users (CSC) of the training rows. */
function columns(rows: UserRows): { colptr: Int32Array; users: Int32Array } {
  const n = rows.itemIds.length
  const colptr = new Int32Array(n + 1)
  for (const c of rows.indices) colptr[c + 1] = (colptr[c + 1] as number) + 1
  for (let c = 0; c < n; c++) colptr[c + 1] = (colptr[c + 1] as number) + (colptr[c] as number)
  const fill = colptr.slice(0, n)
  const users = new Int32Array(rows.indices.length)
  for (let u = 0; u < rows.rows; u++) {
    for (let p = rows.indptr[u] as number; p < (rows.indptr[u + 1] as number); p++) {
      const c = rows.indices[p] as number
      users[fill[c] as number] = u
      fill[c] = (fill[c] as number) + 1
    }
  }
  return { colptr, users }
}

/**
 * Item-kNN: cosine similarity between item columns of the user×item matrix, keeping the top `k` neighbours of
 * each item; a user's score for item j sums the similarity of j to each liked item.
 */
export function fitItemKnn(rows: UserRows, options: { k?: number; shrink?: number } = {}): CollabScorer {
  const k = options.k ?? 100
  const shrink = options.shrink ?? 0
  const n = rows.itemIds.length
  const counts = itemCounts(rows)
  const { colptr, users } = columns(rows)
  const nbrPtr = new Int32Array(n + 1)
  const nbrIdx: number[] = []
  const nbrSim: number[] = []
  const co = new Float64Array(n)
  const touched: number[] = []
  for (let i = 0; i < n; i++) {
    touched.length = 0
    for (let p = colptr[i] as number; p < (colptr[i + 1] as number); p++) {
      const u = users[p] as number
      for (let q = rows.indptr[u] as number; q < (rows.indptr[u + 1] as number); q++) {
        const j = rows.indices[q] as number
        if (j === i) continue
        if (co[j] === 0) touched.push(j)
        co[j] = (co[j] as number) + 1
      }
    }
    const ni = counts[i] as number
    const sims = touched.map((j) => {
      const s = (co[j] as number) / (Math.sqrt(ni * (counts[j] as number)) + shrink)
      co[j] = 0
      return [j, s] as const
    })
    sims.sort((a, b) => b[1] - a[1])
    for (const [j, s] of sims.slice(0, k)) {
      nbrIdx.push(j)
      nbrSim.push(s)
    }
    nbrPtr[i + 1] = nbrIdx.length
  }
  const idx = Int32Array.from(nbrIdx)
  const sim = Float32Array.from(nbrSim)
  return scorerOf('item-knn', rows, (cols) => {
    const out = new Float32Array(n)
    for (const i of cols) {
      for (let p = nbrPtr[i] as number; p < (nbrPtr[i + 1] as number); p++) {
        const j = idx[p] as number
        out[j] = (out[j] as number) + (sim[p] as number)
      }
    }
    return out
  })
}

/**
 * EASE (Steck, WWW 2019): B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, diag(B) = 0; scores = x·B.
 * With fewer users than items (the usual case for small catalogues) P comes from the Woodbury identity,
 * P = (I − Xᵀ K X)/λ with K = (λI + XXᵀ)⁻¹ (users × users), so the items × items matrix is never formed and
 * a fold-in costs O(users² + nnz). Otherwise P is inverted directly (items × items, O(items³)).
 */
export function fitEase(
  rows: UserRows,
  options: { lambda?: number; method?: 'auto' | 'woodbury' | 'direct' } = {},
): CollabScorer {
  const lambda = options.lambda ?? 200
  const method = options.method ?? 'auto'
  const woodbury = method === 'auto' ? rows.rows < rows.itemIds.length : method === 'woodbury'
  return woodbury ? easeWoodbury(rows, lambda) : easeDirect(rows, lambda)
}

function easeWoodbury(rows: UserRows, lambda: number): CollabScorer {
  const n = rows.itemIds.length
  const m = rows.rows
  const { indptr, indices } = rows
  // G = XXᵀ: overlaps between users' rows (sorted columns: merge).
  const g = new Float64Array(m * m)
  for (let u = 0; u < m; u++) {
    for (let v = 0; v <= u; v++) {
      let a = indptr[u] as number
      let b = indptr[v] as number
      const ae = indptr[u + 1] as number
      const be = indptr[v + 1] as number
      let s = 0
      while (a < ae && b < be) {
        const x = indices[a] as number
        const y = indices[b] as number
        if (x === y) {
          s++
          a++
          b++
        } else if (x < y) a++
        else b++
      }
      g[u * m + v] = s
      g[v * m + u] = s
    }
    g[u * m + u] = (g[u * m + u] as number) + lambda
  }
  const kInv = invertSpd(g, m)
  const { colptr, users } = columns(rows)
  // d_j = x_jᵀ K x_j, and λ·P_jj = 1 − d_j.
  const d = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    let s = 0
    for (let p = colptr[j] as number; p < (colptr[j + 1] as number); p++) {
      const ru = (users[p] as number) * m
      for (let q = colptr[j] as number; q < (colptr[j + 1] as number); q++) s += kInv[ru + (users[q] as number)] as number
    }
    d[j] = s
  }
  const q = new Float64Array(m)
  const kq = new Float64Array(m)
  return scorerOf('ease', rows, (cols) => {
    // s_j = Σ_{i∈liked, i≠j} (XᵀKX)_ij / (λ P_jj)
    q.fill(0)
    for (const i of cols) for (let p = colptr[i] as number; p < (colptr[i + 1] as number); p++) q[users[p] as number]! += 1
    for (let u = 0; u < m; u++) {
      let s = 0
      const ru = u * m
      for (let v = 0; v < m; v++) s += (kInv[ru + v] as number) * (q[v] as number)
      kq[u] = s
    }
    const out = new Float32Array(n)
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = colptr[j] as number; p < (colptr[j + 1] as number); p++) s += kq[users[p] as number] as number
      out[j] = s
    }
    for (const j of cols) out[j] = (out[j] as number) - (d[j] as number)
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) / (1 - (d[j] as number))
    return out
  })
}

function easeDirect(rows: UserRows, lambda: number): CollabScorer {
  const n = rows.itemIds.length
  const gram = new Float64Array(n * n)
  for (let u = 0; u < rows.rows; u++) {
    const start = rows.indptr[u] as number
    const end = rows.indptr[u + 1] as number
    for (let a = start; a < end; a++) {
      const ra = (rows.indices[a] as number) * n
      for (let b = start; b < end; b++) gram[ra + (rows.indices[b] as number)]! += 1
    }
  }
  for (let i = 0; i < n; i++) gram[i * n + i]! += lambda
  const p = invertSpd(gram, n)
  // B_ij = −P_ij / P_jj, diag 0; kept as float32 rows.
  const b = new Float32Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -(p[i * n + j] as number) / (p[j * n + j] as number)
  }
  return scorerOf('ease', rows, (cols) => {
    const out = new Float32Array(n)
    for (const i of cols) {
      const ri = i * n
      for (let j = 0; j < n; j++) out[j] = (out[j] as number) + (b[ri + j] as number)
    }
    return out
  })
}

/** Builds the training matrix from users' positive item lists and fits a baseline on it. */
export function fitBaseline(
  kind: 'popularity' | 'item-knn' | 'ease',
  train: ReadonlyArray<{ items: readonly ItemId[] }>,
  params: { k?: number; lambda?: number } = {},
): CollabScorer {
  const sets = train.map((t) => t.items)
  const { itemIds, index } = buildVocabulary(sets)
  const rows = toRows(sets, itemIds, index)
  if (kind === 'popularity') return fitPopularity(rows)
  if (kind === 'item-knn') return fitItemKnn(rows, params.k !== undefined ? { k: params.k } : {})
  return fitEase(rows, params.lambda !== undefined ? { lambda: params.lambda } : {})
}
