import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, cp, mkdir, readdir, rename, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path'
import { AppError, errorMessage, noProgress, type ProgressListener, removeDir } from '../core/index.ts'
import { detectDataset } from './detect.ts'
import { readZip, ZipFormatError } from './zip.ts'

/** The official ml-latest-small archive. Its MD5 is published at the same URL plus `.md5`. */
export const MOVIELENS_SMALL_URL = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip'
/**
 * SHA-256 of the archive, when pinned. Unknown for now (GroupLens publishes only an MD5, and the archive is
 * refreshed from time to time), so the published MD5 is what verifies a download.
 */
export const MOVIELENS_SMALL_SHA256: string | undefined = undefined

export interface DownloadMovieLensOptions {
  /** Data folder; the dataset lands in `<dest>/movielens/ml-latest-small/`. */
  dest: string
  /** Copy an existing ml-latest-small folder (or a data folder holding one) instead of downloading. */
  from?: string
  fetchImpl?: typeof fetch
  onProgress?: ProgressListener
  /** Archive URL; default {@link MOVIELENS_SMALL_URL}. The MD5 is fetched from `<url>.md5`. */
  url?: string
  /** Expected SHA-256 of the archive; default {@link MOVIELENS_SMALL_SHA256}. */
  sha256?: string
}

export interface DownloadMovieLensResult {
  /** Absolute path of the installed ml-latest-small folder. */
  dir: string
  /** True when the archive matched the published MD5 (or the pinned SHA-256). False for `from` copies. */
  verified: boolean
  /** How the check went, for the CLI summary. */
  check: 'md5' | 'sha256' | 'unavailable' | 'copied'
}

const REQUIRED = ['movies.csv', 'ratings.csv']

/**
 * Obtains ml-latest-small into `<dest>/movielens/ml-latest-small/`: downloads the official zip, checks it against
 * the pinned SHA-256 or else the published MD5 (unverified when no MD5 can be fetched), unpacks it into a
 * temporary folder and renames that into place, so a reader never sees half a dataset. With `from`, copies an
 * existing folder instead (and its TMDB overviews as `overviews.csv` and TMDB movie facts as `tmdb_movies.csv`
 * when found beside it).
 * Throws `data.download_failed`, `data.checksum_mismatch`, or `data.not_found` (bad `from`).
 */
export async function downloadMovieLens(options: DownloadMovieLensOptions): Promise<DownloadMovieLensResult> {
  const base = join(resolve(options.dest), 'movielens')
  const target = join(base, 'ml-latest-small')
  await mkdir(base, { recursive: true })
  const staging = join(base, `.ml-latest-small-${randomBytes(4).toString('hex')}.tmp`)
  try {
    if (options.from !== undefined) {
      await copyFrom(options.from, staging)
      await install(staging, target)
      return { dir: target, verified: false, check: 'copied' }
    }
    const { verified, check, archive } = await fetchVerified(options)
    const folder = await extract(archive, staging, options.onProgress ?? noProgress)
    await install(folder, target)
    return { dir: target, verified, check }
  } finally {
    await removeDir(staging)
  }
}

async function copyFrom(from: string, staging: string): Promise<void> {
  const found = await detectDataset(from, 'ml-latest-small')
  if (found.dataset !== 'ml-latest-small') throw new AppError('internal', 'detectDataset returned another dataset')
  const source = dirname(found.paths.movies)
  for (const name of REQUIRED) {
    if (!existsSync(join(source, name))) {
      throw new AppError('data.not_found', `${source} has no ${name}: it is not a complete ml-latest-small folder`, {
        details: { dir: source },
      })
    }
  }
  await cp(source, staging, { recursive: true })
  if (found.paths.overviews && !existsSync(join(staging, 'overviews.csv'))) {
    await cp(found.paths.overviews, join(staging, 'overviews.csv'))
  }
  if (found.paths.tmdbMovies && !existsSync(join(staging, 'tmdb_movies.csv'))) {
    await cp(found.paths.tmdbMovies, join(staging, 'tmdb_movies.csv'))
  }
  await makeWritable(staging)
}

