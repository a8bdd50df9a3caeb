import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createSchemas, postgresUnavailable } from '../../test/support/postgres.ts'
import { createStore } from './index.ts'

const dir = mkdtempSync(join(tmpdir(), 'concierge-create-store-'))
const schemas = createSchemas()
const pgUnavailable = await postgresUnavailable()
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await schemas.drop()
})

describe('createStore', () => {
  it('opens the SQLite file when no URL is set, and memory for memory:', async () => {
    const sqlite = await createStore({ path: join(dir, 'a.db'), sessionTtlMs: 0 })
    const memory = await createStore({ path: join(dir, 'b.db'), url: 'memory:', sessionTtlMs: 0 })
    expect([sqlite.kind, memory.kind]).toEqual(['sqlite', 'memory'])
    await sqlite.close()
    await memory.close()
  })

  // Only where the server answers (the store contract prints why it is skipped elsewhere).
  if (pgUnavailable) return
  it('opens PostgreSQL for a postgres:// URL', async () => {
    const store = await createStore({ path: join(dir, 'unused.db'), url: await schemas.fresh(), sessionTtlMs: 60_000 })
    expect(store.kind).toBe('postgres')
    await store.close()
  })
})
