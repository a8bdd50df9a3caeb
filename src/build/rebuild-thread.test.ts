import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ML_TINY, tinyBuildConfig, writeTinyModel } from '../../test/support/tiny-build.ts'
import { createLogger, type ProgressEvent, readCurrent } from '../core/index.ts'
import { runRebuildInThread } from './rebuild-thread.ts'

describe('rebuild in a worker thread', () => {
  let dir: string
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('builds, relays its log lines and progress, and brings its errors back with their code', async () => {
    dir = await mkdtemp(join(tmpdir(), 'concierge-rebuild-thread-'))
    await writeTinyModel(dir)
    const lines: string[] = []
    const logger = createLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) })
    const progress: ProgressEvent[] = []
    const config = tinyBuildConfig(dir, ML_TINY)
    const summary = await runRebuildInThread(config, { logger, onProgress: (e) => progress.push(e) })
    expect(await readCurrent(config.indexesDir)).toBe(summary.buildId)
    expect(lines.map((l) => JSON.parse(l).msg)).toContain('build ready')
    expect(progress.length).toBeGreaterThan(0)
    const missing = tinyBuildConfig(dir, join(dir, 'no-such-data'))
    await expect(runRebuildInThread(missing, { logger })).rejects.toMatchObject({ code: 'data.not_found' })
  })
})
