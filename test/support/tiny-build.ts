import { join } from 'node:path'
import { type RebuildSummary, runRebuild } from '../../src/build/index.ts'
import { type Config, loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/core/index.ts'
import { repoRoot } from './data.ts'
import { writeTinyTransformersModel } from './onnx-model.ts'

/** The MovieLens-format fixture: five movies, a few ratings, tags, links and overviews. */
export const ML_TINY = join(repoRoot, 'test', 'fixtures', 'catalog', 'ml-tiny')

/**
 * Config for a real build inside `dir`: the tiny ONNX model and tokenizer the tests write, indexes, models and the store all under `dir`. Call `writeTinyModel(dir)` once first.
 */
export function tinyBuildConfig(dir: string, dataDir = ML_TINY, env: Record<string, string> = {}): Config {
  return loadConfig(env, {
    cwd: dir,
    overrides: {
      dataDir,
      'embed.encoder': 'transformers',
      'embed.transformersModel': join(dir, 'model'),
      'embed.workers': 1,
      indexesDir: join(dir, 'indexes'),
      modelsDir: join(dir, 'models'),
      'store.path': join(dir, 'store.db'),
    },
  })
}

export async function writeTinyModel(dir: string): Promise<void> {
  await writeTinyTransformersModel(join(dir, 'model'))
}

/** Writes the tiny model and runs the whole rebuild on the fixture: a real build, in about a second. */
export async function tinyBuild(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ config: Config; summary: RebuildSummary }> {
  await writeTinyModel(dir)
  const config = tinyBuildConfig(dir, ML_TINY, env)
  const summary = await runRebuild(config, { logger: createLogger({ level: 'silent' }) })
  return { config, summary }
}
