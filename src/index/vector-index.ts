import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import hnswlib from 'hnswlib-node'
import {
  AppError,
  errorMessage,
  type ItemId,
  noProgress,
  type ProgressListener,
  type SearchHit,
  sha256,
  type VectorIndex,
  wrapError,
  writeFileAtomic,
} from '../core/index.ts'
import { bytesToF32, f32ToBytes } from './files.ts'
import {
  HNSW_FILE,
  IDS_FILE,
  type IndexManifest,
  type IndexManifestExtra,
  indexManifestSchema,
  MANIFEST_FILE,
  readIndexManifest,
  VECTORS_FILE,
} from './manifest.ts'
import { createVectorTable, exactTopK, normalizeQuery, packVectors, rowOf, type VectorTable } from './store.ts'

type Hnsw = InstanceType<typeof hnswlib.HierarchicalNSW>

export interface HnswParams {
  m: number
  efConstruction: number
  efSearch: number
  seed: number
}

export interface BuildIndexOptions {
  /** `auto` (default): exact up to `exactBelow` items, HNSW above. */
  kind?: 'auto' | 'hnsw' | 'exact'
  /** Default 1000. */
  exactBelow?: number
  /** HNSW links per node. Default 16. */
  m?: number
  /** HNSW build breadth. Default 200. */
  efConstruction?: number
  /** HNSW search breadth (at least k is used). Default 200. */
  efSearch?: number
  /** HNSW level generator seed. Default 42. */
  seed?: number
  /** A filtered search scans the passing items exactly when at most this many pass. Default 2000. */
  filterExactBelow?: number
  onProgress?: ProgressListener
}

export interface SearchTuning {
  /** HNSW search breadth (ignored by the exact index). Larger is slower and more accurate. */
  setEfSearch(ef: number): void
}

export interface WritableIndex extends VectorIndex, SearchTuning {
  save(dir: string, manifestExtra: IndexManifestExtra): Promise<IndexManifest>
}

export type LoadedIndex = VectorIndex & SearchTuning & { readonly manifest: IndexManifest }

export interface IndexExpectation {
  encoderId?: string
  dimension?: number
  itemCount?: number
}

export interface OpenIndexOptions {
  /** Overrides the efSearch recorded in the manifest. */
  efSearch?: number
  filterExactBelow?: number
}

/** Items sampled to estimate a filter's pass rate. */
const FILTER_SAMPLE = 512
/** Largest unfiltered over-fetch tried before falling back to a filtered walk. */
const OVERFETCH_MAX = 1000

const DEFAULTS = { exactBelow: 1000, m: 16, efConstruction: 200, efSearch: 200, seed: 42, filterExactBelow: 2000 }

interface IndexCore {
  readonly kind: 'hnsw' | 'exact'
  readonly table: VectorTable
  /** Dropped on close: hnswlib frees the graph when the object is collected. */
  hnsw?: { graph: Hnsw; params: HnswParams }
  readonly filterExactBelow: number
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new AppError('input.invalid', `Index option ${name} must be a positive integer, got ${value}`, {
      details: { option: name, value },
    })
  }
  return value
}

/**
 * Builds an index in memory. Vectors are copied and normalised to unit length; insertion order is the
 * given order and the HNSW seed is fixed, so the same input gives the same index.
 */
export function buildIndex(
  ids: readonly string[],
  vectors: readonly Float32Array[],
  options: BuildIndexOptions = {},
): WritableIndex {
  const onProgress = options.onProgress ?? noProgress
  const { data, dimension } = packVectors(ids, vectors)
  const table = createVectorTable([...ids], data, dimension)
  const exactBelow = options.exactBelow ?? DEFAULTS.exactBelow
  const kind = options.kind === 'hnsw' || options.kind === 'exact' ? options.kind : ids.length <= exactBelow ? 'exact' : 'hnsw'
  const filterExactBelow = options.filterExactBelow ?? DEFAULTS.filterExactBelow
  if (kind === 'exact') {
    onProgress({ phase: 'index', done: ids.length, total: ids.length, unit: 'items' })
    return createIndex({ kind, table, filterExactBelow })
  }
  const params: HnswParams = {
    m: positiveInt('m', options.m ?? DEFAULTS.m),
    efConstruction: positiveInt('efConstruction', options.efConstruction ?? DEFAULTS.efConstruction),
    efSearch: positiveInt('efSearch', options.efSearch ?? DEFAULTS.efSearch),
    seed: options.seed ?? DEFAULTS.seed,
  }
  if (!Number.isInteger(params.seed) || params.seed < 0) {
    throw new AppError('input.invalid', `Index option seed must be a non-negative integer, got ${params.seed}`, {
      details: { option: 'seed', value: params.seed },
    })
  }
  const graph = new hnswlib.HierarchicalNSW('cosine', dimension)
  graph.initIndex({ maxElements: ids.length, m: params.m, efConstruction: params.efConstruction, randomSeed: params.seed })
  const n = ids.length
  const every = Math.max(1, Math.floor(n / 100))
  onProgress({ phase: 'index', done: 0, total: n, unit: 'items' })
  for (let label = 0; label < n; label++) {
    graph.addPoint(Array.from(data.subarray(label * dimension, (label + 1) * dimension)), label)
    if ((label + 1) % every === 0 || label + 1 === n) onProgress({ phase: 'index', done: label + 1, total: n, unit: 'items' })
  }
  graph.setEf(params.efSearch)
  return createIndex({ kind, table, hnsw: { graph, params }, filterExactBelow })
}

