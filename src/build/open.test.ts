import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tinyBuild } from '../../test/support/tiny-build.ts'
import { createLogger } from '../core/index.ts'
import { createBuildReader, openBuild } from './open.ts'
import { buildCatalogueTables, TABLES_FILE } from './tables.ts'

// Files this (main) thread reads; the reader thread has its own, unmocked, module.
const readOnThisThread = vi.hoisted(() => [] as string[])

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...fs,
    readFile: (async (path: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => {
      readOnThisThread.push(String(path))
      return (fs.readFile as (...args: unknown[]) => Promise<unknown>)(path, ...rest)
    }) as typeof fs.readFile,
  }
})

const logger = createLogger({ level: 'silent' })

describe('opening a build for a server', () => {
  let dir: string
  let build: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-open-'))
    build = (await tinyBuild(dir)).summary.dir
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('reads, checks and parses every file in the reader thread: the server’s thread reads none of them', async () => {
    const reader = createBuildReader(logger)
    try {
      readOnThisThread.length = 0
      const opened = await openBuild(build, { backend: 'cpu', logger, reader })
      expect(opened.items.length).toBe(opened.index.size)
      expect(opened.collab).toBeDefined()
      const liked = opened.items.slice(0, 3).map((item) => item.id)
      const scores = opened.collab?.score(liked)
      await opened.close()
      expect(readOnThisThread).toEqual([])
      // Without a reader the same files are read here (what a swap did before, queued behind the turns).
      const here = await openBuild(build, { backend: 'cpu', logger })
      // The model's weights the reader thread prepared score exactly as those prepared here.
      expect(scores).toEqual(here.collab?.score(liked))
      await here.close()
      expect(readOnThisThread.map((p) => basename(p))).toEqual(
        expect.arrayContaining(['manifest.json', 'ids.json', 'vectors.f32', 'items.jsonl', 'weights.bin']),
      )
    } finally {
      await reader.close()
    }
  })

  it('hands over the chat and recommender tables the rebuild wrote, equal to those built here', async () => {
    const reader = createBuildReader(logger)
    try {
      const opened = await openBuild(build, { backend: 'cpu', logger, reader })
      const { tables } = opened
      await opened.close()
      expect(tables).toBeDefined()
      expect(tables?.lexical.itemCount).toBe(opened.items.length)
      expect(tables?.lexical.search.terms.length).toBeGreaterThan(0)
      expect(tables?.chat.titles.exact.size).toBeGreaterThan(0)
      expect(tables).toEqual(buildCatalogueTables(opened.items))
      // A build made before the rebuild wrote them: the reader thread builds the same tables.
      const older = join(dir, 'older')
      await cp(build, older, { recursive: true })
      const manifestPath = join(older, 'manifest.json')
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
      expect(manifest.files).toContain(TABLES_FILE)
      manifest.files = manifest.files.filter((f: string) => f !== TABLES_FILE)
      delete manifest.fileDigests[TABLES_FILE]
      await writeFile(manifestPath, JSON.stringify(manifest))
      await rm(join(older, TABLES_FILE))
      const built = await openBuild(older, { backend: 'cpu', logger, reader })
      await built.close()
      expect(built.tables).toEqual(tables)
      // Read on this thread (no reader), a build comes without them: the chat builds its own.
      const here = await openBuild(build, { backend: 'cpu', logger })
      await here.close()
      expect(here.tables).toBeUndefined()
      // A live view (the build's items with one changed and one added): its tables, built in the thread too.
      const view = [
        { ...(opened.items[0] as (typeof opened.items)[number]), title: 'Quillfrost Lantern' },
        ...opened.items.slice(1),
        { id: 'live-1', title: 'Zephyrine Kettle', description: 'A copper kettle.', tags: [], categories: [], metadata: {} },
      ]
      expect(await reader.tables(view)).toEqual(buildCatalogueTables(view))
    } finally {
      await reader.close()
    }
  })
})
