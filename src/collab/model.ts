import { existsSync } from 'node:fs'
import { cp, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  AppError,
  type Catalog,
  type CollabScorer,
  type ItemId,
  type Logger,
  type ProgressListener,
  readCurrent,
  removeDir,
  sha256,
  silentLogger,
  switchCurrent,
  temporaryDirName,
} from '../core/index.ts'
import { loadTf, type TfBackendChoice, type TfRuntime } from '../tf/index.ts'
import {
  type AutoencoderHyper,
  type AutoencoderWeights,
  DEFAULT_HYPER,
  fuseMembers,
  layerShapes,
  scoreSets,
  type TrainedAutoencoder,
  trainAutoencoder,
  uploadWeights,
} from './dae.ts'
import { DEFAULT_POSITIVE_THRESHOLD, positivesByUser } from './implicit.ts'
import { COLLAB_FORMAT_VERSION, type CollabManifest, parseCollabManifest, readCollabManifest } from './manifest.ts'
import { knownIndices, toRows, usersPerItem, vocabularyOf } from './rows.ts'
import { splitUsers } from './split.ts'

export interface TrainCollabOptions {
  modelsDir: string
  buildId: string
  backend?: TfBackendChoice
  seed?: number
  positiveThreshold?: number
  onProgress?: ProgressListener
  logger?: Logger
  /** Maximum epochs (early stopping on validation NDCG@100 may end sooner). */
  epochs?: number
  /** Hyper-parameter overrides (tuning, tests). */
  hyper?: Partial<AutoencoderHyper>
  /**
   * Point `<modelsDir>/current` at the new model (default true). A rebuild passes false: its build names its model,
   * and it moves `models/current` only once the build is current, so the two never disagree.
   */
  switchCurrent?: boolean
  /** The model folder `reuseCollab` may reuse (default `<modelsDir>/current`). */
  reuseFrom?: string
}

/** A scorer backed by autoencoder weights held as tensors; only typed arrays leave it. */
export function autoencoderScorer(
  runtime: TfRuntime,
  itemIds: readonly ItemId[],
  hyper: AutoencoderHyper,
  members: readonly AutoencoderWeights[],
  name = hyper.kind === 'vae' ? 'mult-vae' : 'mult-dae',
): CollabScorer & { scoreMany(sets: readonly (readonly ItemId[])[]): Float32Array[] } {
  return scorerOfSets(runtime, itemIds, hyper, scorerWeights(members, hyper), name)
}

/**
 * The weight sets a scorer uploads: the members fused into one wide layer when they can be (see `fuseMembers`),
 * else the members. Plain typed arrays, no TF.js: a build's reader thread prepares them (`prepareScorerWeights`).
 */
function scorerWeights(members: readonly AutoencoderWeights[], hyper: AutoencoderHyper): AutoencoderWeights[] {
  const fused = fuseMembers(members, hyper)
  return fused ? [fused] : [...members]
}

/** The weight sets of a checked model as its scorer uploads them, prepared without TF.js (e.g. in a worker thread). */
export function prepareScorerWeights(data: CollabData): AutoencoderWeights[] {
  const { manifest } = data
  return scorerWeights(unpackWeights(data.weights, manifest.layers, manifest.hyper), manifest.hyper)
}

