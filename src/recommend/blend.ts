import { dot, norm } from '../core/index.ts'

const Z_CLIP = 6

/**
 * z-scores of `values` with a floor on the standard deviation, clipped to ±6 (only extreme outliers). The floor keeps a part whose raw
 * spread is tiny (a vague text that matches everything a little) from being stretched to the same scale as a
 * discriminating one, so weights keep their meaning. Constant input gives zeros.
 */
export function zScores(values: Float64Array, minStd: number): Float64Array {
  const n = values.length
  const out = new Float64Array(n)
  if (n === 0) return out
  let mean = 0
  for (const v of values) mean += v
  mean /= n
  let variance = 0
  for (const v of values) variance += (v - mean) ** 2
  const std = Math.sqrt(variance / n)
  if (std === 0) return out
  const scale = Math.max(std, minStd)
  for (let i = 0; i < n; i++) out[i] = Math.max(-Z_CLIP, Math.min(Z_CLIP, ((values[i] as number) - mean) / scale))
  return out
}

/**
 * Maximal marginal relevance: picks `k` of the candidates, each time the one maximising
 * λ·relevance − (1 − λ)·(max cosine to those already picked). Relevance is min–max scaled to [0, 1] first.
 * Candidates without a vector count as dissimilar to everything. Returns indices into `relevance`, in pick order.
 */
export function mmrSelect(
  relevance: readonly number[],
  vectors: readonly (Float32Array | undefined)[],
  k: number,
  lambda: number,
): number[] {
  const n = relevance.length
  if (n === 0 || k <= 0) return []
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const r of relevance) {
    lo = Math.min(lo, r)
    hi = Math.max(hi, r)
  }
  const span = hi - lo
  const rel = relevance.map((r) => (span > 0 ? (r - lo) / span : 1))
  const maxSim = new Float64Array(n).fill(0)
  const picked: number[] = []
  const taken = new Uint8Array(n)
  while (picked.length < Math.min(k, n)) {
    let best = -1
    let bestScore = Number.NEGATIVE_INFINITY
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue
      const score = lambda * (rel[i] as number) - (picked.length ? (1 - lambda) * (maxSim[i] as number) : 0)
      if (score > bestScore) {
        bestScore = score
        best = i
      }
    }
    if (best < 0) break
    picked.push(best)
    taken[best] = 1
    const v = vectors[best]
    if (!v) continue
    for (let i = 0; i < n; i++) {
      const u = vectors[i]
      if (taken[i] || !u) continue
      const s = dot(u, v)
      if (s > (maxSim[i] as number)) maxSim[i] = s
    }
  }
  return picked
}

/** Mean pairwise cosine of a list of unit vectors (lower = more diverse); 0 for fewer than two. */
export function intraListSimilarity(vectors: readonly Float32Array[]): number {
  let sum = 0
  let pairs = 0
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      sum += dot(vectors[i] as Float32Array, vectors[j] as Float32Array)
      pairs++
    }
  }
  return pairs ? sum / pairs : 0
}

/** Mean and (population) standard deviation. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length
  if (n === 0) return { mean: 0, std: 0 }
  let mean = 0
  for (let i = 0; i < n; i++) mean += values[i] as number
  mean /= n
  let variance = 0
  for (let i = 0; i < n; i++) variance += ((values[i] as number) - mean) ** 2
  return { mean, std: Math.sqrt(variance / n) }
}

/**
 * Cosines of `u` with many vectors whose norms are already known (norms once, then one dot each); undefined where a
 * vector is missing.
 */
export function cosinesTo(
  u: Float32Array,
  vectors: readonly (Float32Array | undefined)[],
  norms: readonly number[],
): (number | undefined)[] {
  const nu = norm(u)
  return vectors.map((v, i) => {
    if (!v) return undefined
    const d = nu * (norms[i] as number)
    return d === 0 ? 0 : dot(u, v) / d
  })
}
