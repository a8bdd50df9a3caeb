import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { downloadMovieLens, downloadRedial, fetchTmdb, loadCatalog } from '../catalog/index.ts'
import { loadConfig } from '../config/index.ts'
import { AppError } from '../core/index.ts'
import { exitCodeFor, printError } from './exit.ts'
import { createProgressBar } from './progress-bar.ts'

const USAGE = `usage: concierge data <movielens|redial|tmdb|all> [--dest DIR] [--from DIR] [--quiet]

Obtains data into DIR (default ./data), where \`concierge rebuild\` finds it:
  movielens  MovieLens ml-latest-small into DIR/movielens/ml-latest-small/: downloads the official archive from
             files.grouplens.org, checks its published MD5 and unpacks it atomically. With --from, copies an
             existing ml-latest-small folder (or a data folder holding one, with its TMDB overviews) instead.
             The data is then loaded once to check it. Licensed by GroupLens for research use, not commercial use.
  redial     The ReDial conversations (CC BY 4.0) into DIR/redial/, from the official download, its SHA-256
             checked: the conversation log a rebuild learns from (which films people ask about together).
  tmdb       Overviews, keywords, running times, votes and production companies from TMDB's API for the
             MovieLens films (needs TMDB_API_KEY; run movielens first). Paced and resumable: run it again after an
             interruption. "This product uses the TMDB API but is not endorsed or certified by TMDB."
  all        movielens, redial, then tmdb when TMDB_API_KEY is set.`

const TMDB_KEY_PAGE = 'https://www.themoviedb.org/settings/api'
const DATASETS = ['movielens', 'redial', 'tmdb', 'all'] as const
type Dataset = (typeof DATASETS)[number]

/** What the data steps need from outside: tests pass an imitation fetch and environment. */
export interface DataDeps {
  fetchImpl?: typeof fetch
  env?: Record<string, string | undefined>
}

interface StepContext {
  dest: string
  from: string | undefined
  fetchImpl: typeof fetch | undefined
  progress: ReturnType<typeof createProgressBar>
  tmdbApiKey: string | undefined
}

/** `concierge data <movielens|redial|tmdb|all> [--dest DIR] [--from DIR]`. */
export async function run(args: string[], deps: DataDeps = {}): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(args)
  } catch (error) {
    console.error(`concierge data: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const dataset = positionals[0] as Dataset
  if (positionals.length !== 1 || !DATASETS.includes(dataset)) {
    const got = positionals.length ? `, got "${positionals.join(' ')}"` : ''
    console.error(`concierge data: expected one of ${DATASETS.join(', ')}${got}\n\n${USAGE}`)
    return 2
  }
  const progress = createProgressBar({ quiet: values.quiet ?? false })
  try {
    const context: StepContext = {
      dest: resolve(values.dest ?? 'data'),
      from: values.from,
      fetchImpl: deps.fetchImpl,
      progress,
      tmdbApiKey: loadConfig(deps.env ?? process.env).tmdb.apiKey,
    }
    for (const step of stepsFor(dataset, context)) console.log((await step(context)).join('\n'))
    console.log(`Next: CONCIERGE_DATA_DIR=${shownPath(context.dest)} concierge rebuild`)
    return 0
  } catch (error) {
    progress.finish()
    printError(error)
    return exitCodeFor(error)
  }
}

type Step = (context: StepContext) => Promise<string[]>

function stepsFor(dataset: Dataset, context: StepContext): Step[] {
  if (dataset === 'movielens') return [movielensStep]
  if (dataset === 'redial') return [redialStep]
  if (dataset === 'tmdb') return [tmdbStep]
  return [movielensStep, redialStep, context.tmdbApiKey === undefined ? tmdbSkipped : tmdbStep]
}

const fetchOption = (context: StepContext) => (context.fetchImpl ? { fetchImpl: context.fetchImpl } : {})

async function movielensStep(context: StepContext): Promise<string[]> {
  const { dest, from, progress } = context
  const result = await downloadMovieLens({
    dest,
    ...(from !== undefined ? { from } : {}),
    ...fetchOption(context),
    onProgress: progress,
  })
  progress.finish()
  const catalog = await loadCatalog({ dataDir: dest, dataset: 'ml-latest-small', onProgress: progress })
  progress.finish()
  const users = new Set(catalog.interactions.map((i) => i.userId)).size
  const described = catalog.items.filter((i) => i.description !== '').length
  const check = {
    md5: 'checksum verified (published MD5)',
    sha256: 'checksum verified (pinned SHA-256)',
    unavailable: 'NOT verified: the published MD5 could not be fetched',
    copied: `copied from ${from}`,
  }[result.check]
  return [
    `ml-latest-small ready in ${result.dir}`,
    `  ${catalog.items.length} movies (${described} with an overview), ${catalog.interactions.length} ratings, ${users} users`,
    `  ${check}`,
    `  fingerprint ${catalog.fingerprint.slice(0, 16)}`,
  ]
}

async function redialStep(context: StepContext): Promise<string[]> {
  const result = await downloadRedial({ dest: context.dest, ...fetchOption(context), onProgress: context.progress })
  context.progress.finish()
  return [`ReDial ready in ${result.dir}: ${result.files.join(', ')}`, '  checksum verified (pinned SHA-256); CC BY 4.0']
}

async function tmdbStep(context: StepContext): Promise<string[]> {
  if (context.tmdbApiKey === undefined) {
    throw new AppError('config.invalid', `Set TMDB_API_KEY to a TMDB API key (free at ${TMDB_KEY_PAGE})`)
  }
  const result = await fetchTmdb({
    dest: context.dest,
    apiKey: context.tmdbApiKey,
    ...fetchOption(context),
    onProgress: context.progress,
  })
  context.progress.finish()
  return [
    `TMDB facts written to ${result.overviews} and ${result.tmdbMovies}`,
    `  ${result.fetched} movies asked, ${result.cached} from the cache, ${result.missing} unknown to TMDB`,
    `  ${result.withOverview} with an overview, ${result.withRuntime} with a running time`,
  ]
}

async function tmdbSkipped(): Promise<string[]> {
  return [`TMDB skipped: set TMDB_API_KEY (free at ${TMDB_KEY_PAGE}) to add overviews, keywords and running times`]
}

function shownPath(dest: string): string {
  const rel = relative(process.cwd(), dest)
  return rel === '' ? '.' : rel.startsWith('..') ? dest : rel
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      dest: { type: 'string' },
      from: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
