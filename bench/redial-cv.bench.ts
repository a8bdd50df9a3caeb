/**
 * The tuning protocol for the conversational blend and the scorecard's ReDial line: K-fold cross-validation over all
 * 600 ReDial dialogues at hand (train and valid files together; `BENCH_CV_DIALOGUES=train` for the 500 train ones
 * alone, the protocol before the scorecard). Fold f's build learns from the other folds as its conversation log (with any other logs
 * `CONCIERGE_DIALOGUES` lists, e.g. `auto,…/inspired/dev.tsv`); fold f's dialogues
 * are then replayed through that build exactly as `concierge eval --conversations` does, once per blend variant.
 * Targets of all folds are pooled (about 1,460 mapped targets for 500 dialogues, against 300 in one split, so a
 * difference of 0.01 is about 15 targets rather than 3); the spread printed beside them is the standard deviation of
 * the folds' own Recall.
 *
 * Environment:
 * - `BENCH_CV_FOLDS` (default 5);
 * - `BENCH_CV_DIALOGUES`: `all` (default: train and valid) or `train`;
 * - `BENCH_CV_BLENDS`: a JSON array of blend overrides to compare (as in `CONCIERGE_BLEND`), default `[{}]`,
 *   e.g. `'[{}, {"candidates": 300}]'`;
 * - `BENCH_CV_DIR`: where the fold builds live (default `bench/results/redial-cv`; kept, so a second run only
 *   replays). The first run seeds each fold's embedding cache from `indexes/.embedding-cache` when present and
 *   trains one model per fold: about 2 minutes per fold on two cores, then about a minute per fold and variant.
 * - `BENCH_CV_FIT=1`: also fits the weights of `BLENDED_PARTS` to the replays of the first variant (`fitBlend`:
 *   a linear softmax ranker over each turn's whole candidate pool, targets against the rest), fitted on all folds
 *   but one and scored on that one, then on all folds; prints the fit as a `CONCIERGE_BLEND` object.
 * - `BENCH_CV_DUMP=FILE` (with `BENCH_CV_FIT=1`): also writes those decisions as JSON lines, one per ranked turn
 *   (`f` the fold, `dialogue` its place among the fold's held-out dialogues, `targets`, `positives` as indices into
 *   `pool`, `pool` each candidate's id and score parts), for trying other rankers and parts outside the bench (about
 *   400 MB for the five folds).
 * - `BENCH_CV_RANKS`: a file to write each blend's target ranks to (replay order, −1 when not in the reply), for
 *   comparing runs of two versions of the code target by target, as the paired table compares the blends of one run.
 */
import { once } from 'node:events'
import { createWriteStream, existsSync } from 'node:fs'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { z } from 'zod'
import { DEFAULT_DIALOGUES_FILE, resolveDialogueFiles, runRebuild } from '../src/build/index.ts'
import { createProgressBar } from '../src/cli/progress-bar.ts'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { runConversationEval } from '../src/eval/index.ts'
import {
  BLENDED_PARTS,
  type BlendWeights,
  DEFAULT_WEIGHTS,
  type FitGroup,
  fitBlend,
  rankTargets,
  type ScoredCandidate,
} from '../src/recommend/index.ts'
import { type BenchTable, repoRoot, resultsDir, runIfMain } from './support.ts'

const blendsSchema = z.array(z.record(z.string(), z.number().finite())).min(1)

/** A ranked turn's pool and targets; `dialogue`: its dialogue's place in the fold's replay (for analyses by dialogue). */
type Decision = FitGroup & { targets: number; dialogue: number }

/** The ReDial valid file, beside the train file. */
const VALID_DIALOGUES_FILE = join('redial', 'valid_data.jsonl')

