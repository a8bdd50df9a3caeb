import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CollabFiles } from '../collab/index.ts'
import { AppError, type ErrorCode, errorMessage, type Item, type ItemId, sha256 } from '../core/index.ts'
import { type IndexData, readIndexData } from '../index/index.ts'
import { readSnapshot } from './snapshot.ts'
import { buildCatalogueTables, type CatalogueTables, readCatalogueTables, TABLES_FILE } from './tables.ts'
import { type BuildModelFacts, buildModel, checkBuildParts, snapshotIsChecked } from './verify.ts'

/** Everything a build folder holds, read and checked, as plain data (a worker thread hands it over in one message). */
export interface BuildData {
  index: IndexData
  items: Item[]
  popularity: Map<ItemId, number>
  /** The model the build names, read but not yet checked against its own manifest (collab/ does that). */
  model?: { dir: string; facts?: BuildModelFacts; files?: CollabFiles; error?: SerialisedError }
  /** What the chat and recommender derive from `items` alone, when asked for (`withTables`). */
  tables?: CatalogueTables
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
 * No native code or TF.js: this is what the reader thread runs, with `withTables` (the catalogue tables too).
 * Throws `index.*` errors; a model that cannot be read is reported in `model.error` (whether that refuses the
 * build is the caller's rule).
 */
export async function readBuildData(dir: string, options: { withTables?: boolean } = {}): Promise<BuildData> {
  const index = await readIndexData(dir)
  const { items, popularity } = await readSnapshot(dir, { checked: snapshotIsChecked(index.manifest) })
  checkBuildParts(dir, index.manifest, items)
  const parts = { index, items, popularity, ...(options.withTables ? { tables: await tablesOf(dir, index, items) } : {}) }
  const model = buildModel(index.manifest)
  if (!model.dir || model.facts === null) return parts
  const facts = model.facts ? { facts: model.facts } : {}
  try {
    return { ...parts, model: { dir: model.dir, ...facts, files: await readModelFiles(model.dir) } }
  } catch (error) {
    return { ...parts, model: { dir: model.dir, ...facts, error: serialiseError(error) } }
  }
}

/** The tables the rebuild wrote (builds made since it does), else built now from the items. */
async function tablesOf(dir: string, index: IndexData, items: Item[]): Promise<CatalogueTables> {
  if (!index.manifest.files.includes(TABLES_FILE)) return buildCatalogueTables(items)
  return readCatalogueTables(dir, items)
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
