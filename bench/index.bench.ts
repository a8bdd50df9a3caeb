/**
 * HNSW against the exact index: recall@10, query latency at several ef, build time, bytes per item, and
 * filtered search. On the real item vectors of `indexes/current` when a build exists, and on 100k synthetic
 * clustered vectors.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SearchHit } from '../src/core/index.ts'
import { seededRandom } from '../src/core/index.ts'
import { buildIndex, clusteredUnitVectors, IDS_FILE, openIndex, readIndexManifest } from '../src/index/index.ts'
import { type BenchTable, percentile, repoRoot, runIfMain, timed } from './support.ts'

const K = 10
const EFS = [16, 50, 100, 200]
const FILTER_EFS = [50, 100, 200]
const QUERY_COUNT = 200
// BENCH_INDEX_ITEMS shrinks the synthetic sets for a quick try.
const ITEMS = Number(process.env.BENCH_INDEX_ITEMS ?? 100_000)
const SYNTHETIC = [
  // Clusters varying along a few directions each, like real text embeddings.
  { count: ITEMS, dimension: 384, clusters: 200, seed: 11, rank: 16 },
  // Isotropic clusters: the worst case for HNSW, smaller to keep the run short.
  { count: Math.round(ITEMS / 5), dimension: 384, clusters: 50, seed: 12, rank: 0 },
]

interface Dataset {
  name: string
  ids: string[]
  vectors: Float32Array[]
  queries: Float32Array[]
}

function recall(approx: SearchHit[][], truth: SearchHit[][]): number {
  let found = 0
  let total = 0
  approx.forEach((hits, i) => {
    const want = new Set((truth[i] ?? []).map((h) => h.id))
    found += hits.filter((h) => want.has(h.id)).length
    total += want.size
  })
  return total === 0 ? Number.NaN : found / total
}

/** Runs every query once to warm up, then times each query alone. */
function timeQueries(queries: Float32Array[], search: (q: Float32Array) => SearchHit[]) {
  for (const q of queries.slice(0, 20)) search(q)
  const latencies: number[] = []
  const results = queries.map((q) => {
    const { ms, value } = timed(() => search(q))
    latencies.push(ms)
    return value
  })
  return { results, p50: percentile(latencies, 50), p99: percentile(latencies, 99) }
}

/** A filter that lets through about `fraction` of the items, as a Set lookup like real constraints. */
function sampleFilter(ids: string[], fraction: number, seed: number): { filter: (id: string) => boolean; passing: number } {
  const random = seededRandom(seed)
  const allowed = new Set(ids.filter(() => random() < fraction))
  return { filter: (id) => allowed.has(id), passing: allowed.size }
}

/**
 * Which way a filtered HNSW search goes, mirroring the rule in src/index (pass rate estimated from 512
 * evenly spaced items; over-fetch when the estimate is above filterExactBelow and ~2k/rate <= 1000).
 */
function filteredPath(ids: string[], filter: (id: string) => boolean, filterExactBelow: number): string {
  const n = ids.length
  const size = Math.min(n, 512)
  let hits = 0
  for (let i = 0; i < size; i++) if (filter(ids[Math.floor((i * n) / size)] as string)) hits++
  const share = hits / size
  if (share * n > filterExactBelow && Math.ceil((2 * K) / share) + 10 <= 1000) return 'over-fetch, keep passing'
  const passing = ids.filter(filter).length
  return passing <= filterExactBelow ? 'exact over passing' : 'filtered graph walk'
}

async function realDataset(): Promise<Dataset | string> {
  const dir = join(repoRoot, 'indexes', 'current')
  if (!existsSync(join(dir, 'manifest.json'))) return `real item vectors: skipped, no build at ${dir} (run \`concierge rebuild\`)`
  const manifest = await readIndexManifest(dir)
  const index = await openIndex(dir)
  const ids = JSON.parse(await readFile(join(dir, IDS_FILE), 'utf8')) as string[]
  const vectors = ids.map((id) => index.vector(id) as Float32Array)
  await index.close()
  // Queries like a session with two liked items: the normalised midpoint of two random items.
  const random = seededRandom(3)
  const queries = Array.from({ length: QUERY_COUNT }, () => {
    const a = vectors[Math.floor(random() * vectors.length)] as Float32Array
    const b = vectors[Math.floor(random() * vectors.length)] as Float32Array
    return a.map((x, j) => x + (b[j] as number))
  })
  return { name: `${manifest.dataset} (${manifest.encoderId})`, ids, vectors, queries }
}

function syntheticDataset(spec: { count: number; dimension: number; clusters: number; seed: number; rank: number }): Dataset {
  const all = clusteredUnitVectors({ ...spec, count: spec.count + QUERY_COUNT })
  const vectors = all.slice(0, spec.count)
  const shape = spec.rank === 0 ? 'isotropic' : `rank-${spec.rank}`
  return {
    name: `synthetic ${spec.count / 1000}k × ${spec.dimension}, ${spec.clusters} ${shape} clusters`,
    ids: vectors.map((_, i) => `s${i}`),
    vectors,
    queries: all.slice(spec.count),
  }
}

