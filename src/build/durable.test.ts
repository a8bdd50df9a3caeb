import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { tinyBuild } from '../../test/support/tiny-build.ts'

// What reached the disk and when: every fsync (by path) and every rename, in order.
const journal = vi.hoisted(() => [] as string[])

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args)
      const sync = handle.sync.bind(handle)
      handle.sync = async () => {
        journal.push(`sync ${String(args[0])}`)
        return sync()
      }
      return handle
    },
    rename: async (from: string, to: string) => {
      journal.push(`rename ${from} -> ${to}`)
      return fs.rename(from, to)
    },
  }
})

describe('rebuild durability', () => {
  let dir: string
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('flushes every file and folder of the build and its model before pointing current at it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-durable-'))
    const { config, summary } = await tinyBuild(dir)
    const switchAt = journal.findIndex((e) => e.startsWith('rename') && e.endsWith(join(config.indexesDir, 'current')))
    expect(switchAt).toBeGreaterThan(0)
    const before = journal.slice(0, switchAt)
    const synced = (path: string) => before.includes(`sync ${path}`)
    const tmp = before.find((e) => e.startsWith('rename') && e.endsWith(` -> ${summary.dir}`))?.split(' ')[1] as string
    for (const file of await readdir(summary.dir)) expect(synced(join(tmp, file)), file).toBe(true)
    expect(synced(tmp)).toBe(true)
    expect(synced(config.indexesDir)).toBe(true)
    const modelDir = join(config.modelsDir, summary.buildId)
    for (const file of await readdir(modelDir)) expect(synced(join(modelDir, file)), basename(file)).toBe(true)
    expect(synced(config.modelsDir)).toBe(true)
    // The switch itself is flushed too.
    expect(journal.slice(switchAt)).toContain(`sync ${config.indexesDir}`)
  })
})
