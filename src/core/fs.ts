import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Writes a file so that readers see the old or the new content, never a partial one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

/**
 * Points `<root>/current` at `<root>/<buildId>` by renaming a fresh symlink over it (atomic on POSIX),
 * so a reader resolving `current` sees the old build or the new one.
 */
export async function switchCurrent(root: string, buildId: string): Promise<void> {
  const link = join(root, 'current')
  const tmp = join(root, `.current-${randomBytes(4).toString('hex')}`)
  await symlink(buildId, tmp)
  await rename(tmp, link)
}

/** The build id `<root>/current` points at, or undefined when there is none. */
export async function readCurrent(root: string): Promise<string | undefined> {
  const link = join(root, 'current')
  if (!existsSync(link)) return undefined
  try {
    return basename(await readlink(link))
  } catch {
    return undefined
  }
}

/** Removes a folder if it exists; never throws for a missing one. */
export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true })
}

/**
 * The name of a build's temporary folder: `.tmp-<buildId>-p<pid>`, so a later rebuild can tell a crashed
 * writer's leftovers (dead pid) from a running one's.
 */
export function temporaryDirName(buildId: string, pid = process.pid): string {
  return `.tmp-${buildId}-p${pid}`
}

/** A sortable build id: UTC time plus a short random suffix. */
export function newBuildId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${randomBytes(3).toString('hex')}`
}
