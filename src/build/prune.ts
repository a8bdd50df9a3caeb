import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { errorMessage, type Logger, readCurrent, removeDir, writeFileAtomic } from '../core/index.ts'
import { readIndexManifest } from '../index/index.ts'
import { isProcessAlive } from './lock.ts'
import { buildModel } from './verify.ts'

const BUILD_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/
const SERVING_PREFIX = '.serving-'

/**
 * Records in `<indexesDir>/.serving-<pid>` that this process serves `buildId`, so a rebuild's pruning leaves that
 * build and its model alone. Best effort: a read-only folder only costs that protection (logged).
 */
export async function markServing(indexesDir: string, buildId: string, logger: Logger): Promise<void> {
  try {
    await writeFileAtomic(join(indexesDir, `${SERVING_PREFIX}${process.pid}`), buildId)
  } catch (error) {
    logger.warn('could not record the build being served: a rebuild may prune it', { reason: errorMessage(error) })
  }
}

/** Removes this process's serving record. */
export async function clearServing(indexesDir: string): Promise<void> {
  await rm(join(indexesDir, `${SERVING_PREFIX}${process.pid}`), { force: true })
}

/** Builds that running processes serve; records of dead processes are removed. */
export async function servedBuilds(indexesDir: string): Promise<Set<string>> {
  const served = new Set<string>()
  for (const name of await readdir(indexesDir)) {
    if (!name.startsWith(SERVING_PREFIX)) continue
    const pid = Number(name.slice(SERVING_PREFIX.length))
    const path = join(indexesDir, name)
    if (!(pid > 0) || !isProcessAlive(pid)) await rm(path, { force: true })
    else served.add((await readFile(path, 'utf8').catch(() => '')).trim())
  }
  return served
}

/**
 * Removes old builds and models, keeping the newest `keep` of each besides what is in use: the current build, every
 * build a running server serves, and every model one of the kept builds (or `models/current`) names. A failure here
 * only warns: pruning never fails a rebuild.
 */
export async function pruneBuilds(
  config: { indexesDir: string; modelsDir: string },
  keep: number,
  logger: Logger,
): Promise<void> {
  try {
    const inUse = await servedBuilds(config.indexesDir)
    const current = await readCurrent(config.indexesDir)
    if (current) inUse.add(current)
    const keptBuilds = await pruneFolders(config.indexesDir, inUse, keep)
    const models = new Set<string>()
    const currentModel = await readCurrent(config.modelsDir)
    if (currentModel) models.add(currentModel)
    for (const build of keptBuilds) {
      const named = await modelOf(join(config.indexesDir, build))
      if (named) models.add(named)
    }
    await pruneFolders(config.modelsDir, models, keep)
  } catch (error) {
    logger.warn('could not prune old builds', { reason: errorMessage(error) })
  }
}

/** Removes build folders of `root` but those in `keepAlways` and the newest `keep` others; returns those left. */
async function pruneFolders(root: string, keepAlways: ReadonlySet<string>, keep: number): Promise<string[]> {
  // Only build folders (20261123T191904Z-a1b2c3): models/ also holds the Hub cache. Oldest first: by the time the
  // folder was completed, as ids made within one second do not sort by time.
  const named = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && BUILD_ID_RE.test(e.name))
  const dated = await Promise.all(named.map(async (e) => ({ name: e.name, at: (await stat(join(root, e.name))).mtimeMs })))
  const builds = dated.sort((a, b) => a.at - b.at || a.name.localeCompare(b.name)).map((b) => b.name)
  const others = builds.filter((b) => !keepAlways.has(b))
  const removed = new Set(others.slice(0, Math.max(0, others.length - keep)))
  for (const old of removed) await removeDir(join(root, old))
  return builds.filter((b) => !removed.has(b))
}

async function modelOf(buildDir: string): Promise<string | undefined> {
  try {
    const dir = buildModel(await readIndexManifest(buildDir)).dir
    return dir ? basename(dir) : undefined
  } catch {
    return undefined
  }
}
