import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createMemoryStore, createSqliteStore, emptySession, MIGRATIONS, type Store } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'concierge-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const stores: [string, () => Promise<Store>][] = [
  ['sqlite', () => createSqliteStore({ path: join(dir, `s-${Math.random().toString(36).slice(2)}.db`) })],
  ['memory', () => createMemoryStore()],
]

describe.each(stores)('store (%s)', (_name, open) => {
  it('saves and reads back a session', async () => {
    const store = await open()
    const s = emptySession('c1', 'u1', 1000)
    s.liked.push('1', '2')
    s.constraints.excludeCategories.push('Horror')
    s.preferences.push({ text: 'funny space movie', weight: 1, turn: 1 })
    s.lastShown = ['5', '6']
    await store.saveSession(s)
    expect(await store.getSession('c1')).toEqual(s)
    expect(await store.getSession('nope')).toBeUndefined()
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
