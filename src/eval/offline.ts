import {
  type AutoencoderHyper,
  DEFAULT_POSITIVE_THRESHOLD,
  DEFAULT_SPLIT,
  fitAutoencoderScorer,
  fitBaseline,
  type HeldOutUser,
  positivesByUser,
  splitUsers,
} from '../collab/index.ts'
import {
  AppError,
  type Catalog,
  type CollabScorer,
  type ItemId,
  type Logger,
  type ProgressListener,
  silentLogger,
} from '../core/index.ts'
import { hitRateAtK, type MeanInterval, meanInterval, ndcgAtK, recallAtK, topK } from './metrics.ts'

export type OfflineModelName = 'popularity' | 'item-knn' | 'ease' | 'mult-dae' | 'mult-vae'

export const ALL_MODELS: readonly OfflineModelName[] = ['popularity', 'item-knn', 'ease', 'mult-dae']

/** The K values of the Recall@K curve. */
export const CURVE_KS = [1, 5, 10, 20, 50, 100] as const

export interface OfflineEvalOptions {
  seed?: number
  positiveThreshold?: number
  models?: readonly OfflineModelName[]
  /** TF.js backend for the autoencoder. */
  backend?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'
  /** Autoencoder hyper-parameter overrides. */
  hyper?: Partial<AutoencoderHyper>
  /** λ grid for EASE and k grid for item-kNN, each chosen on the validation users by NDCG@100. */
  easeLambdas?: readonly number[]
  knnKs?: readonly number[]
  testFraction?: number
  validationFraction?: number
  logger?: Logger
  onProgress?: ProgressListener
}

export interface ModelResult {
  name: string
  recallAt20: MeanInterval
  recallAt50: MeanInterval
  ndcgAt100: MeanInterval
  hrAt10: MeanInterval
  /** Mean Recall@K for each K of CURVE_KS. */
  recallCurve: Array<{ k: number; recall: number }>
  /** Fit time including tuning on validation users, seconds. */
  trainSeconds: number
  /** Chosen hyper-parameters and training facts (λ, k, backend, epochs…). */
  params: Record<string, string | number>
}

export interface EvalProtocol {
  kind: 'strong-generalization'
  seed: number
  positiveThreshold: number
  minPositives: number
  testFraction: number
  validationFraction: number
  foldInFraction: number
  users: number
  trainUsers: number
  validationUsers: number
  testUsers: number
  items: number
  ranking: 'full, seen items excluded'
}

export interface OfflineEvalResult {
  dataset: string
  protocol: EvalProtocol
  models: ModelResult[]
}

interface Scored {
  scorer: CollabScorer & { scoreMany?: (sets: readonly (readonly ItemId[])[]) => Float32Array[] }
  params: Record<string, string | number>
}

/**
 * Strong-generalisation offline evaluation of several recommenders on the same split (see `splitUsers`):
 * each model is fitted on the training users (tuned on validation users), then ranks every item for each test
 * user from 80% of their positives; Recall@K (normalised by min(K, |held-out|)), NDCG@K and HR@K are averaged
 * over test users with 95% intervals. Deterministic for a seed (the autoencoder up to float rounding).
 * Throws `input.invalid` when there are too few users to split.
 */