function scorerOfSets(
  runtime: TfRuntime,
  itemIds: readonly ItemId[],
  hyper: AutoencoderHyper,
  sets: readonly AutoencoderWeights[],
  name: string,
): CollabScorer & { scoreMany(sets: readonly (readonly ItemId[])[]): Float32Array[] } {
  const { tf } = runtime
  const params = sets.map((weights) => uploadWeights(tf, weights))
  const index = new Map<ItemId, number>()
  itemIds.forEach((id, c) => {
    index.set(id, c)
  })
  let closed = false
  const ensureOpen = () => {
    if (closed) throw new AppError('collab.not_found', 'The collaborative model is closed')
  }
  const logProbs = (sets: number[][]): Float32Array => {
    const logits = scoreSets(tf, params, hyper, sets)
    // Log-softmax per row in JS: one pass, no extra tensors.
    const n = itemIds.length
    for (let r = 0; r < sets.length; r++) {
      const row = logits.subarray(r * n, (r + 1) * n)
      let max = Number.NEGATIVE_INFINITY
      for (const v of row) if (v > max) max = v
      let sum = 0
      for (const v of row) sum += Math.exp(v - max)
      const lse = max + Math.log(sum)
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) - lse
    }
    return logits
  }
  return {
    name,
    itemIds,
    score: (liked) => {
      ensureOpen()
      return logProbs([knownIndices(liked, index)])
    },
    scoreMany: (sets) => {
      ensureOpen()
      const n = itemIds.length
      const out: Float32Array[] = []
      for (let start = 0; start < sets.length; start += 256) {
        const chunk = sets.slice(start, start + 256).map((s) => knownIndices(s, index))
        const flat = logProbs(chunk)
        for (let r = 0; r < chunk.length; r++) out.push(flat.slice(r * n, (r + 1) * n))
      }
      return out
    },
    close: async () => {
      if (closed) return
      closed = true
      tf.dispose(params.flatMap((p) => [...p.w, ...p.b]))
    },
  }
}

/** Pruning rare items must not drop more than this share of the positives (it is meant for the long tail). */
const MAX_PRUNED_POSITIVES = 0.1

/**
 * The items the model learns: those with at least `minUsers` training users, unless they would leave out more
 * than a tenth of the positives (a small catalogue, where most items have one or two users): then every item.
 */
function chooseVocabulary(
  sets: readonly (readonly ItemId[])[],
  minUsers: number,
  logger: Logger,
): { itemIds: ItemId[]; index: Map<ItemId, number> } {
  const counts = usersPerItem(sets)
  if (minUsers <= 1) return vocabularyOf(counts)
  let total = 0
  let rare = 0
  let kept = 0
  for (const n of counts.values()) {
    total += n
    if (n < minUsers) rare += n
    else kept++
  }
  const dropped = total > 0 ? rare / total : 0
  if (dropped > MAX_PRUNED_POSITIVES || kept < 2) {
    logger.info('keeping every item in the collaborative model: too many positives are on rare items', {
      minItemUsers: minUsers,
      droppedShare: Number(dropped.toFixed(3)),
    })
    return vocabularyOf(counts)
  }
  const pruned = vocabularyOf(counts, minUsers)
  logger.debug('collaborative vocabulary', { items: pruned.itemIds.length, of: counts.size, droppedShare: dropped })
  return pruned
}

