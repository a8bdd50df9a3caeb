import { parseArgs } from 'node:util'
import { runRebuild } from '../build/index.ts'
import { loadConfig } from '../config/index.ts'
import { createLogger } from '../core/index.ts'
import { createProgressBar } from './progress-bar.ts'

const HELP = `usage: concierge rebuild [--data DIR] [--dataset NAME] [--encoder auto|transformers|use] [--no-train] [--retrain] [--json] [--quiet]

Loads and validates the catalogue, embeds item texts (reusing cached vectors), builds the vector index,
trains the collaborative model (reusing the current one when data and settings are unchanged; --retrain
trains anyway), and switches indexes/current to the new build. On any error the previous build stays in place. Exit codes: 0 done, 2 bad input or config, 1 runtime failure.`

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      dataset: { type: 'string' },
      encoder: { type: 'string' },
      'no-train': { type: 'boolean', default: false },
      retrain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const config = loadConfig(process.env, {
    overrides: { dataDir: values.data, dataset: values.dataset, 'embed.encoder': values.encoder },
  })
  const logger = createLogger({ level: values.quiet ? 'warn' : config.log.level, format: config.log.format })
  const bar = createProgressBar({ quiet: values.quiet })
  try {
    const summary = await runRebuild(config, {
      logger,
      onProgress: bar,
      train: values['no-train'] ? false : undefined,
      retrain: values.retrain,
    })
    bar.finish()
    if (values.json) {
      console.log(JSON.stringify(summary, null, 2))
    } else {
      const collab =
        'skipped' in summary.collab
          ? `skipped (${summary.collab.skipped})`
          : summary.collab.reused
            ? `${summary.collab.model} reused (same data and settings; --retrain to train again)`
            : `${summary.collab.model} in ${summary.collab.seconds}s`
      console.log(
        [
          `Build ${summary.buildId} is now current (${summary.dir})`,
          `  data        ${summary.dataset}: ${summary.items} items, ${summary.interactions} interactions (${summary.storeInteractions} recorded by the service), ${summary.users} users`,
          `  encoder     ${summary.encoderId} (${summary.dimension}-d)`,
          `  embedding   ${summary.embedding.embedded} embedded, ${summary.embedding.cached} from cache, ${summary.embedding.seconds}s (${summary.embedding.itemsPerSecond} items/s)`,
          `  index       ${summary.indexKind}, ${summary.indexSeconds}s`,
          `  collab      ${collab}`,
          `  total       ${summary.totalSeconds}s`,
        ].join('\n'),
      )
    }
    return 0
  } finally {
    bar.finish()
  }
}
