/**
 * Persistence of conversations: session state, user profiles (likes/dislikes across conversations),
 * feedback and interactions (training data for the next rebuild). Every method may throw `store.failed`.
 */

export { createMemoryStore } from './memory.ts'
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
} from './types.ts'
/** A fresh session with nothing established yet. */
export { emptySession } from './types.ts'
