import { AppError, type ProgressListener, seededRandom } from '../core/index.ts'
import type { Rank, Scalar, Tensor1D, Tensor2D, TfModule, Variable } from '../tf/index.ts'
import { matMulFast, sparseRowsTimes } from './ops.ts'
import { normalDraw, shuffleInPlace } from './rng.ts'
import type { UserRows } from './rows.ts'

type Tf = TfModule

/** Hyper-parameters of the autoencoder (Liang et al., WWW 2018), recorded in the manifest. */
export interface AutoencoderHyper {
  /** Mult-DAE (denoising) or Mult-VAE (variational, KL annealed to `betaMax`). */
  kind: 'dae' | 'vae'
  /** Hidden widths between the input and the bottleneck, mirrored in the decoder: [600] gives I→600→latent→600→I. */
  hidden: number[]
  latent: number
  /** The output layer reuses the transposed input layer (fewer parameters to learn from few users). */
  tied: boolean
  /** Input dropout rate. */
  dropout: number
  learningRate: number
  batchSize: number
  /** L2 penalty on weights: loss += l2 · Σ w². */
  l2: number
  /**
   * Weight of a squared-error term beside the multinomial likelihood: loss += squaredLoss · Σ (x − logits)² per
   * user. It keeps the logits near the 0/1 targets, the way EASE's squared loss does (0 = Mult-DAE as published).
   */
  squaredLoss: number
  /**
   * Autoencoders trained side by side from seeds seed, seed + 1, …; their logits are averaged. Each one alone
   * swings from seed to seed by about as much as the gap to EASE; the average does not.
   */
  members: number
  /** The item vocabulary: items with at least this many training users (rarer ones get no collaborative score). */
  minItemUsers: number
  maxEpochs: number
  /**
   * Epochs before validation may pick the weights or stop training. Validation NDCG@100 on a few dozen users
   * swings by ±0.02 from epoch to epoch, so an early lucky epoch can win: a single unpruned model peaked at
   * epochs 22–26 on 4-fold cross-validation, and in the chat (ReDial replay) such models stopped near epoch 12
   * ranked worse than ones stopped near 30. The pruned ensemble peaks earlier (12–16) and swings less.
   */
  minEpochs: number
  /** Stop after this many epochs without a better validation NDCG@100. */
  patience: number
  /** Multiply the learning rate by this after every `decayPatience` epochs without gain (1 = never). */
  lrDecay: number
  decayPatience: number
  /** VAE only: the KL weight grows linearly to betaMax over `annealSteps` updates. */
  betaMax: number
  annealSteps: number
  seed: number
}

/**
 * Defaults: three shallow I→200→I Mult-DAEs with tied input/output weights and lr 1e-2, averaged, over the items
 * with at least two training users. Chosen on 4-fold cross-validation over ml-latest-small's 483 non-test users
 * (Recall@20/NDCG@100; EASE 0.325/0.358 with λ chosen per fold), never on the test users:
 * - the squared-error term (0.1) and dropout 0.5: one model at epochs 18–22, plain at dropout 0.7
 *   0.311–0.317/0.343–0.347, squared 0.1 at dropout 0.7 0.319–0.326/0.356–0.358, at 0.5 0.329–0.330/0.360;
 *   squared 0.05–0.2 and dropout 0.4–0.6 within 0.005 of it;
 * - three members over items with ≥ 2 users (2026-12-01): one such model 0.324–0.330/0.358–0.365 at epochs
 *   12–24, three 0.325–0.334/0.361–0.367 (seeds 42 and 7); they peak at epochs 12–16, so validation picks from
 *   12–24. Pruning the items with one user (40% of ml-latest-small's rated-positive films, 6% of the positives)
 *   makes three members cost about what one full model did.
 * The plain model on the validation users (60, seed 42), NDCG@100: tied 0.359 (best epoch 23), untied 0.341
 * (epoch 27), untied dropout 0.5 / l2 0.01 0.341 (epoch ~55), I→600→I 0.334; the deeper I→600→200→600→I network
 * with lr 1e-3 and batch 500 needs hundreds of epochs on wasm (no GPU, one thread).
 */
export const DEFAULT_HYPER: AutoencoderHyper = {
  kind: 'dae',
  hidden: [],
  latent: 200,
  tied: true,
  dropout: 0.5,
  learningRate: 0.01,
  batchSize: 128,
  l2: 0.003,
  squaredLoss: 0.1,
  members: 3,
  minItemUsers: 2,
  maxEpochs: 24,
  minEpochs: 12,
  patience: 10,
  lrDecay: 1,
  decayPatience: 5,
  betaMax: 0.2,
  annealSteps: 2000,
  seed: 42,
}

