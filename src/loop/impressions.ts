import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type ItemId, type UserId, wrapError } from '../core/index.ts'

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

/** Impressions and their outcomes, in their own SQLite file. Every method may throw `store.failed`. */
export interface ImpressionLog {
  recordShown(shown: ShownItems): void
  /** Joins the outcome to the newest impression of the item to the user within the window; its variant, if any. */
  recordOutcome(outcome: Outcome, windowMs: number): string | undefined
  counts(since?: number): VariantCounts[]
  /** The `limit` items shown most and liked most (ties by id). */
  topItems(limit: number): { shown: ItemCounts[]; liked: ItemCounts[] }
  /** Deletes impressions (and their outcomes) older than `before` (ms); returns how many. */
  deleteBefore(before: number): number
  /** Deletes every impression of a user (a forgotten user leaves nothing here either). */
  forgetUser(userId: UserId): void
  close(): void
}

const SCHEMA = `
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

const inList = (kinds: readonly string[]) => kinds.map((k) => `'${k}'`).join(', ')
const COUNTS_SQL = `
  SELECT i.variant AS variant, COUNT(*) AS impressions,
    SUM(EXISTS (SELECT 1 FROM outcomes o WHERE o.impression_id = i.id AND o.kind IN (${inList(LIKE_KINDS)}))) AS liked,
    SUM(EXISTS (SELECT 1 FROM outcomes o WHERE o.impression_id = i.id AND o.kind IN (${inList(ACCEPT_KINDS)}))) AS accepted
  FROM impressions i WHERE i.at >= ? GROUP BY i.variant ORDER BY i.variant`

const itemCountsSql = (order: string) => `
  SELECT i.item_id AS itemId, COUNT(*) AS shown,
    SUM(EXISTS (SELECT 1 FROM outcomes o WHERE o.impression_id = i.id AND o.kind IN (${inList(LIKE_KINDS)}))) AS liked
  FROM impressions i GROUP BY i.item_id HAVING ${order} > 0 ORDER BY ${order} DESC, i.item_id LIMIT ?`

/** Opens (or creates) the impression log at `path` (`:memory:` for a throwaway one). Throws `store.failed`. */
export function openImpressionLog(path: string): ImpressionLog {
  const db = openDatabase(path)
  const insert = db.prepare(
    'INSERT INTO impressions (at, conversation_id, user_id, variant, item_id, position) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const newest = db.prepare(
    'SELECT id, variant FROM impressions WHERE user_id = ? AND item_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1',
  )
  const addOutcome = db.prepare('INSERT INTO outcomes (impression_id, kind, at) VALUES (?, ?, ?)')
  const counts = db.prepare(COUNTS_SQL)
  const mostShown = db.prepare(itemCountsSql('shown'))
  const mostLiked = db.prepare(itemCountsSql('liked'))
  const deleteOld = db.prepare('DELETE FROM impressions WHERE at < ?')
  const deleteUser = db.prepare('DELETE FROM impressions WHERE user_id = ?')
  const recordShown = db.transaction((s: ShownItems) => {
    s.itemIds.forEach((itemId, position) => {
      insert.run(s.at, s.conversationId, s.userId, s.variant, itemId, position)
    })
  })
  const guard = <T>(what: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      throw wrapError(error, 'store.failed', `The impression log at ${path} could not ${what}`, { path })
    }
  }
  let closed = false
  return {
    recordShown: (shown) => guard('record impressions', () => recordShown(shown)),
    recordOutcome: (o, windowMs) =>
      guard('record an outcome', () => {
        const row = newest.get(o.userId, o.itemId, o.at - windowMs) as { id: number; variant: string } | undefined
        if (row) addOutcome.run(row.id, o.kind, o.at)
        return row?.variant
      }),
    counts: (since = 0) => guard('count impressions', () => counts.all(since) as VariantCounts[]),
    topItems: (limit) =>
      guard('rank items', () => ({
        shown: mostShown.all(limit) as ItemCounts[],
        liked: mostLiked.all(limit) as ItemCounts[],
      })),
    deleteBefore: (before) => guard('delete old impressions', () => deleteOld.run(before).changes),
    forgetUser: (userId) => guard('forget a user', () => void deleteUser.run(userId)),
    close: () => {
      if (!closed) db.close()
      closed = true
    },
  }
}

function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path)
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    db.exec(SCHEMA)
    return db
  } catch (error) {
    throw wrapError(error, 'store.failed', `Cannot open the impression log at ${path}: check the path and permissions`, {
      path,
    })
  }
}
