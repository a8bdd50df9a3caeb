import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  AppError,
  type Embedder,
  errorMessage,
  type Logger,
  type ProgressListener,
  sha256,
  silentLogger,
  writeFileAtomic,
} from '../core/index.ts'

/**
 * Vectors by encoder id and text, on disk in one file per encoder id. Lookups after the first per encoder are
 * in memory; `flush` writes changed files atomically (a crash leaves the old file), and a damaged file is
 * discarded with a warning.
 */
export interface EmbeddingCache {
  readonly dir: string
  /** Cached vectors (copies) for the texts, undefined where missing. Reads the encoder's file once. */
  lookup(encoderId: string, dimension: number, texts: readonly string[]): Promise<(Float32Array | undefined)[]>
  /** Remembers vectors for texts; on disk after the next `flush`. Throws `input.invalid` on a wrong length. */
  store(encoderId: string, dimension: number, texts: readonly string[], vectors: readonly Float32Array[]): Promise<void>
  /** Number of cached vectors for an encoder. */
  size(encoderId: string, dimension: number): Promise<number>
  /** Writes every changed encoder file. */
  flush(): Promise<void>
  /** Flushes, then refuses further use. Idempotent. */
  close(): Promise<void>
}

const MAGIC = Buffer.from('CEMB\u0001\n', 'latin1')
const KEY_BYTES = 32
const SUM_BYTES = 32

interface Table {
  encoderId: string
  dimension: number
  entries: Map<string, Float32Array>
  dirty: boolean
  file: string
}

/** The cache file of an encoder id: readable prefix plus a hash, so ids with slashes or colons are safe. */
export function cacheFileName(encoderId: string): string {
  const readable = encoderId.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 80)
  return `${readable}-${sha256(encoderId).slice(0, 12)}.emb`
}

/** Opens (lazily) the embedding cache in `dir`; the folder is created on the first flush. */
export async function createEmbeddingCache(dir: string, deps: { logger?: Logger } = {}): Promise<EmbeddingCache> {
  const logger = deps.logger ?? silentLogger
  const tables = new Map<string, Promise<Table>>()
  let writing: Promise<void> = Promise.resolve()
  let closed: Promise<void> | undefined

  const table = (encoderId: string, dimension: number): Promise<Table> => {
    if (closed) return Promise.reject(new AppError('embed.unavailable', 'The embedding cache is closed'))
    if (!Number.isInteger(dimension) || dimension <= 0) {
      return Promise.reject(new AppError('input.invalid', `Embedding dimension must be a positive integer, got ${dimension}`))
    }
    let loaded = tables.get(encoderId)
    if (!loaded) {
      loaded = loadTable(join(dir, cacheFileName(encoderId)), encoderId, dimension, logger)
      tables.set(encoderId, loaded)
    }
    return loaded.then((t) => {
      if (t.dimension === dimension) return t
      logger.warn('embedding cache dimension changed; dropping its vectors', { encoderId, was: t.dimension, now: dimension })
      t.dimension = dimension
      t.entries.clear()
      t.dirty = true
      return t
    })
  }

  const flush = (): Promise<void> => {
    const run = writing.then(async () => {
      for (const pending of tables.values()) {
        const t = await pending
        if (!t.dirty) continue
        t.dirty = false
        try {
          await writeFileAtomic(t.file, encodeTable(t))
        } catch (error) {
          t.dirty = true
          throw new AppError('embed.failed', `Could not write the embedding cache ${t.file}`, {
            cause: error,
            details: { reason: errorMessage(error) },
          })
        }
      }
    })
    writing = run.catch(() => undefined)
    return run
  }

  return {
    dir,
    lookup: async (encoderId, dimension, texts) => {
      const t = await table(encoderId, dimension)
      return texts.map((text) => t.entries.get(textKey(text))?.slice())
    },
    store: async (encoderId, dimension, texts, vectors) => {
      if (texts.length !== vectors.length) {
        throw new AppError('input.invalid', `store() got ${texts.length} texts and ${vectors.length} vectors`)
      }
      const t = await table(encoderId, dimension)
      vectors.forEach((vector, i) => {
        if (vector.length !== dimension) {
          throw new AppError('input.invalid', `Vector ${i} has ${vector.length} dimensions, expected ${dimension}`, {
            details: { index: i, length: vector.length, dimension },
          })
        }
      })
      texts.forEach((text, i) => {
        t.entries.set(textKey(text), Float32Array.from(vectors[i]!))
      })
      if (texts.length > 0) t.dirty = true
    },
    size: async (encoderId, dimension) => (await table(encoderId, dimension)).entries.size,
    flush,
    close: () =>
      (closed ??= flush().finally(() => {
        tables.clear()
      })),
  }
}

/** The cache key of a text: its SHA-256 in hex. */
export function textKey(text: string): string {
  return sha256(text)
}

async function loadTable(file: string, encoderId: string, dimension: number, logger: Logger): Promise<Table> {
  const empty: Table = { encoderId, dimension, entries: new Map(), dirty: false, file }
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn('embedding cache unreadable; starting empty', { file, reason: errorMessage(error) })
    }
    return empty
  }
  try {
    const decoded = decodeTable(bytes)
    if (decoded.encoderId !== encoderId) throw new Error(`file belongs to encoder ${decoded.encoderId}`)
    if (decoded.dimension !== dimension) {
      logger.warn('embedding cache has another dimension; starting empty', { file, was: decoded.dimension, now: dimension })
      return { ...empty, dirty: true }
    }
    return { ...empty, entries: decoded.entries }
  } catch (error) {
    logger.warn('embedding cache is damaged; discarding it', { file, reason: errorMessage(error) })
    return { ...empty, dirty: true }
  }
}

