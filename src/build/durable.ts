import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'

/** Flushes a file or folder entry to disk (a folder's fsync makes the names in it, renames included, durable). */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flushes every file under `dir`, then each folder (deepest first), so a crash after this loses none of it. */
export async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await syncTree(path)
    else if (entry.isFile()) await syncPath(path)
  }
  await syncPath(dir)
}
