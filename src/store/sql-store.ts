import { createHash } from 'node:crypto'
import { AppError, type UserId, wrapError } from '../core/index.ts'
import { parseSession } from './session-schema.ts'
import type { SessionState, Store, StoredInteraction, StoredProfile, StoreOptions } from './types.ts'

/** Runs SQL with `?` placeholders. Both SQL backends implement it; the rules of the store live in `createSqlStore`. */
export interface SqlExecutor {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>
  run(sql: string, params?: readonly unknown[]): Promise<void>
}

/** A connection to a SQL database the store can use. */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'sqlite' | 'postgres'
  /** Where the data lives, for errors (a path or a URL without its password). */
  readonly where: string
  /** The column that orders rows of one table by insertion (`rowid`, or a sequence). */
  readonly insertionOrder: string
  /** Runs `fn` in one transaction: all of it or none of it. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
  /**
   * Inside a transaction: waits until no other transaction holds `key` (a user or a conversation), and holds it
   * until this one ends (PostgreSQL: an advisory lock; SQLite: nothing, its write transactions run one at a time).
   */
  lock(tx: SqlExecutor, key: string): Promise<void>
  /** After a forget: make sure deleted text is gone from journals too (SQLite: a WAL checkpoint). */
  afterForget(): Promise<void>
  close(): Promise<void>
}

interface SessionRow {
  state: string
  updated_at: number | string
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
  timestamp: number | string
}

const DAY_MS = 86_400_000

/**
 * The store over a SQL database: sessions (with the users who took part in each conversation), preferences,
 * interactions, and a one-way hash of each forgotten user with the time they were forgotten, so that a turn that
 * began before the forget cannot write the person back. Expired sessions are never read, and are deleted by a sweep
 * every `sweepEveryMs`.
 */
export function createSqlStore(driver: SqlDriver, options: StoreOptions = {}): Store {
  const ttlMs = options.sessionTtlMs ?? 0
  let closed = false
  const guard = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new AppError('store.failed', `The store is closed (${what})`, { details: { where: driver.where } })
    try {
      return await fn()
    } catch (error) {
      throw wrapError(error, 'store.failed', `The store could not ${what}`, { where: driver.where })
    }
  }
  const writeUnlessForgotten = (userId: UserId, since: number, write: (tx: SqlExecutor) => Promise<void>) =>
    driver.transaction(async (tx) => {
      if (await forgottenSince(driver, tx, userId, since)) return
      await write(tx)
    })
  const sweep = (now = Date.now()) =>
    guard('delete expired sessions', async () =>
      ttlMs <= 0 ? 0 : driver.transaction((tx) => deleteSessionsBefore(tx, now - ttlMs)),
    )
  const timer = ttlMs > 0 ? setInterval(() => void sweep().catch(() => {}), options.sweepEveryMs ?? DAY_MS / 24) : undefined
  timer?.unref()

  return {
    kind: driver.kind,
    getSession: (conversationId) =>
      guard('read a session', async () => {
        const [row] = await driver.all<SessionRow>('SELECT state, updated_at FROM sessions WHERE conversation_id = ?', [
          conversationId,
        ])
        if (!row || isExpired(Number(row.updated_at), ttlMs)) return undefined
        return parseSession(row.state, conversationId)
      }),
    saveSession: (state) =>
      guard('save a session', () =>
        writeUnlessForgotten(state.userId, state.createdAt, (tx) => saveSessionIn(driver, tx, state)),
      ),
    deleteSession: (conversationId) =>
      guard('delete a session', () =>
        driver.transaction(async (tx) => {
          await tx.run('DELETE FROM sessions WHERE conversation_id = ?', [conversationId])
          await tx.run('DELETE FROM participants WHERE conversation_id = ?', [conversationId])
        }),
      ),
    getProfile: (userId) => guard('read a profile', () => readProfile(driver, userId)),
    setPreference: (userId, itemId, kind, since = Date.now()) =>
      guard('save a preference', () =>
        writeUnlessForgotten(userId, since, async (tx) => {
          await tx.run(
            `INSERT INTO preferences (user_id, item_id, kind, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, item_id) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at`,
            [userId, itemId, kind, Date.now()],
          )
        }),
      ),
    removePreference: (userId, itemId) =>
      guard('remove a preference', () =>
        driver.run('DELETE FROM preferences WHERE user_id = ? AND item_id = ?', [userId, itemId]),
      ),
    recordInteraction: (i, since = Date.now()) =>
      guard('record an interaction', () =>
        writeUnlessForgotten(i.userId, since, async (tx) => {
          await tx.run(
            'INSERT INTO interactions (user_id, item_id, event, rating, conversation_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
            [i.userId, i.itemId, i.event, i.rating ?? null, i.conversationId ?? null, i.timestamp],
          )
        }),
      ),
    exportInteractions: () =>
      guard('export interactions', async () => {
        const rows = await driver.all<InteractionRow>(
          'SELECT user_id, item_id, event, rating, conversation_id, timestamp FROM interactions ORDER BY id',
        )
        return rows.map(interactionFromRow)
      }),
    forgetUser: (userId, now = Date.now()) =>
      guard('forget a user', async () => {
        await driver.transaction(async (tx) => {
          await driver.lock(tx, `user:${userId}`)
          await forgetIn(driver, tx, userId, now)
        })
        await driver.afterForget()
      }),
    sweepExpiredSessions: sweep,
    close: async () => {
      if (closed) return
      closed = true
      if (timer) clearInterval(timer)
      await driver.close()
    },
  }
}

