/**
 * The build the blind wish benchmark judges: the same ml-latest-small data, overviews and conversation log, but a TMDB
 * movie table without its `keywords` and `production_companies` columns, so no item text holds the facts the blind
 * labels come from (runtime and vote counts stay, so popularity is unchanged). The data folder is made of symbolic
 * links plus that one reduced table, under the work folder, never in the repository or the shared data.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { runRebuild } from '../../src/build/index.ts'
import { detectDataset } from '../../src/catalog/index.ts'
import { createProgressBar } from '../../src/cli/progress-bar.ts'
import type { Config } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { csvWithoutColumns } from '../../src/eval/wish-facts.ts'
import { resultsDir } from '../support.ts'

/** Columns left out of the blind build's TMDB table. */
export const BLIND_COLUMNS = ['keywords', 'production_companies']

/** Builds (or refreshes) the blind build in `dir` and returns the config that serves it. */
export async function prepareBlindBuild(config: Readonly<Config>, dir?: string): Promise<Config> {
  const work = resolve(dir ?? join(resultsDir, 'wishes-blind'))
  const found = await detectDataset(config.dataDir as string, 'ml-latest-small')
  if (found.dataset !== 'ml-latest-small' || !found.paths.tmdbMovies) {
    throw new Error(`The blind wish benchmark needs ml-latest-small with tmdb_5000_movies.csv in ${config.dataDir}`)
  }
  const data = join(work, 'data')
  await rm(data, { recursive: true, force: true })
  await mkdir(join(data, 'movielens'), { recursive: true })
  await mkdir(join(data, 'tmdb'), { recursive: true })
  await symlink(dirname(found.paths.movies), join(data, 'movielens', 'ml-latest-small'))
  if (found.paths.overviews) await symlink(found.paths.overviews, join(data, 'tmdb', basename(found.paths.overviews)))
  const redial = join(config.dataDir as string, 'redial')
  if (existsSync(redial)) await symlink(resolve(redial), join(data, 'redial'))
  await writeFile(
    join(data, 'tmdb', 'tmdb_5000_movies.csv'),
    csvWithoutColumns(await readFile(found.paths.tmdbMovies, 'utf8'), BLIND_COLUMNS),
  )

  const indexesDir = join(work, 'indexes')
  const mainCache = join(config.indexesDir, '.embedding-cache')
  if (!existsSync(join(indexesDir, '.embedding-cache')) && existsSync(mainCache)) {
    await cp(mainCache, join(indexesDir, '.embedding-cache'), { recursive: true })
  }
  const blind = { ...config, dataDir: data, indexesDir, modelsDir: join(work, 'models') }
  process.stderr.write(`wishes: preparing the blind build in ${work} (items without TMDB keywords or companies)…\n`)
  const bar = createProgressBar()
  try {
    await runRebuild(blind, { logger: createLogger({ level: 'warn' }), keep: 0, onProgress: bar })
  } finally {
    bar.finish()
  }
  return blind
}
