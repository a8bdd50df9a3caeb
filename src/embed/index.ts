/**
 * Text encoders behind the `Embedder` interface of core/types.ts, and the on-disk embedding cache.
 * Every vector leaving this folder is a unit-length Float32Array.
 */

/**
 * Embedding cache keyed by encoder id + SHA-256 of the text, one checksummed file per encoder in a folder.
 * `createEmbeddingCache(dir, { logger }?)` opens it (nothing is read until the first lookup);
 * a damaged file is discarded with a warning. Throws `embed.failed` when a flush cannot write.
 */
export { cacheFileName, createEmbeddingCache, type EmbeddingCache, embedWithCache, textKey } from './cache.ts'
/**
 * `createEmbedder(config.embed, { logger })`: the configured encoder (`use`, `transformers`, `auto`), probed.
 * `createEmbedderFromId(id, config.embed, { logger })`: the encoder recorded in a manifest.
 * Both throw `embed.unavailable` when the encoder cannot load.
 */
export { createEmbedder, createEmbedderFromId, type EmbedConfig, type EmbedDeps } from './create.ts'
/** Lower-level factories, for tests and benchmarks that need one backend with explicit options. */
export {
  createTransformersEmbedder,
  hubHasModel,
  resolveTransformersModel,
  TRANSFORMERS_PREFIX,
  type TransformersEmbedderOptions,
  type TransformersModelRef,
} from './transformers-embedder.ts'
export { createUseEmbedder, type UseEmbedderOptions } from './use-embedder.ts'
/** `use-lite@1`, 512: the id and width of the Universal Sentence Encoder lite. */
export { USE_DIMENSION, USE_ID } from './use-model.ts'
