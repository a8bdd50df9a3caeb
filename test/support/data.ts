import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (this file is test/support/data.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * The real-data folder for tests and benchmarks: CONCIERGE_DATA_DIR when set, else ../shared/data beside the
 * project when present, else undefined. Tests that need it use `describe.skipIf(!dataDir())` and say so.
 */
export function dataDir(): string | undefined {
  const explicit = process.env.CONCIERGE_DATA_DIR
  if (explicit) return existsSync(explicit) ? resolve(explicit) : undefined
  const shared = join(repoRoot, '..', 'shared', 'data')
  return existsSync(shared) ? shared : undefined
}

/** Path inside the data folder; throws when there is none (call only inside a skipIf-guarded suite). */
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

if (!dataDir()) {
  console.warn('[concierge tests] no data folder found: real-data tests are skipped (set CONCIERGE_DATA_DIR)')
}