/** Trains on in-memory training users (eval and trainCollab share this). */
export async function fitAutoencoder(
  runtime: TfRuntime,
  train: ReadonlyArray<{ items: readonly ItemId[] }>,
  validation: ReadonlyArray<{ foldIn: readonly ItemId[]; heldOut: readonly ItemId[] }>,
  hyper: AutoencoderHyper,
  options: { onProgress?: ProgressListener; logger?: Logger } = {},
): Promise<{ itemIds: ItemId[]; trained: TrainedAutoencoder }> {
  const logger = options.logger ?? silentLogger
  const { itemIds, index } = chooseVocabulary(
    train.map((t) => t.items),
    hyper.minItemUsers,
    logger,
  )
  if (itemIds.length < 2) {
    throw new AppError('collab.training_failed', 'Too few positive interactions to train a collaborative model', {
      details: { items: itemIds.length, users: train.length },
    })
  }
  const rows = toRows(
    train.map((t) => t.items),
    itemIds,
    index,
  )
  // Held-out items outside the vocabulary still count, as misses (negative placeholders no score reaches), so
  // the recorded validation NDCG@100 is the one `concierge eval` computes from the saved model.
  const val = validation
    .map((u) => ({
      foldIn: knownIndices(u.foldIn, index),
      heldOut: [...new Set(u.heldOut)].map((id, k) => index.get(id) ?? -(k + 1)),
    }))
    .filter((u) => u.foldIn.length > 0 && u.heldOut.length > 0)
  logger.info('training collaborative model', {
    backend: runtime.backend,
    model: hyper.kind,
    users: rows.rows,
    items: itemIds.length,
    positives: rows.indices.length,
    validationUsers: val.length,
  })
  const trained = await trainAutoencoder(runtime.tf, rows, hyper, {
    ...(val.length > 0 ? { validation: { foldIn: val.map((v) => v.foldIn), heldOut: val.map((v) => v.heldOut) } } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    onEpoch: (e) => logger.debug('epoch', { ...e }),
  })
  // Early stopping ends before maxEpochs: close the progress bar.
  options.onProgress?.({ phase: 'train', done: hyper.maxEpochs, total: hyper.maxEpochs, unit: 'epochs' })
  logger.info('trained collaborative model', {
    backend: runtime.backend,
    bestEpoch: trained.bestEpoch,
    epochs: trained.history.length,
    validationNdcg100: trained.bestValNdcg100,
    secondsPerEpoch: Number(trained.secondsPerEpoch.toFixed(3)),
  })
  return { itemIds, trained }
}

function resolveHyper(options: Pick<TrainCollabOptions, 'seed' | 'hyper' | 'epochs'>): AutoencoderHyper {
  return {
    ...DEFAULT_HYPER,
    ...options.hyper,
    seed: options.seed ?? options.hyper?.seed ?? DEFAULT_HYPER.seed,
    ...(options.epochs !== undefined ? { maxEpochs: options.epochs } : {}),
  }
}

/**
 * Reuses the current model for a new build when training again would learn the same thing: same data
 * fingerprint, positive threshold and hyper-parameters (seed included). Copies `reuseFrom` (`<modelsDir>/current`) to
 * `<modelsDir>/<buildId>` and points `current` at the copy (unless `switchCurrent` is false). Returns undefined
 * when it cannot be reused.
 */
export async function reuseCollab(
  catalog: Pick<Catalog, 'fingerprint'>,
  options: Omit<TrainCollabOptions, 'onProgress' | 'backend'>,
): Promise<{ dir: string; manifest: CollabManifest } | undefined> {
  const current = await readCurrent(options.modelsDir)
  const previous = options.reuseFrom ?? (current ? join(options.modelsDir, current) : undefined)
  if (!previous || !/^[\w.-]+$/.test(options.buildId) || options.buildId === 'current') return undefined
  let manifest: CollabManifest
  try {
    manifest = await readCollabManifest(previous)
  } catch {
    return undefined
  }
  const same =
    manifest.dataFingerprint === catalog.fingerprint &&
    manifest.positiveThreshold === (options.positiveThreshold ?? DEFAULT_POSITIVE_THRESHOLD) &&
    JSON.stringify(manifest.hyper) === JSON.stringify(resolveHyper(options))
  if (!same) return undefined
  const dir = join(options.modelsDir, options.buildId)
  const tmp = join(options.modelsDir, temporaryDirName(options.buildId))
  try {
    await removeDir(tmp)
    await cp(previous, tmp, { recursive: true })
    await rename(tmp, dir)
  } catch (error) {
    await removeDir(tmp)
    throw new AppError('collab.training_failed', `Could not copy the model to ${dir}`, { cause: error, details: { dir } })
  }
  if (options.switchCurrent !== false) await switchCurrent(options.modelsDir, options.buildId)
  options.logger?.info('collaborative model unchanged: reusing the previous one', { from: previous, dir })
  return { dir, manifest }
}

/**
 * Trains the autoencoder on a catalogue's interactions and writes `<modelsDir>/<buildId>/` (manifest.json,
 * items.json, weights.bin) through a temporary folder renamed into place, then points `<modelsDir>/current` at it.
 * 10% of users (with ≥ 5 positives) are held out for early stopping on NDCG@100.
 * Throws `collab.training_failed` (too little data, NaN loss, existing build) or `collab.backend_unavailable`.
 */
export async function trainCollab(
  catalog: Pick<Catalog, 'items' | 'interactions' | 'fingerprint' | 'name'>,
  options: TrainCollabOptions,
): Promise<{ dir: string; manifest: CollabManifest }> {
  const logger = options.logger ?? silentLogger
  if (!/^[\w.-]+$/.test(options.buildId) || options.buildId === 'current') {
    throw new AppError('input.invalid', `Build id "${options.buildId}" must be letters, digits, dot, dash or underscore`)
  }
  const dir = join(options.modelsDir, options.buildId)
  if (existsSync(dir)) {
    throw new AppError('collab.training_failed', `Build ${options.buildId} already exists in ${options.modelsDir}`, {
      details: { dir },
    })
  }
  const threshold = options.positiveThreshold ?? DEFAULT_POSITIVE_THRESHOLD
  const hyper = resolveHyper(options)
  const seed = hyper.seed
  const known = new Set(catalog.items.map((i) => i.id))
  const interactions = known.size > 0 ? catalog.interactions.filter((i) => known.has(i.itemId)) : catalog.interactions
  const byUser = positivesByUser(interactions, threshold)
  const split = splitUsers(byUser, { seed, testFraction: 0, validationFraction: 0.1, smallUsersInTrain: true })
  const started = performance.now()
  const runtime = await loadTf(options.backend ?? 'auto', logger)
  // Validation users' folded-in items train the served model too (early stopping only needs their held-out
  // items): a model that serves people should learn from everyone it can.
  const train = [...split.train, ...split.validation.map((u) => ({ items: u.foldIn }))]
  const { itemIds, trained } = await fitAutoencoder(runtime, train, split.validation, hyper, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    logger,
  })
  const last = trained.history.at(-1)
  if (!last || !Number.isFinite(last.loss)) {
    throw new AppError('collab.training_failed', 'Training diverged (loss is not finite): lower the learning rate', {
      details: { loss: last?.loss },
    })
  }
  const trainSeconds = (performance.now() - started) / 1000
  const weightsBytes = packWeights(trained.members)
  const manifest: CollabManifest = {
    formatVersion: COLLAB_FORMAT_VERSION,
    model: hyper.kind === 'vae' ? 'mult-vae' : 'mult-dae',
    dataset: catalog.name,
    dataFingerprint: catalog.fingerprint,
    itemsFile: 'items.json',
    itemCount: itemIds.length,
    weightsFile: 'weights.bin',
    weightsSha256: sha256(weightsBytes),
    layers: layerShapes(itemIds.length, hyper),
    hyper,
    positiveThreshold: threshold,
    metrics: {
      bestEpoch: trained.bestEpoch,
      epochs: trained.history.length,
      ...(trained.bestValNdcg100 !== undefined ? { validationNdcg100: trained.bestValNdcg100 } : {}),
      trainSeconds,
      secondsPerEpoch: trained.secondsPerEpoch,
      trainUsers: train.length,
      validationUsers: split.validation.length,
    },
    backend: runtime.backend,
    createdAt: new Date().toISOString(),
  }
  const tmp = join(options.modelsDir, temporaryDirName(options.buildId))
  try {
    await removeDir(tmp)
    await mkdir(tmp, { recursive: true })
    await writeFile(join(tmp, 'items.json'), JSON.stringify(itemIds))
    await writeFile(join(tmp, 'weights.bin'), weightsBytes)
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    await rename(tmp, dir)
  } catch (error) {
    await removeDir(tmp)
    throw new AppError('collab.training_failed', `Could not write the model to ${dir}`, { cause: error, details: { dir } })
  }
  if (options.switchCurrent !== false) await switchCurrent(options.modelsDir, options.buildId)
  logger.info('collaborative model saved', { dir, backend: runtime.backend, trainSeconds: Number(trainSeconds.toFixed(1)) })
  return { dir, manifest }
}

