import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type ItemId, type UserId, wrapError } from '../core/index.ts'
import { openPostgresDriver, type SqlExecutor } from '../store/index.ts'

/**
 * Outcome kinds that count as a like, and as accepting the recommendation (a like, more like it, opening it, a click,
 * a sale).
 */
export const LIKE_KINDS = ['like', 'event:like'] as const
export const ACCEPT_KINDS = ['like', 'more_like_this', 'open', 'event:like', 'event:click', 'event:purchase'] as const

/** The items of one reply, in their displayed order. `at` in ms since the epoch. */
export interface ShownItems {
  conversationId: string
  userId: UserId
  variant: string
  itemIds: readonly ItemId[]
  at: number
}

/**
 * What happened to a shown item: feedback (`like`, `dislike`, `seen`, `not_interested`), `more_like_this` (a turn
 * asked for more like it), `open` (the person opened it) or `event:<type>`.
 */
export interface Outcome {
  userId: UserId
  itemId: ItemId
  kind: string
  at: number
}

/** Per variant, since a time: impressions, and how many of them were liked and accepted. */
export interface VariantCounts {
  variant: string
  impressions: number
  liked: number
  accepted: number
}

/** How often an item was shown, and how many of those impressions were liked. */
export interface ItemCounts {
  itemId: ItemId
  shown: number
  liked: number
}

/**
 * Impressions and their outcomes: in their own SQLite file, or in the PostgreSQL database replicas share. Every
 * method may reject with `store.failed`.
 */
export interface ImpressionLog {
  /** Where the log is (a path, or the server without its password), for messages. */
  readonly where: string
  recordShown(shown: ShownItems): Promise<void>
  /** Joins the outcome to the newest impression of the item to the user within the window; its variant, if any. */
  recordOutcome(outcome: Outcome, windowMs: number): Promise<string | undefined>
  counts(since?: number): Promise<VariantCounts[]>
  /** The `limit` items shown most and liked most (ties by id). */
  topItems(limit: number): Promise<{ shown: ItemCounts[]; liked: ItemCounts[] }>
  /** Deletes impressions (and their outcomes) older than `before` (ms); returns how many. */
  deleteBefore(before: number): Promise<number>
  /** Deletes every impression of a user (a forgotten user leaves nothing here either). */
  forgetUser(userId: UserId): Promise<void>
  close(): Promise<void>
}

