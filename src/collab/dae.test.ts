import { describe, expect, it } from 'vitest'
import { loadTf } from '../tf/index.ts'
import { DEFAULT_HYPER, fuseMembers, ndcgAt100, scoreSets, trainAutoencoder, uploadWeights } from './dae.ts'
import { buildVocabulary, toRows } from './rows.ts'

/** Two tastes over 12 items: users like a handful from one half; validation users are held back. */
function tastes(users: number, seed: number): string[][] {
  let s = seed
  const next = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
  return Array.from({ length: users }, (_, u) => {
    const base = u % 2 === 0 ? 0 : 6
    return [0, 1, 2, 3, 4, 5].filter(() => next() < 0.7).map((i) => `i${base + i}`)
  }).filter((set) => set.length >= 2)
}

/** 80 training users of the two tastes as rows, with the TF.js the tests train on. */
async function tasteRows() {
  const { tf } = await loadTf('auto')
  const train = tastes(80, 3)
  const { itemIds, index } = buildVocabulary(train)
  return { tf, train, itemIds, index, rows: toRows(train, itemIds, index) }
}

describe('autoencoder early stopping', () => {
  it('never picks or stops at an epoch before minEpochs, and keeps the best epoch after it', async () => {
    const { tf, itemIds, index, rows } = await tasteRows()
    // Validation that gets worse as the model learns (fold-in from one taste, held out from the other), so an
    // unconstrained early stop would keep epoch 1.
    const held = tastes(20, 9).map((set) => set.map((id) => index.get(id) as number))
    const other = (i: number) => index.get(`i${(Number(itemIds[i]!.slice(1)) + 6) % 12}`) as number
    const validation = { foldIn: held, heldOut: held.map((s) => [other(s[0]!)]) }
    const hyper = { ...DEFAULT_HYPER, latent: 4, batchSize: 16, maxEpochs: 8, minEpochs: 5, patience: 1 }
    const trained = await trainAutoencoder(tf, rows, hyper, { validation })
    expect(trained.history.length).toBeGreaterThanOrEqual(5)
    expect(trained.bestEpoch).toBeGreaterThanOrEqual(5)
    const eligible = trained.history.filter((e) => e.epoch >= 5).map((e) => e.valNdcg100 as number)
    expect(trained.bestValNdcg100).toBe(Math.max(...eligible))
  })
})

describe('the squared-error term', () => {
  it('keeps the logits near the 0/1 targets that the multinomial likelihood alone leaves free', async () => {
    const { tf, train, itemIds, index, rows } = await tasteRows()
    const n = itemIds.length
    /** Mean squared distance of the tied model's logits from each training user's multi-hot row. */
    const distance = async (squaredLoss: number) => {
      const hyper = { ...DEFAULT_HYPER, latent: 4, batchSize: 16, maxEpochs: 30, minEpochs: 0, squaredLoss, members: 1 }
      const { members } = await trainAutoencoder(tf, rows, hyper)
      const [w, b0, b1] = [members[0]!.weights[0]!, members[0]!.biases[0]!, members[0]!.biases[1]!]
      let sum = 0
      for (const set of train) {
        const cols = set.map((id) => index.get(id) as number)
        const h = Array.from({ length: 4 }, (_, k) =>
          Math.tanh(b0[k]! + cols.reduce((a, c) => a + w[c * 4 + k]!, 0) / Math.sqrt(cols.length)),
        )
        for (let j = 0; j < n; j++) {
          const logit = b1[j]! + h.reduce((a, v, k) => a + v * w[j * 4 + k]!, 0)
          sum += (logit - (cols.includes(j) ? 1 : 0)) ** 2
        }
      }
      return sum / (train.length * n)
    }
    const plain = await distance(0)
    const squared = await distance(1)
    expect(squared).toBeLessThan(plain / 2)
  })
})

describe('an ensemble of autoencoders', () => {
  it('trains members from consecutive seeds side by side and scores with their mean logits', async () => {
    const { tf, rows } = await tasteRows()
    const hyper = { ...DEFAULT_HYPER, latent: 4, batchSize: 16, maxEpochs: 6, minEpochs: 0 }
    const pair = await trainAutoencoder(tf, rows, { ...hyper, members: 2, seed: 5 })
    const single = await trainAutoencoder(tf, rows, { ...hyper, members: 1, seed: 5 })
    expect(pair.members).toHaveLength(2)
    // Each member draws from its own seed's stream, so training beside another changes nothing about it.
    expect(Array.from(pair.members[0]!.weights[0]!)).toEqual(Array.from(single.members[0]!.weights[0]!))
    expect(Array.from(pair.members[1]!.weights[0]!)).not.toEqual(Array.from(pair.members[0]!.weights[0]!))
    const params = pair.members.map((m) => uploadWeights(tf, m))
    // Scoring uploads the members as one wide autoencoder: it must give the same logits.
    const fused = uploadWeights(tf, fuseMembers(pair.members, hyper)!)
    try {
      const sets = [
        [0, 1, 2],
        [7, 8],
      ]
      const mean = scoreSets(tf, params, hyper, sets)
      const a = scoreSets(tf, [params[0]!], hyper, sets)
      const b = scoreSets(tf, [params[1]!], hyper, sets)
      const wide = scoreSets(tf, [fused], hyper, sets)
      expect(mean.length).toBe(2 * rows.itemIds.length)
      expect(new Set(mean).size).toBeGreaterThan(4)
      mean.forEach((v, j) => {
        expect(v).toBeCloseTo((a[j]! + b[j]!) / 2, 5)
        expect(wide[j]).toBeCloseTo(v, 5)
      })
    } finally {
      tf.dispose([...params, fused].flatMap((p) => [...p.w, ...p.b]))
    }
  })
})

describe('validation NDCG@100', () => {
  /** The plain definition: sort every unseen item by score (ties by index) and discount the relevant ones. */
  function reference(row: Float32Array, seen: Set<number>, relevant: Set<number>): number {
    const order = [...row.keys()].filter((j) => !seen.has(j)).sort((a, b) => row[b]! - row[a]! || a - b)
    let dcg = 0
    order.slice(0, 100).forEach((j, i) => {
      if (relevant.has(j)) dcg += 1 / Math.log2(i + 2)
    })
    let ideal = 0
    for (let i = 0; i < Math.min(100, relevant.size); i++) ideal += 1 / Math.log2(i + 2)
    return ideal > 0 ? dcg / ideal : 0
  }

  it('equals the full-sort definition, ties and seen items included', () => {
    let s = 11
    const next = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31
      return s / 2 ** 31
    }
    for (const [items, levels] of [
      [500, 7],
      [3000, 1000],
      [80, 3],
    ] as const) {
      const row = Float32Array.from({ length: items }, () => Math.floor(next() * levels))
      const seen = new Set(Array.from({ length: items / 10 }, () => Math.floor(next() * items)))
      const relevant = new Set(Array.from({ length: 15 }, () => Math.floor(next() * items)).filter((j) => !seen.has(j)))
      expect(ndcgAt100(row, seen, relevant)).toBeCloseTo(reference(row, seen, relevant), 12)
    }
    expect(ndcgAt100(Float32Array.from([3, 2, 1]), new Set([0]), new Set([2]))).toBeCloseTo(1 / Math.log2(3), 12)
  })
})