/*
 * File layout: magic (6 bytes), header length (u32 LE), header JSON { encoderId, dimension, count },
 * zero padding to a multiple of 4, count × 32-byte keys, count × dimension float32 LE, SHA-256 of all before.
 */
function encodeTable(t: Table): Buffer {
  const header = Buffer.from(JSON.stringify({ encoderId: t.encoderId, dimension: t.dimension, count: t.entries.size }))
  const headerEnd = align4(MAGIC.length + 4 + header.length)
  const count = t.entries.size
  const keysEnd = headerEnd + count * KEY_BYTES
  const vectorsEnd = keysEnd + count * t.dimension * 4
  const out = Buffer.alloc(vectorsEnd + SUM_BYTES)
  MAGIC.copy(out, 0)
  out.writeUInt32LE(header.length, MAGIC.length)
  header.copy(out, MAGIC.length + 4)
  const floats = new Float32Array(out.buffer, out.byteOffset + keysEnd, count * t.dimension)
  let i = 0
  for (const [key, vector] of t.entries) {
    out.write(key, headerEnd + i * KEY_BYTES, 'hex')
    floats.set(vector, i * t.dimension)
    i++
  }
  createHash('sha256').update(out.subarray(0, vectorsEnd)).digest().copy(out, vectorsEnd)
  return out
}

function decodeTable(bytes: Buffer): { encoderId: string; dimension: number; entries: Map<string, Float32Array> } {
  if (bytes.length < MAGIC.length + 4 + SUM_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error('not an embedding cache file')
  }
  const body = bytes.subarray(0, bytes.length - SUM_BYTES)
  const sum = createHash('sha256').update(body).digest()
  if (!sum.equals(bytes.subarray(bytes.length - SUM_BYTES))) throw new Error('checksum mismatch')
  const headerLength = bytes.readUInt32LE(MAGIC.length)
  const header = JSON.parse(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength).toString('utf8')) as {
    encoderId?: unknown
    dimension?: unknown
    count?: unknown
  }
  const { encoderId, dimension, count } = header
  if (typeof encoderId !== 'string' || !Number.isInteger(dimension) || !Number.isInteger(count)) throw new Error('bad header')
  const dim = dimension as number
  const n = count as number
  const headerEnd = align4(MAGIC.length + 4 + headerLength)
  const keysEnd = headerEnd + n * KEY_BYTES
  if (keysEnd + n * dim * 4 !== body.length) throw new Error('size does not match the header')
  // Copy into a fresh, aligned buffer: the file buffer's offset need not be a multiple of 4.
  const floats = new Float32Array(n * dim)
  Buffer.from(floats.buffer).set(body.subarray(keysEnd))
  const entries = new Map<string, Float32Array>()
  for (let i = 0; i < n; i++) {
    const key = body.toString('hex', headerEnd + i * KEY_BYTES, headerEnd + (i + 1) * KEY_BYTES)
    entries.set(key, floats.subarray(i * dim, (i + 1) * dim))
  }
  return { encoderId, dimension: dim, entries }
}

function align4(n: number): number {
  return (n + 3) & ~3
}

/** Texts embedded per step of `embedWithCache`; the cache is flushed after each, so a crash loses at most one step. */
const CHUNK = 1024

/**
 * Embeds texts, reusing cached vectors by encoder id and text hash, and caches the new ones (flushed as it
 * goes). Returns one vector per text in order, and how many came from the cache. Progress counts texts.
 */
export async function embedWithCache(
  embedder: Embedder,
  texts: readonly string[],
  cache: EmbeddingCache,
  onProgress?: ProgressListener,
): Promise<{ vectors: Float32Array[]; hits: number; misses: number }> {
  const total = texts.length
  const found = await cache.lookup(embedder.id, embedder.dimension, texts)
  const vectors: (Float32Array | undefined)[] = [...found]
  const hits = found.reduce((n, v) => n + (v ? 1 : 0), 0)
  // Identical texts are embedded once.
  const missing = new Map<string, number[]>()
  texts.forEach((text, i) => {
    if (vectors[i]) return
    const at = missing.get(text)
    if (at) at.push(i)
    else missing.set(text, [i])
  })
  const unique = [...missing.keys()]
  let done = hits
  onProgress?.({ phase: 'embed', done, total, unit: 'items' })
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK)
    const before = done
    const embedded = await embedder.embed(chunk, {
      onProgress: (d) => onProgress?.({ phase: 'embed', done: Math.min(total, before + d), total, unit: 'items' }),
    })
    chunk.forEach((text, k) => {
      const positions = missing.get(text)!
      positions.forEach((i, n) => {
        vectors[i] = n === 0 ? embedded[k] : embedded[k]!.slice()
      })
      done += positions.length
    })
    await cache.store(embedder.id, embedder.dimension, chunk, embedded)
    await cache.flush()
  }
  onProgress?.({ phase: 'embed', done: total, total, unit: 'items' })
  return { vectors: vectors as Float32Array[], hits, misses: total - hits }
}
