import { AppError } from '../core/index.ts'

/**
 * Inverse of a symmetric positive-definite n×n matrix (row-major Float64Array) by Cholesky:
 * A = L·Lᵀ, M = L⁻¹ column by column (forward substitution), A⁻¹ = Mᵀ·M. About n³ flops; every inner loop
 * walks contiguous memory. Throws `collab.training_failed` when A is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const ri = i * n
    for (let j = 0; j <= i; j++) {
      const rj = j * n
      let s = a[ri + j] as number
      for (let k = 0; k < j; k++) s -= (l[ri + k] as number) * (l[rj + k] as number)
      if (i === j) {
        if (!(s > 0)) throw new AppError('collab.training_failed', 'Matrix is not positive definite', { details: { row: i } })
        l[ri + i] = Math.sqrt(s)
      } else {
        l[ri + j] = s / (l[rj + j] as number)
      }
    }
  }
  // mt row j = column j of L⁻¹ (zero above j).
  const mt = new Float64Array(n * n)
  const m = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    m.fill(0)
    for (let i = j; i < n; i++) {
      const ri = i * n
      let s = i === j ? 1 : 0
      for (let k = j; k < i; k++) s -= (l[ri + k] as number) * (m[k] as number)
      m[i] = s / (l[ri + i] as number)
    }
    mt.set(m, j * n)
  }
  const inv = new Float64Array(n * n)
  for (let a0 = 0; a0 < n; a0++) {
    const ra = a0 * n
    for (let b = 0; b <= a0; b++) {
      const rb = b * n
      let s = 0
      for (let k = a0; k < n; k++) s += (mt[ra + k] as number) * (mt[rb + k] as number)
      inv[ra + b] = s
      inv[rb + a0] = s
    }
  }
  return inv
}
