import { beforeAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { loadCatalog } from '../catalog/index.ts'
import type { Catalog } from '../core/index.ts'
import { runOfflineEval } from './offline.ts'

describe.each(dataSources())('runOfflineEval on ml-100k ($name data)', ({ dir }) => {
  let catalog: Catalog
  beforeAll(async () => {
    catalog = await loadCatalog({ dataDir: dir, dataset: 'ml-100k' })
  })

  it('splits users 70/10/20 and ranks EASE above item-kNN above popularity', async () => {
    const result = await runOfflineEval(catalog, {
      models: ['popularity', 'item-knn', 'ease'],
      knnKs: [50],
      easeLambdas: [100, 300],
    })
    const p = result.protocol
    expect(p.testUsers + p.validationUsers + p.trainUsers).toBeLessThanOrEqual(p.users)
    expect(p.testUsers).toBeGreaterThan(0.18 * p.users)
    const [pop, knn, ease] = result.models
    expect(result.models.map((m) => m.name)).toEqual(['popularity', 'item-knn', 'ease'])
    expect(knn!.ndcgAt100.mean).toBeGreaterThan(pop!.ndcgAt100.mean)
    expect(ease!.ndcgAt100.mean).toBeGreaterThan(knn!.ndcgAt100.mean)
    expect(ease!.recallAt20.mean).toBeGreaterThan(pop!.recallAt20.mean)
    expect([100, 300]).toContain(ease!.params.lambda)
    expect(ease!.recallCurve.map((c) => c.k)).toEqual([1, 5, 10, 20, 50, 100])
    // Same seed, same split and scores.
    const again = await runOfflineEval(catalog, { models: ['popularity'] })
    expect(again.models[0]!.ndcgAt100).toEqual(pop!.ndcgAt100)
  })
})
