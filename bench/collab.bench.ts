/**
 * Collaborative models on ml-latest-small: autoencoder seconds per epoch for each TF.js backend that loads
 * (each in its own process: a process has one backend), fold-in scoring latency, and the offline evaluation
 * table (strong generalisation, every model side by side).
 */
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadCatalog } from '../src/catalog/index.ts'
import { fitAutoencoderScorer, fitBaseline, positivesByUser, splitUsers } from '../src/collab/index.ts'
import { type CollabScorer, isAppError } from '../src/core/index.ts'
import { offlineTargetChecks, recallCurveSvg, runOfflineEval } from '../src/eval/index.ts'
import { dataDir } from '../test/support/data.ts'
import { type BenchTable, percentile, repoRoot, resultsDir, runIfMain } from './support.ts'

const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
const EPOCH_PROBE = Number(process.env.BENCH_COLLAB_EPOCHS ?? 3)
const SCORE_CALLS = 1000
/** Scoring one fold-in set against every item, milliseconds. */
const SCORE_MS_TARGET = 5

async function loadData() {
  const dir = dataDir()
  if (!dir) throw new Error('bench/collab needs the data folder (CONCIERGE_DATA_DIR or ../shared/data)')
  const catalog = await loadCatalog({ dataDir: dir, dataset: 'ml-latest-small' })
  return { catalog, split: splitUsers(positivesByUser(catalog.interactions, 3.5), { seed: 42 }) }
}

/** Child mode: train a few epochs on one backend and print seconds per epoch as JSON. */
async function probeBackend(backend: (typeof BACKENDS)[number]): Promise<void> {
  const { split } = await loadData()
  const epochs = backend === 'cpu' ? 1 : EPOCH_PROBE
  try {
    const scorer = await fitAutoencoderScorer(split.train, [], { backend, hyper: { maxEpochs: epochs } })
    const { secondsPerEpoch } = scorer.info
    process.stdout.write(`${JSON.stringify({ backend: scorer.info.backend, secondsPerEpoch, epochs })}\n`)
    await scorer.close()
  } catch (error) {
    const reason = isAppError(error) ? `${error.code}: ${JSON.stringify(error.details).slice(0, 120)}` : String(error)
    process.stdout.write(`${JSON.stringify({ error: reason })}\n`)
  }
}

function latency(scorer: CollabScorer, sets: string[][]): { p50: number; p99: number } {
  const times: number[] = []
  for (let i = 0; i < SCORE_CALLS; i++) {
    const start = performance.now()
    scorer.score(sets[i % sets.length] as string[])
    times.push(performance.now() - start)
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) }
}

export async function run(): Promise<BenchTable[]> {
  const backendRows: (string | number)[][] = []
  for (const backend of BACKENDS) {
    const child = spawnSync(
      process.execPath,
      [join(repoRoot, 'bin', 'run-ts.js'), join(repoRoot, 'bench', 'collab.bench.ts'), '--probe', backend],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, CONCIERGE_LOG_LEVEL: 'silent' },
        timeout: 600_000,
      },
    )
    const line = child.stdout.trim().split('\n').at(-1) ?? ''
    let r: { backend?: string; secondsPerEpoch?: number; epochs?: number; error?: string } = {}
    try {
      r = JSON.parse(line) as typeof r
    } catch {
      r = { error: `probe failed (exit ${child.status})` }
    }
    if (r.secondsPerEpoch !== undefined) backendRows.push([backend, r.secondsPerEpoch, r.epochs ?? 0, 'ok'])
    else backendRows.push([backend, Number.NaN, 0, `unavailable (${r.error ?? 'unknown'})`])
  }

  const { catalog, split } = await loadData()
  const result = await runOfflineEval(catalog, { seed: 42 })
  await mkdir(resultsDir, { recursive: true })
  await writeFile(join(resultsDir, 'collab-recall-at-k.svg'), recallCurveSvg(result))
  const evalRows = result.models.map((m) => [
    m.name,
    m.recallAt20.mean,
    m.recallAt20.halfWidth,
    m.recallAt50.mean,
    m.ndcgAt100.mean,
    m.ndcgAt100.halfWidth,
    m.hrAt10.mean,
    m.trainSeconds,
  ])

  const sets = split.test.map((u) => u.foldIn)
  const latencyRows: (string | number)[][] = []
  let daeScore = { p50: Number.NaN, p99: Number.NaN }
  const dae = await fitAutoencoderScorer(split.train, split.validation, {})
  for (const scorer of [
    dae,
    fitBaseline('ease', split.train, { lambda: 200 }),
    fitBaseline('item-knn', split.train, { k: 100 }),
    fitBaseline('popularity', split.train),
  ]) {
    const { p50, p99 } = latency(scorer, sets)
    latencyRows.push([scorer.name, p50, p99])
    if (scorer === dae) daeScore = { p50, p99 }
    await scorer.close()
  }

  const p = result.protocol
  return [
    {
      title: 'Autoencoder training speed by TF.js backend (ml-latest-small, all training users)',
      columns: ['backend', 's/epoch', 'epochs timed', 'status'],
      rows: backendRows,
      notes: ['Each backend runs in its own process; the cpu backend is timed on one epoch.'],
    },
    {
      title: `Offline evaluation on ${result.dataset} (strong generalisation)`,
      columns: ['model', 'Recall@20', '±95%', 'Recall@50', 'NDCG@100', '±95%', 'HR@10', 'train s'],
      rows: evalRows,
      notes: [
        `${p.trainUsers} train / ${p.validationUsers} validation / ${p.testUsers} test users, ${p.items} items, ratings ≥ ${p.positiveThreshold}, seed ${p.seed}`,
        `chosen on validation users: ${result.models.map((m) => `${m.name} ${JSON.stringify(m.params)}`).join('; ')}`,
      ],
    },
    {
      title: `Fold-in scoring latency (${SCORE_CALLS} calls, test users' liked sets)`,
      columns: ['model', 'p50 ms', 'p99 ms'],
      rows: latencyRows,
    },
    {
      title: 'Targets',
      columns: ['target', 'measured', 'status'],
      rows: [
        ...offlineTargetChecks(result).map((c) => [c.target, c.measured, c.met ? 'met' : 'NOT met']),
        [
          `${dae.name} scores one fold-in set within ${SCORE_MS_TARGET} ms (p50)`,
          `${daeScore.p50.toFixed(2)} ms (p99 ${daeScore.p99.toFixed(2)})`,
          daeScore.p50 <= SCORE_MS_TARGET ? 'met' : 'NOT met',
        ],
      ],
    },
  ]
}

const probe = process.argv.indexOf('--probe')
if (probe > 0) {
  await probeBackend(process.argv[probe + 1] as (typeof BACKENDS)[number])
} else {
  await runIfMain(import.meta.url, run)
}