/** Copies keep the source modes; a read-only source would leave a copy that a later update cannot replace. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await makeWritable(path)
    else if (entry.isFile()) await chmod(path, 0o644)
  }
}

export async function fetchBytes(
  fetchImpl: typeof fetch,
  url: string,
  onProgress?: ProgressListener,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  let response: Response
  try {
    response = await fetchImpl(url, { redirect: 'follow' })
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? `: ${errorMessage(error.cause)}` : ''
    return { ok: false, reason: `${errorMessage(error)}${cause}` }
  }
  if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` }
  const total = Number(response.headers.get('content-length') ?? 0)
  if (!response.body) return { ok: true, bytes: Buffer.from(await response.arrayBuffer()) }
  const chunks: Uint8Array[] = []
  let done = 0
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk)
      done += chunk.length
      onProgress?.({ phase: 'download', done, total: Math.max(total, done), unit: 'bytes' })
    }
  } catch (error) {
    return { ok: false, reason: errorMessage(error) }
  }
  if (total > 0 && done !== total) return { ok: false, reason: `got ${done} of ${total} bytes` }
  return { ok: true, bytes: Buffer.concat(chunks) }
}

async function fetchVerified(
  options: DownloadMovieLensOptions,
): Promise<{ archive: Buffer; verified: boolean; check: DownloadMovieLensResult['check'] }> {
  const fetchImpl = options.fetchImpl ?? fetch
  const url = options.url ?? MOVIELENS_SMALL_URL
  const hint = 'copy an existing folder with `concierge data movielens --from DIR`'
  const archive = await downloadOrThrow(fetchImpl, url, hint, options.onProgress)
  const sha256 = options.sha256 ?? MOVIELENS_SMALL_SHA256
  if (sha256 !== undefined) {
    checkSha256(archive, url, sha256)
    return { archive, verified: true, check: 'sha256' }
  }
  const md5File = await fetchBytes(fetchImpl, `${url}.md5`)
  const expected = md5File.ok ? /\b([a-f0-9]{32})\b/i.exec(md5File.bytes.toString('utf8'))?.[1]?.toLowerCase() : undefined
  if (expected === undefined) return { archive, verified: false, check: 'unavailable' }
  const actual = createHash('md5').update(archive).digest('hex')
  if (actual !== expected) {
    throw new AppError(
      'data.checksum_mismatch',
      `${url} does not match its published MD5: the download is corrupt or was altered`,
      {
        details: { url, algorithm: 'md5', expected, actual },
      },
    )
  }
  return { archive, verified: true, check: 'md5' }
}

/** The body of `url`; throws `data.download_failed` naming the URL, the reason and what else to try. */
export async function downloadOrThrow(
  fetchImpl: typeof fetch,
  url: string,
  hint: string,
  onProgress?: ProgressListener,
): Promise<Buffer> {
  const got = await fetchBytes(fetchImpl, url, onProgress)
  if (got.ok) return got.bytes
  throw new AppError('data.download_failed', `Could not download ${url} (${got.reason}). Check the connection, or ${hint}`, {
    details: { url, reason: got.reason },
  })
}

/** Throws `data.checksum_mismatch` unless `bytes` has the SHA-256 `expected`. */
export function checkSha256(bytes: Buffer, url: string, expected: string): void {
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual === expected.toLowerCase()) return
  throw new AppError(
    'data.checksum_mismatch',
    `${url} does not match its pinned SHA-256: the download is corrupt or was altered`,
    {
      details: { url, algorithm: 'sha256', expected, actual },
    },
  )
}

/**
 * Unzips `archive` into `staging`; entry paths never escape it. Throws `data.download_failed` naming `what` when
 * the archive cannot be read.
 */
export async function unzipInto(archive: Buffer, staging: string, what: string, onProgress: ProgressListener): Promise<void> {
  try {
    const entries = readZip(archive)
    let done = 0
    for (const entry of entries) {
      const rel = normalize(entry.name)
      if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
        throw new ZipFormatError(`entry ${JSON.stringify(entry.name)} points outside the archive folder`)
      }
      const out = join(staging, rel)
      if (entry.isDirectory) await mkdir(out, { recursive: true })
      else {
        await mkdir(dirname(out), { recursive: true })
        await writeFile(out, entry.read())
      }
      onProgress({ phase: 'extract', done: ++done, total: entries.length, unit: 'files' })
    }
  } catch (error) {
    if (error instanceof ZipFormatError) {
      throw new AppError('data.download_failed', `The ${what} archive could not be unpacked: ${error.message}`, {
        cause: error,
      })
    }
    throw error
  }
}

/** Unzips into `staging` and returns the folder holding movies.csv. */
async function extract(archive: Buffer, staging: string, onProgress: ProgressListener): Promise<string> {
  await unzipInto(archive, staging, 'MovieLens', onProgress)
  const folder = [join(staging, 'ml-latest-small'), staging].find((d) => REQUIRED.every((f) => existsSync(join(d, f))))
  if (!folder) {
    throw new AppError('data.download_failed', `The archive does not hold ml-latest-small (${REQUIRED.join(', ')} missing)`)
  }
  return folder
}

/** Renames `folder` to `target`; an existing target is moved aside first and restored if the swap fails. */
export async function install(folder: string, target: string): Promise<void> {
  const aside = `${target}.old-${randomBytes(4).toString('hex')}`
  const had = existsSync(target)
  if (had) await rename(target, aside)
  try {
    await rename(folder, target)
  } catch (error) {
    if (had) await rename(aside, target)
    throw error
  }
  if (had) await removeDir(aside)
}
