import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (this file is test/support/data.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The real-data folder for tests and benchmarks: CONCIERGE_DATA_DIR when set, else ../shared/data beside the
 * project when present, else undefined. Suites use `dataSources()` or `describeRealData()` rather than this.
 */
export function dataDir(): string | undefined {
  const explicit = process.env.CONCIERGE_DATA_DIR
  if (explicit) return existsSync(explicit) ? resolve(explicit) : undefined
  const shared = join(repoRoot, '..', 'shared', 'data')
  return existsSync(shared) ? shared : undefined
}

/** Path inside the real data folder; throws when there is none (call only inside `describeRealData`). */
export function dataPath(...parts: string[]): string {
  const dir = dataDir()
  if (!dir) throw new Error('No data folder: set CONCIERGE_DATA_DIR or place ../shared/data beside the project')
  return join(dir, ...parts)
}

/** The shared MiniLM tokenizer folder (tokenizer.json, config.json, vocab.txt; no weights), when present. */
export function sharedModelsDir(): string | undefined {
  const dir = join(repoRoot, '..', 'shared', 'models')
  return existsSync(dir) ? dir : undefined
}

/** The fixture data folder: the layout of ../shared/data in miniature, written for the tests (see its README). */
export const FIXTURE_DATA_DIR = join(repoRoot, 'test', 'fixtures', 'data')

/** A data folder a suite runs on: `fixtures` always, `real` when the real data folder is present. */
export interface DataSource {
  name: 'fixtures' | 'real'
  dir: string
}

/**
 * The data folders a data-reading suite runs on: the fixtures always, then the real data folder when there is one.
 * Use with `describe.each(dataSources())('… ($name data)', ({ name, dir }) => …)`, with the expectations that
 * depend on the data's size chosen by `name`.
 */
export function dataSources(): DataSource[] {
  const real = dataDir()
  return [{ name: 'fixtures', dir: FIXTURE_DATA_DIR }, ...(real ? [{ name: 'real' as const, dir: real }] : [])]
}
