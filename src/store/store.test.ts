import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createSchemas, postgresUnavailable } from '../../test/support/postgres.ts'
import {
  createMemoryStore,
  createPostgresStore,
  createSqliteStore,
  emptySession,
  MIGRATIONS,
  namespacedUserId,
  PG_MIGRATIONS,
  type Store,
  type StoreOptions,
} from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'concierge-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const pgUnavailable = await postgresUnavailable()
const schemas = createSchemas()
afterAll(() => schemas.drop())

type Open = (options?: StoreOptions) => Promise<Store>
const backends: [string, Open][] = [
  ['sqlite', (o) => createSqliteStore({ path: join(dir, `s-${Math.random().toString(36).slice(2)}.db`), ...o })],
  ['memory', (o) => createMemoryStore(o)],
  ...(pgUnavailable
    ? []
    : [['postgres', async (o) => createPostgresStore({ url: await schemas.fresh(), ...o })] as [string, Open]]),
]
if (pgUnavailable) {
  console.warn(`[concierge tests] the PostgreSQL store contract is skipped: ${pgUnavailable}`)
  // One skipped entry with its reason, rather than one per contract check.
  it.skip(`store contract on PostgreSQL (skipped: ${pgUnavailable})`, () => {})
}

const MINUTE = 60_000