/**
 * Opens a trained model (a build folder or `<modelsDir>/current`). Missing: `collab.not_found`; another format,
 * a data fingerprint other than `expected.dataFingerprint`, or damaged files: `collab.incompatible`.
 * `score(liked)` returns log-probabilities (multinomial), one per `itemIds` entry.
 */
export async function openCollab(
  dir: string,
  expected: { dataFingerprint?: string } = {},
  deps: { backend?: TfBackendChoice; logger?: Logger } = {},
): Promise<CollabScorer & { manifest: CollabManifest }> {
  return openCollabData(await readCollabData(dir, expected), deps)
}

/** A model's files, read and checked against its manifest but not yet in TF.js: what a worker thread can hand over. */
export interface CollabData {
  manifest: CollabManifest
  itemIds: string[]
  weights: Uint8Array
  /** `prepareScorerWeights` of this model, when another thread made them: saves that work here. */
  scorerWeights?: AutoencoderWeights[]
}

/** A model's files as read from disk, unchecked: the manifest and item list parsed, the weights with their SHA-256. */
export interface CollabFiles {
  manifest: unknown
  itemIds: unknown
  weights: Uint8Array
  weightsSha256: string
}

/** Reads a model's files without checking them against each other. Missing: `collab.not_found`; else `collab.incompatible`. */
export async function readCollabFiles(dir: string): Promise<CollabFiles> {
  const manifest = await readCollabManifest(dir)
  try {
    const itemIds: unknown = JSON.parse(await readFile(join(dir, manifest.itemsFile), 'utf8'))
    const weights = await readFile(join(dir, manifest.weightsFile))
    return { manifest, itemIds, weights, weightsSha256: sha256(weights) }
  } catch (error) {
    throw new AppError('collab.incompatible', `The model files in ${dir} are missing or unreadable: retrain the model`, {
      cause: error,
      details: { dir },
    })
  }
}

