import { randomBytes } from 'node:crypto'
import { lstat, mkdir, open, readdir, readFile, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { AppError, errorMessage, type Logger } from '../core/index.ts'

/** The lock file of `<indexesDir>`: one rebuild at a time writes builds there. */
export const LOCK_FILE = '.rebuild.lock'

/** Leftovers of a crashed rebuild older than this are removed even when their writer's pid is unknown. */
export const TEMPORARY_MAX_AGE_MS = 60 * 60 * 1000

interface LockHolder {
  pid: number
  host: string
  startedAt: string
  token: string
}

/** True when a process with this pid runs on this machine (EPERM: it runs as someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the rebuild lock of `indexesDir`: a file holding the pid, host and start time of the rebuild. A lock left
 * by a dead process on this host is taken over (with a warning). Throws `build.failed` (details.reason `locked`,
 * with the holder's pid and age) while another rebuild runs. `release()` removes the lock only if it is still ours.
 */
export async function acquireRebuildLock(indexesDir: string, logger: Logger): Promise<{ release(): Promise<void> }> {
  await mkdir(indexesDir, { recursive: true })
  const path = join(indexesDir, LOCK_FILE)
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(path, `${JSON.stringify(mine)}\n`)) {
      return { release: () => releaseLock(path, mine.token) }
    }
    const holder = await readHolder(path)
    const ageSeconds = Math.round((Date.now() - (holder ? Date.parse(holder.startedAt) : 0)) / 1000)
    if (holder && (holder.host !== mine.host || isProcessAlive(holder.pid))) {
      throw new AppError(
        'build.failed',
        `Another rebuild (pid ${holder.pid} on ${holder.host}, started ${ageSeconds} s ago) is writing to ${indexesDir}. Wait for it to finish; if that process is gone, delete ${path}.`,
        { details: { reason: 'locked', lockFile: path, pid: holder.pid, host: holder.host, ageSeconds } },
      )
    }
    logger.warn('taking over the lock of a rebuild that is no longer running', { lockFile: path, pid: holder?.pid })
    await rm(path, { force: true })
  }
  throw new AppError('build.failed', `Could not take the rebuild lock ${path}: another rebuild took it first`, {
    details: { reason: 'locked', lockFile: path },
  })
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx')
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new AppError('build.failed', `Could not create the rebuild lock ${path}`, {
      cause: error,
      details: { lockFile: path, reason: errorMessage(error) },
    })
  }
}

/** The lock's holder, or undefined when the file is gone, unreadable or not a lock (taken over as stale). */
async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder>
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string' || typeof holder.startedAt !== 'string')
      return undefined
    return holder as LockHolder
  } catch {
    return undefined
  }
}

async function releaseLock(path: string, token: string): Promise<void> {
  const holder = await readHolder(path)
  if (holder?.token === token) await rm(path, { force: true })
}

/**
 * Removes what crashed rebuilds left in `root`: `.tmp-*` folders whose writer (the `-p<pid>` suffix) is dead, or
 * older than an hour, and stray `.current-*` links as old. Returns the names removed; a failure only warns.
 */
export async function removeLeftovers(root: string, logger: Logger, now = Date.now()): Promise<string[]> {
  const removed: string[] = []
  let names: string[]
  try {
    names = await readdir(root)
  } catch {
    return removed
  }
  for (const name of names) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.current-')) continue
    const path = join(root, name)
    try {
      const pid = Number(/-p(\d+)$/.exec(name)?.[1])
      const dead = name.startsWith('.tmp-') && pid > 0 && !isProcessAlive(pid)
      const old = now - (await lstat(path)).mtimeMs > TEMPORARY_MAX_AGE_MS
      if (!dead && !old) continue
      await rm(path, { recursive: true, force: true })
      removed.push(name)
    } catch (error) {
      logger.warn('could not remove a leftover of a crashed rebuild', { path, reason: errorMessage(error) })
    }
  }
  if (removed.length > 0) logger.info('removed leftovers of crashed rebuilds', { root, removed })
  return removed
}
