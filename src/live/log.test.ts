import { appendFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Catalog, Item } from '../core/index.ts'
import { appendChanges, liveItemsPath, readLiveState, withLiveItems } from './log.ts'
import { withLiveCatalogue } from './training.ts'

const item = (id: string, title = id): Item => ({ id, title, description: '', tags: [], categories: [], metadata: {} })
let dir = ''
afterEach(async () => rm(dir, { recursive: true, force: true }))

describe('the live changes file', () => {
  it('replays upserts and deletes in order: a later upsert revives a deleted id, a later delete drops an upsert', async () => {
    dir = await mkdtemp(join(tmpdir(), 'live-log-'))
    expect((await readLiveState(dir)).upserts.size).toBe(0)
    await appendChanges(dir, [
      { op: 'upsert', item: item('x', 'old') },
      { op: 'delete', id: 'base-1' },
    ])
    await appendChanges(dir, [
      { op: 'upsert', item: item('x', 'new') },
      { op: 'delete', id: 'y' },
    ])
    await appendChanges(dir, [
      { op: 'upsert', item: item('base-1') },
      { op: 'upsert', item: item('y') },
      { op: 'delete', id: 'y' },
    ])
    const state = await readLiveState(dir)
    expect([...state.upserts.values()].map((i) => i.title)).toEqual(['new', 'base-1'])
    expect([...state.deleted]).toEqual(['y'])
    const merged = withLiveItems([item('base-0'), item('base-1', 'first'), item('y')], state)
    expect(merged.map((i) => `${i.id}:${i.title}`)).toEqual(['base-0:base-0', 'x:new', 'base-1:base-1'])
  })

  it('skips a torn last line but refuses a damaged line in the middle, naming the file and line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'live-log-'))
    await appendChanges(dir, [{ op: 'upsert', item: item('x') }])
    await appendFile(liveItemsPath(dir), '{"op":"upse')
    expect([...(await readLiveState(dir)).upserts.keys()]).toEqual(['x'])
    await appendFile(liveItemsPath(dir), '\n{"op":"delete","id":"x"}\n')
    await expect(readLiveState(dir)).rejects.toMatchObject({
      code: 'catalog.invalid',
      message: expect.stringContaining('line 2'),
    })
  })

  it('gives the rebuild the catalogue with the changes and a new fingerprint, leaving deleted items’ interactions out', async () => {
    dir = await mkdtemp(join(tmpdir(), 'live-log-'))
    const catalog: Catalog = {
      name: 'shop',
      items: [item('a'), item('b')],
      interactions: [
        { userId: 'u', itemId: 'a' },
        { userId: 'u', itemId: 'b' },
      ],
      fingerprint: 'f0',
    }
    expect(withLiveCatalogue(catalog, await readLiveState(dir))).toBe(catalog)
    await appendChanges(dir, [
      { op: 'delete', id: 'a' },
      { op: 'upsert', item: item('c') },
    ])
    const changed = withLiveCatalogue(catalog, await readLiveState(dir))
    expect(changed.items.map((i) => i.id)).toEqual(['b', 'c'])
    expect(changed.interactions.map((i) => i.itemId)).toEqual(['b'])
    expect(changed.fingerprint).not.toBe('f0')
  })
})
