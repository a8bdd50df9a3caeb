import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers'
import { AppError, type Embedder, errorMessage, type Logger, wrapError } from '../core/index.ts'
import { checkTexts, lengthSortedBatches } from './batching.ts'
import { normalizeRows } from './use-model.ts'

export const TRANSFORMERS_PREFIX = 'transformers:'

/** Where a transformers.js model comes from and whether its files are already on disk. */
export interface TransformersModelRef {
  /** Hub id (`Xenova/all-MiniLM-L6-v2`) or absolute folder path, as handed to transformers.js. */
  ref: string
  local: boolean
  /** config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx are on disk (folder or cache). */
  cached: boolean
  /** Encoder id recorded in manifests. */
  id: string
}

const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')]

/** Resolves a configured model (Hub id or folder) against the cache folder. */
export function resolveTransformersModel(model: string, cacheDir: string): TransformersModelRef {
  const folder = resolve(model)
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    return { ref: folder, local: true, cached: hasModelFiles(folder), id: TRANSFORMERS_PREFIX + folder }
  }
  return { ref: model, local: false, cached: hasModelFiles(join(cacheDir, model)), id: TRANSFORMERS_PREFIX + model }
}

function hasModelFiles(dir: string): boolean {
  return MODEL_FILES.every((file) => existsSync(join(dir, file)))
}

/**
 * Whether the Hugging Face Hub serves the model's config.json within `timeoutMs`. Never throws: any network
 * failure or HTTP error is "no".
 */
export async function hubHasModel(
  model: string,
  options: { timeoutMs?: number; host?: string } = {},
): Promise<{ ok: boolean; reason?: string }> {
  const host = options.host ?? env.remoteHost
  const url = `${host.replace(/\/?$/, '/')}${model}/resolve/main/config.json`
  const timeoutMs = options.timeoutMs ?? 3000
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
    if (response.status < 400) return { ok: true }
    return { ok: false, reason: `the Hub answered HTTP ${response.status} for ${model}` }
  } catch (error) {
    return { ok: false, reason: `the Hub did not answer (${errorMessage(error)})` }
  }
}

export interface TransformersEmbedderOptions {
  /** Hub id or local folder of a feature-extraction ONNX model. */
  model: string
  /** Folder where downloaded models are cached. */
  cacheDir: string
  batchSize: number
  /** Allow downloading from the Hub when the model is not on disk. */
  allowRemote: boolean
  /** Hub address; default https://huggingface.co/. */
  hubHost?: string
  logger: Logger
}

/**
 * A transformers.js feature-extraction model with mean pooling and L2 normalisation (onnxruntime-node, fp32).
 * Probes before returning. Throws `embed.unavailable` when the model cannot be loaded.
 */
export async function createTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const model = resolveTransformersModel(options.model, options.cacheDir)
  const logger = options.logger.child({ encoder: model.id })
  env.cacheDir = options.cacheDir
  if (options.hubHost) env.remoteHost = options.hubHost.replace(/\/?$/, '/')
  env.allowLocalModels = true
  env.allowRemoteModels = options.allowRemote && !model.local && !model.cached
  if (!model.cached && !env.allowRemoteModels) {
    throw new AppError(
      'embed.unavailable',
      model.local
        ? `The model folder ${model.ref} lacks config.json, tokenizer.json, tokenizer_config.json or onnx/model.onnx`
        : `The model ${model.ref} is not in ${options.cacheDir} and downloading is off`,
      { details: { model: model.ref, cacheDir: options.cacheDir } },
    )
  }
  let extractor: FeatureExtractionPipeline
  let lastLogged = 0
  try {
    extractor = await pipeline('feature-extraction', model.ref, {
      dtype: 'fp32',
      device: 'cpu',
      local_files_only: !env.allowRemoteModels,
      progress_callback: (info) => {
        if (info.status === 'progress_total' && Date.now() - lastLogged > 2000) {
          lastLogged = Date.now()
          logger.info('downloading model', { percent: Math.round(info.progress) })
        }
      },
    })
  } catch (error) {
    throw wrapError(error, 'embed.unavailable', `Could not load the transformers.js model ${model.ref}`, {
      model: model.ref,
      cacheDir: options.cacheDir,
    })
  }

  let dimension = 0
  let closed: Promise<void> | undefined

  const embedBatch = async (texts: string[]): Promise<Float32Array> => {
    try {
      const output = await extractor(texts, { pooling: 'mean', normalize: true })
      const [rows, dim] = output.dims as [number, number]
      if (rows !== texts.length || !dim) {
        throw new AppError('embed.failed', `The model returned shape [${output.dims.join(', ')}] for ${texts.length} texts`)
      }
      const data = Float32Array.from(output.data as ArrayLike<number>)
      output.dispose()
      dimension ||= dim
      normalizeRows(data, dim)
      return data
    } catch (error) {
      throw wrapError(error, 'embed.failed', `The transformers.js model ${model.ref} failed on a batch`, { batch: texts.length })
    }
  }

  const embed: Embedder['embed'] = async (texts, embedOptions) => {
    if (closed) throw new AppError('embed.unavailable', 'The encoder is closed')
    checkTexts(texts)
    const total = texts.length
    const plan = lengthSortedBatches(
      texts.map((t) => t.length),
      options.batchSize,
      Number.POSITIVE_INFINITY,
    )
    const vectors: Float32Array[] = new Array(total)
    let done = 0
    for (const indices of plan) {
      const flat = await embedBatch(indices.map((i) => texts[i]!))
      indices.forEach((textIndex, row) => {
        vectors[textIndex] = flat.slice(row * dimension, (row + 1) * dimension)
      })
      done += indices.length
      embedOptions?.onProgress?.(done, total)
    }
    return vectors
  }

  const close = (): Promise<void> => (closed ??= extractor.dispose().catch(() => undefined))

  try {
    await embed(['probe'])
  } catch (error) {
    await close()
    throw new AppError('embed.unavailable', `The model ${model.ref} failed its start-up probe`, { cause: error })
  }
  logger.info('transformers.js encoder ready', { dimension })
  return {
    id: model.id,
    get dimension() {
      return dimension
    },
    embed,
    close,
  }
}
