import pg from 'pg'
import { AppError, redactUrl, wrapError } from '../core/index.ts'
import { createSqlStore, type SqlDriver, type SqlExecutor } from './sql-store.ts'
import type { Store, StoreOptions } from './types.ts'

/**
 * PostgreSQL schema migrations, applied in order, each once and in its own transaction; `concierge_migrations`
 * lists the versions applied. Never edit a shipped migration: append a new one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     conversation_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     state TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE INDEX sessions_updated ON sessions(updated_at);
   CREATE TABLE participants (
     conversation_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     PRIMARY KEY (conversation_id, user_id)
   );
   CREATE INDEX participants_user ON participants(user_id);
   CREATE TABLE preferences (
     seq BIGSERIAL,
     user_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('like', 'dislike')),
     updated_at BIGINT NOT NULL,
     PRIMARY KEY (user_id, item_id)
   );
   CREATE TABLE interactions (
     id BIGSERIAL PRIMARY KEY,
     user_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     event TEXT NOT NULL,
     rating DOUBLE PRECISION,
     conversation_id TEXT,
     timestamp BIGINT NOT NULL
   );
   CREATE INDEX interactions_user ON interactions(user_id);
   CREATE INDEX interactions_conversation ON interactions(conversation_id);
   CREATE TABLE forgotten_users (
     user_hash TEXT PRIMARY KEY,
     forgotten_at BIGINT NOT NULL
   );
   CREATE TABLE wiped_conversations (
     conversation_id TEXT PRIMARY KEY,
     wiped_at BIGINT NOT NULL
   );`,
  // The learning loop's impression log, shared by every replica (src/loop/impressions.ts).
  `CREATE TABLE impressions (
     id BIGSERIAL PRIMARY KEY,
     at BIGINT NOT NULL,
     conversation_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     variant TEXT NOT NULL,
     item_id TEXT NOT NULL,
     position INTEGER NOT NULL
   );
   CREATE INDEX impressions_user_item ON impressions(user_id, item_id, at);
   CREATE INDEX impressions_at ON impressions(at);
   CREATE TABLE outcomes (
     impression_id BIGINT NOT NULL REFERENCES impressions(id) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     at BIGINT NOT NULL
   );
   CREATE INDEX outcomes_impression ON outcomes(impression_id);`,
]

/** Any number: serialises migrations of replicas that start at once (pg_advisory_xact_lock). */
const MIGRATION_LOCK = 7_311_025

export interface PostgresStoreOptions extends StoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string
  /** Largest number of connections; default 10. */
  maxConnections?: number
}

/**
 * Connects to PostgreSQL and migrates the schema. Throws `store.failed` (naming the server, never the password)
 * when the server does not answer, refuses the login, or holds a schema from a newer version.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  return createSqlStore(await openPostgresDriver(options), options)
}

/**
 * A pool on the PostgreSQL database at `options.url`, migrated, as the SQL driver the store runs on (the learning
 * loop's impression log uses it too). Throws `store.failed` as `createPostgresStore` does.
 */
export async function openPostgresDriver(
  options: Pick<PostgresStoreOptions, 'url' | 'maxConnections'> & {
    /**
     * Commit without waiting for the server's disk flush (`synchronous_commit = off`): a crash of the database server
     * may lose the last fraction of a second of writes, never corrupt them. For data that measures (impressions), not
     * for the store's own.
     */
    asyncCommit?: boolean
  },
): Promise<SqlDriver> {
  const where = redactUrl(options.url)
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5000 })
  // An idle connection the server drops must not crash the process; the next query gets a fresh one.
  pool.on('error', () => {})
  if (options.asyncCommit) pool.on('connect', (client) => void client.query('SET synchronous_commit TO OFF').catch(() => {}))
  try {
    await migrate(pool, where)
  } catch (error) {
    await pool.end().catch(() => {})
    if (error instanceof AppError) throw error
    throw wrapError(error, 'store.failed', `Cannot use the PostgreSQL store at ${where}: is the server up, and the URL right?`, {
      where,
    })
  }
  return postgresDriver(pool, where)
}

function executor(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await client.query(numbered(sql), [...params])).rows as T[],
    run: async (sql, params = []) => {
      await client.query(numbered(sql), [...params])
    },
  }
}

function postgresDriver(pool: pg.Pool, where: string): SqlDriver {
  let ended: Promise<void> | undefined
  return {
    kind: 'postgres',
    where,
    insertionOrder: 'seq',
    ...executor(pool),
    transaction: (fn) => inTransaction(pool, (client) => fn(executor(client))),
    lock: (tx, key) => tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`concierge:${key}`]),
    afterForget: async () => {},
    close: () => (ended ??= pool.end()),
  }
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

async function migrate(pool: pg.Pool, where: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(
      'CREATE TABLE IF NOT EXISTS concierge_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    )
  })
  for (;;) {
    const applied = await inTransaction(pool, async (client) => {
      // Held until this transaction ends: a second replica waits, then sees the version applied.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM concierge_migrations')
      const current = rows[0]?.v ?? 0
      if (current > PG_MIGRATIONS.length) {
        throw new AppError(
          'store.failed',
          `The PostgreSQL store at ${where} was written by a newer version (schema ${current})`,
          {
            details: { where, schema: current, supported: PG_MIGRATIONS.length },
          },
        )
      }
      if (current === PG_MIGRATIONS.length) return false
      await client.query(PG_MIGRATIONS[current]!)
      await client.query('INSERT INTO concierge_migrations (version, applied_at) VALUES ($1, $2)', [current + 1, Date.now()])
      return true
    })
    if (!applied) return
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the store's SQL has no `?` inside string literals). */
export function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}
