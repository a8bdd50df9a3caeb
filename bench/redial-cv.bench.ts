/**
 * The tuning protocol for the conversational blend: K-fold cross-validation over the ReDial *train* dialogues
 * (never the valid file). Fold f's build learns from the other folds as its conversation log; fold f's dialogues
 * are then replayed through that build exactly as `concierge eval --conversations` does, once per blend variant.
 * Targets of all folds are pooled (about 1,460 mapped targets for 500 dialogues, against 300 in one split, so a
 * difference of 0.01 is about 15 targets rather than 3).
 *
 * Environment:
 * - `BENCH_CV_FOLDS` (default 5);
 * - `BENCH_CV_BLENDS`: a JSON array of blend overrides to compare (as in `CONCIERGE_BLEND`), default `[{}]`,
 *   e.g. `'[{}, {"candidates": 300}]'`;
 * - `BENCH_CV_DIR`: where the fold builds live (default `bench/results/redial-cv`; kept, so a second run only
 *   replays). The first run seeds each fold's embedding cache from `indexes/.embedding-cache` when present and
 *   trains one model per fold: about 2 minutes per fold on two cores, then about a minute per fold and variant.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { runRebuild } from '../src/build/index.ts'
import { createProgressBar } from '../src/cli/progress-bar.ts'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { runConversationEval } from '../src/eval/index.ts'
import { type BenchTable, repoRoot, resultsDir, runIfMain } from './support.ts'

const blendsSchema = z.array(z.record(z.string(), z.number().finite())).min(1)

export async function run(): Promise<BenchTable[]> {
  const title = 'ReDial train dialogues, K-fold cross-validation of the conversational blend'
  const folds = z.coerce
    .number()
    .int()
    .min(2)
    .max(20)
    .parse(process.env.BENCH_CV_FOLDS ?? 5)
  const blends = blendsSchema.parse(JSON.parse(process.env.BENCH_CV_BLENDS ?? '[{}]'))
  const base = loadConfig({ ...process.env, CONCIERGE_ENCODER: process.env.CONCIERGE_ENCODER ?? 'use' })
  const trainFile = base.dataDir ? join(base.dataDir, 'redial', 'train_data.jsonl') : undefined
  if (!trainFile || !existsSync(trainFile)) {
    return [
      { title, columns: ['status'], rows: [['skipped']], notes: [`No ReDial train file (${trainFile ?? 'no data folder'}).`] },
    ]
  }
  const workDir = resolve(process.env.BENCH_CV_DIR ?? join(resultsDir, 'redial-cv'))
  const mainCache = join(
    process.env.CONCIERGE_INDEXES_DIR ? resolve(process.env.CONCIERGE_INDEXES_DIR) : join(repoRoot, 'indexes'),
    '.embedding-cache',
  )
  const logger = createLogger({ level: 'warn' })
  const lines = (await readFile(trainFile, 'utf8')).split('\n').filter((line) => line.trim() !== '')

  const fold = async (f: number) => {
    const dir = join(workDir, `fold-${f}`)
    await mkdir(dir, { recursive: true })
    const log = join(dir, 'log.jsonl')
    const held = join(dir, 'held-out.jsonl')
    await writeIfChanged(log, `${lines.filter((_, i) => i % folds !== f).join('\n')}\n`)
    await writeIfChanged(held, `${lines.filter((_, i) => i % folds === f).join('\n')}\n`)
    const indexesDir = join(dir, 'indexes')
    if (!existsSync(join(indexesDir, '.embedding-cache')) && existsSync(mainCache)) {
      await cp(mainCache, join(indexesDir, '.embedding-cache'), { recursive: true })
    }
    const config = {
      ...base,
      dialogues: log,
      indexesDir,
      modelsDir: join(dir, 'models'),
    }
    process.stderr.write(`fold ${f + 1}/${folds}: building (embedding cache, then the model unless unchanged)…\n`)
    // Unchanged data and settings reuse the fold's model; the index is rebuilt from cached vectors in seconds.
    const bar = createProgressBar()
    try {
      await runRebuild(config, { logger, keep: 0, onProgress: bar })
    } finally {
      bar.finish()
    }
    return { config, held }
  }
  const built = []
  for (let f = 0; f < folds; f++) built.push(await fold(f))

  const rows: (string | number)[][] = []
  for (const blend of blends) {
    let mapped = 0
    const hits = { 1: 0, 10: 0, 50: 0 }
    const perFold: string[] = []
    for (const [f, { config, held }] of built.entries()) {
      process.stderr.write(`blend ${JSON.stringify(blend)}: replaying fold ${f + 1}/${folds}…\n`)
      const bar = createProgressBar()
      const r = await runConversationEval({ dialoguesFile: held, config: { ...config, blend }, logger, onProgress: bar }).finally(
        () => bar.finish(),
      )
      mapped += r.mappedTargets
      hits[1] += Math.round(r.recallAt1 * r.mappedTargets)
      hits[10] += Math.round(r.recallAt10 * r.mappedTargets)
      hits[50] += Math.round(r.recallAt50 * r.mappedTargets)
      perFold.push(`${r.recallAt10.toFixed(2)}/${r.recallAt50.toFixed(2)}`)
    }
    const share = (n: number) => (mapped ? n / mapped : 0)
    rows.push([
      JSON.stringify(blend),
      mapped,
      share(hits[1]),
      share(hits[10]),
      share(hits[50]),
      hits[10],
      hits[50],
      perFold.join(' '),
    ])
  }
  return [
    {
      title,
      columns: ['blend overrides', 'targets', 'Recall@1', 'Recall@10', 'Recall@50', 'found@10', 'found@50', 'per fold @10/@50'],
      rows,
      notes: [
        `${lines.length} train dialogues in ${folds} folds (dialogue i in fold i mod ${folds}); each fold replayed against a build that learned from the others.`,
        'Targets pooled over the folds; one target is about 0.0007 of Recall.',
      ],
    },
  ]
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  const old = existsSync(path) ? await readFile(path, 'utf8') : undefined
  if (old !== text) await writeFile(path, text)
}

await runIfMain(import.meta.url, run)
