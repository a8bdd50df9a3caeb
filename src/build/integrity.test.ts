import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBuild } from '../../test/support/tiny-build.ts'
import type { Config } from '../config/index.ts'
import { createLogger } from '../core/index.ts'
import { createMemoryStore } from '../store/index.ts'
import { createBuildReader, openBuild } from './open.ts'
import { runRebuild } from './rebuild.ts'
import { ITEMS_FILE } from './snapshot.ts'

const logger = createLogger({ level: 'silent' })
const deps = { backend: 'cpu' as const, logger }

async function cutInHalf(path: string): Promise<void> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n')
  await writeFile(path, `${lines.slice(0, Math.ceil(lines.length / 2)).join('\n')}\n`)
}

// Real builds of the tiny fixture (a tiny ONNX model with a tokenizer the tests write).
describe('build integrity', () => {
  let dir: string
  let config: Config

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-integrity-'))
    config = (await tinyBuild(dir)).config
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const newBuild = async () => join(config.indexesDir, (await runRebuild(config, { logger })).buildId)

  it('keeps serving the previous build when the new one has its items.jsonl cut in half', async () => {
    const { createRuntime } = await import('../runtime.ts')
    const runtime = await createRuntime(config, { logger, store: await createMemoryStore() })
    try {
      const served = runtime.buildId
      const items = runtime.itemCount
      await cutInHalf(join(await newBuild(), ITEMS_FILE))
      expect(await runtime.reload()).toBe(false)
      expect(runtime.buildId).toBe(served)
      expect(runtime.itemCount).toBe(items)
    } finally {
      await runtime.close()
    }
  })

  it('refuses a cut snapshot as corrupt, naming the file, on this thread and in the reader thread', async () => {
    const build = await newBuild()
    const reader = createBuildReader(logger)
    try {
      const whole = await openBuild(build, { ...deps, reader })
      expect(whole.items.length).toBe(whole.index.size)
      await whole.close()
      await cutInHalf(join(build, ITEMS_FILE))
      const corrupt = { code: 'index.corrupt', details: { file: ITEMS_FILE } }
      await expect(openBuild(build, deps)).rejects.toMatchObject(corrupt)
      await expect(openBuild(build, { ...deps, reader })).rejects.toMatchObject(corrupt)
    } finally {
      await reader.close()
    }
  })

  it('refuses an older build (snapshot not in its checksums) whose snapshot and index disagree on the item count', async () => {
    const build = await newBuild()
    const manifestPath = join(build, 'manifest.json')
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'))
    manifest.files = manifest.files.filter((f: string) => !f.endsWith('.jsonl') && !f.startsWith('popularity'))
    await writeFile(manifestPath, JSON.stringify(manifest))
    await expect(openBuild(build, deps)).resolves.toMatchObject({ items: expect.any(Array) })
    await cutInHalf(join(build, ITEMS_FILE))
    await expect(openBuild(build, deps)).rejects.toMatchObject({ code: 'index.incompatible' })
  })

  it('refuses a build whose model is gone or is not the one it was built with', async () => {
    const build = await newBuild()
    const manifest = JSON.parse(await readFile(join(build, 'manifest.json'), 'utf8'))
    expect(manifest.extra.model).toMatchObject({ itemCount: expect.any(Number) })
    const opened = await openBuild(build, deps)
    expect(opened.collab?.itemIds.length).toBe(manifest.extra.model.itemCount)
    await opened.close()

    const weights = join(manifest.extra.collabDir, 'weights.bin')
    const bytes = await readFile(weights)
    await writeFile(weights, bytes.subarray(0, bytes.byteLength - 4))
    await expect(openBuild(build, deps)).rejects.toMatchObject({ code: 'index.incompatible' })
    await rm(manifest.extra.collabDir, { recursive: true })
    await expect(openBuild(build, deps)).rejects.toMatchObject({ code: 'index.incompatible' })
  })
})