/** Layer shapes in order: encoder then decoder, each as [fanIn, fanOut]. */
export function layerShapes(items: number, hyper: AutoencoderHyper): Array<[number, number]> {
  const enc = [items, ...hyper.hidden, hyper.kind === 'vae' ? 2 * hyper.latent : hyper.latent]
  const dec = [hyper.latent, ...[...hyper.hidden].reverse(), items]
  const shapes: Array<[number, number]> = []
  for (let i = 0; i + 1 < enc.length; i++) shapes.push([enc[i] as number, enc[i + 1] as number])
  for (let i = 0; i + 1 < dec.length; i++) shapes.push([dec[i] as number, dec[i + 1] as number])
  return shapes
}

/** Weights and biases as plain arrays, in layer order: the saved form of a model (a tied output layer has no weights). */
export interface AutoencoderWeights {
  shapes: Array<[number, number]>
  /** weights[l] has fanIn·fanOut values (row-major), biases[l] fanOut values. */
  weights: Float32Array[]
  biases: Float32Array[]
}

interface Params {
  w: Variable<Rank.R2>[]
  b: Variable<Rank.R1>[]
}

interface SparseBatch {
  rowIds: Tensor2D
  cols: Tensor2D
  vals: Tensor2D
  rows: number
}

/** Builds the input of a batch of item sets: L2-normalised multi-hot rows, optionally with dropout. */
function sparseBatch(tf: Tf, sets: readonly (readonly number[])[], dropout: number, rng: () => number): SparseBatch {
  const rowIds: number[] = []
  const cols: number[] = []
  const vals: number[] = []
  const keep = 1 - dropout
  sets.forEach((set, r) => {
    if (set.length === 0) return
    const v = 1 / Math.sqrt(set.length) / keep
    for (const c of set) {
      if (dropout > 0 && rng() >= keep) continue
      rowIds.push(r)
      cols.push(c)
      vals.push(v)
    }
  })
  const nnz = rowIds.length
  return {
    rowIds: tf.tensor2d(Int32Array.from(rowIds), [nnz, 1], 'int32'),
    cols: tf.tensor2d(Int32Array.from(cols), [nnz, 1], 'int32'),
    vals: tf.tensor2d(Float32Array.from(vals), [nnz, 1]),
    rows: sets.length,
  }
}

/** Forward pass to logits [rows, items]; with `train`, also the KL term (VAE) or 0. */
function forward(
  tf: Tf,
  p: { w: Tensor2D[]; b: Tensor1D[] },
  hyper: AutoencoderHyper,
  batch: SparseBatch,
  noiseSeed: number | undefined,
): { logits: Tensor2D; kl: Scalar } {
  const encLayers = hyper.hidden.length + 1
  const first = batch.cols.shape[0] === 0 ? tf.zeros([batch.rows, p.w[0]!.shape[1]]) : sparseRowsTimes(tf, p.w[0]!, batch)
  let h: Tensor2D = tf.add(first, p.b[0]!)
  for (let l = 1; l <= encLayers; l++) {
    const isLastEnc = l === encLayers
    if (!(isLastEnc && hyper.kind === 'vae')) h = tf.tanh(h)
    if (isLastEnc) break
    h = tf.add(matMulFast(tf, h, p.w[l]!), p.b[l]!)
  }
  let kl: Scalar = tf.scalar(0)
  if (hyper.kind === 'vae') {
    const mu = tf.slice(h, [0, 0], [-1, hyper.latent])
    const logvar = tf.slice(h, [0, hyper.latent], [-1, hyper.latent])
    kl = tf.mean(tf.sum(tf.mul(0.5, tf.sub(tf.add(tf.sub(tf.exp(logvar), logvar), tf.square(mu)), 1)), 1))
    h =
      noiseSeed === undefined
        ? mu
        : tf.add(mu, tf.mul(tf.randomNormal(mu.shape, 0, 1, 'float32', noiseSeed), tf.exp(tf.mul(0.5, logvar))))
  }
  const total = p.b.length
  for (let l = encLayers; l < total; l++) {
    // Training ties the output layer to the input layer; scoring gets it materialised (see uploadWeights).
    const w = p.w[l] ?? tf.transpose(p.w[0]!)
    h = tf.add(matMulFast(tf, h, w), p.b[l]!)
    if (l < total - 1) h = tf.tanh(h)
  }
  return { logits: h, kl }
}

/** Validation users: items folded in and items to find, as column indices. */
export interface FoldInSet {
  foldIn: number[][]
  heldOut: number[][]
}

