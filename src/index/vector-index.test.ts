import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dot, type SearchHit } from '../core/index.ts'
import {
  buildIndex,
  clusteredUnitVectors,
  HNSW_FILE,
  IDS_FILE,
  type IndexManifestExtra,
  MANIFEST_FILE,
  openIndex,
  readIndexManifest,
  VECTORS_FILE,
  type WritableIndex,
} from './index.ts'

const N = 5000
const DIM = 512
const extra: IndexManifestExtra = { encoderId: 'test-encoder@1', dataFingerprint: 'fp', dataset: 'synthetic', buildId: 'b1' }

const idsOf = (hits: SearchHit[]) => hits.map((h) => h.id)

function recallAt(k: number, approx: SearchHit[][], exact: SearchHit[][]): number {
  let found = 0
  let total = 0
  approx.forEach((hits, i) => {
    const truth = new Set(idsOf(exact[i] ?? []).slice(0, k))
    found += hits.slice(0, k).filter((h) => truth.has(h.id)).length
    total += truth.size
  })
  return found / total
}

let root: string
let ids: string[]
let vectors: Float32Array[]
let queries: Float32Array[]
let hnsw: WritableIndex
let exact: WritableIndex
let hnswDir: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'concierge-index-'))
  const all = clusteredUnitVectors({ count: N + 100, dimension: DIM, clusters: 50, seed: 7 })
  vectors = all.slice(0, N)
  queries = all.slice(N)
  ids = vectors.map((_, i) => `item-${i}`)
  hnsw = buildIndex(ids, vectors, { kind: 'hnsw' })
  exact = buildIndex(ids, vectors, { kind: 'exact' })
  hnswDir = join(root, 'hnsw')
  await hnsw.save(hnswDir, extra)
})

afterAll(async () => {
  await hnsw?.close()
  await exact?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

describe('buildIndex', () => {
  it('reaches recall@10 >= 0.99 against the exact index on clustered vectors', () => {
    const approx = queries.map((q) => hnsw.search(q, 10))
    const truth = queries.map((q) => exact.search(q, 10))
    expect(approx.every((hits) => hits.length === 10)).toBe(true)
    expect(recallAt(10, approx, truth)).toBeGreaterThanOrEqual(0.99)
  })

  it('reaches recall@10 >= 0.99 on isotropic clusters too (the hard case)', async () => {
    const count = 3000
    const all = clusteredUnitVectors({ count: count + 100, dimension: 384, clusters: 30, seed: 9, rank: 0 })
    const hardIds = all.slice(0, count).map((_, i) => `hard-${i}`)
    const hard = buildIndex(hardIds, all.slice(0, count), { kind: 'hnsw' })
    const oracle = buildIndex(hardIds, all.slice(0, count), { kind: 'exact' })
    const hardQueries = all.slice(count)
    expect(
      recallAt(
        10,
        hardQueries.map((q) => hard.search(q, 10)),
        hardQueries.map((q) => oracle.search(q, 10)),
      ),
    ).toBeGreaterThanOrEqual(0.99)
    await hard.close()
    await oracle.close()
  })

  it('scores hits by cosine similarity, best first', () => {
    const q = queries[0] as Float32Array
    for (const index of [hnsw, exact]) {
      const hits = index.search(q, 20)
      for (const h of hits) {
        const v = vectors[Number(h.id.slice(5))] as Float32Array
        expect(h.score).toBeCloseTo(dot(q, v), 4)
      }
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]?.score).toBeGreaterThanOrEqual(hits[i]?.score as number)
    }
  })

  it('finds an indexed vector as its own nearest neighbour with score 1', () => {
    const hit = hnsw.search(vectors[123] as Float32Array, 1)[0]
    expect(hit?.id).toBe('item-123')
    expect(hit?.score).toBeCloseTo(1, 5)
  })

  it('returns every item when k exceeds the size, and nothing for k <= 0', () => {
    const small = buildIndex(ids.slice(0, 30), vectors.slice(0, 30), { kind: 'hnsw' })
    expect(small.search(queries[0] as Float32Array, 100)).toHaveLength(30)
    expect(small.search(queries[0] as Float32Array, 0)).toEqual([])
  })

  it('picks exact up to exactBelow items and HNSW above', () => {
    expect(buildIndex(ids.slice(0, 1000), vectors.slice(0, 1000)).kind).toBe('exact')
    expect(buildIndex(ids.slice(0, 40), vectors.slice(0, 40), { exactBelow: 39 }).kind).toBe('hnsw')
  })

  it('stores unit vectors and answers vector() and has()', () => {
    const raw = new Float32Array([3, 4])
    const index = buildIndex(['a', 'b'], [raw, new Float32Array([0, 2])])
    expect(Array.from(index.vector('a') ?? [])).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)])
    expect(index.vector('zzz')).toBeUndefined()
    expect(index.has('b')).toBe(true)
    expect(index.has('zzz')).toBe(false)
  })

  it('refuses duplicate ids, ragged or non-finite vectors, and empty input', () => {
    const v = new Float32Array([1, 0])
    expect(() => buildIndex(['a', 'a'], [v, v])).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    expect(() => buildIndex(['a', 'b'], [v, new Float32Array(3)])).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    expect(() => buildIndex(['a'], [new Float32Array([Number.NaN, 1])])).toThrow(
      expect.objectContaining({ code: 'input.invalid' }),
    )
    expect(() => buildIndex(['a'], [])).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    expect(() => buildIndex([], [])).toThrow(expect.objectContaining({ code: 'input.invalid' }))
  })

  it('refuses a query of the wrong dimension', () => {
    expect(() => hnsw.search(new Float32Array(DIM - 1), 5)).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    expect(() => exact.search(new Float32Array(3), 5)).toThrow(expect.objectContaining({ code: 'input.invalid' }))
  })

  it('builds the same graph twice from the same seed', async () => {
    const subIds = ids.slice(0, 1500)
    const subVectors = vectors.slice(0, 1500).map((v) => v.slice(0, 64))
    const a = buildIndex(subIds, subVectors, { kind: 'hnsw', seed: 5, efSearch: 10 })
    const b = buildIndex(subIds, subVectors, { kind: 'hnsw', seed: 5, efSearch: 10 })
    const qs = queries.map((q) => q.slice(0, 64))
    expect(qs.map((q) => a.search(q, 10))).toEqual(qs.map((q) => b.search(q, 10)))
    const ma = await a.save(join(root, 'det-a'), extra)
    const mb = await b.save(join(root, 'det-b'), extra)
    expect(ma.fileDigests[HNSW_FILE]?.sha256).toBe(mb.fileDigests[HNSW_FILE]?.sha256)
  })

  it('reports build progress up to the item count', () => {
    const events: number[] = []
    buildIndex(ids.slice(0, 1200), vectors.slice(0, 1200), { onProgress: (e) => events.push(e.done) })
    expect(events.at(-1)).toBe(1200)
  })
})

