import { join } from 'node:path'
import type { Config } from '../config/index.ts'
import { type Logger, type ProgressListener, readCurrent, silentLogger } from '../core/index.ts'
import { type RebuildSummary, runRebuild } from './rebuild.ts'
import { runRebuildInThread } from './rebuild-thread.ts'

export {
  blendPopularity,
  DEFAULT_DIALOGUES_FILE,
  type DialogueLog,
  type DialogueSource,
  loadDialogueLog,
  loadTrainingCatalog,
  resolveDialogueFiles,
} from './dialogues.ts'
export { factMeaningsOf } from './meanings.ts'
export { type BuildReader, createBuildReader, type OpenBuildDeps, type OpenedBuild, openBuild } from './open.ts'
export { clearServing, markServing, pruneBuilds, servedBuilds } from './prune.ts'
export { type RebuildOptions, type RebuildSummary, runRebuild } from './rebuild.ts'
/** `runRebuild` in a worker thread (the server's thread stays free); abortable. */
export { runRebuildInThread } from './rebuild-thread.ts'
/** Rebuilds on a schedule in a running server (CONCIERGE_REBUILD_EVERY), never two at once. */
export { currentBuildCreatedAt, type RebuildSchedule, scheduleRebuilds } from './schedule.ts'
export { ITEMS_FILE, POPULARITY_FILE, readSnapshot, writeSnapshot } from './snapshot.ts'
export { buildCatalogueTables, type CatalogueTables, TABLES_FILE } from './tables.ts'

/** The folder of the build `indexes/current` points at, or undefined when there is no build yet. */
export async function currentBuildDir(config: Readonly<Config>): Promise<{ buildId: string; dir: string } | undefined> {
  const buildId = await readCurrent(config.indexesDir)
  return buildId ? { buildId, dir: join(config.indexesDir, buildId) } : undefined
}

/**
 * Makes sure a build exists: returns the current one, or runs the rebuild (with progress) when there is none;
 * `inThread` runs it in a worker thread, so the caller's thread stays free (a server answering health checks).
 */
export async function ensureBuild(
  config: Readonly<Config>,
  options: { logger?: Logger; onProgress?: ProgressListener; inThread?: boolean } = {},
): Promise<{ buildId: string; built: boolean; summary?: RebuildSummary }> {
  const logger = options.logger ?? silentLogger
  const current = await currentBuildDir(config)
  if (current) return { buildId: current.buildId, built: false }
  logger.info('no build yet: building indexes and models first (this takes a few minutes once)')
  const summary = options.inThread
    ? await runRebuildInThread(config, { logger, onProgress: options.onProgress })
    : await runRebuild(config, { logger, onProgress: options.onProgress })
  return { buildId: summary.buildId, built: true, summary }
}
export { loadWordNet } from './wordnet.ts'