export interface TrainHistoryEntry {
  epoch: number
  loss: number
  valNdcg100?: number
  seconds: number
}

export interface TrainedAutoencoder {
  /** One set of weights per ensemble member (`hyper.members`); scores are their averaged logits. */
  members: AutoencoderWeights[]
  bestEpoch: number
  bestValNdcg100?: number
  history: TrainHistoryEntry[]
  secondsPerEpoch: number
}

/** One autoencoder of an ensemble while it trains: its variables, optimizer and random stream. */
interface Member {
  params: Params
  vars: Variable[]
  optimizer: ReturnType<TfModule['train']['adam']>
  rng: () => number
  users: number[]
  /** Updates so far (the VAE's KL annealing follows them). */
  steps: number
}

function createMember(tf: Tf, shapes: Array<[number, number]>, hyper: AutoencoderHyper, seed: number, users: number[]): Member {
  const rng = seededRandom(seed)
  const params: Params = { w: [], b: [] }
  shapes.forEach(([fanIn, fanOut], l) => {
    // Glorot normal from our own seeded PRNG: same initial weights on every backend.
    const std = Math.sqrt(2 / (fanIn + fanOut))
    const tiedHere = hyper.tied && l === shapes.length - 1
    const w = new Float32Array(tiedHere ? 0 : fanIn * fanOut)
    for (let i = 0; i < w.length; i++) w[i] = normalDraw(rng) * std
    const b = new Float32Array(fanOut)
    for (let i = 0; i < b.length; i++) b[i] = normalDraw(rng) * 0.001
    if (!tiedHere) params.w.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true))
    params.b.push(tf.variable(tf.tensor1d(b), true))
  })
  return {
    params,
    vars: [...params.w, ...params.b],
    optimizer: tf.train.adam(hyper.learningRate),
    rng,
    users: [...users],
    steps: 0,
  }
}

/** One pass over the member's users; returns the mean batch loss. */
async function trainEpoch(tf: Tf, member: Member, hyper: AutoencoderHyper, userSets: number[][], items: number): Promise<number> {
  const { rng, params, optimizer } = member
  shuffleInPlace(member.users, rng)
  let lossSum = 0
  let batches = 0
  for (let start = 0; start < member.users.length; start += hyper.batchSize) {
    const sets = member.users.slice(start, start + hyper.batchSize).map((u) => userSets[u] as number[])
    const beta =
      hyper.kind === 'vae' ? Math.min(hyper.betaMax, (hyper.betaMax * member.steps) / Math.max(1, hyper.annealSteps)) : 0
    const noiseSeed = Math.floor(rng() * 2 ** 31)
    const loss = tf.tidy(() => {
      const batch = sparseBatch(tf, sets, hyper.dropout, rng)
      const target = sparseBatch(tf, sets, 0, rng)
      const targetDense = tf.scatterND(tf.concat([target.rowIds, target.cols], 1), tf.onesLike(target.vals).reshape([-1]), [
        sets.length,
        items,
      ])
      return optimizer.minimize(
        () => {
          const { logits, kl } = forward(tf, params, hyper, batch, hyper.kind === 'vae' ? noiseSeed : undefined)
          const negLl = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), targetDense), 1)))
          let reg: Scalar = tf.scalar(0)
          for (const w of params.w) reg = tf.add(reg, tf.sum(tf.square(w)))
          let loss = tf.add(tf.add(negLl, tf.mul(beta, kl)), tf.mul(hyper.l2, reg)) as Scalar
          if (hyper.squaredLoss > 0) {
            const squared = tf.div(tf.sum(tf.square(tf.sub(targetDense, logits))), sets.length)
            loss = tf.add(loss, tf.mul(hyper.squaredLoss, squared))
          }
          return loss
        },
        true,
        member.vars,
      ) as Scalar
    })
    lossSum += (await loss.data())[0] as number
    loss.dispose()
    batches++
    member.steps++
  }
  return lossSum / Math.max(1, batches)
}

/**
 * Trains `hyper.members` autoencoders (seeds seed, seed + 1, …) side by side with Adam, evaluating their averaged
 * logits by NDCG@100 on `validation` after each epoch and keeping the best epoch's weights of every member (early
 * stopping after `patience` epochs without gain). Without validation it runs maxEpochs.
 */