describe.each(backends)('store contract (%s)', (_name, open) => {
  it('saves and reads back a session', async () => {
    const store = await open()
    const s = emptySession('c1', 'u1', Date.now())
    s.liked.push('1', '2')
    s.constraints.excludeCategories.push('Horror')
    s.preferences.push({ text: 'funny space movie', weight: 1, turn: 1 })
    s.preferences.push({ text: 'with another animal', weight: 1, turn: 2, contrast: true })
    s.preferences.push({ text: 'funny lighthearted feel-good comedy', weight: 1, turn: 3, said: 'funnier', lean: ['Comedy'] })
    s.lastShown = ['5', '6']
    await store.saveSession(s)
    expect(await store.getSession('c1')).toEqual(s)
    expect(await store.getSession('nope')).toBeUndefined()
    await store.deleteSession('c1')
    expect(await store.getSession('c1')).toBeUndefined()
    await store.close()
  })

  it('keeps the latest opinion per item in the profile, newest first', async () => {
    const store = await open()
    await store.setPreference('u1', 'a', 'like')
    await store.setPreference('u1', 'b', 'dislike')
    await store.setPreference('u1', 'c', 'like')
    await store.setPreference('u1', 'a', 'dislike')
    const p = await store.getProfile('u1')
    expect(p.likes).toEqual(['c'])
    expect(p.dislikes.sort()).toEqual(['a', 'b'])
    await store.removePreference('u1', 'b')
    expect((await store.getProfile('u1')).dislikes).toEqual(['a'])
    await store.close()
  })

  it('exports interactions oldest first with their optional fields', async () => {
    const store = await open()
    await store.recordInteraction({ userId: 'u1', itemId: 'a', event: 'like', timestamp: 1, rating: 4.5 })
    await store.recordInteraction({ userId: 'u2', itemId: 'b', event: 'seen', timestamp: 2, conversationId: 'c2' })
    expect(await store.exportInteractions()).toEqual([
      { userId: 'u1', itemId: 'a', event: 'like', timestamp: 1, rating: 4.5 },
      { userId: 'u2', itemId: 'b', event: 'seen', timestamp: 2, conversationId: 'c2' },
    ])
    await store.close()
  })

  it('forgets every trace of one user and nothing of another', async () => {
    const store = await open()
    await store.saveSession(emptySession('c1', 'u1'))
    await store.saveSession(emptySession('c2', 'u2'))
    await store.setPreference('u1', 'a', 'like')
    await store.setPreference('u2', 'a', 'like')
    await store.recordInteraction({ userId: 'u1', itemId: 'a', event: 'like', timestamp: 1 })
    await store.recordInteraction({ userId: 'u2', itemId: 'b', event: 'seen', timestamp: 2, conversationId: 'c2' })
    await store.forgetUser('u1')
    expect(await store.getSession('c1')).toBeUndefined()
    expect(await store.getSession('c2')).toBeDefined()
    expect((await store.getProfile('u1')).likes).toEqual([])
    expect((await store.getProfile('u2')).likes).toEqual(['a'])
    expect(await store.exportInteractions()).toEqual([
      { userId: 'u2', itemId: 'b', event: 'seen', timestamp: 2, conversationId: 'c2' },
    ])
    await store.close()
    await store.close()
    await expect(store.getSession('c2')).rejects.toMatchObject({ code: 'store.failed' })
  })

  it('forgets a person in a conversation where someone else spoke last', async () => {
    const store = await open()
    // A and B share a channel conversation; A says what they like, then B speaks and the session names B.
    const shared = emptySession('channel', 'A')
    shared.preferences.push({ text: 'films about my divorce', weight: 1, turn: 1 })
    shared.liked.push('7')
    await store.saveSession(shared)
    await store.recordInteraction({ userId: 'A', itemId: '7', event: 'like', timestamp: 10, conversationId: 'channel' })
    await store.saveSession({ ...shared, userId: 'B', turn: 2, updatedAt: shared.updatedAt + 1 })
    await store.recordInteraction({ userId: 'B', itemId: '8', event: 'seen', timestamp: 11, conversationId: 'channel' })
    await store.forgetUser('A')
    expect(await store.getSession('channel')).toBeUndefined()
    expect(await store.exportInteractions()).toEqual([
      { userId: 'B', itemId: '8', event: 'seen', timestamp: 11, conversationId: 'channel' },
    ])
    await store.close()
  })

  it('drops the writes of a turn that began before its user was forgotten, and keeps later ones', async () => {
    const store = await open()
    const began = Date.now() - MINUTE
    const inFlight = emptySession('c', 'u', began)
    await store.saveSession(inFlight)
    await store.forgetUser('u', began + 1000)
    // The turn that loaded the session before the forget finishes afterwards.
    await store.saveSession({ ...inFlight, turn: 1, liked: ['x'], updatedAt: began + 2000 })
    const now = Math.floor(Date.now() / 1000)
    await store.setPreference('u', 'x', 'like', inFlight.createdAt)
    await store.recordInteraction({ userId: 'u', itemId: 'x', event: 'like', timestamp: now }, inFlight.createdAt)
    expect(await store.getSession('c')).toBeUndefined()
    expect(await store.getProfile('u')).toEqual({ userId: 'u', likes: [], dislikes: [] })
    expect(await store.exportInteractions()).toEqual([])
    // Coming back later is a new start.
    await store.saveSession(emptySession('c', 'u'))
    await store.setPreference('u', 'y', 'like')
    expect(await store.getSession('c')).toBeDefined()
    expect((await store.getProfile('u')).likes).toEqual(['y'])
    await store.close()
  })

  it('does not let a turn of another participant, under way during the forget, save the shared session back', async () => {
    const store = await open()
    const began = Date.now() - MINUTE
    const shared = emptySession('channel', 'A', began)
    shared.preferences.push({ text: 'what A said', weight: 1, turn: 1 })
    await store.saveSession(shared)
    await store.forgetUser('A', began + 1000)
    // B's turn loaded the session (with A's words) before the forget, and saves after it.
    await store.saveSession({ ...shared, userId: 'B', turn: 2, updatedAt: began + 2000 })
    expect(await store.getSession('channel')).toBeUndefined()
    // A conversation started after the forget is saved as usual.
    await store.saveSession(emptySession('channel', 'B'))
    expect(await store.getSession('channel')).toBeDefined()
    await store.close()
  })

  it('never loads a session idle longer than its time to live, and sweeps it', async () => {
    const store = await open({ sessionTtlMs: 30 * MINUTE })
    const now = Date.now()
    await store.saveSession(emptySession('old', 'u', now - 31 * MINUTE))
    await store.saveSession(emptySession('fresh', 'u', now - 29 * MINUTE))
    expect(await store.getSession('old')).toBeUndefined()
    expect(await store.getSession('fresh')).toBeDefined()
    expect(await store.sweepExpiredSessions(now)).toBe(1)
    expect(await store.sweepExpiredSessions(now)).toBe(0)
    expect(await store.getSession('fresh')).toBeDefined()
    await store.close()
  })

  it('keeps sessions for ever without a time to live', async () => {
    const store = await open()
    await store.saveSession(emptySession('ancient', 'u', 1000))
    expect(await store.getSession('ancient')).toBeDefined()
    expect(await store.sweepExpiredSessions()).toBe(0)
    await store.close()
  })

  it('keeps the same user id under two namespaces apart', async () => {
    const store = await open()
    await store.setPreference(namespacedUserId('pk_site_a', 'u1'), 'a', 'like')
    await store.setPreference(namespacedUserId('pk_site_b', 'u1'), 'b', 'like')
    expect((await store.getProfile(namespacedUserId('pk_site_a', 'u1'))).likes).toEqual(['a'])
    await store.forgetUser(namespacedUserId('pk_site_b', 'u1'))
    expect((await store.getProfile(namespacedUserId('pk_site_a', 'u1'))).likes).toEqual(['a'])
    await store.close()
  })
})

