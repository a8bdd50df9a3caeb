import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ML_TINY, tinyBuildConfig, writeTinyModel } from '../../test/support/tiny-build.ts'
import { runRebuild } from '../build/index.ts'
import { loadCatalog } from '../catalog/index.ts'
import { createLogger } from '../core/index.ts'
import { createMemoryStore, createSqliteStore } from '../store/index.ts'
import { readStoreInteractions, withStoreInteractions } from './training.ts'

const tmp = mkdtempSync(join(tmpdir(), 'concierge-loop-training-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const at = 1_700_000_000

describe('withStoreInteractions', () => {
  it('appends stored feedback as training interactions, leaving out forgotten users and unknown items', async () => {
    const catalog = await loadCatalog({ dataDir: ML_TINY })
    const store = await createMemoryStore()
    await store.recordInteraction({ userId: 'alice', itemId: '29', event: 'like', timestamp: at })
    await store.recordInteraction({ userId: 'alice', itemId: 'no-such-item', event: 'like', timestamp: at })
    await store.recordInteraction({ userId: 'bob', itemId: '1', event: 'like', timestamp: at })
    await store.forgetUser('bob')
    const { catalog: trained, storeInteractions } = withStoreInteractions(catalog, await store.exportInteractions())
    expect(storeInteractions).toBe(1)
    expect(trained.interactions.slice(catalog.interactions.length)).toEqual([
      { userId: 'store:alice', itemId: '29', event: 'like', timestamp: at },
    ])
    expect(trained.interactions.some((i) => i.userId.includes('bob'))).toBe(false)
    expect(trained.fingerprint).not.toBe(catalog.fingerprint)
  })

  it('leaves the catalogue and its fingerprint as they are when the store has nothing', async () => {
    const catalog = await loadCatalog({ dataDir: ML_TINY })
    expect(withStoreInteractions(catalog, [])).toEqual({ catalog, storeInteractions: 0 })
  })
})

describe('rebuild with a store', () => {
  it('trains on the stored likes and reports them as storeInteractions; a forgotten user never enters', async () => {
    const dir = join(tmp, 'build')
    await writeTinyModel(dir)
    const config = tinyBuildConfig(dir)
    const logger = createLogger({ level: 'silent' })
    expect(await readStoreInteractions(config.store)).toEqual([])
    const before = await runRebuild(config, { logger })
    expect(before.storeInteractions).toBe(0)

    const store = await createSqliteStore({ path: config.store.path })
    await store.recordInteraction({ userId: 'w:alice', itemId: '29', event: 'like', timestamp: at })
    await store.recordInteraction({ userId: 'w:alice', itemId: '2571', event: 'like', timestamp: at })
    await store.recordInteraction({ userId: 'w:bob', itemId: '1', event: 'like', timestamp: at })
    await store.forgetUser('w:bob')
    await store.close()

    const after = await runRebuild(config, { logger })
    expect(after.storeInteractions).toBe(2)
    expect(after.interactions).toBe(before.interactions + 2)
    expect(after.users).toBe(before.users + 1)
    // New data means a new model, not the previous one reused.
    expect(after.collab).toMatchObject({ reused: false })
  })
})