/** Reads and checks a model's files (no TF.js). Throws like `openCollab`. */
export async function readCollabData(dir: string, expected: { dataFingerprint?: string } = {}): Promise<CollabData> {
  return checkCollabFiles(dir, await readCollabFiles(dir), expected)
}

/** Checks files `readCollabFiles` read against the manifest schema, the expected data and each other. */
export function checkCollabFiles(dir: string, files: CollabFiles, expected: { dataFingerprint?: string } = {}): CollabData {
  const manifest = parseCollabManifest(dir, files.manifest)
  if (expected.dataFingerprint !== undefined && expected.dataFingerprint !== manifest.dataFingerprint) {
    throw new AppError('collab.incompatible', `The model in ${dir} was trained on other data: retrain with \`concierge train\``, {
      details: { built: manifest.dataFingerprint, expected: expected.dataFingerprint },
    })
  }
  const { itemIds } = files
  const expectedShapes = layerShapes(manifest.itemCount, manifest.hyper)
  if (
    !Array.isArray(itemIds) ||
    itemIds.length !== manifest.itemCount ||
    !itemIds.every((id) => typeof id === 'string') ||
    files.weightsSha256 !== manifest.weightsSha256 ||
    JSON.stringify(expectedShapes) !== JSON.stringify(manifest.layers)
  ) {
    throw new AppError('collab.incompatible', `The model files in ${dir} do not match its manifest: retrain the model`, {
      details: { dir },
    })
  }
  return { manifest, itemIds: itemIds as string[], weights: files.weights }
}

