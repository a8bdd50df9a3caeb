import { describe, expect, it } from 'vitest'
import { loadTf } from '../tf/index.ts'
import { DEFAULT_HYPER, trainAutoencoder } from './dae.ts'
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

describe('autoencoder early stopping', () => {
  it('never picks or stops at an epoch before minEpochs, and keeps the best epoch after it', async () => {
    const { tf } = await loadTf('auto')
    const train = tastes(80, 3)
    const { itemIds, index } = buildVocabulary(train)
    const rows = toRows(train, itemIds, index)
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
