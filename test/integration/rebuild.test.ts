import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RebuildSummary, readSnapshot, runRebuild } from '../../src/build/index.ts'
import type { Config } from '../../src/config/index.ts'
import { createLogger, isAppError, readCurrent } from '../../src/core/index.ts'
import { openIndex } from '../../src/index/index.ts'
import { repoRoot } from '../support/data.ts'
import { ML_TINY, tinyBuildConfig, writeTinyModel } from '../support/tiny-build.ts'

const logger = createLogger({ level: 'silent' })
const fixture = ML_TINY

// The whole rebuild on the MovieLens-format fixture, embedded by a tiny ONNX model and tokenizer the test writes:
// what a build contains, the warm cache, and that bad input never replaces a build.
describe('concierge rebuild', () => {
  let dir: string
  let config: Config
  let first: RebuildSummary

  const configFor = (dataDir: string) => tinyBuildConfig(dir, dataDir)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-rebuild-'))
    await writeTinyModel(dir)
    config = configFor(fixture)
    first = await runRebuild(config, { logger })
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('writes a build whose manifest records item count, encoder and dimension, and makes it current', async () => {
    expect(await readCurrent(config.indexesDir)).toBe(first.buildId)
    const movies = (await readFile(join(fixture, 'movies.csv'), 'utf8')).trim().split('\n').length - 1
    expect(first.items).toBe(movies)
    const manifest = JSON.parse(await readFile(join(config.indexesDir, 'current', 'manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({ itemCount: movies, encoderId: first.encoderId, dimension: first.dimension })
    expect(manifest.encoderId).toMatch(/^transformers:/)
    const index = await openIndex(join(config.indexesDir, 'current'), { encoderId: first.encoderId })
    expect(index.size).toBe(movies)
    await index.close()
    const snapshot = await readSnapshot(join(config.indexesDir, 'current'))
    expect(snapshot.items.map((i) => i.title)).toContain('Toy Story')
    // The collaborative model sits beside it and the manifest points at it.
    expect('dir' in first.collab && existsSync(join(first.collab.dir, 'manifest.json'))).toBe(true)
    expect(manifest.extra.collabDir).toBe('dir' in first.collab ? first.collab.dir : null)
  })

  it('embeds nothing again and reuses the model when the catalogue did not change', async () => {
    const again = await runRebuild(config, { logger })
    expect(again.embedding).toMatchObject({ cached: first.items, embedded: 0 })
    expect(again.collab).toMatchObject({ reused: true, dir: join(config.modelsDir, again.buildId) })
    expect(await readCurrent(config.modelsDir)).toBe(again.buildId)
    expect(again.buildId).not.toBe(first.buildId)
    const retrained = await runRebuild(config, { logger, retrain: true })
    expect(retrained.collab).toMatchObject({ reused: false })
    expect(await readCurrent(config.indexesDir)).toBe(retrained.buildId)
    first = retrained
  })

  it('refuses bad input, lists every problem, and leaves the previous build and model in place', async () => {
    const bad = join(dir, 'bad-data')
    await cp(fixture, bad, { recursive: true })
    await appendFile(join(bad, 'ratings.csv'), '3,1,lots,964982703\n3,999999,4.0,964982703\n')
    const modelBefore = await readCurrent(config.modelsDir)
    const error = await runRebuild(configFor(bad), { logger }).catch((e: unknown) => e)
    expect(isAppError(error) && error.code).toBe('catalog.invalid')
    const problems = (isAppError(error) ? error.details.problems : []) as unknown[]
    const text = JSON.stringify(problems)
    expect(text).toContain('ratings.csv')
    expect(text).toMatch(/line\D+6/)
    expect(text).toContain('rating')
    // A rating of a movie absent from movies.csv is only a warning in MovieLens data (see loadCatalog).
    expect(problems).toHaveLength(1)
    expect(await readCurrent(config.indexesDir)).toBe(first.buildId)
    expect(await readCurrent(config.modelsDir)).toBe(modelBefore)
    expect((await readdir(config.indexesDir)).filter((n) => n.startsWith('.tmp-'))).toEqual([])
    // The kept build still opens.
    const index = await openIndex(join(config.indexesDir, 'current'), { encoderId: first.encoderId })
    expect(index.size).toBe(first.items)
    await index.close()
  })

  it('exits 2 from the command line on bad input, naming file, line and field', () => {
    const bad = join(dir, 'bad-data')
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'concierge.js'), 'rebuild', '--data', bad, '--quiet'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        CONCIERGE_ENCODER: 'transformers',
        CONCIERGE_TRANSFORMERS_MODEL: join(dir, 'model'),
        CONCIERGE_INDEXES_DIR: join(dir, 'indexes'),
        CONCIERGE_MODELS_DIR: join(dir, 'models'),
      },
      timeout: 60_000,
    })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('catalog.invalid')
    expect(result.stderr).toMatch(/ratings\.csv.*6/)
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/)
  })
})
