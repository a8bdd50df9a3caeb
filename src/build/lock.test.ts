import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tinyBuild } from '../../test/support/tiny-build.ts'
import { createLogger, readCurrent } from '../core/index.ts'
import { acquireRebuildLock, LOCK_FILE, removeLeftovers } from './lock.ts'
import { runRebuild } from './rebuild.ts'

const logger = createLogger({ level: 'silent' })

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(child.stdout)
}

describe('rebuild lock', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-lock-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses a second rebuild while the first holds the lock, naming its pid and age', async () => {
    const first = await acquireRebuildLock(dir, logger)
    await expect(acquireRebuildLock(dir, logger)).rejects.toMatchObject({
      code: 'build.failed',
      details: { reason: 'locked', pid: process.pid, ageSeconds: expect.any(Number) },
    })
    await first.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    const again = await acquireRebuildLock(dir, logger)
    await again.release()
  })

  it('takes over a lock left by a process that died', async () => {
    const stale = { pid: deadPid(), host: hostname(), startedAt: new Date(Date.now() - 5000).toISOString(), token: 'x' }
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(stale))
    const lock = await acquireRebuildLock(dir, logger)
    await expect(acquireRebuildLock(dir, logger)).rejects.toMatchObject({ details: { pid: process.pid } })
    await lock.release()
  })

  it('removes temporary folders of dead writers and old ones, and keeps a live writer’s', async () => {
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    await mkdir(join(dir, `.tmp-b1-p${deadPid()}`, 'inner'), { recursive: true })
    await mkdir(join(dir, '.tmp-b2'))
    await utimes(join(dir, '.tmp-b2'), hourAgo, hourAgo)
    await mkdir(join(dir, '.tmp-b3'))
    await mkdir(join(dir, `.tmp-b4-p${process.pid}`))
    await mkdir(join(dir, '20261206T101010Z-abcdef'))
    const removed = await removeLeftovers(dir, logger)
    expect(removed.sort()).toEqual([expect.stringMatching(/^\.tmp-b1-p\d+$/), '.tmp-b2'])
    expect((await readdir(dir)).sort()).toEqual([`.tmp-b3`, `.tmp-b4-p${process.pid}`, '20261206T101010Z-abcdef'])
  })
})

describe('two rebuilds at once', () => {
  let dir: string
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('lets one finish and refuses the other at once; a crashed rebuild’s folder is cleaned by the next', async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-lock-build-'))
    const { config, summary } = await tinyBuild(dir)
    const crashed = join(config.indexesDir, `.tmp-crashed-p${deadPid()}`)
    await mkdir(crashed)
    const results = await Promise.allSettled([runRebuild(config, { logger }), runRebuild(config, { logger })])
    const failed = results.filter((r) => r.status === 'rejected')
    expect(failed).toHaveLength(1)
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'build.failed', details: { reason: 'locked' } })
    const done = results.find((r) => r.status === 'fulfilled')
    expect(await readCurrent(config.indexesDir)).toBe(done?.status === 'fulfilled' && done.value.buildId)
    expect(await readCurrent(config.indexesDir)).not.toBe(summary.buildId)
    expect(existsSync(crashed)).toBe(false)
    expect(existsSync(join(config.indexesDir, LOCK_FILE))).toBe(false)
  })
})
