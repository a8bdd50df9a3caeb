import { AppError } from '../core/index.ts'
import type { ScoredCandidate } from './types.ts'

/** One ranking decision: a scored candidate pool and which of its candidates were the right answers. */
export interface FitGroup {
  pool: readonly ScoredCandidate[]
  /** Indices into `pool` of the targets (targets outside the pool cannot be learned from and are left out). */
  positives: readonly number[]
}

export interface FitOptions {
  /** Full-batch Adam steps (default 300). */
  iterations?: number
  learningRate?: number
  /** L2 penalty on the standardised weights (default 0.001). */
  l2?: number
}

/**
 * Fits blend weights to logged decisions: a linear softmax ranker over the score parts named in `keys` (each
 * group's targets against the rest of its pool), the parts standardised over all candidates while fitting, the
 * result given back on the parts' own scale. Only ratios matter to a ranking; callers usually rescale.
 * Throws `input.invalid` without a group that has a target in its pool, or for a part missing from a candidate.
 */
export function fitBlend(groups: readonly FitGroup[], keys: readonly string[], options: FitOptions = {}): Record<string, number> {
  const usable = groups.filter((g) => g.positives.length > 0 && g.pool.length > 1)
  if (usable.length === 0) throw new AppError('input.invalid', 'fitBlend needs at least one group with a target in its pool.')
  const p = keys.length
  const matrices = usable.map((g) => partsMatrix(g.pool, keys))
  // Standardise over all candidates so one learning rate suits parts of any scale.
  const mean = new Float64Array(p)
  const std = new Float64Array(p)
  let n = 0
  for (const m of matrices) {
    for (let r = 0; r < m.length / p; r++) for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) + (m[r * p + j] as number)
    n += m.length / p
  }
  for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) / n
  for (const m of matrices) {
    for (let r = 0; r < m.length / p; r++)
      for (let j = 0; j < p; j++) std[j] = (std[j] as number) + ((m[r * p + j] as number) - (mean[j] as number)) ** 2
  }
  for (let j = 0; j < p; j++) std[j] = Math.sqrt((std[j] as number) / n) || 1
  for (const m of matrices) {
    for (let r = 0; r < m.length / p; r++)
      for (let j = 0; j < p; j++) m[r * p + j] = ((m[r * p + j] as number) - (mean[j] as number)) / (std[j] as number)
  }

  const iterations = options.iterations ?? 300
  const rate = options.learningRate ?? 0.05
  const l2 = options.l2 ?? 1e-3
  const w = new Float64Array(p)
  const m1 = new Float64Array(p)
  const m2 = new Float64Array(p)
  const grad = new Float64Array(p)
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0)
    usable.forEach((g, gi) => {
      const x = matrices[gi] as Float64Array
      const rows = x.length / p
      const s = linearScores(x, w)
      let max = Number.NEGATIVE_INFINITY
      for (const v of s) if (v > max) max = v
      let z = 0
      for (let r = 0; r < rows; r++) {
        s[r] = Math.exp((s[r] as number) - max)
        z += s[r] as number
      }
      // d(−Σ log softmax[pos]) / dw = |pos|·E_softmax[x] − Σ x[pos]
      const k = g.positives.length
      for (let r = 0; r < rows; r++) {
        const share = (k * (s[r] as number)) / z
        for (let j = 0; j < p; j++) grad[j] = (grad[j] as number) + share * (x[r * p + j] as number)
      }
      for (const r of g.positives) for (let j = 0; j < p; j++) grad[j] = (grad[j] as number) - (x[r * p + j] as number)
    })
    for (let j = 0; j < p; j++) {
      const gj = (grad[j] as number) / usable.length + l2 * (w[j] as number)
      m1[j] = 0.9 * (m1[j] as number) + 0.1 * gj
      m2[j] = 0.999 * (m2[j] as number) + 0.001 * gj * gj
      const step = (m1[j] as number) / (1 - 0.9 ** t) / (Math.sqrt((m2[j] as number) / (1 - 0.999 ** t)) + 1e-8)
      w[j] = (w[j] as number) - rate * step
    }
  }
  return Object.fromEntries(keys.map((key, j) => [key, (w[j] as number) / (std[j] as number)]))
}

/**
 * How many targets a linear blend of the parts ranks within each cutoff: `hits[i]` for `cutoffs[i]`, over every
 * target of `groups` (`targets`, including those outside their pool, which never count as found).
 */
export function rankTargets(
  groups: readonly (FitGroup & { targets: number })[],
  weights: Readonly<Record<string, number>>,
  cutoffs: readonly number[],
): { targets: number; hits: number[] } {
  const keys = Object.keys(weights)
  const w = Float64Array.from(keys, (key) => weights[key] as number)
  const hits = cutoffs.map(() => 0)
  let targets = 0
  for (const g of groups) {
    targets += g.targets
    const score = linearScores(partsMatrix(g.pool, keys), w)
    for (const pos of g.positives) {
      // Rank = how many score higher (ties count in the target's favour, like a stable sort from the pool order).
      let rank = 0
      for (let r = 0; r < score.length; r++) {
        if ((score[r] as number) > (score[pos] as number) || (score[r] === score[pos] && r < pos)) rank++
      }
      cutoffs.forEach((c, i) => {
        if (rank < c) hits[i] = (hits[i] as number) + 1
      })
    }
  }
  return { targets, hits }
}

/** `x · w` for each row of a row-major matrix with `w.length` columns. */
function linearScores(x: Float64Array, w: Float64Array): Float64Array {
  const p = w.length
  const out = new Float64Array(x.length / p)
  for (let r = 0; r < out.length; r++) {
    let v = 0
    for (let j = 0; j < p; j++) v += (w[j] as number) * (x[r * p + j] as number)
    out[r] = v
  }
  return out
}

function partsMatrix(pool: readonly ScoredCandidate[], keys: readonly string[]): Float64Array {
  const p = keys.length
  const out = new Float64Array(pool.length * p)
  pool.forEach((c, r) => {
    keys.forEach((key, j) => {
      const v = c.parts[key]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new AppError('input.invalid', `Candidate ${c.id} has no finite score part "${key}".`, { details: { key } })
      }
      out[r * p + j] = v
    })
  })
  return out
}
