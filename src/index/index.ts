/**
 * Nearest-neighbour search over item vectors: an HNSW index (hnswlib-node, cosine space) for real
 * catalogues and an exact brute-force index (the oracle, and the choice for tiny catalogues), both saved
 * with a zod-validated manifest. Vectors cross this boundary as Float32Array, scores as cosine similarity.
 */

/** Float32 arrays to and from little-endian bytes, as vector files store them. */
export { bytesToF32, f32ToBytes } from './files.ts'
export type { IndexManifest, IndexManifestExtra } from './manifest.ts'
export {
  HNSW_FILE,
  IDS_FILE,
  /** Zod schema of manifest.json (formatVersion 1). */
  indexManifestSchema,
  MANIFEST_FILE,
  /**
   * Reads and validates `<dir>/manifest.json`.
   * @throws AppError `index.not_found`, `index.corrupt`, `index.incompatible` (other format version).
   */
  readIndexManifest,
  VECTORS_FILE,
} from './manifest.ts'
export type { ClusteredVectorsOptions } from './synthetic.ts'
export {
  /** Seeded unit vectors around uneven clusters, for tests and benchmarks. */
  clusteredUnitVectors,
} from './synthetic.ts'
export type {
  BuildIndexOptions,
  HnswParams,
  /** An index's files read and checked by `readIndexData` (plain data a worker thread can hand over). */
  IndexData,
  IndexExpectation,
  /** A saved index: a VectorIndex plus the manifest it was opened from. */
  LoadedIndex,
  OpenIndexOptions,
  SearchTuning,
  /** An index built in memory that can be saved with `save(dir, extra)` (writes the manifest last). */
  WritableIndex,
} from './vector-index.ts'
export {
  /**
   * Builds an index in memory from ids and vectors (same order; vectors are copied and normalised).
   * `kind: 'auto'` (default) picks exact for `ids.length <= exactBelow` (1000), else HNSW with
   * `m` 16, `efConstruction` 200, `efSearch` 200, `seed` 42. Same input and seed → same index.
   * Filtered search (the filter must be pure; it is called at most once per item per search): HNSW
   * estimates the pass rate from 512 sampled items; when many pass it over-fetches ~2k/rate hits
   * without the filter (ef twice that) and keeps the passing ones; else, or when that comes up short, it asks every item, scans the
   * passing ones exactly when at most `filterExactBelow` (2000) pass, and otherwise walks the graph with
   * the filter (widened, then exact, if short). So k results come back whenever k items pass.
   * @throws AppError `input.invalid` for no items, mismatched lengths, duplicate ids, non-finite values, bad options.
   */
  buildIndex,
  /**
   * Opens a saved index. Checks the manifest (zod), `expected` (encoderId, dimension, itemCount) and
   * every file's size and SHA-256 before use.
   * @throws AppError `index.not_found` (no manifest), `index.incompatible` (expectation or format version
   * mismatch; details.built vs details.expected), `index.corrupt` (bad manifest, missing/truncated/altered file).
   */
  openIndex,
  /** Opens an index from `readIndexData`'s result (loads the HNSW graph from the folder). */
  openIndexData,
  /**
   * Reads the manifest and every file it lists (size and SHA-256), ids and vectors checked: no native code, so a
   * worker thread can run it. Throws like `openIndex`.
   */
  readIndexData,
} from './vector-index.ts'