async function measure(ds: Dataset, build: BenchTable, search: BenchTable): Promise<void> {
  const n = ds.ids.length
  const dimension = ds.vectors[0]?.length ?? 0
  const exact = buildIndex(ds.ids, ds.vectors, { kind: 'exact' })
  const exactRun = timeQueries(ds.queries, (q) => exact.search(q, K))
  const truth = exactRun.results

  const built = timed(() => buildIndex(ds.ids, ds.vectors, { kind: 'hnsw' }))
  const hnsw = built.value
  const dir = await mkdtemp(join(tmpdir(), 'concierge-bench-index-'))
  try {
    const manifest = await hnsw.save(dir, { encoderId: 'bench', dataFingerprint: '-', dataset: ds.name, buildId: 'bench' })
    const sizes = Object.fromEntries(await Promise.all(manifest.files.map(async (f) => [f, (await stat(join(dir, f))).size])))
    const total = Object.values(sizes).reduce((a: number, b) => a + (b as number), 0)
    const openStart = performance.now()
    const loaded = await openIndex(dir, { dimension, itemCount: n })
    const openMs = performance.now() - openStart
    const graphOnly = await openIndex(dir, {}, { filterExactBelow: 0 })
    const m = manifest.hnsw
    build.rows.push([
      ds.name,
      n,
      dimension,
      `${m?.m}/${m?.efConstruction}`,
      built.ms / 1000,
      Math.round(n / (built.ms / 1000)),
      Math.round(openMs),
      Math.round((sizes['hnsw.bin'] ?? 0) / n),
      Math.round((sizes['vectors.f32'] ?? 0) / n),
      Math.round(total / n),
    ])

    search.rows.push([ds.name, 'none', 'exact scan', '-', 1, exactRun.p50, exactRun.p99])
    for (const ef of EFS) {
      loaded.setEfSearch(ef)
      const run = timeQueries(ds.queries, (q) => loaded.search(q, K))
      search.rows.push([ds.name, 'none', 'hnsw', ef, recall(run.results, truth), run.p50, run.p99])
    }

    for (const [fraction, seed] of [
      [0.1, 5],
      [0.01, 6],
    ] as const) {
      const { filter, passing } = sampleFilter(ds.ids, fraction, seed)
      const label = `${(fraction * 100).toFixed(0)}% (${passing} pass)`
      const exactFiltered = timeQueries(ds.queries, (q) => exact.search(q, K, filter))
      search.rows.push([ds.name, label, 'exact scan', '-', 1, exactFiltered.p50, exactFiltered.p99])
      for (const ef of FILTER_EFS) {
        loaded.setEfSearch(ef)
        graphOnly.setEfSearch(ef)
        const auto = timeQueries(ds.queries, (q) => loaded.search(q, K, filter))
        search.rows.push([
          ds.name,
          label,
          `auto: ${filteredPath(ds.ids, filter, 2000)}`,
          ef,
          recall(auto.results, exactFiltered.results),
          auto.p50,
          auto.p99,
        ])
        const forcedPath = filteredPath(ds.ids, filter, 0)
        if (forcedPath !== filteredPath(ds.ids, filter, 2000)) {
          const forced = timeQueries(ds.queries, (q) => graphOnly.search(q, K, filter))
          search.rows.push([
            ds.name,
            label,
            `forced: ${forcedPath}`,
            ef,
            recall(forced.results, exactFiltered.results),
            forced.p50,
            forced.p99,
          ])
        }
      }
    }
    await loaded.close()
    await graphOnly.close()
  } finally {
    await hnsw.close()
    await exact.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<BenchTable[]> {
  const build: BenchTable = {
    title: 'Vector index: HNSW build (hnswlib-node, cosine, seed 42)',
    columns: ['data', 'items', 'dim', 'M/efC', 'build s', 'items/s', 'open ms', 'graph B/item', 'vectors B/item', 'total B/item'],
    rows: [],
    notes: [
      'build: single-threaded addPoint in insertion order (deterministic); open: read + SHA-256 check of every file + graph load',
      'files: hnsw.bin (graph, holds its own vector copy), vectors.f32 (raw float32 for exact/vector()), ids.json',
    ],
  }
  const search: BenchTable = {
    title: `Vector index: search, recall@${K} against the exact index, latency per query (ms, one thread)`,
    columns: ['data', 'filter', 'path', 'ef', `recall@${K}`, 'p50 ms', 'p99 ms'],
    rows: [],
    notes: [
      `${QUERY_COUNT} queries per row; real data: midpoints of two random items; synthetic: held-out points of the same clusters`,
      'filtered rows: recall against the exact filtered top-10; the filter is a Set lookup, asked at most once per item (included in latency)',
      'auto: over-fetch ~2k/share hits without the filter (ef = 2× that) and keep the passing ones when the sampled share says >2000 pass and that is <=1000 hits; else exact over the passing items when <=2000 pass; else hnswlib filtered walk',
      "forced: filterExactBelow 0, so the graph is used however few pass: over-fetch, or hnswlib's filtered walk (a JS callback per visited node) when the over-fetch would exceed 1000 hits",
      'p99 is noisy: the 2 cores were shared with other jobs during the run',
    ],
  }
  const real = await realDataset()
  if (typeof real === 'string') {
    search.notes?.push(real)
  } else {
    await measure(real, build, search)
  }
  for (const spec of SYNTHETIC) await measure(syntheticDataset(spec), build, search)
  return [build, search]
}

await runIfMain(import.meta.url, run)
