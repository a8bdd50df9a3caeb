import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { downloadMovieLens, loadCatalog } from '../catalog/index.ts'
import { exitCodeFor, printError } from './exit.ts'
import { createProgressBar } from './progress-bar.ts'

const USAGE = `usage: concierge data movielens [--dest DIR] [--from DIR] [--quiet]

Obtains MovieLens ml-latest-small into DIR/movielens/ml-latest-small/ (DIR defaults to ./data):
downloads the official archive from files.grouplens.org, checks its published MD5 and unpacks it
atomically. With --from, copies an existing ml-latest-small folder (or a data folder holding one,
with its TMDB overviews) instead. The data is then loaded once to check it.

MovieLens is licensed by GroupLens for research use, not commercial use (see its README.txt).`

/** `concierge data movielens [--dest DIR] [--from DIR]`. */
export async function run(args: string[]): Promise<number> {
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
  if (positionals.length !== 1 || positionals[0] !== 'movielens') {
    console.error(
      `concierge data: expected the dataset name "movielens"${positionals.length ? `, got "${positionals.join(' ')}"` : ''}\n\n${USAGE}`,
    )
    return 2
  }
  const dest = resolve(values.dest ?? 'data')
  const progress = createProgressBar({ quiet: values.quiet ?? false })
  try {
    const result = await downloadMovieLens({
      dest,
      ...(values.from !== undefined ? { from: values.from } : {}),
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
      copied: `copied from ${values.from}`,
    }[result.check]
    const rel = relative(process.cwd(), dest)
    const shown = rel === '' ? '.' : rel.startsWith('..') ? dest : rel
    console.log(
      [
        `ml-latest-small ready in ${result.dir}`,
        `  ${catalog.items.length} movies (${described} with an overview), ${catalog.interactions.length} ratings, ${users} users`,
        `  ${check}`,
        `  fingerprint ${catalog.fingerprint.slice(0, 16)}`,
        `Next: CONCIERGE_DATA_DIR=${shown} concierge rebuild`,
      ].join('\n'),
    )
    return 0
  } catch (error) {
    progress.finish()
    printError(error)
    return exitCodeFor(error)
  }
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
