import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError, errorMessage } from '../core/index.ts'

export const MANIFEST_FILE = 'manifest.json'
export const IDS_FILE = 'ids.json'
export const VECTORS_FILE = 'vectors.f32'
export const HNSW_FILE = 'hnsw.bin'

const fileDigestSchema = z.object({
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})

export const indexManifestSchema = z.object({
  formatVersion: z.literal(1),
  kind: z.enum(['hnsw', 'exact']),
  encoderId: z.string().min(1),
  dimension: z.number().int().positive(),
  itemCount: z.number().int().nonnegative(),
  dataFingerprint: z.string(),
  dataset: z.string(),
  createdAt: z.iso.datetime(),
  buildId: z.string().min(1),
  hnsw: z
    .object({
      m: z.number().int().positive(),
      efConstruction: z.number().int().positive(),
      efSearch: z.number().int().positive(),
      seed: z.number().int().nonnegative(),
    })
    .optional(),
  files: z.array(z.string().min(1)),
  /** Size and SHA-256 of every file but the manifest, checked on open before any native code reads them. */
  fileDigests: z.record(z.string(), fileDigestSchema),
  extra: z.record(z.string(), z.unknown()).optional(),
})

export type IndexManifest = z.infer<typeof indexManifestSchema>

/** The part of the manifest the caller supplies when saving; the index fills in the rest. */
export interface IndexManifestExtra {
  encoderId: string
  dataFingerprint: string
  dataset: string
  buildId: string
  /** Free-form facts from the build pipeline (embedding stats, timings). Must be JSON-serialisable. */
  extra?: Record<string, unknown>
  /**
   * Other files the caller already wrote into the folder (a build's catalogue snapshot): the manifest records
   * their size and SHA-256 too, and `openIndex` checks them, so no file of a build goes unchecked.
   */
  files?: readonly string[]
}

export async function readIndexManifest(dir: string): Promise<IndexManifest> {
  const path = join(dir, MANIFEST_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new AppError(
      missing ? 'index.not_found' : 'index.corrupt',
      missing ? `No index in ${dir}: ${MANIFEST_FILE} is missing. Run \`concierge rebuild\`.` : `Cannot read ${path}`,
      { cause: error, details: { dir, reason: errorMessage(error) } },
    )
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new AppError('index.corrupt', `${path} is not valid JSON. Rebuild the index.`, {
      cause: error,
      details: { dir, reason: errorMessage(error) },
    })
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion
  if (typeof version === 'number' && version !== 1) {
    throw new AppError('index.incompatible', `Index in ${dir} has format version ${version}; this version reads 1. Rebuild it.`, {
      details: { dir, built: { formatVersion: version }, expected: { formatVersion: 1 } },
    })
  }
  const parsed = indexManifestSchema.safeParse(json)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new AppError('index.corrupt', `${path} is not a valid index manifest: ${problems.join('; ')}`, {
      details: { dir, problems },
    })
  }
  const manifest = parsed.data
  for (const file of manifest.files) {
    if (file.includes('/') || file.includes('\\') || file === '..' || !manifest.fileDigests[file]) {
      throw new AppError('index.corrupt', `${path} lists an unexpected file "${file}"`, { details: { dir, file } })
    }
  }
  return manifest
}
