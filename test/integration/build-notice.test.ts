import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, switchCurrent } from '../../src/core/index.ts'
import { followBuildNotices, watchBuilds } from '../../src/serve.ts'
import { createMemoryState } from '../../src/state/index.ts'

const logger = createLogger({ level: 'silent' })

describe('followBuildNotices', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-notice-'))
    for (const id of ['b1', 'b2']) await mkdir(join(dir, id))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('makes the other replica swap as soon as one switched to a new build, not a poll later', async () => {
    await switchCurrent(dir, 'b1')
    // One shared state (memory here; Redis with real replicas) and two replicas whose polls would take a minute.
    const shared = createMemoryState({ dedupeTtlMs: 1000 }).builds
    const replica = async () => {
      const runtime = {
        buildId: 'b1',
        async reload() {
          runtime.buildId = 'b2'
          return true
        },
      }
      const notices = await followBuildNotices(shared, runtime, logger)
      const watcher = watchBuilds(dir, runtime, logger, 60_000, notices.publish)
      notices.follow(watcher)
      return { runtime, watcher, notices }
    }
    const [a, b] = [await replica(), await replica()]
    try {
      await switchCurrent(dir, 'b2')
      await a.watcher.check()
      expect(a.runtime.buildId).toBe('b2')
      await expect.poll(() => b.runtime.buildId, { timeout: 2000 }).toBe('b2')
      expect(await shared.current()).toBe('b2')
    } finally {
      for (const r of [a, b]) {
        r.watcher.close()
        r.notices.close()
      }
    }
  })
})