export async function trainAutoencoder(
  tf: Tf,
  rows: UserRows,
  hyper: AutoencoderHyper,
  options: { validation?: FoldInSet; onProgress?: ProgressListener; onEpoch?: (e: TrainHistoryEntry) => void } = {},
): Promise<TrainedAutoencoder> {
  const items = rows.itemIds.length
  const shapes = layerShapes(items, hyper)
  if (hyper.tied && shapes[0]?.[1] !== shapes.at(-1)?.[0]) {
    throw new AppError(
      'input.invalid',
      'Tied weights need the output layer to mirror the input layer (a DAE, or a VAE with hidden layers)',
    )
  }
  const userSets: number[][] = []
  for (let u = 0; u < rows.rows; u++) userSets.push(Array.from(rows.indices.subarray(rows.indptr[u], rows.indptr[u + 1])))
  const trainUsers = userSets.map((_, u) => u).filter((u) => (userSets[u] as number[]).length > 0)
  const members: Member[] = []
  const snapshot = () =>
    members.map((m) => ({
      w: m.params.w.map((v) => (v.dataSync() as Float32Array).slice()),
      b: m.params.b.map((v) => (v.dataSync() as Float32Array).slice()),
    }))

  let best: { epoch: number; ndcg: number; members: ReturnType<typeof snapshot> } | undefined
  const history: TrainHistoryEntry[] = []
  let stale = 0
  let trainSeconds = 0
  try {
    for (let m = 0; m < Math.max(1, hyper.members); m++) members.push(createMember(tf, shapes, hyper, hyper.seed + m, trainUsers))
    for (let epoch = 1; epoch <= hyper.maxEpochs; epoch++) {
      const started = performance.now()
      let lossSum = 0
      for (const member of members) lossSum += await trainEpoch(tf, member, hyper, userSets, items)
      const seconds = (performance.now() - started) / 1000
      trainSeconds += seconds
      const entry: TrainHistoryEntry = { epoch, loss: lossSum / members.length, seconds }
      if (options.validation && options.validation.foldIn.length > 0) {
        entry.valNdcg100 = validationNdcg(
          tf,
          members.map((m) => m.params),
          hyper,
          options.validation,
          items,
        )
        if (epoch < Math.min(hyper.minEpochs, hyper.maxEpochs)) {
          // Warming up: recorded, not yet eligible.
        } else if (!best || entry.valNdcg100 > best.ndcg) {
          best = { epoch, ndcg: entry.valNdcg100, members: snapshot() }
          stale = 0
        } else {
          stale++
          if (hyper.lrDecay < 1 && stale % hyper.decayPatience === 0) {
            // Adam reads its learning rate at every step; lowering it keeps the moment estimates.
            for (const member of members) (member.optimizer as unknown as { learningRate: number }).learningRate *= hyper.lrDecay
          }
        }
      }
      history.push(entry)
      options.onEpoch?.(entry)
      options.onProgress?.({ phase: 'train', done: epoch, total: hyper.maxEpochs, unit: 'epochs' })
      if (!Number.isFinite(entry.loss)) break
      if (stale >= hyper.patience) break
      await new Promise((resolve) => setImmediate(resolve))
    }
    const kept = best ? best.members : snapshot()
    return {
      members: kept.map((m) => ({ shapes, weights: hyper.tied ? [...m.w, new Float32Array(0)] : m.w, biases: m.b })),
      bestEpoch: best?.epoch ?? history.length,
      ...(best ? { bestValNdcg100: best.ndcg } : {}),
      history,
      secondsPerEpoch: trainSeconds / Math.max(1, history.length),
    }
  } finally {
    for (const member of members) {
      member.optimizer.dispose()
      for (const v of member.vars) v.dispose()
    }
  }
}

function validationNdcg(
  tf: Tf,
  members: readonly Params[],
  hyper: AutoencoderHyper,
  validation: FoldInSet,
  items: number,
): number {
  const scores = scoreSets(tf, members, hyper, validation.foldIn)
  let sum = 0
  validation.foldIn.forEach((foldIn, r) => {
    const row = scores.subarray(r * items, (r + 1) * items)
    sum += ndcgAt100(row, new Set(foldIn), new Set(validation.heldOut[r]))
  })
  return sum / validation.foldIn.length
}