export async function run(): Promise<BenchTable[]> {
  const which = z.enum(['all', 'train']).parse(process.env.BENCH_CV_DIALOGUES ?? 'all')
  const title = `ReDial ${which === 'all' ? 'train + valid' : 'train'} dialogues, K-fold cross-validation of the conversational blend`
  const folds = z.coerce
    .number()
    .int()
    .min(2)
    .max(20)
    .parse(process.env.BENCH_CV_FOLDS ?? 5)
  const blends = blendsSchema.parse(JSON.parse(process.env.BENCH_CV_BLENDS ?? '[{}]'))
  const base = loadConfig({ ...process.env, CONCIERGE_ENCODER: process.env.CONCIERGE_ENCODER ?? 'use' })
  const trainFile = base.dataDir ? join(base.dataDir, DEFAULT_DIALOGUES_FILE) : undefined
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
  const validFile = join(base.dataDir as string, VALID_DIALOGUES_FILE)
  const files = which === 'all' && existsSync(validFile) ? [trainFile, validFile] : [trainFile]
  const lines: string[] = []
  for (const file of files) lines.push(...(await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== ''))
  // Any other logs the build is configured with join every fold's log (`auto` is the train file alone).
  const otherLogs = resolveDialogueFiles(base.dataDir ? base.dialogues : 'none', base.dataDir ?? '').filter(
    (file) => !files.includes(file),
  )

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
      dialogues: [log, ...otherLogs].join(','),
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

  const fit = process.env.BENCH_CV_FIT === '1'
  const decisions: Decision[][] = built.map(() => [])
  const rows: (string | number)[][] = []
  const ranksByBlend: number[][] = []
  for (const [b, blend] of blends.entries()) {
    let mapped = 0
    const hits = { 1: 0, 10: 0, 50: 0 }
    const perFold: { at10: number; at50: number }[] = []
    // Each target's place in its reply, in replay order (the same targets for every blend): the paired comparison.
    const ranks: number[] = []
    ranksByBlend.push(ranks)
    for (const [f, { config, held }] of built.entries()) {
      process.stderr.write(`blend ${JSON.stringify(blend)}: replaying fold ${f + 1}/${folds}…\n`)
      const bar = createProgressBar()
      // The pool the last turn was ranked from, and the decision its targets are gathered in.
      let pool: readonly ScoredCandidate[] | undefined
      let decision: Decision | undefined
      let dialogue = 0
      const record = fit && b === 0
      const onScored = (scored: readonly ScoredCandidate[]) => {
        pool = scored
      }
      const recordTarget = (itemId: string) => {
        if (!pool) {
          decisions[f]?.push({ pool: [], positives: [], targets: 1, dialogue })
          return
        }
        if (decision?.pool !== pool) {
          decision = { pool, positives: [], targets: 0, dialogue }
          decisions[f]?.push(decision)
        }
        decision.targets++
        const at = pool.findIndex((c) => c.id === itemId)
        if (at >= 0) (decision.positives as number[]).push(at)
      }
      const r = await runConversationEval({
        dialoguesFile: held,
        config: { ...config, blend },
        logger,
        onProgress: (event) => {
          pool = undefined // a new dialogue starts without a ranking
          dialogue++
          bar(event)
        },
        onTarget: (itemId, rank) => {
          ranks.push(rank)
          if (record) recordTarget(itemId)
        },
        ...(record ? { onScored } : {}),
      }).finally(() => bar.finish())
      mapped += r.mappedTargets
      hits[1] += Math.round(r.recallAt1 * r.mappedTargets)
      hits[10] += Math.round(r.recallAt10 * r.mappedTargets)
      hits[50] += Math.round(r.recallAt50 * r.mappedTargets)
      perFold.push({ at10: r.recallAt10, at50: r.recallAt50 })
    }
    const share = (n: number) => (mapped ? n / mapped : 0)
    rows.push([
      JSON.stringify(blend),
      mapped,
      share(hits[1]),
      share(hits[10]),
      share(hits[50]),
      standardDeviation(perFold.map((p) => p.at10)),
      standardDeviation(perFold.map((p) => p.at50)),
      hits[10],
      hits[50],
      perFold.map((p) => `${p.at10.toFixed(3)}/${p.at50.toFixed(3)}`).join(' '),
    ])
  }
  const tables: BenchTable[] = [
    {
      title,
      columns: [
        'blend overrides',
        'targets',
        'Recall@1',
        'Recall@10',
        'Recall@50',
        'fold sd @10',
        'fold sd @50',
        'found@10',
        'found@50',
        'per fold @10/@50',
      ],
      rows,
      notes: [
        `${lines.length} dialogues (${files.map((f) => f.split('/').pop()).join(' + ')}) in ${folds} folds (dialogue i in fold i mod ${folds}); each fold replayed against a build that learned from the others.`,
        "Targets pooled over the folds; fold sd: standard deviation of the folds' own Recall (the pooled figure's standard error is about sd/√folds).",
      ],
    },
  ]
  if (blends.length > 1) tables.push(pairedTable(blends, ranksByBlend))
  if (process.env.BENCH_CV_RANKS) {
    const ranks = blends.map((blend, b) => ({ blend, ranks: ranksByBlend[b] }))
    await writeFile(process.env.BENCH_CV_RANKS, `${JSON.stringify(ranks)}\n`)
  }
  if (fit && process.env.BENCH_CV_DUMP) await dumpDecisions(process.env.BENCH_CV_DUMP, decisions)
  if (fit) tables.push(fitTable(decisions, { ...DEFAULT_WEIGHTS, ...blends[0] }))
  return tables
}

