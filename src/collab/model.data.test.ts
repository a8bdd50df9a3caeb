import { createHash } from 'node:crypto'
import { cp, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { loadCatalog } from '../catalog/index.ts'
import type { Catalog } from '../core/index.ts'
import { evaluateScorer } from '../eval/index.ts'
import { tensorCount } from '../tf/index.ts'
import { fitBaseline } from './baselines.ts'
import { positivesByUser } from './implicit.ts'
import { fitAutoencoderScorer, openCollab, trainCollab } from './model.ts'
import { splitUsers, type UserSplit } from './split.ts'

// ml-100k keeps this file fast (1.7k items); ml-latest-small figures are in bench/collab.bench.ts. The fixture
// ml-100k has 300 users, so about 60 test users.
const MIN_TEST_USERS = { real: 100, fixtures: 40 }

describe.each(dataSources())('collaborative autoencoder on ml-100k ($name data)', ({ name, dir }) => {
  let catalog: Catalog
  let split: UserSplit
  let dae: Awaited<ReturnType<typeof fitAutoencoderScorer>>
  let modelsDir: string

  beforeAll(async () => {
    catalog = await loadCatalog({ dataDir: dir, dataset: 'ml-100k' })
    split = splitUsers(positivesByUser(catalog.interactions, 3.5), { seed: 42 })
    dae = await fitAutoencoderScorer(split.train, split.validation, {
      hyper: { maxEpochs: 12, patience: 12, batchSize: 128, learningRate: 0.01 },
    })
    modelsDir = await mkdtemp(join(tmpdir(), 'concierge-collab-'))
  }, 300_000)

  afterAll(async () => {
    await dae?.close()
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true })
  })

  it('ranks held-out items better than popularity for users never seen in training', () => {
    const model = evaluateScorer(dae, split.test)
    const popularity = evaluateScorer(fitBaseline('popularity', split.train), split.test)
    expect(split.test.length).toBeGreaterThan(MIN_TEST_USERS[name])
    expect(model.ndcgAt100.mean).toBeGreaterThan(popularity.ndcgAt100.mean)
    expect(model.recallAt20.mean).toBeGreaterThan(popularity.recallAt20.mean)
  })

  it('folds in a new set of liked items: held-out items rank near the top, other sets rank differently', () => {
    const user = split.test[0]!
    const scores = dae.score(user.foldIn)
    expect(scores).toBeInstanceOf(Float32Array)
    expect(scores.length).toBe(dae.itemIds.length)
    expect(scores.every(Number.isFinite)).toBe(true)
    const rankOf = new Map(
      [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number)).map((j, r) => [dae.itemIds[j], r]),
    )
    const ranks = user.heldOut.map((id) => rankOf.get(id) as number)
    const meanPercentile = ranks.reduce((a, r) => a + r, 0) / ranks.length / dae.itemIds.length
    expect(meanPercentile).toBeLessThan(0.2)
    const other = dae.score(split.test[1]!.foldIn)
    expect(Array.from(other)).not.toEqual(Array.from(scores))
    // Unknown ids are ignored rather than failing.
    expect(Array.from(dae.score([...user.foldIn, 'no-such-item']))).toEqual(Array.from(scores))
  })

  it('leaks no tensor over 1,000 scoring calls', () => {
    const liked = split.test[0]!.foldIn
    dae.score(liked)
    const before = tensorCount()
    for (let i = 0; i < 1000; i++) dae.score(i % 2 === 0 ? liked : liked.slice(0, 3))
    expect(tensorCount()).toBe(before)
  })

  it('saves a build, points current at it, and loads the same model back', { timeout: 180_000 }, async () => {
    const { dir, manifest } = await trainCollab(catalog, { modelsDir, buildId: 'b1', epochs: 4, seed: 42 })
    expect(dir).toBe(join(modelsDir, 'b1'))
    expect(await readlink(join(modelsDir, 'current'))).toBe('b1')
    expect(manifest.dataFingerprint).toBe(catalog.fingerprint)
    expect(manifest.metrics.validationNdcg100).toBeGreaterThan(0)
    const loaded = await openCollab(join(modelsDir, 'current'), { dataFingerprint: catalog.fingerprint })
    try {
      expect(loaded.manifest).toEqual(manifest)
      // The validation NDCG@100 recorded at training time, recomputed from the loaded weights on the same split.
      const val = splitUsers(positivesByUser(catalog.interactions, 3.5), {
        seed: 42,
        testFraction: 0,
        validationFraction: 0.1,
        smallUsersInTrain: true,
      }).validation
      expect(evaluateScorer(loaded, val).ndcgAt100.mean).toBeCloseTo(manifest.metrics.validationNdcg100 as number, 3)
      const again = await openCollab(dir)
      expect(Array.from(again.score(['50', '172']))).toEqual(Array.from(loaded.score(['50', '172'])))
      await again.close()
      await again.close()
    } finally {
      await loaded.close()
    }
  })

  it('loads a model saved before the squared-error term and ensembles as one plain Mult-DAE', async () => {
    // Such a model's weights.bin holds one autoencoder and its manifest names neither setting: keep the first of
    // b1's three members as that model.
    const old = join(modelsDir, 'before-ensembles')
    await cp(join(modelsDir, 'b1'), old, { recursive: true })
    const manifest = JSON.parse(await readFile(join(old, 'manifest.json'), 'utf8'))
    expect(manifest.hyper.members).toBe(3)
    const bytes = await readFile(join(old, 'weights.bin'))
    const first = bytes.subarray(0, bytes.byteLength / 3)
    await writeFile(join(old, 'weights.bin'), first)
    manifest.weightsSha256 = createHash('sha256').update(first).digest('hex')
    delete manifest.hyper.squaredLoss
    delete manifest.hyper.members
    delete manifest.hyper.minItemUsers
    await writeFile(join(old, 'manifest.json'), JSON.stringify(manifest))
    const loaded = await openCollab(old)
    const ensemble = await openCollab(join(modelsDir, 'b1'))
    try {
      expect(loaded.manifest.hyper).toMatchObject({ squaredLoss: 0, members: 1, minItemUsers: 1 })
      const liked = catalog.items.slice(0, 3).map((i) => i.id)
      const alone = loaded.score(liked)
      expect(alone.length).toBe(loaded.itemIds.length)
      // One member of three: related to the average, not equal to it.
      expect(Array.from(alone)).not.toEqual(Array.from(ensemble.score(liked)))
    } finally {
      await loaded.close()
      await ensemble.close()
    }
  })

  it('refuses a model trained on other data, a missing model and damaged weights', async () => {
    const dir = join(modelsDir, 'b1')
    await expect(openCollab(dir, { dataFingerprint: 'other-data' })).rejects.toMatchObject({ code: 'collab.incompatible' })
    await expect(openCollab(join(modelsDir, 'nothing-here'))).rejects.toMatchObject({ code: 'collab.not_found' })
    const damaged = join(modelsDir, 'damaged')
    await cp(dir, damaged, { recursive: true })
    await writeFile(join(damaged, 'weights.bin'), new Uint8Array(16))
    await expect(openCollab(damaged)).rejects.toMatchObject({ code: 'collab.incompatible' })
    await expect(trainCollab(catalog, { modelsDir, buildId: 'b1', epochs: 1 })).rejects.toMatchObject({
      code: 'collab.training_failed',
    })
  })
})
