/**
 * Persistence of conversations: session state, user profiles (likes/dislikes across conversations),
 * feedback and interactions (training data for the next rebuild). Every method may throw `store.failed`.
 */

/** Opens the configured store: PostgreSQL for a `postgres://` URL, else SQLite. */
export { createStore, type StoreConfig } from './create.ts'
export { createMemoryStore } from './memory.ts'
/** The store's user for an id within a namespace (a site key): the same id under two keys is two people. */
export { namespacedUserId } from './namespace.ts'
/** Connects to PostgreSQL (pool) and runs its versioned migrations; `store.failed` when it cannot. */
export { createPostgresStore, openPostgresDriver, PG_MIGRATIONS, type PostgresStoreOptions } from './postgres.ts'
/** SQL with `?` placeholders over SQLite or PostgreSQL, as the store (and the impression log) run it. */
export type { SqlDriver, SqlExecutor } from './sql-store.ts'
/** Opens or creates a SQLite store (WAL, migrated); `store.failed` on a damaged, newer or unwritable file. */
export { createSqliteStore, MIGRATIONS } from './sqlite.ts'
export type {
  PendingClarification,
  SessionAnchor,
  SessionConstraints,
  SessionPreference,
  SessionState,
  Store,
  StoredInteraction,
  StoredProfile,
  StoreOptions,
} from './types.ts'
/** A fresh session with nothing established yet. */
export { emptySession } from './types.ts'
