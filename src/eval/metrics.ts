/**
 * Ranking metrics for one user. `ranked` is the top of the ranking (item indices or ids, best first), at least
 * K long when that many candidates exist; `relevant` the held-out items.
 */

/** Recall@K normalised by min(K, |relevant|) (Liang et al. 2018), so a perfect ranking scores 1. */
export function recallAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) return 0
  let hits = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i] as T)) hits++
  return hits / Math.min(k, relevant.size)
}

/** NDCG@K with binary relevance: DCG = Σ 1/log2(rank+1) over hits, divided by the ideal DCG of min(K, |relevant|) hits. */
export function ndcgAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  if (relevant.size === 0) return 0
  let dcg = 0
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i] as T)) dcg += 1 / Math.log2(i + 2)
  let ideal = 0
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2)
  return dcg / ideal
}

/** Hit rate@K: 1 when any relevant item is in the top K, else 0. */
export function hitRateAtK<T>(ranked: readonly T[], relevant: ReadonlySet<T>, k: number): number {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i] as T)) return 1
  return 0
}

export interface MeanInterval {
  mean: number
  /** Half-width of the 95% normal interval of the mean (1.96 · standard error). */
  halfWidth: number
  n: number
}

/** Mean over users with a 95% interval (normal approximation, sample standard deviation). */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length
  if (n === 0) return { mean: 0, halfWidth: 0, n: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / n
  if (n === 1) return { mean, halfWidth: 0, n }
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
  return { mean, halfWidth: 1.96 * Math.sqrt(variance / n), n }
}

/**
 * Indices of the k highest scores, best first, skipping `exclude` (e.g. items already folded in).
 * Ties keep the lower index first, so rankings are deterministic.
 */
export function topK(scores: Float32Array, k: number, exclude?: ReadonlySet<number>): number[] {
  const heapIdx: number[] = []
  // A min-heap on (score, −index) of size k.
  const worse = (a: number, b: number) => {
    const sa = scores[a] as number
    const sb = scores[b] as number
    return sa < sb || (sa === sb && a > b)
  }
  const siftUp = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!worse(heapIdx[i] as number, heapIdx[p] as number)) break
      ;[heapIdx[i], heapIdx[p]] = [heapIdx[p] as number, heapIdx[i] as number]
      i = p
    }
  }
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heapIdx.length && worse(heapIdx[l] as number, heapIdx[m] as number)) m = l
      if (r < heapIdx.length && worse(heapIdx[r] as number, heapIdx[m] as number)) m = r
      if (m === i) return
      ;[heapIdx[i], heapIdx[m]] = [heapIdx[m] as number, heapIdx[i] as number]
      i = m
    }
  }
  for (let j = 0; j < scores.length; j++) {
    if (exclude?.has(j)) continue
    if (Number.isNaN(scores[j])) continue
    if (heapIdx.length < k) {
      heapIdx.push(j)
      siftUp(heapIdx.length - 1)
    } else if (k > 0 && worse(heapIdx[0] as number, j)) {
      heapIdx[0] = j
      siftDown(0)
    }
  }
  return heapIdx.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
}