describe('filtered search', () => {
  const everyNth = (nth: number) => (id: string) => Number(id.slice(5)) % nth === 0

  it.each([
    ['10%', 10],
    ['1%', 100],
    ['0.2%', 500],
  ])('returns k passing items matching the exact filtered result when %s pass', async (_share, nth) => {
    const filter = everyNth(nth)
    // filterExactBelow 0 takes the exact scan over passing items out, so the graph paths are exercised.
    const graphOnly = await openIndex(hnswDir, {}, { filterExactBelow: 0 })
    const truth = queries.map((q) => exact.search(q, 10, filter))
    expect(truth.every((hits) => hits.length === 10 && hits.every((h) => filter(h.id)))).toBe(true)
    for (const index of [hnsw, graphOnly]) {
      const approx = queries.map((q) => index.search(q, 10, filter))
      expect(approx.every((hits) => hits.length === 10 && hits.every((h) => filter(h.id)))).toBe(true)
      expect(recallAt(10, approx, truth)).toBeGreaterThanOrEqual(0.98)
    }
    await graphOnly.close()
  })

  it('still returns k results when the filter passes only a few items', async () => {
    const few = new Set(['item-4', 'item-999', 'item-1500', 'item-2001', 'item-2500', 'item-3333', 'item-4000', 'item-4999'])
    const graphOnly = await openIndex(hnswDir, {}, { filterExactBelow: 0 })
    for (const index of [hnsw, graphOnly]) {
      for (const q of queries.slice(0, 10)) {
        const hits = index.search(q, 5, (id) => few.has(id))
        expect(idsOf(hits)).toEqual(idsOf(exact.search(q, 5, (id) => few.has(id))))
        expect(hits).toHaveLength(5)
        expect(index.search(q, 20, (id) => few.has(id))).toHaveLength(few.size)
      }
    }
    await graphOnly.close()
  })

  it('asks the filter at most once per item in a search', () => {
    for (const [nth, k] of [
      [10, 10],
      [1, 300],
      [7, 2000],
    ] as const) {
      const asked = new Map<string, number>()
      const hits = hnsw.search(queries[1] as Float32Array, k, (id) => {
        asked.set(id, (asked.get(id) ?? 0) + 1)
        return everyNth(nth)(id)
      })
      expect(hits).toHaveLength(Math.min(k, Math.ceil(N / nth)))
      expect(Math.max(...asked.values())).toBe(1)
    }
  })

  it('returns nothing when nothing passes', () => {
    let calls = 0
    const hits = hnsw.search(queries[0] as Float32Array, 10, () => {
      calls++
      return false
    })
    expect(hits).toEqual([])
    expect(calls).toBe(N)
  })
})

