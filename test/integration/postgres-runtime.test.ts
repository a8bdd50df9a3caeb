import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/index.ts'
import type { Runtime } from '../../src/runtime.ts'
import { createSchemas, postgresUnavailable } from '../support/postgres.ts'
import { reportJson } from '../support/report-cli.ts'
import { tinyBuild } from '../support/tiny-build.ts'

const pgUnavailable = await postgresUnavailable()
const schemas = createSchemas()
afterAll(() => schemas.drop())

// Registered only where PostgreSQL answers; the store contract prints why it is skipped elsewhere.
if (pgUnavailable) console.warn(`[concierge tests] the runtime on PostgreSQL is not run: ${pgUnavailable}`)
else describe('two runtimes on one PostgreSQL store (CONCIERGE_STORE_URL)', twoRuntimes)

function twoRuntimes(): void {
  it('carries a conversation from one to the other, and forgets the user in both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-pg-runtime-'))
    const url = await schemas.fresh()
    const { config } = await tinyBuild(dir, { CONCIERGE_STORE_URL: url })
    expect(config.store.url).toBe(url)
    const { createRuntime } = await import('../../src/runtime.ts')
    const logger = createLogger({ level: 'silent' })
    const runtimes: Runtime[] = [await createRuntime(config, { logger }), await createRuntime(config, { logger })]
    try {
      const [a, b] = runtimes as [Runtime, Runtime]
      const first = await a.chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'something animated' })
      expect(first.items.length).toBeGreaterThan(0)
      await a.chat.feedback({ conversationId: 'c', userId: 'u', itemId: first.items[0]!.id, kind: 'like' })
      // The other replica continues the same conversation: nothing shown twice, the like is in the profile.
      const second = await b.chat.handleTurn({ conversationId: 'c', userId: 'u', text: 'more' })
      for (const item of second.items) expect(first.items.map((i) => i.id)).not.toContain(item.id)
      expect((await b.chat.getProfile('u')).likes.map((i) => i.id)).toEqual([first.items[0]!.id])
      await b.chat.forgetUser('u')
      expect((await a.chat.getProfile('u')).likes).toEqual([])
    } finally {
      for (const runtime of runtimes) await runtime.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("logs both replicas' impressions in PostgreSQL: each one's report and `concierge report` count them all", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concierge-pg-impressions-'))
    const url = await schemas.fresh()
    const { config } = await tinyBuild(dir, { CONCIERGE_STORE_URL: url })
    const { createRuntime } = await import('../../src/runtime.ts')
    const logger = createLogger({ level: 'silent' })
    // Replicas on two machines: each would have its own impressions file if the log stayed in SQLite.
    const on = (name: string) => ({ ...config, loop: { ...config.loop, impressionsPath: join(dir, name, 'impressions.db') } })
    const runtimes: Runtime[] = [await createRuntime(on('a'), { logger }), await createRuntime(on('b'), { logger })]
    try {
      const [a, b] = runtimes as [Runtime, Runtime]
      const first = await a.chat.handleTurn({ conversationId: 'ca', userId: 'ua', text: 'something animated' })
      const second = await b.chat.handleTurn({ conversationId: 'cb', userId: 'ub', text: 'a comedy' })
      await b.chat.feedback({ conversationId: 'ca', userId: 'ua', itemId: first.items[0]!.id, kind: 'like' })
      const shown = first.items.length + second.items.length
      expect(shown).toBeGreaterThan(0)
      for (const runtime of runtimes) {
        const report = await runtime.insights.report()
        expect(report.variants).toEqual([
          expect.objectContaining({ variant: 'default', impressions: shown, likes: expect.objectContaining({ count: 1 }) }),
        ])
      }
      const cli = await reportJson({ CONCIERGE_STORE_URL: url, CONCIERGE_IMPRESSIONS_PATH: join(dir, 'none.db') })
      expect(cli.variants.map((v) => [v.variant, v.impressions, v.likes.count])).toEqual([['default', shown, 1]])
    } finally {
      for (const runtime of runtimes) await runtime.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
}

/** `concierge report --json` with these settings. */
