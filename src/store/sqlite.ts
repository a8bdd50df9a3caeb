import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { AppError, type ItemId, type UserId, wrapError } from '../core/index.ts'
import { sessionSchema } from './session-schema.ts'
import type { SessionState, Store, StoredInteraction, StoredProfile } from './types.ts'

/**
 * Schema migrations, applied in order; the version reached is kept in `schema_version`.
 * Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     conversation_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     state TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE preferences (
     user_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('like', 'dislike')),
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (user_id, item_id)
   );
   CREATE TABLE interactions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     user_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     event TEXT NOT NULL,
     rating REAL,
     conversation_id TEXT,
     timestamp INTEGER NOT NULL
   );
   CREATE INDEX interactions_user ON interactions(user_id);`,
]

interface SessionRow {
  state: string
}
interface PreferenceRow {
  item_id: string
  kind: 'like' | 'dislike'
}
interface InteractionRow {
  user_id: string
  item_id: string
  event: string
  rating: number | null
  conversation_id: string | null
  timestamp: number
}

/**
 * Opens (or creates) the SQLite store at `path` (`:memory:` for a throwaway one), in WAL mode, and migrates it.
 * Throws `store.failed` when the file is not a database, is from a newer version, or cannot be written;
 * the file is never deleted or overwritten in that case.
 */
export async function createSqliteStore(options: { path: string }): Promise<Store> {
  const { path } = options
  let db: Database.Database
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    db = new Database(path)
  } catch (error) {
    throw wrapError(error, 'store.failed', `Cannot open the store at ${path}: check the path and its permissions`, { path })
  }
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    migrate(db, path)
  } catch (error) {
    db.close()
    throw wrapError(
      error,
      'store.failed',
      `The store at ${path} cannot be used (not a SQLite database, damaged, or read-only). It was left untouched; move it aside or set CONCIERGE_STORE_PATH.`,
      { path },
    )
  }

  const stmt = {
    getSession: db.prepare<[string], SessionRow>('SELECT state FROM sessions WHERE conversation_id = ?'),
    putSession: db.prepare(
      `INSERT INTO sessions (conversation_id, user_id, state, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(conversation_id) DO UPDATE SET user_id = excluded.user_id, state = excluded.state, updated_at = excluded.updated_at`,
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE conversation_id = ?'),
    getPrefs: db.prepare<[string], PreferenceRow>(
      'SELECT item_id, kind FROM preferences WHERE user_id = ? ORDER BY updated_at DESC, rowid DESC',
    ),
    putPref: db.prepare(
      `INSERT INTO preferences (user_id, item_id, kind, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(user_id, item_id) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at`,
    ),
    deletePref: db.prepare('DELETE FROM preferences WHERE user_id = ? AND item_id = ?'),
    putInteraction: db.prepare(
      'INSERT INTO interactions (user_id, item_id, event, rating, conversation_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    allInteractions: db.prepare<[], InteractionRow>(
      'SELECT user_id, item_id, event, rating, conversation_id, timestamp FROM interactions ORDER BY id',
    ),
    forgetSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    forgetPrefs: db.prepare('DELETE FROM preferences WHERE user_id = ?'),
    forgetInteractions: db.prepare('DELETE FROM interactions WHERE user_id = ?'),
  }
  const forget = db.transaction((userId: string) => {
    stmt.forgetSessions.run(userId)
    stmt.forgetPrefs.run(userId)
    stmt.forgetInteractions.run(userId)
  })

  let closed = false
  const guard = <T>(what: string, fn: () => T): Promise<T> => {
    if (closed) return Promise.reject(new AppError('store.failed', `The store is closed (${what})`, { details: { path } }))
    try {
      return Promise.resolve(fn())
    } catch (error) {
      return Promise.reject(wrapError(error, 'store.failed', `The store could not ${what}`, { path }))
    }
  }

  return {
    kind: 'sqlite',
    getSession: (conversationId) =>
      guard('read a session', () => {
        const row = stmt.getSession.get(conversationId)
        if (!row) return undefined
        return parseSession(row.state, conversationId)
      }),
    saveSession: (state) =>
      guard('save a session', () => {
        stmt.putSession.run(state.conversationId, state.userId, JSON.stringify(state), state.updatedAt)
      }),
    deleteSession: (conversationId) =>
      guard('delete a session', () => {
        stmt.deleteSession.run(conversationId)
      }),
    getProfile: (userId) =>
      guard('read a profile', () => {
        const profile: StoredProfile = { userId, likes: [], dislikes: [] }
        for (const row of stmt.getPrefs.all(userId)) (row.kind === 'like' ? profile.likes : profile.dislikes).push(row.item_id)
        return profile
      }),
    setPreference: (userId: UserId, itemId: ItemId, kind) =>
      guard('save a preference', () => {
        stmt.putPref.run(userId, itemId, kind, Date.now())
      }),
    removePreference: (userId, itemId) =>
      guard('remove a preference', () => {
        stmt.deletePref.run(userId, itemId)
      }),
    recordInteraction: (i: StoredInteraction) =>
      guard('record an interaction', () => {
        stmt.putInteraction.run(i.userId, i.itemId, i.event, i.rating ?? null, i.conversationId ?? null, i.timestamp)
      }),
    exportInteractions: () =>
      guard('export interactions', () =>
        stmt.allInteractions.all().map((r) => {
          const out: StoredInteraction = { userId: r.user_id, itemId: r.item_id, event: r.event, timestamp: r.timestamp }
          if (r.rating !== null) out.rating = r.rating
          if (r.conversation_id !== null) out.conversationId = r.conversation_id
          return out
        }),
      ),
    forgetUser: (userId) => guard('forget a user', () => forget(userId)),
    close: async () => {
      if (closed) return
      closed = true
      db.close()
    },
  }
}

function migrate(db: Database.Database, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
  const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get()
  const current = row?.version ?? 0
  if (current > MIGRATIONS.length) {
    throw new AppError('store.failed', `The store at ${path} was written by a newer version (schema ${current})`, {
      details: { path, schema: current, supported: MIGRATIONS.length },
    })
  }
  if (current === MIGRATIONS.length) return
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!)
    if (row) db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length)
    else db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(MIGRATIONS.length)
  })()
}

export function parseSession(json: string, conversationId: string): SessionState {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch (error) {
    throw wrapError(error, 'store.failed', `The stored session ${conversationId} is damaged`, { conversationId })
  }
  const parsed = sessionSchema.safeParse(raw)
  if (!parsed.success) {
    throw new AppError('store.failed', `The stored session ${conversationId} is damaged`, {
      details: { conversationId, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) },
    })
  }
  return parsed.data as SessionState
}
