import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { AppError, wrapError } from '../core/index.ts'
import { createSqlStore, type SqlDriver, type SqlExecutor } from './sql-store.ts'
import type { Store, StoreOptions } from './types.ts'

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
  // Who took part in each conversation (a session row names only who spoke last), when sessions expire, who was
  // forgotten (as a hash) and which conversations a forget wiped. Existing sessions count their last speaker as a
  // participant.
  `CREATE TABLE participants (
     conversation_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (conversation_id, user_id)
   );
   CREATE INDEX participants_user ON participants(user_id);
   INSERT INTO participants (conversation_id, user_id) SELECT conversation_id, user_id FROM sessions;
   CREATE INDEX sessions_updated ON sessions(updated_at);
   CREATE INDEX interactions_conversation ON interactions(conversation_id);
   CREATE TABLE forgotten_users (
     user_hash TEXT PRIMARY KEY,
     forgotten_at INTEGER NOT NULL
   );
   CREATE TABLE wiped_conversations (
     conversation_id TEXT PRIMARY KEY,
     wiped_at INTEGER NOT NULL
   );`,
]

/**
 * Opens (or creates) the SQLite store at `path` (`:memory:` for a throwaway one), in WAL mode with
 * `secure_delete` on, and migrates it. Throws `store.failed` when the file is not a database, is from a newer
 * version, or cannot be written; the file is never deleted or overwritten in that case.
 */
export async function createSqliteStore(options: { path: string } & StoreOptions): Promise<Store> {
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
    // Deleted rows are overwritten with zeros, so forgotten text does not linger in free pages.
    db.pragma('secure_delete = ON')
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
  return createSqlStore(sqliteDriver(db, path), options)
}

/**
 * better-sqlite3 is synchronous; every call runs to completion before the next one starts, so a transaction's
 * statements are never interleaved with another caller's, as long as a transaction holds the queue until it ends.
 */
function sqliteDriver(db: Database.Database, path: string): SqlDriver {
  const statements = new Map<string, Database.Statement>()
  const prepared = (sql: string) => {
    let stmt = statements.get(sql)
    if (!stmt) {
      stmt = db.prepare(sql)
      statements.set(sql, stmt)
    }
    return stmt
  }
  const direct: SqlExecutor = {
    all: async <T>(sql: string, params: readonly unknown[] = []) => prepared(sql).all(...params) as T[],
    run: async (sql, params = []) => {
      prepared(sql).run(...params)
    },
  }
  let queue: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn)
    queue = next.catch(() => undefined)
    return next
  }
  return {
    kind: 'sqlite',
    where: path,
    insertionOrder: 'rowid',
    all: (sql, params) => exclusive(() => direct.all(sql, params)),
    run: (sql, params) => exclusive(() => direct.run(sql, params)),
    transaction: (fn) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE')
        try {
          const result = await fn(direct)
          db.exec('COMMIT')
          return result
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK')
          throw error
        }
      }),
    lock: async () => {},
    afterForget: () =>
      exclusive(async () => {
        // Copy the WAL into the database and empty it, so the deleted text is not left in concierge.db-wal.
        if (path !== ':memory:') db.pragma('wal_checkpoint(TRUNCATE)')
      }),
    close: () =>
      exclusive(async () => {
        db.close()
      }),
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
