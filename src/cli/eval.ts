import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadCatalog } from '../catalog/index.ts'
import { loadConfig } from '../config/index.ts'
import { AppError, createLogger, type ProgressListener } from '../core/index.ts'
import {
  ALL_MODELS,
  formatTargetChecks,
  type MeanInterval,
  type OfflineEvalResult,
  type OfflineModelName,
  offlineTargetChecks,
  recallCurveSvg,
  runConversationEval,
  runOfflineEval,
} from '../eval/index.ts'
import { createProgressBar } from './progress-bar.ts'

const HELP = `usage: concierge eval --data DIR [--dataset ml-latest-small|ml-100k|generic] [--json] [--out DIR] [--seed N]
                     [--models popularity,item-knn,ease,mult-dae,mult-vae] [--backend auto|wasm|cpu|...]
       concierge eval --conversations --dialogues FILE --data DIR [--json]

Offline evaluation (strong generalisation): 20% of users (with ≥ 5 positives) are held out; each model ranks
every item from 80% of a held-out user's positives and is scored on the other 20%. Prints Recall@20, Recall@50,
NDCG@100 and HR@10 with 95% intervals and training seconds, and writes eval.json and recall-at-k.svg into --out
(default eval-results/). --json prints { dataset, protocol, models: [...] } on stdout; logs go to stderr.
--conversations replays recorded dialogues through the chat engine instead.
Exit codes: 0 done, 2 bad input or config, 1 runtime failure.`

const MODEL_NAMES: readonly OfflineModelName[] = ['popularity', 'item-knn', 'ease', 'mult-dae', 'mult-vae']

export async function run(args: string[]): Promise<number> {
  if (args.includes('--conversations')) return runConversations(args)
  const { values } = parse(args)
  if (values.help) {
    console.log(HELP)
    return 0
  }
  const config = loadConfig(process.env, {
    overrides: { dataDir: values.data, dataset: values.dataset, 'collab.backend': values.backend, 'collab.seed': values.seed },
  })
  if (!config.dataDir) throw new AppError('data.not_found', 'No data folder: pass --data DIR or set CONCIERGE_DATA_DIR')
  const logger = createLogger({ level: values.quiet ? 'warn' : config.log.level, format: config.log.format })

  const models = parseModels(values.models)
  const bar = createProgressBar({ quiet: values.quiet || values.json })
  let result: OfflineEvalResult
  try {
    const catalog = await loadCatalog({ dataDir: config.dataDir, dataset: config.dataset, logger })
    result = await runOfflineEval(catalog, {
      seed: config.collab.seed,
      positiveThreshold: config.collab.positiveThreshold,
      backend: config.collab.backend,
      models,
      logger,
      onProgress: bar,
    })
  } finally {
    bar.finish()
  }
  const out = resolve(values.out ?? 'eval-results')
  await mkdir(out, { recursive: true })
  await writeFile(join(out, 'eval.json'), `${JSON.stringify(result, null, 2)}\n`)
  await writeFile(join(out, 'recall-at-k.svg'), recallCurveSvg(result))
  logger.info('evaluation written', { json: join(out, 'eval.json'), svg: join(out, 'recall-at-k.svg') })
  if (values.json) {
    const models = result.models.map((m) => ({
      name: m.name,
      recallAt20: m.recallAt20.mean,
      recallAt50: m.recallAt50.mean,
      ndcgAt100: m.ndcgAt100.mean,
      hrAt10: m.hrAt10.mean,
      trainSeconds: m.trainSeconds,
    }))
    console.log(JSON.stringify({ dataset: result.dataset, protocol: result.protocol, models }, null, 2))
  } else {
    console.log(formatResult(result))
    console.log(`\nWritten: ${join(out, 'eval.json')}, ${join(out, 'recall-at-k.svg')}`)
  }
  return 0
}