export async function runOfflineEval(
  catalog: Pick<Catalog, 'name' | 'interactions'>,
  options: OfflineEvalOptions = {},
): Promise<OfflineEvalResult> {
  const seed = options.seed ?? DEFAULT_SPLIT.seed
  const threshold = options.positiveThreshold ?? DEFAULT_POSITIVE_THRESHOLD
  const logger = options.logger ?? silentLogger
  const byUser = positivesByUser(catalog.interactions, threshold)
  const split = splitUsers(byUser, {
    seed,
    ...(options.testFraction !== undefined ? { testFraction: options.testFraction } : {}),
    ...(options.validationFraction !== undefined ? { validationFraction: options.validationFraction } : {}),
  })
  if (split.test.length < 2 || split.train.length < 2) {
    throw new AppError(
      'input.invalid',
      `Too few users with ≥ ${DEFAULT_SPLIT.minPositives} positives to evaluate ${catalog.name}`,
      {
        details: { users: byUser.size, test: split.test.length, train: split.train.length },
      },
    )
  }
  const items = new Set<ItemId>()
  for (const t of split.train) for (const id of t.items) items.add(id)
  const protocol: EvalProtocol = {
    kind: 'strong-generalization',
    seed,
    positiveThreshold: threshold,
    minPositives: DEFAULT_SPLIT.minPositives,
    testFraction: options.testFraction ?? DEFAULT_SPLIT.testFraction,
    validationFraction: options.validationFraction ?? DEFAULT_SPLIT.validationFraction,
    foldInFraction: DEFAULT_SPLIT.foldInFraction,
    users: byUser.size,
    trainUsers: split.train.length,
    validationUsers: split.validation.length,
    testUsers: split.test.length,
    items: items.size,
    ranking: 'full, seen items excluded',
  }
  logger.info('offline evaluation', { dataset: catalog.name, ...protocol })

  const models = options.models ?? ALL_MODELS
  const results: ModelResult[] = []
  for (const [m, name] of models.entries()) {
    options.onProgress?.({ phase: 'eval', done: m, total: models.length, unit: 'models' })
    const started = performance.now()
    const fitted = await fitModel(name, split.train, split.validation, options, logger)
    const trainSeconds = (performance.now() - started) / 1000
    try {
      const result = evaluateScorer(fitted.scorer, split.test)
      results.push({ ...result, name, trainSeconds, params: fitted.params })
      logger.info('model evaluated', {
        model: name,
        recallAt20: round(result.recallAt20.mean),
        ndcgAt100: round(result.ndcgAt100.mean),
        trainSeconds: round(trainSeconds),
      })
    } finally {
      await fitted.scorer.close()
    }
  }
  options.onProgress?.({ phase: 'eval', done: models.length, total: models.length, unit: 'models' })
  return { dataset: catalog.name, protocol, models: results }
}

