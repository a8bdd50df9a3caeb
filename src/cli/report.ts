import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/index.ts'
import { AppError } from '../core/index.ts'
import { buildAbReport, formatAbReport, openConfiguredImpressionLog } from '../loop/index.ts'

const HELP = `usage: concierge report [--since DATE] [--json]

Per A/B variant (CONCIERGE_VARIANTS): impressions, like rate and acceptance rate (like, more like this, a click,
like or purchase event) with 95% Wilson intervals, and each variant against the first by name (two-proportion
z-test, significant at p < 0.05). Reads the impression log: CONCIERGE_IMPRESSIONS_PATH, or the PostgreSQL store
of CONCIERGE_STORE_URL (every replica's impressions).`

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const config = loadConfig(process.env)
  const since = values.since === undefined ? undefined : Date.parse(values.since)
  if (since !== undefined && Number.isNaN(since)) {
    throw new AppError('input.invalid', `--since ${values.since} is not a date: give e.g. 2026-12-01 or 2026-12-01T12:00Z.`)
  }
  const counts = await readCounts(config, since)
  const report = buildAbReport(counts, since)
  console.log(values.json ? JSON.stringify(report, null, 2) : formatAbReport(report))
  return 0
}

/** The counts of the configured log: PostgreSQL with a postgres:// store, else the SQLite file (none when absent). */
async function readCounts(config: ReturnType<typeof loadConfig>, since: number | undefined) {
  const storeUrl = config.store.url
  const onPostgres = storeUrl !== undefined && /^postgres(ql)?:\/\//.test(storeUrl)
  if (!onPostgres && !existsSync(config.loop.impressionsPath)) return []
  const log = await openConfiguredImpressionLog({ impressionsPath: config.loop.impressionsPath, storeUrl })
  try {
    return await log.counts(since)
  } finally {
    await log.close()
  }
}