/**
 * Each blend against the first, target by target: the targets it finds within 10 (50) that the first does not, and
 * the other way round. Only these discordant targets say anything about the difference, so its 95% interval is
 * ±1.96·√(gained + lost) targets (McNemar's normal approximation), much narrower than the pooled figures' own noise,
 * which includes how hard the dialogues are.
 */
function pairedTable(blends: readonly Record<string, number>[], ranksByBlend: readonly number[][]): BenchTable {
  const first = ranksByBlend[0] ?? []
  const within = (rank: number | undefined, k: number) => rank !== undefined && rank >= 0 && rank < k
  const compare = (ranks: readonly number[], k: number) => {
    let gained = 0
    let lost = 0
    ranks.forEach((rank, i) => {
      const [now, before] = [within(rank, k), within(first[i], k)]
      if (now && !before) gained++
      if (before && !now) lost++
    })
    return `+${gained} −${lost} (net ${gained - lost >= 0 ? '+' : ''}${gained - lost} ± ${(1.96 * Math.sqrt(gained + lost)).toFixed(0)})`
  }
  return {
    title: 'Each blend against the first, target by target',
    columns: ['blend overrides', 'found@10 gained / lost', 'found@50 gained / lost'],
    rows: blends.slice(1).map((blend, b) => {
      const ranks = ranksByBlend[b + 1] ?? []
      return [JSON.stringify(blend), compare(ranks, 10), compare(ranks, 50)]
    }),
    notes: ['The interval is 95% over the discordant targets (McNemar); a difference inside it is noise.'],
  }
}

/** Writes the recorded decisions as JSON lines, a line at a time (the pools of five folds are hundreds of MB). */
async function dumpDecisions(path: string, decisions: readonly Decision[][]): Promise<void> {
  const out = createWriteStream(path)
  for (const [f, fold] of decisions.entries()) {
    for (const d of fold) {
      const line = {
        f,
        dialogue: d.dialogue,
        targets: d.targets,
        positives: d.positives,
        pool: d.pool.map((c) => ({ id: c.id, ...c.parts })),
      }
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain')
    }
  }
  out.end()
  await finished(out)
}

/**
 * Fits the blend on the recorded decisions: out of fold (fit on the others, rank the held-out fold's pools), and
 * on all folds for the weights to use. Both rankings are linear in the parts, before MMR and the obscurity penalty.
 */
function fitTable(decisions: Decision[][], current: BlendWeights): BenchTable {
  const cutoffs = [10, 50]
  const asScored = Object.fromEntries(BLENDED_PARTS.map((key) => [key, current[key]]))
  const sum = (parts: { targets: number; hits: number[] }[]) => ({
    targets: parts.reduce((s, p) => s + p.targets, 0),
    hits: cutoffs.map((_, i) => parts.reduce((s, p) => s + (p.hits[i] as number), 0)),
  })
  const before = sum(decisions.map((d) => rankTargets(d, asScored, cutoffs)))
  const outOfFold = sum(
    decisions.map((held, f) => {
      process.stderr.write(`fit: fold ${f + 1}/${decisions.length} held out…\n`)
      const weights = fitBlend(decisions.filter((_, g) => g !== f).flat(), BLENDED_PARTS)
      return rankTargets(held, weights, cutoffs)
    }),
  )
  const all = fitBlend(decisions.flat(), BLENDED_PARTS)
  const scale = Math.abs(all.popularity ?? 1) || 1
  const fitted = Object.fromEntries(BLENDED_PARTS.map((key) => [key, Math.round(((all[key] as number) / scale) * 100) / 100]))
  const row = (label: string, r: { targets: number; hits: number[] }) => [
    label,
    r.targets,
    r.targets ? (r.hits[0] as number) / r.targets : 0,
    r.targets ? (r.hits[1] as number) / r.targets : 0,
    r.hits[0] as number,
    r.hits[1] as number,
  ]
  return {
    title: 'Blend fitted to the replayed turns (linear ranking of each pool, before MMR)',
    columns: ['weights', 'targets', 'Recall@10', 'Recall@50', 'found@10', 'found@50'],
    rows: [row('as configured', before), row('fitted, out of fold', outOfFold)],
    notes: [
      `Fitted on all folds, popularity 1: CONCIERGE_BLEND='${JSON.stringify(fitted)}'`,
      'Out of fold: weights fitted on the other folds, each held-out fold ranked with them.',
    ],
  }
}

/** Sample standard deviation (0 for fewer than two values). */
function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1))
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  const old = existsSync(path) ? await readFile(path, 'utf8') : undefined
  if (old !== text) await writeFile(path, text)
}

await runIfMain(import.meta.url, run)
