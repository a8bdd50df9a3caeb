import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Embedder, Item } from '../core/index.ts'
import { buildIndex, type IndexManifest } from '../index/index.ts'
import { openLiveCatalogue } from './catalogue.ts'

const item = (id: string, title: string): Item => ({ id, title, description: '', tags: [], categories: [], metadata: {} })
let dir = ''
afterEach(async () => rm(dir, { recursive: true, force: true }))

function countingEmbedder(): Embedder & { texts: string[] } {
  const texts: string[] = []
  return {
    id: 'fake@1',
    dimension: 2,
    texts,
    embed: async (batch) => {
      texts.push(...batch)
      return batch.map((t) => new Float32Array([t.length, 1]))
    },
    close: async () => {},
  } as Embedder & { texts: string[] }
}

describe('openLiveCatalogue', () => {
  it('embeds an upsert once, and not at all over a build that already holds the item as it is now', async () => {
    dir = await mkdtemp(join(tmpdir(), 'live-cat-'))
    const embedder = countingEmbedder()
    const base = [item('a', 'Apple')]
    const index = Object.assign(buildIndex(['a'], [new Float32Array([1, 0])], { kind: 'exact' }), {
      manifest: {} as IndexManifest,
    })
    const live = await openLiveCatalogue(dir)
    await live.upsert([item('n', 'New thing')], embedder)
    const view = await live.view(base, index, embedder)
    expect(view.items.map((i) => i.id)).toEqual(['a', 'n'])
    expect(view.index.has('n')).toBe(true)
    expect(embedder.texts).toHaveLength(1)

    // After a restart over a rebuilt build that holds `n`: nothing to embed, the build's vector serves.
    const restarted = await openLiveCatalogue(dir)
    const rebuilt = Object.assign(
      buildIndex(['a', 'n'], [new Float32Array([1, 0]), new Float32Array([0, 1])], { kind: 'exact' }),
      { manifest: {} as IndexManifest },
    )
    const fresh = countingEmbedder()
    const after = await restarted.view([...base, item('n', 'New thing')], rebuilt, fresh)
    expect(fresh.texts).toHaveLength(0)
    expect(Array.from(after.index.vector('n') ?? [])).toEqual([0, 1])
    expect(after.items.map((i) => i.id).sort()).toEqual(['a', 'n'])
  })
})
