/** Dot product of two vectors of equal length. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a))
}

/** Returns a unit-length copy (a zero vector stays zero). */
export function normalize(a: Float32Array): Float32Array {
  const n = norm(a)
  const out = new Float32Array(a.length)
  if (n === 0) return out
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) / n
  return out
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  const d = norm(a) * norm(b)
  return d === 0 ? 0 : dot(a, b) / d
}

/** Weighted mean of vectors (weights default to 1), normalised to unit length. */
export function meanVector(vectors: readonly Float32Array[], weights?: readonly number[]): Float32Array | undefined {
  const first = vectors[0]
  if (!first) return undefined
  const out = new Float32Array(first.length)
  vectors.forEach((v, j) => {
    const w = weights?.[j] ?? 1
    for (let i = 0; i < v.length; i++) out[i] = (out[i] as number) + w * (v[i] as number)
  })
  return normalize(out)
}
