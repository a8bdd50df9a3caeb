import { resolve } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { downloadMovieLens } from '../catalog/index.ts'
import { type Config, loadConfig } from '../config/index.ts'
import { AppError, createLogger, readCurrent } from '../core/index.ts'
import { startServe } from '../serve.ts'
import { createProgressBar } from './progress-bar.ts'

const HELP = `usage: concierge serve [--port N] [--host H] [--data DIR] [--download] [--quiet]

Runs the chat server: HTTP API (/v1/...), the embeddable widget (/widget.js) with a demo page at /, health
(/healthz, /readyz), metrics (/metrics), OpenAPI (/openapi.json), and the Slack bot when SLACK_MODE is set.
Builds indexes and models first when there is no build yet. Switches to a new build when \`concierge rebuild\`
finishes, without a restart. Stops gracefully on SIGTERM/SIGINT: /readyz answers 503 at once, requests received are
answered (turns still running at CONCIERGE_SHUTDOWN_TIMEOUT_MS get 503), then the listener closes.

Data: CONCIERGE_DATA_DIR (or --data), else ./data, else ../shared/data. With none, MovieLens ml-latest-small is
downloaded from grouplens.org into ./data (asked first on a terminal; --download skips the question).
Settings: CONCIERGE_PORT (8080), CONCIERGE_HOST, CONCIERGE_PUBLIC_URL, CONCIERGE_PUBLISHABLE_KEYS,
CONCIERGE_SECRET_KEYS, CONCIERGE_RATE_LIMIT_PER_MINUTE, CONCIERGE_MAX_BODY_BYTES, CONCIERGE_TRUST_PROXY (proxy hops),
CONCIERGE_MAX_CONCURRENT_TURNS, CONCIERGE_MAX_QUEUED_TURNS, CONCIERGE_SHUTDOWN_DELAY_MS, CONCIERGE_SHUTDOWN_TIMEOUT_MS,
SLACK_MODE=http|socket.`

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      download: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const overrides = { dataDir: values.data, 'server.port': values.port, 'server.host': values.host }
  let config: Readonly<Config> = loadConfig(process.env, { overrides })
  const logger = createLogger({ level: values.quiet ? 'warn' : config.log.level, format: config.log.format })
  const bar = createProgressBar({ quiet: values.quiet })

  if (!config.dataDir && !(await readCurrent(config.indexesDir))) {
    const dest = resolve('data')
    if (!values.download && !(await askToDownload(dest))) {
      throw new AppError(
        'data.not_found',
        'No data and no build. Set CONCIERGE_DATA_DIR to a folder holding movielens/ml-latest-small/, or run `concierge serve --download` (or `concierge data movielens`).',
      )
    }
    console.error(`Downloading MovieLens ml-latest-small into ${dest} …`)
    const got = await downloadMovieLens({ dest, onProgress: bar })
    bar.finish()
    console.error(
      `MovieLens ready in ${got.dir} (${got.verified ? `checksum verified (${got.check})` : 'checksum not verified'})`,
    )
    config = loadConfig(process.env, { overrides: { ...overrides, dataDir: dest } })
  }

  const server = await startServe(config, { logger, onProgress: bar })
  bar.finish()
  console.log(`Concierge is ready: ${server.url}`)

  await new Promise<void>((done) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) {
        console.error(`${signal} again: exiting now`)
        process.exit(1)
      }
      stopping = true
      console.error(`${signal}: stopping (finishing requests in flight; ${signal} again to exit at once)`)
      server.close().then(done, (error: unknown) => {
        logger.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) })
        done()
      })
    }
    process.once('SIGTERM', () => stop('SIGTERM'))
    process.on('SIGINT', () => stop('SIGINT'))
  })
  exitSoonAfterShutdown()
  return 0
}

/** Everything is closed: the process exits by itself, or after `graceMs` if a stray handle keeps it alive. */
export function exitSoonAfterShutdown(graceMs = 2000): void {
  setTimeout(() => {
    console.error('stopped, but something still holds the process: exiting')
    process.exit(0)
  }, graceMs).unref()
}

/** On a terminal, asks first (Enter means yes); unattended (`npm start` in a container), the demo data is fetched. */
async function askToDownload(dest: string): Promise<boolean> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return true
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await rl.question(
      `No data found. Download MovieLens ml-latest-small (about 1 MB, GroupLens research licence) into ${dest}? [Y/n] `,
    )
    return answer.trim() === '' || /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}
