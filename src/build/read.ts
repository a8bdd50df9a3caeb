import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type AutoencoderWeights, type CollabFiles, checkCollabFiles, prepareScorerWeights } from '../collab/index.ts'
import { AppError, type ErrorCode, errorMessage, type Item, type ItemId, sha256 } from '../core/index.ts'
import { type IndexData, readIndexData } from '../index/index.ts'
import type { FactMeanings } from '../recommend/index.ts'
import { readFactMeanings } from './meanings.ts'
import { readSnapshot } from './snapshot.ts'
import { buildCatalogueTables, type CatalogueTables, readCatalogueTables, TABLES_FILE, tableBuffers } from './tables.ts'
import { type BuildModelFacts, buildModel, checkBuildParts, snapshotIsChecked } from './verify.ts'

/** Everything a build folder holds, read and checked, as plain data (a worker thread hands it over in one message). */
export interface BuildData {
  index: IndexData
  items: Item[]
  popularity: Map<ItemId, number>
  /** The model the build names, read but not yet checked against its own manifest (collab/ does that). */
  model?: {
    dir: string
    facts?: BuildModelFacts
    files?: CollabFiles
    /** The weights as the model's scorer uploads them (`prepare`), when the files pass collab's checks. */
    scorerWeights?: AutoencoderWeights[]
    error?: SerialisedError
  }
  /** What the chat and recommender derive from `items` alone, when asked for (`prepare`). */
  tables?: CatalogueTables
  /** The facts' names embedded by the build's encoder, when the build wrote them. */
  meanings?: FactMeanings
}

/** An AppError as it crosses a thread: code, message and details. */
export interface SerialisedError {
  code: ErrorCode
  message: string
  details: Record<string, unknown>
}

/**
 * Reads a build folder: the index data and catalogue snapshot (every file against the manifest's SHA-256), the
 * files of the model the manifest names, and cross-checks the item counts it can without the model's own checks.
 * No native code or TF.js: this is what the reader thread runs, with `prepare`: then also what a server would
 * otherwise make on its own thread (the catalogue tables, the model's weights as its scorer uploads them).
 * Throws `index.*` errors; a model that cannot be read is reported in `model.error` (whether that refuses the
 * build is the caller's rule).
 */
export async function readBuildData(dir: string, options: { prepare?: boolean } = {}): Promise<BuildData> {
  const index = await readIndexData(dir)
  const { items, popularity } = await readSnapshot(dir, { checked: snapshotIsChecked(index.manifest) })
  checkBuildParts(dir, index.manifest, items)
  const meanings = await readFactMeanings(dir, index.manifest.files)
  const parts = {
    index,
    items,
    popularity,
    ...(meanings ? { meanings } : {}),
    ...(options.prepare ? { tables: await tablesOf(dir, index, items) } : {}),
  }
  const model = buildModel(index.manifest)
  if (!model.dir || model.facts === null) return parts
  const facts = model.facts ? { facts: model.facts } : {}
  try {
    const files = await readModelFiles(model.dir)
    const prepared = options.prepare ? scorerWeightsOf(model.dir, files, index) : undefined
    return { ...parts, model: { dir: model.dir, ...facts, files, ...(prepared ? { scorerWeights: prepared } : {}) } }
  } catch (error) {
    return { ...parts, model: { dir: model.dir, ...facts, error: serialiseError(error) } }
  }
}

/**
 * The model's weights as its scorer uploads them, when its files pass collab's checks; else undefined, and the
 * server's own check of the files reports why.
 */
function scorerWeightsOf(dir: string, files: CollabFiles, index: IndexData): AutoencoderWeights[] | undefined {
  try {
    const checked = checkCollabFiles(dir, files, { dataFingerprint: index.manifest.dataFingerprint })
    return prepareScorerWeights(checked)
  } catch {
    return undefined
  }
}

/** The buffers a build's data holds in typed arrays, each once, to move rather than copy to another thread. */
export function movableBuffers(data: BuildData): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [data.index.vectors]
  if (data.meanings) arrays.push(data.meanings.vectors)
  if (data.model?.files) arrays.push(data.model.files.weights)
  for (const set of data.model?.scorerWeights ?? []) arrays.push(...set.weights, ...set.biases)
  const buffers = new Set(arrays.map((a) => a.buffer as ArrayBuffer))
  for (const buffer of tableBuffers(data.tables)) buffers.add(buffer)
  return [...buffers]
}

/**
 * The tables the rebuild wrote (builds made since it does, with the rules of this code), else built now from the
 * items.
 */
async function tablesOf(dir: string, index: IndexData, items: Item[]): Promise<CatalogueTables> {
  if (!index.manifest.files.includes(TABLES_FILE)) return buildCatalogueTables(items)
  return (await readCatalogueTables(dir, items)) ?? buildCatalogueTables(items)
}

/** The model folder's manifest, item list and weights as they are on disk (collab/ checks them). */
async function readModelFiles(dir: string): Promise<CollabFiles> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>
  const named = (key: string) => {
    const name = manifest[key]
    if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
      throw new AppError('collab.incompatible', `The model manifest in ${dir} names no ${key}`, { details: { dir } })
    }
    return join(dir, name)
  }
  const itemIds: unknown = JSON.parse(await readFile(named('itemsFile'), 'utf8'))
  const weights = new Uint8Array(await readFile(named('weightsFile')))
  return { manifest, itemIds, weights, weightsSha256: sha256(weights) }
}

export function serialiseError(error: unknown): SerialisedError {
  if (error instanceof AppError) return { code: error.code, message: error.message, details: error.details }
  return { code: 'internal', message: errorMessage(error), details: {} }
}

export function deserialiseError(error: SerialisedError): AppError {
  return new AppError(error.code, error.message, { details: error.details })
}
