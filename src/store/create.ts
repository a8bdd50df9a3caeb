import { createMemoryStore } from './memory.ts'
import { createPostgresStore } from './postgres.ts'
import { createSqliteStore } from './sqlite.ts'
import type { Store } from './types.ts'

/** The store slice of the configuration. */
export interface StoreConfig {
  /** SQLite file, used when `url` is not set. */
  path: string
  /** `postgres://…` for a shared PostgreSQL store, `memory:` for a throwaway one. */
  url?: string
  /** Sessions idle longer than this are not loaded again and are swept; 0: never. */
  sessionTtlMs: number
}

/** Opens the configured store: PostgreSQL when `url` says so, else the embedded SQLite file. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const options = { sessionTtlMs: config.sessionTtlMs }
  if (config.url?.startsWith('memory:')) return createMemoryStore(options)
  if (config.url) return createPostgresStore({ url: config.url, ...options })
  return createSqliteStore({ path: config.path, ...options })
}