/**
 * Whether `userId` was forgotten after `since` (a write of a session that began before the forget), checked under
 * the user's lock so that a forget on another replica cannot slip between the check and the write.
 */
async function forgottenSince(driver: SqlDriver, tx: SqlExecutor, userId: UserId, since: number): Promise<boolean> {
  await driver.lock(tx, `user:${userId}`)
  const [row] = await tx.all<{ at: number | string }>('SELECT forgotten_at AS at FROM forgotten_users WHERE user_hash = ?', [
    userHash(userId),
  ])
  return row !== undefined && since < Number(row.at)
}

/** Saves the session and its participant, unless a forget wiped the conversation after the session began. */
async function saveSessionIn(driver: SqlDriver, tx: SqlExecutor, state: SessionState): Promise<void> {
  // Someone else who took part was forgotten since this session began: it holds their words.
  await driver.lock(tx, `conversation:${state.conversationId}`)
  const [wiped] = await tx.all<{ at: number | string }>(
    'SELECT wiped_at AS at FROM wiped_conversations WHERE conversation_id = ?',
    [state.conversationId],
  )
  if (wiped !== undefined && state.createdAt < Number(wiped.at)) return
  await tx.run(
    `INSERT INTO sessions (conversation_id, user_id, state, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (conversation_id) DO UPDATE SET user_id = excluded.user_id, state = excluded.state, updated_at = excluded.updated_at`,
    [state.conversationId, state.userId, JSON.stringify(state), state.updatedAt],
  )
  await tx.run('INSERT INTO participants (conversation_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
    state.conversationId,
    state.userId,
  ])
}

/** Deletes the sessions last written before `cutoff` (ms) and their participants; returns how many. */
async function deleteSessionsBefore(tx: SqlExecutor, cutoff: number): Promise<number> {
  const expired = await tx.all<{ id: string }>('SELECT conversation_id AS id FROM sessions WHERE updated_at < ?', [cutoff])
  await tx.run('DELETE FROM sessions WHERE updated_at < ?', [cutoff])
  for (const { id } of expired) await tx.run('DELETE FROM participants WHERE conversation_id = ?', [id])
  return expired.length
}

async function readProfile(driver: SqlDriver, userId: UserId): Promise<StoredProfile> {
  const profile: StoredProfile = { userId, likes: [], dislikes: [] }
  const rows = await driver.all<PreferenceRow>(
    `SELECT item_id, kind FROM preferences WHERE user_id = ? ORDER BY updated_at DESC, ${driver.insertionOrder} DESC`,
    [userId],
  )
  for (const row of rows) (row.kind === 'like' ? profile.likes : profile.dislikes).push(row.item_id)
  return profile
}

/**
 * Every conversation the user took part in loses its session (their words and likes are in it) and is marked
 * wiped, so an earlier session of it is not saved back by another participant's turn; then the user's own rows go.
 */
async function forgetIn(driver: SqlDriver, tx: SqlExecutor, userId: UserId, now: number): Promise<void> {
  const conversations = await tx.all<{ id: string }>(
    `SELECT conversation_id AS id FROM participants WHERE user_id = ?
     UNION SELECT conversation_id AS id FROM sessions WHERE user_id = ?
     UNION SELECT conversation_id AS id FROM interactions WHERE user_id = ? AND conversation_id IS NOT NULL`,
    [userId, userId, userId],
  )
  // In one order everywhere, so two forgets sharing conversations cannot wait on each other.
  for (const id of conversations.map((c) => c.id).sort()) {
    await driver.lock(tx, `conversation:${id}`)
    await tx.run('DELETE FROM sessions WHERE conversation_id = ?', [id])
    await tx.run('DELETE FROM participants WHERE conversation_id = ?', [id])
    await tx.run(
      `INSERT INTO wiped_conversations (conversation_id, wiped_at) VALUES (?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET wiped_at = excluded.wiped_at`,
      [id, now],
    )
  }
  await tx.run('DELETE FROM preferences WHERE user_id = ?', [userId])
  await tx.run('DELETE FROM interactions WHERE user_id = ?', [userId])
  await tx.run(
    `INSERT INTO forgotten_users (user_hash, forgotten_at) VALUES (?, ?)
     ON CONFLICT (user_hash) DO UPDATE SET forgotten_at = excluded.forgotten_at`,
    [userHash(userId), now],
  )
}

function interactionFromRow(r: InteractionRow): StoredInteraction {
  const out: StoredInteraction = { userId: r.user_id, itemId: r.item_id, event: r.event, timestamp: Number(r.timestamp) }
  if (r.rating !== null) out.rating = Number(r.rating)
  if (r.conversation_id !== null) out.conversationId = r.conversation_id
  return out
}

/** A forgotten user is remembered only as this hash, never by their id. */
export function userHash(userId: UserId): string {
  return createHash('sha256').update(`concierge-forgotten:${userId}`).digest('hex')
}

/** Whether a session last written at `updatedAt` is past its time to live (0: sessions never expire). */
export function isExpired(updatedAt: number, ttlMs: number, now = Date.now()): boolean {
  return ttlMs > 0 && updatedAt < now - ttlMs
}
