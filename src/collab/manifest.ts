import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../core/index.ts'

export const COLLAB_FORMAT_VERSION = 1

const hyperSchema = z.object({
  kind: z.enum(['dae', 'vae']),
  hidden: z.array(z.number().int().positive()),
  latent: z.number().int().positive(),
  tied: z.boolean(),
  dropout: z.number().min(0).max(1),
  learningRate: z.number().positive(),
  batchSize: z.number().int().positive(),
  l2: z.number().min(0),
  /** Absent in models trained before it existed (plain Mult-DAE). */
  squaredLoss: z.number().min(0).default(0),
  /** Absent in models trained before ensembles (one autoencoder, every item with a positive). */
  members: z.number().int().positive().default(1),
  minItemUsers: z.number().int().positive().default(1),
  maxEpochs: z.number().int().positive(),
  /** Absent in models trained before it existed (they had no warm-up). */
  minEpochs: z.number().int().min(0).default(0),
  patience: z.number().int().positive(),
  lrDecay: z.number().positive().max(1),
  decayPatience: z.number().int().positive(),
  betaMax: z.number().min(0),
  annealSteps: z.number().int().positive(),
  seed: z.number().int(),
})

/** manifest.json of a trained collaborative model. */
export const collabManifestSchema = z.object({
  formatVersion: z.literal(COLLAB_FORMAT_VERSION),
  /** `mult-dae` or `mult-vae`. */
  model: z.enum(['mult-dae', 'mult-vae']),
  dataset: z.string(),
  dataFingerprint: z.string(),
  /** items.json: the item ids in score order. */
  itemsFile: z.string(),
  itemCount: z.number().int().positive(),
  /**
   * weights.bin: float32 little-endian; per ensemble member, in order, per layer the [fanIn × fanOut] weights then
   * the fanOut biases (a tied output layer has only its biases).
   */
  weightsFile: z.string(),
  weightsSha256: z.string(),
  layers: z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])),
  hyper: hyperSchema,
  positiveThreshold: z.number(),
  metrics: z.object({
    bestEpoch: z.number().int().nonnegative(),
    epochs: z.number().int().nonnegative(),
    validationNdcg100: z.number().optional(),
    trainSeconds: z.number(),
    secondsPerEpoch: z.number(),
    trainUsers: z.number().int().nonnegative(),
    validationUsers: z.number().int().nonnegative(),
  }),
  /** The TF.js backend that trained the model. */
  backend: z.string(),
  createdAt: z.string(),
})

export type CollabManifest = z.infer<typeof collabManifestSchema>

/** Reads and validates `<dir>/manifest.json`: missing is `collab.not_found`, unreadable or invalid `collab.incompatible`. */
export async function readCollabManifest(dir: string): Promise<CollabManifest> {
  let text: string
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8')
  } catch (error) {
    throw new AppError('collab.not_found', `No collaborative model in ${dir}: run \`concierge train\``, {
      cause: error,
      details: { dir },
    })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new AppError('collab.incompatible', `The model manifest in ${dir} is not valid JSON: retrain the model`, {
      cause: error,
      details: { dir },
    })
  }
  return parseCollabManifest(dir, raw)
}

/** Validates a parsed manifest.json of the model in `dir`: `collab.incompatible` when it is unknown or invalid. */
export function parseCollabManifest(dir: string, raw: unknown): CollabManifest {
  const parsed = collabManifestSchema.safeParse(raw)
  if (!parsed.success) {
    throw new AppError('collab.incompatible', `The model in ${dir} has an unknown or invalid manifest: retrain the model`, {
      details: { dir, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    })
  }
  return parsed.data
}
