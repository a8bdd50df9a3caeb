import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadTrainingCatalog } from '../build/index.ts'
import { trainCollab } from '../collab/index.ts'
import { loadConfig } from '../config/index.ts'
import { AppError, createLogger, newBuildId } from '../core/index.ts'
import { readStoreInteractions, withStoreInteractions } from '../loop/index.ts'
import { createProgressBar } from './progress-bar.ts'

const HELP = `usage: concierge train [--data DIR] [--dataset NAME] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--epochs N] [--seed N] [--json] [--quiet]

Trains the collaborative model (Mult-DAE, TF.js) on the catalogue's interactions into models/<new build id>/
and points models/current at it. 10% of users are held out for early stopping on NDCG@100.
Exit codes: 0 done, 2 bad input or config, 1 runtime failure.`

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args)
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const config = loadConfig(process.env, {
    overrides: { dataDir: values.data, dataset: values.dataset, 'collab.backend': values.backend, 'collab.seed': values.seed },
  })
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs)
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
    throw new AppError('input.invalid', `--epochs must be a positive integer (got ${values.epochs})`)
  }
  if (!config.dataDir) {
    throw new AppError('data.not_found', 'No data folder: pass --data DIR or set CONCIERGE_DATA_DIR')
  }
  const logger = createLogger({ level: values.quiet ? 'warn' : config.log.level, format: config.log.format })
  const bar = createProgressBar({ quiet: values.quiet || values.json })
  try {
    const loaded = await loadTrainingCatalog(config, { logger })
    // The same training data as `concierge rebuild`: the catalogue plus what the store recorded.
    const { catalog } = withStoreInteractions(loaded.catalog, await readStoreInteractions(config.store))
    const { dir, manifest } = await trainCollab(catalog, {
      modelsDir: resolve(config.modelsDir),
      buildId: newBuildId(),
      backend: config.collab.backend,
      seed: config.collab.seed,
      positiveThreshold: config.collab.positiveThreshold,
      onProgress: bar,
      logger,
      ...(epochs !== undefined ? { epochs } : {}),
    })
    bar.finish()
    if (values.json) {
      console.log(JSON.stringify({ dir, manifest }, null, 2))
    } else {
      const m = manifest.metrics
      console.log(
        [
          `Model ${manifest.model} saved in ${dir} (now current)`,
          `  data        ${manifest.dataset}: ${manifest.itemCount} items, ${m.trainUsers} training users, ${m.validationUsers} validation users`,
          `  backend     ${manifest.backend}, ${m.secondsPerEpoch.toFixed(2)} s/epoch`,
          `  epochs      best ${m.bestEpoch} of ${m.epochs}${m.validationNdcg100 !== undefined ? `, validation NDCG@100 ${m.validationNdcg100.toFixed(4)}` : ''}`,
          `  total       ${m.trainSeconds.toFixed(1)} s`,
        ].join('\n'),
      )
    }
    return 0
  } finally {
    bar.finish()
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      data: { type: 'string' },
      dataset: { type: 'string' },
      backend: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
}