function createIndex(core: IndexCore): WritableIndex {
  const { table } = core
  const n = table.ids.length
  let closed = false
  let efSearch = core.hnsw?.params.efSearch ?? DEFAULTS.efSearch
  let efSet = efSearch

  const ensureOpen = () => {
    if (closed) throw new AppError('unavailable', 'The vector index has been closed; open it again to search', { details: {} })
  }

  const graphSearch = (q: Float32Array, k: number, ef: number, mask?: Uint8Array): SearchHit[] => {
    const graph = (core.hnsw as { graph: Hnsw }).graph
    if (ef !== efSet) {
      graph.setEf(ef)
      efSet = ef
    }
    const result = mask ? graph.searchKnn(Array.from(q), k, (label) => mask[label] === 1) : graph.searchKnn(Array.from(q), k)
    return result.neighbors.map((label, i) => ({ id: table.ids[label] as ItemId, score: 1 - (result.distances[i] as number) }))
  }

  const filteredSearch = (q: Float32Array, want: number, filter: (id: ItemId) => boolean): SearchHit[] => {
    // Each id is asked at most once per search: 1 passes, -1 fails, 0 not asked yet.
    const memo = new Int8Array(n)
    const passes = (label: number): boolean => {
      let verdict = memo[label] as number
      if (verdict === 0) {
        verdict = filter(table.ids[label] as ItemId) ? 1 : -1
        memo[label] = verdict
      }
      return verdict === 1
    }
    const fullMask = () => {
      const mask = new Uint8Array(n)
      let passing = 0
      for (let label = 0; label < n; label++) {
        if (passes(label)) {
          mask[label] = 1
          passing++
        }
      }
      return { mask, passing }
    }
    if (core.kind === 'hnsw') {
      // Estimate how many items pass from an even sample. When many pass, over-fetch without the filter
      // (the fast native path) and keep the passing hits: far cheaper than a filtered walk, which calls
      // back into JS for every node it visits.
      const sampleSize = Math.min(n, FILTER_SAMPLE)
      let sampled = 0
      for (let i = 0; i < sampleSize; i++) if (passes(Math.floor((i * n) / sampleSize))) sampled++
      const share = sampled / sampleSize
      if (share * n > core.filterExactBelow) {
        const over = Math.min(n, Math.ceil((2 * want) / share) + 10)
        if (over <= OVERFETCH_MAX) {
          // Twice the breadth: the passing hits sit deep in the list, where HNSW is least exact.
          const kept = graphSearch(q, over, Math.max(efSearch, 2 * over)).filter((h) => passes(table.labels.get(h.id) as number))
          if (kept.length >= want) return kept.slice(0, want)
        }
      }
    }
    const { mask, passing } = fullMask()
    const target = Math.min(want, passing)
    if (target === 0) return []
    if (core.kind === 'exact' || passing <= core.filterExactBelow) return exactTopK(table, q, target, mask)
    const hits = graphSearch(q, target, Math.max(efSearch, target), mask)
    if (hits.length >= target) return hits
    // The filtered walk ran out before finding enough passing items: widen it once, then scan exactly.
    const wider = graphSearch(q, target, Math.min(n, Math.max(efSearch * 4, target * 4)), mask)
    return wider.length >= target ? wider : exactTopK(table, q, target, mask)
  }

  const search = (query: Float32Array, k: number, filter?: (id: ItemId) => boolean): SearchHit[] => {
    ensureOpen()
    const q = normalizeQuery(query, table.dimension)
    const want = Math.min(Math.floor(k), n)
    if (!(want > 0)) return []
    if (filter) return filteredSearch(q, want, filter)
    if (core.kind === 'exact') return exactTopK(table, q, want)
    const hits = graphSearch(q, want, Math.max(efSearch, want))
    // Only a graph with unreachable parts comes back short; the exact answer is then the honest one.
    return hits.length >= want ? hits : exactTopK(table, q, want)
  }

  const save = async (dir: string, extra: IndexManifestExtra): Promise<IndexManifest> => {
    ensureOpen()
    try {
      return await writeAll(dir, extra)
    } catch (error) {
      throw wrapError(error, 'build.failed', `Could not save the index to ${dir}`, { dir })
    }
  }

  const writeAll = async (dir: string, extra: IndexManifestExtra): Promise<IndexManifest> => {
    await mkdir(dir, { recursive: true })
    const idsBytes = Buffer.from(JSON.stringify(table.ids))
    const vectorBytes = f32ToBytes(table.data)
    await writeFileAtomic(join(dir, IDS_FILE), idsBytes)
    await writeFileAtomic(join(dir, VECTORS_FILE), vectorBytes)
    const digests: IndexManifest['fileDigests'] = {
      [IDS_FILE]: { bytes: idsBytes.byteLength, sha256: sha256(idsBytes) },
      [VECTORS_FILE]: { bytes: vectorBytes.byteLength, sha256: sha256(vectorBytes) },
    }
    if (core.hnsw) {
      const path = join(dir, HNSW_FILE)
      const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
      try {
        await core.hnsw.graph.writeIndex(tmp)
        const graphBytes = await readFile(tmp)
        digests[HNSW_FILE] = { bytes: graphBytes.byteLength, sha256: sha256(graphBytes) }
        await rename(tmp, path)
      } catch (error) {
        await rm(tmp, { force: true })
        throw wrapError(error, 'build.failed', `Could not write the HNSW graph to ${path}`, { path })
      }
    }
    for (const file of extra.files ?? []) digests[file] = await digestOf(dir, file)
    const draft: IndexManifest = {
      formatVersion: 1,
      kind: core.kind,
      encoderId: extra.encoderId,
      dimension: table.dimension,
      itemCount: n,
      dataFingerprint: extra.dataFingerprint,
      dataset: extra.dataset,
      createdAt: new Date().toISOString(),
      buildId: extra.buildId,
      ...(core.hnsw ? { hnsw: { ...core.hnsw.params, efSearch } } : {}),
      files: Object.keys(digests),
      fileDigests: digests,
      ...(extra.extra ? { extra: extra.extra } : {}),
    }
    const checked = indexManifestSchema.safeParse(draft)
    if (!checked.success) {
      const problems = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
      throw new AppError('input.invalid', `Cannot save an index with this manifest: ${problems.join('; ')}`, {
        details: { dir, problems },
      })
    }
    // The manifest goes last: a folder with a manifest is complete.
    await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(draft, null, 2)}\n`)
    return draft
  }

  return {
    kind: core.kind,
    dimension: table.dimension,
    size: n,
    search,
    vector: (id) => {
      ensureOpen()
      const label = table.labels.get(id)
      return label === undefined ? undefined : rowOf(table, label)
    },
    has: (id) => table.labels.has(id),
    setEfSearch: (ef) => {
      efSearch = positiveInt('efSearch', ef)
    },
    save,
    close: async () => {
      closed = true
      core.hnsw = undefined
    },
  }
}

function corrupt(dir: string, file: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): AppError {
  return new AppError('index.corrupt', `Index in ${dir}: ${file} ${message}. Rebuild the index.`, {
    details: { dir, file, ...details },
    ...(cause === undefined ? {} : { cause }),
  })
}

async function digestOf(dir: string, file: string): Promise<IndexManifest['fileDigests'][string]> {
  if (file === MANIFEST_FILE || file.includes('/') || file.includes('\\') || file === '..') {
    throw new AppError('input.invalid', `The manifest cannot cover "${file}"`, { details: { dir, file } })
  }
  const bytes = await readFile(join(dir, file))
  return { bytes: bytes.byteLength, sha256: sha256(bytes) }
}

async function readChecked(dir: string, manifest: IndexManifest, file: string): Promise<Buffer> {
  const digest = manifest.fileDigests[file]
  if (!digest || !manifest.files.includes(file)) throw corrupt(dir, file, 'is not listed in the manifest')
  let bytes: Buffer
  try {
    bytes = await readFile(join(dir, file))
  } catch (error) {
    throw corrupt(dir, file, 'is missing or unreadable', { reason: errorMessage(error) }, error)
  }
  if (bytes.byteLength !== digest.bytes) {
    throw corrupt(dir, file, `has ${bytes.byteLength} bytes, the manifest says ${digest.bytes}`, {
      bytes: bytes.byteLength,
      expectedBytes: digest.bytes,
    })
  }
  if (sha256(bytes) !== digest.sha256) throw corrupt(dir, file, 'does not match its checksum in the manifest')
  return bytes
}

/** An index's checked files, read and parsed but not yet opened: what a worker thread can hand over. */
export interface IndexData {
  manifest: IndexManifest
  ids: string[]
  vectors: Float32Array
}

/**
 * Reads an index's manifest and checks every file it lists (size, SHA-256; the build's catalogue snapshot too) and
 * the ids and vectors against it. Pure data, no native code, so it can run in a worker thread. Throws like `openIndex`.
 */
export async function readIndexData(dir: string, expected: IndexExpectation = {}): Promise<IndexData> {
  const manifest = await readIndexManifest(dir)
  const mismatched = (['encoderId', 'dimension', 'itemCount'] as const).filter(
    (key) => expected[key] !== undefined && expected[key] !== manifest[key],
  )
  if (mismatched.length > 0) {
    const built = Object.fromEntries(mismatched.map((key) => [key, manifest[key]]))
    const wanted = Object.fromEntries(mismatched.map((key) => [key, expected[key]]))
    throw new AppError(
      'index.incompatible',
      `Index in ${dir} was built with ${JSON.stringify(built)} but ${JSON.stringify(wanted)} is expected. Run \`concierge rebuild\`.`,
      { details: { dir, built, expected: wanted } },
    )
  }
  if (manifest.kind === 'hnsw' && !manifest.hnsw)
    throw corrupt(dir, MANIFEST_FILE, 'describes an HNSW index without its parameters')

  const idsBytes = await readChecked(dir, manifest, IDS_FILE)
  let ids: unknown
  try {
    ids = JSON.parse(idsBytes.toString('utf8'))
  } catch (error) {
    throw corrupt(dir, IDS_FILE, 'is not valid JSON', { reason: errorMessage(error) }, error)
  }
  if (!Array.isArray(ids) || ids.length !== manifest.itemCount || !ids.every((id) => typeof id === 'string')) {
    throw corrupt(dir, IDS_FILE, `must be an array of ${manifest.itemCount} strings`)
  }
  const vectorBytes = await readChecked(dir, manifest, VECTORS_FILE)
  const expectedBytes = manifest.itemCount * manifest.dimension * 4
  if (vectorBytes.byteLength !== expectedBytes) {
    throw corrupt(dir, VECTORS_FILE, `has ${vectorBytes.byteLength} bytes, expected ${expectedBytes}`, {
      bytes: vectorBytes.byteLength,
      expectedBytes,
    })
  }
  for (const file of manifest.files) if (file !== IDS_FILE && file !== VECTORS_FILE) await readChecked(dir, manifest, file)
  return { manifest, ids: ids as string[], vectors: bytesToF32(vectorBytes) }
}

