import { seededRandom } from '../core/index.ts'

function gaussian(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

export interface ClusteredVectorsOptions {
  count: number
  dimension: number
  clusters: number
  seed?: number
  /** Size of the within-cluster spread relative to the unit centre; each cluster draws [0.5, 1.5] × this. Default 1. */
  spread?: number
  /**
   * Directions each cluster varies along (with decaying variance), plus a little isotropic noise. Real text
   * embeddings have a low intrinsic dimension like this. 0 gives isotropic clusters: the hardest case for
   * HNSW, where every point of a cluster is nearly equidistant from a query. Default 16.
   */
  rank?: number
}

/**
 * Unit vectors drawn around `clusters` random centres with uneven cluster sizes and spreads, each cluster
 * varying along a few directions of its own: closer to real text embeddings (topical clumps of varying
 * tightness, low intrinsic dimension) than uniform noise.
 */
export function clusteredUnitVectors(options: ClusteredVectorsOptions): Float32Array[] {
  const { count, dimension, clusters } = options
  const random = seededRandom(options.seed ?? 42)
  const spread = options.spread ?? 1
  const rank = Math.min(options.rank ?? 16, dimension)
  const randomUnit = () => {
    const v = new Float32Array(dimension)
    for (let j = 0; j < dimension; j++) v[j] = gaussian(random)
    return unit(v)
  }
  const centres: Float32Array[] = []
  const bases: Float32Array[][] = []
  const spreads: number[] = []
  const weights: number[] = []
  for (let c = 0; c < clusters; c++) {
    centres.push(randomUnit())
    bases.push(Array.from({ length: rank }, randomUnit))
    spreads.push(spread * (0.5 + random()))
    weights.push(1 / (c + 1))
  }
  // Variance decays along a cluster's directions; the isotropic rest carries 5% of the spread (all of it at rank 0).
  const scales = Array.from({ length: rank }, (_, r) => 1 / Math.sqrt(r + 1))
  const scaleNorm = Math.sqrt(scales.reduce((a, b) => a + b * b, 0)) || 1
  const isotropic = rank === 0 ? 1 : 0.05
  const totalWeight = weights.reduce((a, b) => a + b, 0)
  const out: Float32Array[] = []
  for (let i = 0; i < count; i++) {
    let pick = random() * totalWeight
    let c = 0
    while (c < clusters - 1 && pick >= (weights[c] as number)) pick -= weights[c++] as number
    const size = spreads[c] as number
    const v = Float32Array.from(centres[c] as Float32Array)
    ;(bases[c] as Float32Array[]).forEach((direction, r) => {
      const a = (size * gaussian(random) * (scales[r] as number)) / scaleNorm
      for (let j = 0; j < dimension; j++) v[j] = (v[j] as number) + a * (direction[j] as number)
    })
    const sigma = (size * isotropic) / Math.sqrt(dimension)
    for (let j = 0; j < dimension; j++) v[j] = (v[j] as number) + sigma * gaussian(random)
    out.push(unit(v))
  }
  return out
}

function unit(v: Float32Array): Float32Array {
  let sq = 0
  for (let j = 0; j < v.length; j++) sq += (v[j] as number) ** 2
  const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0
  for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) * scale
  return v
}
