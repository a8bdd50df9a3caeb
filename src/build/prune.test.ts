import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tinyBuild } from '../../test/support/tiny-build.ts'
import type { Config } from '../config/index.ts'
import { createLogger, readCurrent } from '../core/index.ts'
import { createMemoryStore } from '../store/index.ts'
import { servedBuilds } from './prune.ts'
import { runRebuild } from './rebuild.ts'

const logger = createLogger({ level: 'silent' })
const builds = async (root: string) => (await readdir(root)).filter((n) => /^\d{8}T/.test(n)).sort()
const modelOf = async (buildDir: string) =>
  basename(JSON.parse(await readFile(join(buildDir, 'manifest.json'), 'utf8')).extra.collabDir)

// Real builds of the tiny fixture (a tiny ONNX model with a tokenizer the tests write).
describe('pruning and the build pointer', () => {
  let dir: string
  let config: Config
  let first: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-prune-'))
    const built = await tinyBuild(dir)
    config = built.config
    first = built.summary.buildId
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('never prunes the build a server serves nor its model, and models/current follows indexes/current', async () => {
    const { createRuntime } = await import('../runtime.ts')
    const runtime = await createRuntime(config, { logger, store: await createMemoryStore() })
    let second: string
    try {
      expect(await servedBuilds(config.indexesDir)).toEqual(new Set([first]))
      second = (await runRebuild(config, { logger, keep: 0 })).buildId
      // The server has not switched yet: what it serves stays on disk, model included.
      expect(await builds(config.indexesDir)).toEqual([first, second].sort())
      expect(await builds(config.modelsDir)).toEqual([await modelOf(join(config.indexesDir, first)), second].sort())
      expect(await readCurrent(config.modelsDir)).toBe(await modelOf(join(config.indexesDir, second)))
    } finally {
      await runtime.close()
    }
    expect(await servedBuilds(config.indexesDir)).toEqual(new Set())
    const third = (await runRebuild(config, { logger, keep: 0 })).buildId
    expect(await builds(config.indexesDir)).toEqual([third])
    expect(await builds(config.modelsDir)).toEqual([third])
  })

  it('keeps the newest builds with their models; a record left by a server that died protects nothing', async () => {
    const current = (await readCurrent(config.indexesDir)) as string
    const next = (await runRebuild(config, { logger, keep: 1 })).buildId
    await writeFile(join(config.indexesDir, '.serving-999999999'), current)
    const last = (await runRebuild(config, { logger, keep: 1 })).buildId
    expect(await builds(config.indexesDir)).toEqual([next, last].sort())
    for (const build of [next, last]) {
      expect(existsSync(join(config.modelsDir, await modelOf(join(config.indexesDir, build))))).toBe(true)
    }
    expect(existsSync(join(config.indexesDir, '.serving-999999999'))).toBe(false)
  })
})