async function fitModel(
  name: OfflineModelName,
  train: ReadonlyArray<{ items: readonly ItemId[] }>,
  validation: readonly HeldOutUser[],
  options: OfflineEvalOptions,
  logger: Logger,
): Promise<Scored> {
  if (name === 'popularity') return { scorer: fitBaseline('popularity', train), params: {} }
  if (name === 'item-knn' || name === 'ease') {
    const grid = name === 'ease' ? (options.easeLambdas ?? [50, 100, 200, 500, 1000]) : (options.knnKs ?? [20, 50, 100, 200])
    let best: { value: number; ndcg: number; scorer: CollabScorer } | undefined
    for (const value of grid) {
      const scorer = fitBaseline(name, train, name === 'ease' ? { lambda: value } : { k: value })
      const ndcg = validation.length > 0 ? evaluateScorer(scorer, validation).ndcgAt100.mean : 0
      logger.debug('validation', { model: name, value, ndcg })
      if (!best || ndcg > best.ndcg) {
        await best?.scorer.close()
        best = { value, ndcg, scorer }
      } else {
        await scorer.close()
      }
    }
    const chosen = best as { value: number; ndcg: number; scorer: CollabScorer }
    return {
      scorer: chosen.scorer,
      params: { [name === 'ease' ? 'lambda' : 'k']: chosen.value, validationNdcg100: round(chosen.ndcg) },
    }
  }
  const scorer = await fitAutoencoderScorer(train, validation, {
    hyper: {
      ...options.hyper,
      ...(name === 'mult-vae' ? { kind: 'vae' as const } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
    logger,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
  const { info } = scorer
  return {
    scorer,
    params: {
      backend: info.backend,
      bestEpoch: info.bestEpoch,
      epochs: info.epochs,
      secondsPerEpoch: round(info.secondsPerEpoch),
      ...(info.validationNdcg100 !== undefined ? { validationNdcg100: round(info.validationNdcg100) } : {}),
    },
  }
}

/** Scores held-out users and averages the metrics (full ranking, fold-in items excluded). */
export function evaluateScorer(
  scorer: CollabScorer & { scoreMany?: (sets: readonly (readonly ItemId[])[]) => Float32Array[] },
  users: readonly HeldOutUser[],
): Omit<ModelResult, 'name' | 'trainSeconds' | 'params'> {
  const index = new Map<ItemId, number>()
  scorer.itemIds.forEach((id, c) => {
    index.set(id, c)
  })
  const all = scorer.scoreMany ? scorer.scoreMany(users.map((u) => u.foldIn)) : users.map((u) => scorer.score(u.foldIn))
  const r20: number[] = []
  const r50: number[] = []
  const n100: number[] = []
  const h10: number[] = []
  const curve: number[][] = CURVE_KS.map(() => [])
  users.forEach((user, i) => {
    const seen = new Set<number>()
    for (const id of user.foldIn) {
      const c = index.get(id)
      if (c !== undefined) seen.add(c)
    }
    // Held-out items the model does not know still count: they are misses.
    const relevant = new Set<number | ItemId>(user.heldOut.map((id) => index.get(id) ?? id))
    const ranked = topK(all[i] as Float32Array, 100, seen)
    r20.push(recallAtK<number | ItemId>(ranked, relevant, 20))
    r50.push(recallAtK<number | ItemId>(ranked, relevant, 50))
    n100.push(ndcgAtK<number | ItemId>(ranked, relevant, 100))
    h10.push(hitRateAtK<number | ItemId>(ranked, relevant, 10))
    CURVE_KS.forEach((k, j) => {
      curve[j]?.push(recallAtK<number | ItemId>(ranked, relevant, k))
    })
  })
  return {
    recallAt20: meanInterval(r20),
    recallAt50: meanInterval(r50),
    ndcgAt100: meanInterval(n100),
    hrAt10: meanInterval(h10),
    recallCurve: CURVE_KS.map((k, j) => ({ k, recall: meanInterval(curve[j] ?? []).mean })),
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4
}

/** One of the collaborative model's targets, checked against an offline evaluation. */
export interface TargetCheck {
  target: string
  /** What was measured, e.g. "0.339 vs EASE 0.331". */
  measured: string
  met: boolean
}

/** Training-time budget of the TF.js model on this kind of machine (2 cores, no GPU), seconds. */
export const TRAIN_SECONDS_TARGET = 60

/**
 * The targets for each autoencoder in the result: at least EASE's Recall@20 and NDCG@100 (same split and seed),
 * above popularity and item-kNN on both, and trained within `TRAIN_SECONDS_TARGET`. Models missing from the
 * run are not compared; a result without an autoencoder has no targets.
 */
export function offlineTargetChecks(result: OfflineEvalResult): TargetCheck[] {
  const byName = new Map(result.models.map((m) => [m.name, m]))
  const checks: TargetCheck[] = []
  const f = (x: number) => x.toFixed(3)
  const ease = byName.get('ease')
  const weaker = ['popularity', 'item-knn'].flatMap((n) => byName.get(n) ?? [])
  for (const model of result.models.filter((m) => m.name === 'mult-dae' || m.name === 'mult-vae')) {
    if (ease) {
      for (const [label, key] of [
        ['Recall@20', 'recallAt20'],
        ['NDCG@100', 'ndcgAt100'],
      ] as const) {
        checks.push({
          target: `${model.name} ${label} ≥ EASE`,
          measured: `${f(model[key].mean)} vs ${f(ease[key].mean)}`,
          met: model[key].mean >= ease[key].mean,
        })
      }
    }
    if (weaker.length > 0) {
      checks.push({
        target: `${model.name} > ${weaker.map((w) => w.name).join(' and ')} on Recall@20 and NDCG@100`,
        measured: weaker.map((w) => `${w.name} ${f(w.recallAt20.mean)}/${f(w.ndcgAt100.mean)}`).join(', '),
        met: weaker.every((w) => model.recallAt20.mean > w.recallAt20.mean && model.ndcgAt100.mean > w.ndcgAt100.mean),
      })
    }
    checks.push({
      target: `${model.name} trains within ${TRAIN_SECONDS_TARGET} s`,
      measured: `${model.trainSeconds.toFixed(1)} s`,
      met: model.trainSeconds <= TRAIN_SECONDS_TARGET,
    })
  }
  return checks
}

/** "met"/"NOT met" lines for printing. */
export function formatTargetChecks(checks: readonly TargetCheck[]): string[] {
  return checks.map((c) => `${c.met ? 'met    ' : 'NOT met'}  ${c.target}: ${c.measured}`)
}
