import { describe, expect, it } from 'vitest'
import { type Interaction, seededRandom } from '../core/index.ts'
import { fitEase, fitItemKnn, fitPopularity } from './baselines.ts'
import { popularityScores, positivesByUser } from './implicit.ts'
import { invertSpd } from './linalg.ts'
import { fitAutoencoderScorer } from './model.ts'
import { buildVocabulary, toRows } from './rows.ts'
import { splitUsers } from './split.ts'

function randomUsers(users: number, items: number, perUser: number, seed: number): string[][] {
  const rng = seededRandom(seed)
  return Array.from({ length: users }, () => {
    const set = new Set<string>()
    while (set.size < perUser) set.add(`i${Math.floor(rng() * items)}`)
    return [...set]
  })
}

describe('invertSpd', () => {
  it('returns the inverse of a symmetric positive-definite matrix', () => {
    const n = 30
    const rng = seededRandom(7)
    const b = Float64Array.from({ length: n * n }, () => rng() - 0.5)
    const a = new Float64Array(n * n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0
        for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number)
        a[i * n + j] = s
      }
    const inv = invertSpd(a, n)
    let worst = 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * (inv[k * n + j] as number)
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)))
      }
    expect(worst).toBeLessThan(1e-9)
  })

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(
      expect.objectContaining({ code: 'collab.training_failed' }),
    )
  })
})

describe('baselines', () => {
  const users = randomUsers(40, 120, 12, 3)
  const { itemIds, index } = buildVocabulary(users)
  const rows = toRows(users, itemIds, index)

  it('EASE through the Woodbury identity matches the direct items × items inverse', () => {
    const woodbury = fitEase(rows, { lambda: 5, method: 'woodbury' })
    const direct = fitEase(rows, { lambda: 5, method: 'direct' })
    for (const liked of [users[0] as string[], ['i3', 'i77'], []]) {
      const a = woodbury.score(liked)
      const b = direct.score(liked)
      expect(a.length).toBe(itemIds.length)
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j] as number, 3)
    }
  })

  it('keeps in the vocabulary only items with enough users, in first-seen order', () => {
    const sets = [['a', 'b'], ['c', 'b'], ['a', 'd'], ['e']]
    expect(buildVocabulary(sets).itemIds).toEqual(['a', 'b', 'c', 'd', 'e'])
    const pruned = buildVocabulary(sets, 2)
    expect(pruned.itemIds).toEqual(['a', 'b'])
    // A user counts once however often a set repeats an item.
    expect(buildVocabulary([['c', 'c'], ...sets], 2).itemIds).toEqual(['c', 'a', 'b'])
    expect(toRows(sets, pruned.itemIds, pruned.index).indices).toEqual(Int32Array.from([0, 1, 1, 0]))
  })

  it('the autoencoder drops the long tail of one-user items, but not the bulk of a small catalogue', async () => {
    const hyper = { latent: 4, maxEpochs: 1, minEpochs: 0, members: 1, minItemUsers: 2 }
    // 40 users over 30 items, plus one item a single user liked: 1 positive of about 400.
    const many = [...randomUsers(40, 30, 10, 5), ['lonely', 'i1']]
    const tail = await fitAutoencoderScorer(
      many.map((items) => ({ items })),
      [],
      { hyper },
    )
    expect(tail.itemIds).not.toContain('lonely')
    expect(tail.itemIds).toContain('i1')
    await tail.close()
    // Five users, most items liked once: pruning would drop a third of the positives, so every item stays.
    const few = [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['f', 'b'],
    ]
    const small = await fitAutoencoderScorer(
      few.map((items) => ({ items })),
      [],
      { hyper },
    )
    expect([...small.itemIds].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    await small.close()
  })

  it('popularity counts users and item-kNN sums cosine similarities of neighbours', () => {
    const tiny = [
      ['a', 'b'],
      ['a', 'b', 'c'],
      ['c', 'd'],
    ]
    const v = buildVocabulary(tiny)
    const r = toRows(tiny, v.itemIds, v.index)
    expect(Array.from(fitPopularity(r).score([]))).toEqual([2, 2, 2, 1])
    const knn = fitItemKnn(r, { k: 10 })
    // a and b co-occur twice, each has 2 users: cos = 2/2 = 1; b–c: 1/2; c–d: 1/√2
    const s = knn.score(['a'])
    expect(s[1]).toBeCloseTo(1, 6)
    expect(s[2]).toBeCloseTo(1 / 2, 6)
    expect(s[3]).toBe(0)
    expect(knn.score(['d'])[2]).toBeCloseTo(1 / Math.SQRT2, 6)
  })
})

describe('implicit feedback and the user split', () => {
  const interactions: Interaction[] = [
    { userId: 'u1', itemId: 'a', rating: 4 },
    { userId: 'u1', itemId: 'b', rating: 3 },
    { userId: 'u2', itemId: 'a', event: 'purchase' },
    { userId: 'u2', itemId: 'c', event: 'dislike' },
    { userId: 'u3', itemId: 'c' },
  ]

  it('keeps ratings at or above the threshold and positive events', () => {
    expect(Object.fromEntries(positivesByUser(interactions, 3.5))).toEqual({ u1: ['a'], u2: ['a'], u3: ['c'] })
    expect(Object.fromEntries(popularityScores(interactions, 3.5))).toEqual({ a: 2 / 3, c: 1 / 3 })
    expect(positivesByUser(interactions, 3).get('u1')).toEqual(['a', 'b'])
  })

  it('splits users deterministically into disjoint groups and folds in 80% of held-out items', () => {
    const byUser = new Map(randomUsers(100, 50, 10, 11).map((items, u) => [`u${u}`, items]))
    const a = splitUsers(byUser, { seed: 1 })
    const b = splitUsers(byUser, { seed: 1 })
    const c = splitUsers(byUser, { seed: 2 })
    expect(a).toEqual(b)
    expect(a.test.map((u) => u.userId)).not.toEqual(c.test.map((u) => u.userId))
    const ids = [...a.train.map((t) => t.userId), ...a.validation.map((u) => u.userId), ...a.test.map((u) => u.userId)]
    expect(new Set(ids).size).toBe(ids.length)
    expect(a.test.length).toBe(20)
    expect(a.validation.length).toBe(10)
    for (const u of a.test) {
      expect(u.heldOut.length).toBe(2)
      expect(u.foldIn.length).toBe(8)
      expect(u.foldIn.filter((id) => u.heldOut.includes(id))).toEqual([])
    }
  })
})