/** The SQLite schema; PostgreSQL's is migration 2 of the store's (src/store/postgres.ts). */
const SQLITE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS impressions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    conversation_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    variant TEXT NOT NULL,
    item_id TEXT NOT NULL,
    position INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS impressions_user_item ON impressions(user_id, item_id, at);
  CREATE INDEX IF NOT EXISTS impressions_at ON impressions(at);
  CREATE TABLE IF NOT EXISTS outcomes (
    impression_id INTEGER NOT NULL REFERENCES impressions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS outcomes_impression ON outcomes(impression_id);`

// The SQL below runs on both backends: no aliases in HAVING, no sums of booleans.
const inList = (kinds: readonly string[]) => kinds.map((k) => `'${k}'`).join(', ')
const hasOutcome = (kinds: readonly string[]) =>
  `CASE WHEN EXISTS (SELECT 1 FROM outcomes o WHERE o.impression_id = i.id AND o.kind IN (${inList(kinds)})) THEN 1 ELSE 0 END`
const COUNTS_SQL = `
  SELECT i.variant AS variant, COUNT(*) AS impressions,
    SUM(${hasOutcome(LIKE_KINDS)}) AS liked, SUM(${hasOutcome(ACCEPT_KINDS)}) AS accepted
  FROM impressions i WHERE i.at >= ? GROUP BY i.variant ORDER BY i.variant`
const itemCountsSql = (order: 'shown' | 'liked') => `
  SELECT * FROM (
    SELECT i.item_id AS "itemId", COUNT(*) AS shown, SUM(${hasOutcome(LIKE_KINDS)}) AS liked
    FROM impressions i GROUP BY i.item_id
  ) t WHERE t.${order} > 0 ORDER BY t.${order} DESC, t."itemId" LIMIT ?`
const NEWEST_SQL =
  'SELECT id, variant FROM impressions WHERE user_id = ? AND item_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1'

/** The log over any SQL executor; `where` names it in errors. */
function createImpressionLog(sql: SqlExecutor & { close(): Promise<void> }, where: string): ImpressionLog {
  const guard = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      throw wrapError(error, 'store.failed', `The impression log at ${where} could not ${what}`, { where })
    }
  }
  // PostgreSQL answers COUNT and SUM as text (bigint); SQLite as numbers.
  const numbers = <T extends object>(rows: T[], keys: (keyof T)[]): T[] =>
    rows.map((row) => ({ ...row, ...Object.fromEntries(keys.map((k) => [k, Number(row[k])])) }))
  let closed: Promise<void> | undefined
  return {
    where,
    recordShown: (s) =>
      guard('record impressions', async () => {
        if (s.itemIds.length === 0) return
        const rows = s.itemIds.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')
        const params = s.itemIds.flatMap((itemId, position) => [s.at, s.conversationId, s.userId, s.variant, itemId, position])
        await sql.run(`INSERT INTO impressions (at, conversation_id, user_id, variant, item_id, position) VALUES ${rows}`, params)
      }),
    recordOutcome: (o, windowMs) =>
      guard('record an outcome', async () => {
        const [row] = await sql.all<{ id: number | string; variant: string }>(NEWEST_SQL, [o.userId, o.itemId, o.at - windowMs])
        if (row) await sql.run('INSERT INTO outcomes (impression_id, kind, at) VALUES (?, ?, ?)', [row.id, o.kind, o.at])
        return row?.variant
      }),
    counts: (since = 0) =>
      guard('count impressions', async () =>
        numbers(await sql.all<VariantCounts>(COUNTS_SQL, [since]), ['impressions', 'liked', 'accepted']),
      ),
    topItems: (limit) =>
      guard('rank items', async () => ({
        shown: numbers(await sql.all<ItemCounts>(itemCountsSql('shown'), [limit]), ['shown', 'liked']),
        liked: numbers(await sql.all<ItemCounts>(itemCountsSql('liked'), [limit]), ['shown', 'liked']),
      })),
    deleteBefore: (before) =>
      guard('delete old impressions', async () => {
        const [row] = await sql.all<{ n: number | string }>('SELECT COUNT(*) AS n FROM impressions WHERE at < ?', [before])
        await sql.run('DELETE FROM impressions WHERE at < ?', [before])
        return Number(row?.n ?? 0)
      }),
    forgetUser: (userId) => guard('forget a user', () => sql.run('DELETE FROM impressions WHERE user_id = ?', [userId])),
    close: () => (closed ??= sql.close()),
  }
}

/** Opens (or creates) the impression log in a SQLite file at `path` (`:memory:` for a throwaway one). Throws `store.failed`. */
export function openImpressionLog(path: string): ImpressionLog {
  const db = openDatabase(path)
  const statements = new Map<string, Database.Statement>()
  const prepared = (text: string) => {
    let statement = statements.get(text)
    if (!statement) {
      statement = db.prepare(text)
      statements.set(text, statement)
    }
    return statement
  }
  let open = true
  return createImpressionLog(
    {
      all: async <T>(text: string, params: readonly unknown[] = []) => prepared(text).all(...params) as T[],
      run: async (text, params = []) => {
        prepared(text).run(...params)
      },
      close: async () => {
        if (open) db.close()
        open = false
      },
    },
    path,
  )
}

/**
 * Opens the impression log in the PostgreSQL database at `url` (the store's, shared by replicas), migrating its
 * schema as the store does. Throws `store.failed` naming the server, never the password.
 */
export async function openPostgresImpressionLog(url: string): Promise<ImpressionLog> {
  // Impressions measure: a database crash may lose the last moment of them, and turns need not wait for its disk.
  const driver = await openPostgresDriver({ url, maxConnections: 4, asyncCommit: true })
  return createImpressionLog(driver, driver.where)
}

/**
 * The configured impression log: in PostgreSQL when the store is (`CONCIERGE_STORE_URL=postgres://…`), so every
 * replica's impressions are in one place; else in the SQLite file `CONCIERGE_IMPRESSIONS_PATH`.
 */
export async function openConfiguredImpressionLog(config: {
  impressionsPath: string
  storeUrl?: string | undefined
}): Promise<ImpressionLog> {
  if (config.storeUrl && /^postgres(ql)?:\/\//.test(config.storeUrl)) return openPostgresImpressionLog(config.storeUrl)
  return openImpressionLog(config.impressionsPath)
}

function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path)
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    db.exec(SQLITE_SCHEMA)
    return db
  } catch (error) {
    throw wrapError(error, 'store.failed', `Cannot open the impression log at ${path}: check the path and permissions`, {
      path,
    })
  }
}