/** NDCG@100 of one row (binary relevance, seen items excluded); the eval folder has the general metrics. */
export function ndcgAt100(row: Float32Array, seen: ReadonlySet<number>, relevant: ReadonlySet<number>): number {
  // The 100th best unseen score by a native numeric sort, then only the items at or above it are ordered (by
  // score, ties by index, as a full sort would): validation runs every epoch, and a comparator sort of every
  // item for every validation user cost about a second per epoch.
  const unseen = new Float32Array(row.length - seen.size)
  let n = 0
  for (let j = 0; j < row.length; j++) if (!seen.has(j)) unseen[n++] = row[j] as number
  const values = unseen.subarray(0, n).sort()
  const cut = Math.min(100, n)
  const threshold = cut > 0 ? (values[n - cut] as number) : Number.POSITIVE_INFINITY
  const order: number[] = []
  for (let j = 0; j < row.length; j++) if (!seen.has(j) && (row[j] as number) >= threshold) order.push(j)
  order.sort((a, b) => (row[b] as number) - (row[a] as number) || a - b)
  let dcg = 0
  for (let i = 0; i < Math.min(100, order.length); i++) if (relevant.has(order[i] as number)) dcg += 1 / Math.log2(i + 2)
  let ideal = 0
  for (let i = 0; i < Math.min(100, relevant.size); i++) ideal += 1 / Math.log2(i + 2)
  return ideal > 0 ? dcg / ideal : 0
}

/** Logits of many item sets at once, averaged over the ensemble's members, [sets × items] row-major, in one tidy. */
export function scoreSets(
  tf: Tf,
  members: ReadonlyArray<{ w: Tensor2D[]; b: Tensor1D[] }>,
  hyper: AutoencoderHyper,
  sets: readonly (readonly number[])[],
): Float32Array {
  // The tidy returns the tensor, not its values: tf.tidy walks whatever it returns looking for tensors, and
  // walking a typed array of sets × items numbers took 0.5 s for 78 validation users. The values outlive the
  // tensor: dataSync hands back an array the backend no longer uses once the tensor is disposed.
  const logits = tf.tidy(() => {
    const batch = sparseBatch(tf, sets, 0, Math.random)
    const each = members.map((p) => forward(tf, p, hyper, batch, undefined).logits)
    return each.length === 1 ? (each[0] as Tensor2D) : tf.div(tf.addN(each), each.length)
  })
  try {
    return logits.dataSync() as Float32Array
  } finally {
    logits.dispose()
  }
}

/**
 * One set of scoring weights equivalent to averaging the members' logits, for shallow Mult-DAEs (no hidden
 * layers): the codes side by side, tanh(x·[W₁ … Wₘ] + [b₁ … bₘ]), decoded by the stacked output layers over M
 * plus the mean output bias. One wide forward pass instead of M narrow ones: on wasm each op has a fixed cost,
 * and scoring is a handful of small ops. Returns undefined for other shapes (average the members instead).
 */
export function fuseMembers(members: readonly AutoencoderWeights[], hyper: AutoencoderHyper): AutoencoderWeights | undefined {
  if (hyper.kind !== 'dae' || hyper.hidden.length > 0 || members.length < 2) return undefined
  const [items, latent] = members[0]?.shapes[0] ?? [0, 0]
  const m = members.length
  const wide = latent * m
  const encoder = new Float32Array(items * wide)
  const decoder = new Float32Array(wide * items)
  const encoderBias = new Float32Array(wide)
  const outputBias = new Float32Array(items)
  members.forEach((member, k) => {
    const w = member.weights[0] as Float32Array
    const out = member.weights[1] as Float32Array
    const tied = out.length === 0
    for (let i = 0; i < items; i++) encoder.set(w.subarray(i * latent, (i + 1) * latent), i * wide + k * latent)
    for (let c = 0; c < latent; c++) {
      const row = (k * latent + c) * items
      for (let j = 0; j < items; j++)
        decoder[row + j] = (tied ? (w[j * latent + c] as number) : (out[c * items + j] as number)) / m
    }
    encoderBias.set(member.biases[0] as Float32Array, k * latent)
    const b = member.biases[1] as Float32Array
    for (let j = 0; j < items; j++) outputBias[j] = (outputBias[j] as number) + (b[j] as number) / m
  })
  return {
    shapes: [
      [items, wide],
      [wide, items],
    ],
    weights: [encoder, decoder],
    biases: [encoderBias, outputBias],
  }
}

/** Uploads saved weights as constant tensors for scoring; the caller disposes them. */
export function uploadWeights(tf: Tf, weights: AutoencoderWeights): { w: Tensor2D[]; b: Tensor1D[] } {
  const w = weights.weights.map((values, l) =>
    // A tied output layer is the transposed input layer, transposed once here rather than at every call.
    values.length === 0 && l > 0
      ? tf.tidy(() => tf.transpose(tf.tensor2d(weights.weights[0]!, weights.shapes[0]!)))
      : tf.tensor2d(values, weights.shapes[l]!),
  )
  return { w, b: weights.biases.map((b) => tf.tensor1d(b)) }
}