/** The side-by-side table: one row per model, metrics as mean ± 95% half-width. */
export function formatResult(result: OfflineEvalResult): string {
  const p = result.protocol
  const checks = offlineTargetChecks(result)
  const cell = (m: MeanInterval) => `${m.mean.toFixed(3)} ± ${m.halfWidth.toFixed(3)}`
  const header = ['model', 'Recall@20', 'Recall@50', 'NDCG@100', 'HR@10', 'train s']
  const rows = result.models.map((m) => [
    m.name,
    cell(m.recallAt20),
    cell(m.recallAt50),
    cell(m.ndcgAt100),
    cell(m.hrAt10),
    m.trainSeconds.toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  const params = result.models
    .filter((m) => Object.keys(m.params).length > 0)
    .map(
      (m) =>
        `  ${m.name}: ${Object.entries(m.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
    )
  return [
    `${result.dataset}: ${p.users} users (${p.trainUsers} train, ${p.validationUsers} validation, ${p.testUsers} test), ${p.items} items; ` +
      `positives = rating ≥ ${p.positiveThreshold}; seed ${p.seed}; full ranking, 80% of each test user's items folded in`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    'chosen on validation users:',
    ...params,
    ...(checks.length > 0 ? ['', 'targets:', ...formatTargetChecks(checks).map((l) => `  ${l}`)] : []),
  ].join('\n')
}

function parseModels(list: string | undefined): OfflineModelName[] {
  if (!list) return [...ALL_MODELS]
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = names.filter((n) => !MODEL_NAMES.includes(n as OfflineModelName))
  if (unknown.length > 0 || names.length === 0) {
    throw new AppError('input.invalid', `--models takes a comma-separated list of ${MODEL_NAMES.join(', ')}`, {
      details: { unknown },
    })
  }
  return names as OfflineModelName[]
}

/**
 * `concierge eval --conversations --dialogues FILE [--data DIR] [--limit N] [--k K] [--json]`: replays the dialogues
 * on the current build and prints Recall@1/10/50 (text, or one JSON object with --json).
 */
async function runConversations(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      conversations: { type: 'boolean' },
      dialogues: { type: 'string' },
      data: { type: 'string' },
      dataset: { type: 'string' },
      quiet: { type: 'boolean' },
      limit: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log('usage: concierge eval --conversations --dialogues FILE [--data DIR] [--limit N] [--k 50] [--json]')
    return 0
  }
  if (!values.dialogues) {
    throw new AppError(
      'input.invalid',
      '--conversations needs --dialogues FILE (a ReDial .jsonl or INSPIRED .tsv file, e.g. ../shared/data/redial/valid_data.jsonl)',
    )
  }
  const limit = parsePositive(values.limit, '--limit')
  const k = parsePositive(values.k, '--k')
  const config = loadConfig(process.env, {
    overrides: { dataDir: values.data === undefined ? undefined : resolve(values.data), dataset: values.dataset },
  })
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level })
  const onProgress: ProgressListener = (e) => {
    if (!values.json && !values.quiet && (e.done % 10 === 0 || e.done === e.total))
      process.stderr.write(`replayed ${e.done}/${e.total} dialogues\n`)
  }
  const result = await runConversationEval({
    dialoguesFile: resolve(values.dialogues),
    config,
    logger,
    onProgress,
    ...(limit !== undefined ? { limit } : {}),
    ...(k !== undefined ? { k } : {}),
  })
  if (values.json) {
    console.log(JSON.stringify(result))
  } else {
    console.log(`Conversational replay of ${result.dialogues} dialogues (${result.turns} turns), deduplicated targets`)
    console.log(
      `  targets            ${result.targets} (${(result.mappedTargetShare * 100).toFixed(1)}% map by ${result.mapping})`,
    )
    console.log(`  Recall@1           ${result.recallAt1.toFixed(3)}`)
    console.log(`  Recall@10          ${result.recallAt10.toFixed(3)}`)
    console.log(`  Recall@50          ${result.recallAt50.toFixed(3)}`)
    const learned = result.trainedOnDialogues
    console.log(
      `  conversation logs  ${learned ? `${learned.dialogues} dialogues from ${learned.files.join(', ')} (none of them replayed)` : 'none (CONCIERGE_DIALOGUES)'}`,
    )
  }
  return 0
}

function parsePositive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError('input.invalid', `${flag} must be a positive whole number, got ${value}`, { details: { flag } })
  }
  return n
}

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      data: { type: 'string' },
      dataset: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      models: { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
}