describe('save and openIndex', () => {
  it('round-trips an HNSW index with identical results and vectors', async () => {
    const loaded = await openIndex(hnswDir, { encoderId: 'test-encoder@1', dimension: DIM, itemCount: N })
    expect(loaded.kind).toBe('hnsw')
    expect(loaded.size).toBe(N)
    expect(loaded.manifest).toMatchObject({ ...extra, kind: 'hnsw', dimension: DIM, itemCount: N, formatVersion: 1 })
    expect(loaded.manifest.files.sort()).toEqual([HNSW_FILE, IDS_FILE, VECTORS_FILE].sort())
    for (const q of queries.slice(0, 30)) expect(loaded.search(q, 10)).toEqual(hnsw.search(q, 10))
    expect(loaded.vector('item-77')).toEqual(hnsw.vector('item-77'))
    await loaded.close()
  })

  it('round-trips an exact index with its extra facts', async () => {
    const dir = join(root, 'exact')
    const saved = await exact.save(dir, { ...extra, extra: { meanNorm: 1 } })
    expect(saved.files).not.toContain(HNSW_FILE)
    const loaded = await openIndex(dir)
    expect(loaded.kind).toBe('exact')
    expect(loaded.manifest.extra).toEqual({ meanNorm: 1 })
    for (const q of queries.slice(0, 10)) expect(loaded.search(q, 10)).toEqual(exact.search(q, 10))
    expect(await readIndexManifest(dir)).toEqual(saved)
    await loaded.close()
  })

  it('refuses an index built with another encoder or dimension', async () => {
    await expect(openIndex(hnswDir, { encoderId: 'other@2' })).rejects.toMatchObject({
      code: 'index.incompatible',
      details: { built: { encoderId: 'test-encoder@1' }, expected: { encoderId: 'other@2' } },
    })
    await expect(openIndex(hnswDir, { dimension: 384 })).rejects.toMatchObject({ code: 'index.incompatible' })
    await expect(openIndex(hnswDir, { itemCount: N + 1 })).rejects.toMatchObject({ code: 'index.incompatible' })
  })

  it('refuses to save a manifest it could not open again', async () => {
    const small = buildIndex(['a', 'b'], [new Float32Array([1, 0]), new Float32Array([0, 1])])
    await expect(small.save(join(root, 'bad-extra'), { ...extra, encoderId: '' })).rejects.toMatchObject({
      code: 'input.invalid',
    })
  })

  it('says not found for a folder without an index', async () => {
    await expect(openIndex(join(root, 'nothing-here'))).rejects.toMatchObject({ code: 'index.not_found' })
  })

  describe('damaged files', () => {
    let small: WritableIndex
    beforeAll(() => {
      small = buildIndex(ids.slice(0, 1200), vectors.slice(0, 1200), { kind: 'hnsw', efConstruction: 50 })
    })
    const fresh = async (name: string) => {
      const dir = join(root, `damaged-${name}`)
      await small.save(dir, extra)
      return dir
    }

    it('refuses a truncated vectors file', async () => {
      const dir = await fresh('vectors')
      await truncate(join(dir, VECTORS_FILE), 1000)
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.corrupt', details: { file: VECTORS_FILE } })
    })

    it('refuses a truncated graph file', async () => {
      const dir = await fresh('graph')
      await truncate(join(dir, HNSW_FILE), 4096)
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.corrupt', details: { file: HNSW_FILE } })
    })

    it('refuses a graph file altered in place', async () => {
      const dir = await fresh('flipped')
      const bytes = await readFile(join(dir, HNSW_FILE))
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0xff
      await writeFile(join(dir, HNSW_FILE), bytes)
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.corrupt' })
    })

    it('refuses a missing ids file', async () => {
      const dir = await fresh('ids')
      await rm(join(dir, IDS_FILE))
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.corrupt', details: { file: IDS_FILE } })
    })

    it('refuses a manifest that is not JSON or not a manifest', async () => {
      const dir = await fresh('manifest')
      await writeFile(join(dir, MANIFEST_FILE), '{"formatVersion": 1, "kind": ')
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.corrupt' })
      await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ formatVersion: 1, kind: 'hnsw' }))
      await expect(readIndexManifest(dir)).rejects.toMatchObject({ code: 'index.corrupt' })
    })

    it('refuses a manifest of another format version as incompatible', async () => {
      const dir = await fresh('version')
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'))
      await writeFile(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, formatVersion: 2 }))
      await expect(openIndex(dir)).rejects.toMatchObject({ code: 'index.incompatible' })
    })
  })
})

describe('close', () => {
  it('is idempotent and makes later searches fail clearly', async () => {
    const index = await openIndex(hnswDir)
    await index.close()
    await index.close()
    expect(() => index.search(queries[0] as Float32Array, 5)).toThrow(expect.objectContaining({ code: 'unavailable' }))
  })
})
