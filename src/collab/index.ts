/**
 * Collaborative filtering: the Mult-DAE / Mult-VAE autoencoder (TF.js), baselines (popularity, item-kNN, EASE),
 * implicit feedback, the user split for evaluation, and model save/load. The only folder importing TF.js;
 * only typed arrays and numbers leave it.
 */

/** `fitBaseline('popularity' | 'item-knn' | 'ease', trainUsers, { k, lambda })`: an in-memory CollabScorer. */
export { fitBaseline } from './baselines.ts'
/** Autoencoder hyper-parameters and their defaults. */
export { type AutoencoderHyper, type AutoencoderWeights, DEFAULT_HYPER } from './dae.ts'
/** Implicit feedback: `isPositive`, `positivesByUser`, `popularityScores(interactions, threshold)` (share of users, 0–1). */
export { DEFAULT_POSITIVE_THRESHOLD, isPositive, popularityScores, positivesByUser } from './implicit.ts'
/** The zod schema and type of a model's manifest.json. */
export { type CollabManifest, collabManifestSchema } from './manifest.ts'
/**
 * `trainCollab(catalog, options)` trains and saves a model (switching `<modelsDir>/current`);
 * `openCollab(dir, expected?, deps?)` loads one as a CollabScorer (`readCollabData` checks its files without TF.js,
 * e.g. in a worker thread, and `openCollabData` loads what it read); `fitAutoencoderScorer` trains in memory.
 */
export {
  type CollabData,
  type CollabFiles,
  checkCollabFiles,
  type FitInfo,
  fitAutoencoderScorer,
  openCollab,
  openCollabData,
  prepareScorerWeights,
  readCollabData,
  reuseCollab,
  type TrainCollabOptions,
  trainCollab,
} from './model.ts'
/** Strong-generalisation user split (seeded): train users, validation and test users with fold-in / held-out items. */
export { DEFAULT_SPLIT, type HeldOutUser, type SplitOptions, splitUsers, type UserSplit } from './split.ts'
