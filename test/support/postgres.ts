import pg from 'pg'

/** The PostgreSQL the store tests use: CONCIERGE_TEST_POSTGRES_URL, else the local server CI and dev machines run. */
export const TEST_POSTGRES_URL = process.env.CONCIERGE_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test'

/** Undefined when the test server answers; otherwise why it does not (printed by the skipped test). */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (error) {
    return `no PostgreSQL at ${TEST_POSTGRES_URL} (${(error as Error).message}); set CONCIERGE_TEST_POSTGRES_URL`
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * A fresh, empty schema on the test server and a URL whose connections use it, so each store in a test starts
 * from nothing; `drop()` removes every schema made this way.
 */
export function createSchemas(): { fresh(): Promise<string>; drop(): Promise<void> } {
  const made: string[] = []
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
    await client.connect()
    try {
      return await fn(client)
    } finally {
      await client.end()
    }
  }
  return {
    fresh: async () => {
      const schema = `concierge_test_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`
      await admin((c) => c.query(`CREATE SCHEMA ${schema}`))
      made.push(schema)
      const url = new URL(TEST_POSTGRES_URL)
      url.searchParams.set('options', `-c search_path=${schema}`)
      return url.toString()
    },
    drop: async () => {
      if (made.length === 0) return
      await admin(async (c) => {
        for (const schema of made.splice(0)) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      })
    },
  }
}