/** Loads a model `readCollabData` checked into TF.js as a CollabScorer. */
export async function openCollabData(
  data: CollabData,
  deps: { backend?: TfBackendChoice; logger?: Logger } = {},
): Promise<CollabScorer & { manifest: CollabManifest }> {
  const { manifest } = data
  const sets = data.scorerWeights ?? prepareScorerWeights(data)
  const runtime = await loadTf(deps.backend ?? 'auto', deps.logger ?? silentLogger)
  const scorer = scorerOfSets(runtime, data.itemIds, manifest.hyper, sets, manifest.model)
  return {
    manifest,
    name: scorer.name,
    itemIds: scorer.itemIds,
    score: scorer.score,
    close: scorer.close,
  }
}

function packWeights(members: readonly AutoencoderWeights[]): Uint8Array {
  const arrays = members.flatMap((m) => m.weights.flatMap((w, l) => [w, m.biases[l] as Float32Array]))
  const out = new Float32Array(arrays.reduce((a, x) => a + x.length, 0))
  let at = 0
  for (const x of arrays) {
    out.set(x, at)
    at += x.length
  }
  return new Uint8Array(out.buffer)
}

function unpackWeights(
  bytes: Uint8Array,
  shapes: Array<[number, number]>,
  hyper: Pick<AutoencoderHyper, 'tied' | 'members'>,
): AutoencoderWeights[] {
  const size = (l: number, i: number, o: number) => (hyper.tied && l === shapes.length - 1 ? 0 : i * o)
  const perMember = shapes.reduce((a, [i, o], l) => a + size(l, i, o) + o, 0)
  if (bytes.byteLength !== perMember * hyper.members * 4) {
    throw new AppError('collab.incompatible', 'The model weights have the wrong size: retrain the model', {
      details: { bytes: bytes.byteLength, expected: perMember * hyper.members * 4 },
    })
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  const members: AutoencoderWeights[] = []
  let at = 0
  for (let m = 0; m < hyper.members; m++) {
    const weights: Float32Array[] = []
    const biases: Float32Array[] = []
    for (const [l, [i, o]] of shapes.entries()) {
      weights.push(all.subarray(at, at + size(l, i, o)))
      at += size(l, i, o)
      biases.push(all.subarray(at, at + o))
      at += o
    }
    members.push({ shapes, weights, biases })
  }
  return members
}

/** What a fitted in-memory autoencoder reports about its training. */
export interface FitInfo {
  backend: string
  bestEpoch: number
  epochs: number
  secondsPerEpoch: number
  validationNdcg100?: number
}

/**
 * Trains an autoencoder on training users' positives, early-stopped on the validation users, and returns an
 * in-memory scorer (no files). Used by offline evaluation and benchmarks.
 */
export async function fitAutoencoderScorer(
  train: ReadonlyArray<{ items: readonly ItemId[] }>,
  validation: ReadonlyArray<{ foldIn: readonly ItemId[]; heldOut: readonly ItemId[] }>,
  options: { backend?: TfBackendChoice; hyper?: Partial<AutoencoderHyper>; logger?: Logger; onProgress?: ProgressListener } = {},
): Promise<CollabScorer & { scoreMany(sets: readonly (readonly ItemId[])[]): Float32Array[]; info: FitInfo }> {
  const logger = options.logger ?? silentLogger
  const runtime = await loadTf(options.backend ?? 'auto', logger)
  const hyper: AutoencoderHyper = { ...DEFAULT_HYPER, ...options.hyper }
  const { itemIds, trained } = await fitAutoencoder(runtime, train, validation, hyper, {
    logger,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
  const scorer = autoencoderScorer(runtime, itemIds, hyper, trained.members)
  return Object.assign(scorer, {
    info: {
      backend: runtime.backend,
      bestEpoch: trained.bestEpoch,
      epochs: trained.history.length,
      secondsPerEpoch: trained.secondsPerEpoch,
      ...(trained.bestValNdcg100 !== undefined ? { validationNdcg100: trained.bestValNdcg100 } : {}),
    },
  })
}
