import { describe, expect, it } from 'vitest'
import { buildIndex, type IndexManifest, type LoadedIndex } from '../index/index.ts'
import { overlayIndex, unitVector } from './overlay-index.ts'

const v = (...xs: number[]) => new Float32Array(xs)

function baseIndex(kind: 'exact' | 'hnsw'): LoadedIndex {
  const ids = ['a', 'b', 'c', 'd']
  const vectors = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(0.7, 0.7, 0)]
  return Object.assign(buildIndex(ids, vectors, { kind }), { manifest: {} as IndexManifest })
}

describe.each(['exact', 'hnsw'] as const)('overlayIndex over a %s index', (kind) => {
  it('returns added items beside the base ones by cosine, and never a hidden one', () => {
    const added = new Map([['new', unitVector(v(0.9, 0.1, 0))]])
    const index = overlayIndex(baseIndex(kind), added, new Set(['a']))
    const hits = index.search(v(2, 0, 0), 3)
    expect(hits.map((h) => h.id).slice(0, 2)).toEqual(['new', 'd'])
    expect(hits[0]?.score).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 5)
    expect(index.search(v(1, 0, 0), 10).map((h) => h.id)).not.toContain('a')
    expect(index.has('a')).toBe(false)
    expect(index.vector('a')).toBeUndefined()
    expect(index.has('new')).toBe(true)
    expect(index.size).toBe(4)
  })

  it('applies the caller filter to added and base items alike', () => {
    const added = new Map([['new', unitVector(v(1, 0, 0))]])
    const index = overlayIndex(baseIndex(kind), added, new Set(['b']))
    const hits = index.search(v(1, 0, 0), 4, (id) => id !== 'new' && id !== 'a')
    expect(hits.map((h) => h.id)).toEqual(['d', 'c'])
  })

  it('serves a replaced item with its new vector only', () => {
    const added = new Map([['c', unitVector(v(1, 0, 0))]])
    const index = overlayIndex(baseIndex(kind), added, new Set(['c']))
    const hits = index.search(v(1, 0, 0), 4)
    expect(hits.filter((h) => h.id === 'c')).toHaveLength(1)
    expect(hits[0]?.score).toBeCloseTo(1, 5)
    expect(Array.from(index.vector('c') ?? [])).toEqual([1, 0, 0])
  })
})