/**
 * Opens a saved index, checking the manifest against what the caller expects and every file against
 * the manifest before any of it is used.
 */
export async function openIndex(
  dir: string,
  expected: IndexExpectation = {},
  options: OpenIndexOptions = {},
): Promise<LoadedIndex> {
  return openIndexData(dir, await readIndexData(dir, expected), options)
}

/** Opens an index from what `readIndexData` read and checked (the HNSW graph loads from the folder it checked). */
export async function openIndexData(dir: string, data: IndexData, options: OpenIndexOptions = {}): Promise<LoadedIndex> {
  const { manifest } = data
  let table: VectorTable
  try {
    table = createVectorTable(data.ids, data.vectors, manifest.dimension)
  } catch (error) {
    throw corrupt(dir, IDS_FILE, 'is invalid', { reason: errorMessage(error) }, error)
  }
  const filterExactBelow = options.filterExactBelow ?? DEFAULTS.filterExactBelow

  let index: WritableIndex
  if (manifest.kind === 'exact') {
    index = createIndex({ kind: 'exact', table, filterExactBelow })
  } else {
    const params = manifest.hnsw as HnswParams
    const graph = new hnswlib.HierarchicalNSW('cosine', manifest.dimension)
    try {
      // Synchronously: a server swapping builds under load would otherwise wait a whole turn of its busy event
      // loop for this one read (tens of milliseconds of work).
      graph.readIndexSync(join(dir, HNSW_FILE))
    } catch (error) {
      throw corrupt(dir, HNSW_FILE, 'could not be loaded', { reason: errorMessage(error) }, error)
    }
    if (graph.getCurrentCount() !== manifest.itemCount || graph.getNumDimensions() !== manifest.dimension) {
      throw corrupt(dir, HNSW_FILE, `holds ${graph.getCurrentCount()} items of dimension ${graph.getNumDimensions()}`, {
        items: graph.getCurrentCount(),
        dimension: graph.getNumDimensions(),
      })
    }
    const efSearch = options.efSearch ?? params.efSearch
    graph.setEf(efSearch)
    index = createIndex({ kind: 'hnsw', table, hnsw: { graph, params: { ...params, efSearch } }, filterExactBelow })
  }
  const { save: _save, ...loaded } = index
  return { ...loaded, manifest }
}
