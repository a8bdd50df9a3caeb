import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AppError, noProgress, type ProgressListener, removeDir } from '../core/index.ts'
import { checkSha256, downloadOrThrow, install, unzipInto } from './download.ts'

/** The official ReDial download (https://redialdata.github.io/website/), CC BY 4.0. */
export const REDIAL_URL = 'https://github.com/ReDialData/website/raw/data/redial_dataset.zip'
/**
 * SHA-256 of that archive as published in 2018, the value ParlAI's ReDial task also pins. Not recomputed here
 * (this project's machines have no access to GitHub downloads); a mismatch means the archive changed or was altered.
 */
export const REDIAL_SHA256 = 'b48756681ec6f84e0af36979c5e9baa21ea8d9e7036b8764ea9b787bb0baf69b'

/** The files the archive holds, installed side by side; train_data.jsonl is required (it is the conversation log). */
const REDIAL_FILES = ['train_data.jsonl', 'test_data.jsonl', 'movies_with_mentions.csv']

export interface DownloadRedialOptions {
  /** Data folder; the files land in `<dest>/redial/`, where a rebuild finds the conversation log. */
  dest: string
  fetchImpl?: typeof fetch
  onProgress?: ProgressListener
  /** Archive URL; default {@link REDIAL_URL}. */
  url?: string
  /** Expected SHA-256; default {@link REDIAL_SHA256}. */
  sha256?: string
}

export interface DownloadRedialResult {
  /** Absolute path of the installed `redial/` folder. */
  dir: string
  /** The files installed, by name. */
  files: string[]
}

/**
 * Obtains ReDial into `<dest>/redial/` (train_data.jsonl, test_data.jsonl, movies_with_mentions.csv): downloads the
 * official archive, checks its pinned SHA-256, unpacks it into a temporary folder and renames that into place, so a
 * reader never sees half a dataset. Files already in `<dest>/redial/` that the archive lacks (such as a
 * valid_data.jsonl split of your own) are kept. Throws `data.download_failed` or `data.checksum_mismatch`.
 */
export async function downloadRedial(options: DownloadRedialOptions): Promise<DownloadRedialResult> {
  const dest = resolve(options.dest)
  const target = join(dest, 'redial')
  const url = options.url ?? REDIAL_URL
  await mkdir(dest, { recursive: true })
  const staging = join(dest, `.redial-${randomBytes(4).toString('hex')}.tmp`)
  try {
    const hint = 'download it from https://redialdata.github.io/website/ and unzip it into DIR/redial/'
    const archive = await downloadOrThrow(options.fetchImpl ?? fetch, url, hint, options.onProgress)
    checkSha256(archive, url, options.sha256 ?? REDIAL_SHA256)
    const unpacked = join(staging, 'unpacked')
    await unzipInto(archive, unpacked, 'ReDial', options.onProgress ?? noProgress)
    const folder = join(staging, 'redial')
    const files = await collect(unpacked, folder)
    await keepOwnFiles(target, folder)
    await install(folder, target)
    return { dir: target, files }
  } finally {
    await removeDir(staging)
  }
}

/** Moves the known files from wherever they sit in the unpacked archive into `folder`. */
async function collect(unpacked: string, folder: string): Promise<string[]> {
  await mkdir(folder)
  const found = new Map<string, string>()
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory() && entry.name !== '__MACOSX') await walk(path)
      else if (entry.isFile() && REDIAL_FILES.includes(entry.name) && !found.has(entry.name)) found.set(entry.name, path)
    }
  }
  await walk(unpacked)
  if (!found.has('train_data.jsonl')) {
    throw new AppError('data.download_failed', 'The ReDial archive holds no train_data.jsonl', {
      details: { found: [...found.keys()] },
    })
  }
  for (const [name, path] of found) await rename(path, join(folder, name))
  return [...found.keys()].sort()
}

/** Copies over files of an existing `redial/` folder that the new download does not replace (copies: a failed swap keeps them). */
async function keepOwnFiles(target: string, folder: string): Promise<void> {
  if (!existsSync(target)) return
  for (const name of await readdir(target)) {
    const from = join(target, name)
    if (!existsSync(join(folder, name)) && (await stat(from)).isFile()) await copyFile(from, join(folder, name))
  }
}