describe('namespacedUserId', () => {
  it('never maps two different (namespace, id) pairs to the same user', () => {
    expect(namespacedUserId('pk_a', 'u1')).toBe('pk_a:u1')
    expect(namespacedUserId('pk_a', 'b:c')).not.toBe(namespacedUserId('pk_b', 'c'))
    expect(() => namespacedUserId('a:b', 'c')).toThrow(expect.objectContaining({ code: 'input.invalid' }))
    expect(() => namespacedUserId('', 'c')).toThrow(expect.objectContaining({ code: 'input.invalid' }))
  })
})

describe('sqlite store on disk', () => {
  it('survives a restart', async () => {
    const path = join(dir, 'restart.db')
    const a = await createSqliteStore({ path })
    const s = emptySession('conv', 'u')
    s.disliked.push('9')
    await a.saveSession(s)
    await a.recordInteraction({ userId: 'u', itemId: '9', event: 'dislike', timestamp: 5 })
    await a.close()
    const b = await createSqliteStore({ path })
    expect((await b.getSession('conv'))?.disliked).toEqual(['9'])
    expect(await b.exportInteractions()).toHaveLength(1)
    await b.close()
  })

  it('records the schema version and does not re-run migrations', async () => {
    const path = join(dir, 'version.db')
    await (await createSqliteStore({ path })).close()
    await (await createSqliteStore({ path })).close()
    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: MIGRATIONS.length }])
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('leaves no forgotten text in the database file or its WAL', async () => {
    const path = join(dir, 'forget-bytes.db')
    const store = await createSqliteStore({ path })
    const secret = 'my-very-private-wish-4711'
    const session = emptySession('c', 'A')
    session.preferences.push({ text: secret, weight: 1, turn: 1 })
    await store.saveSession(session)
    await store.saveSession(emptySession('other', 'B'))
    await store.forgetUser('A')
    // Read while the store is still open: the WAL is where deleted text used to stay until a checkpoint.
    for (const file of [path, `${path}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes(secret)).toBe(false)
    }
    expect(await store.getSession('other')).toBeDefined()
    await store.close()
  })

  it("upgrades a schema-1 file, counting each session's user as a participant", async () => {
    const path = join(dir, 'schema-1.db')
    const db = new Database(path)
    db.exec(MIGRATIONS[0]!)
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1)')
    db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?)').run('old', 'A', JSON.stringify(emptySession('old', 'A', 5)), 5)
    db.close()
    const store = await createSqliteStore({ path })
    expect(await store.getSession('old')).toBeDefined()
    await store.saveSession({ ...emptySession('old', 'B', 5), updatedAt: 6 })
    await store.forgetUser('A')
    expect(await store.getSession('old')).toBeUndefined()
    await store.close()
  })

  it('deletes expired sessions from the file on its own, by a periodic sweep', async () => {
    const path = join(dir, 'sweep.db')
    const store = await createSqliteStore({ path, sessionTtlMs: 60_000, sweepEveryMs: 50 })
    await store.saveSession(emptySession('stale', 'u', Date.now() - 120_000))
    await store.saveSession(emptySession('live', 'u'))
    const rows = () => {
      const db = new Database(path, { readonly: true })
      const ids = db.prepare<[], { id: string }>('SELECT conversation_id AS id FROM sessions').all()
      db.close()
      return ids.map((r) => r.id)
    }
    await expect.poll(rows, { timeout: 3000 }).toEqual(['live'])
    await store.close()
  })

  it('refuses a file that is not a database and leaves it untouched', async () => {
    const path = join(dir, 'garbage.db')
    const junk = 'this is not sqlite '.repeat(500)
    writeFileSync(path, junk)
    await expect(createSqliteStore({ path })).rejects.toMatchObject({ code: 'store.failed' })
    expect(readFileSync(path, 'utf8')).toBe(junk)
  })

  it('refuses a store written by a newer schema', async () => {
    const path = join(dir, 'newer.db')
    const db = new Database(path)
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999)')
    db.close()
    await expect(createSqliteStore({ path })).rejects.toMatchObject({ code: 'store.failed' })
  })

  it('fails with store.failed on a damaged session row', async () => {
    const path = join(dir, 'damaged.db')
    await (await createSqliteStore({ path })).close()
    const db = new Database(path)
    db.prepare("INSERT INTO sessions VALUES ('bad', 'u', '{\"turn\": \"x\"}', 0)").run()
    db.close()
    const store = await createSqliteStore({ path })
    await expect(store.getSession('bad')).rejects.toMatchObject({ code: 'store.failed' })
    await store.close()
  })

  it('fails with store.failed where it cannot create the file', async () => {
    const file = join(dir, 'plain-file')
    writeFileSync(file, 'x')
    await expect(createSqliteStore({ path: join(file, 'x.db') })).rejects.toMatchObject({ code: 'store.failed' })
  })

  it('fails with store.failed in a folder it cannot write', async () => {
    // Root writes through file modes, so as root (containers, CI) the unwritable folder is Linux's /proc.
    const asRoot = process.getuid?.() === 0 && existsSync('/proc/self')
    const ro = asRoot ? '/proc/self' : join(dir, 'ro')
    if (!asRoot) mkdirSync(ro)
    if (!asRoot) chmodSync(ro, 0o500)
    await expect(createSqliteStore({ path: join(ro, 'x.db') })).rejects.toMatchObject({ code: 'store.failed' })
    if (!asRoot) chmodSync(ro, 0o700)
  })
})

// Registered only where the server answers; elsewhere the one skipped contract entry above says why.
if (!pgUnavailable) describe('postgres store', postgresChecks)

function postgresChecks(): void {
  it('applies each migration once, in order, and records it', async () => {
    const url = await schemas.fresh()
    // Two replicas starting at once: the advisory lock lets one migrate while the other waits.
    const [a, b] = await Promise.all([createPostgresStore({ url }), createPostgresStore({ url })])
    await a.close()
    await b.close()
    await (await createPostgresStore({ url })).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const { rows } = await client.query('SELECT version FROM concierge_migrations ORDER BY version')
    await client.end()
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1))
  })

  it('refuses a schema from a newer version, and leaves it untouched', async () => {
    const url = await schemas.fresh()
    await (await createPostgresStore({ url })).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query('INSERT INTO concierge_migrations VALUES (999, 0)')
    await expect(createPostgresStore({ url })).rejects.toMatchObject({ code: 'store.failed' })
    const { rows } = await client.query('SELECT count(*)::int AS n FROM concierge_migrations')
    await client.end()
    expect(rows[0].n).toBe(PG_MIGRATIONS.length + 1)
  })

  it('fails with store.failed naming the server but not the password when it cannot connect', async () => {
    const failure = createPostgresStore({ url: 'postgres://someone:hunter2@127.0.0.1:9/nothing' })
    await expect(failure).rejects.toMatchObject({ code: 'store.failed' })
    const error = await failure.catch((e: Error) => e)
    expect(String((error as Error).message)).toContain('127.0.0.1:9')
    expect(JSON.stringify(error)).not.toContain('hunter2')
    expect(String((error as Error).message)).not.toContain('hunter2')
  })

  it('never lets a write that raced a forget on another replica bring the user back', async () => {
    const url = await schemas.fresh()
    const [a, b] = await Promise.all([createPostgresStore({ url }), createPostgresStore({ url })])
    const began = Date.now() - 60_000
    const users = Array.from({ length: 30 }, (_, i) => `racer-${i}`)
    for (const u of users) await a.saveSession(emptySession(`c-${u}`, u, began))
    // Each user's forget on one replica runs at the same time as a write of their earlier turn on the other.
    await Promise.all(
      users.flatMap((u) => [
        a.forgetUser(u),
        b.saveSession({ ...emptySession(`c-${u}`, u, began), turn: 1, updatedAt: Date.now() }),
        b.setPreference(u, 'x', 'like', began),
      ]),
    )
    for (const u of users) {
      expect(await a.getSession(`c-${u}`)).toBeUndefined()
      expect((await a.getProfile(u)).likes).toEqual([])
    }
    await a.close()
    await b.close()
  })

  it('keeps state across two stores on one database, as two replicas do', async () => {
    const url = await schemas.fresh()
    const [a, b] = await Promise.all([createPostgresStore({ url }), createPostgresStore({ url })])
    await a.saveSession(emptySession('c', 'u'))
    await a.setPreference('u', 'x', 'like')
    expect(await b.getSession('c')).toBeDefined()
    expect((await b.getProfile('u')).likes).toEqual(['x'])
    await b.forgetUser('u')
    expect(await a.getSession('c')).toBeUndefined()
    await a.close()
    await b.close()
  })
}
