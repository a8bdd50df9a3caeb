import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, type Embedder, type ProgressEvent, sha256 } from '../core/index.ts'
import { cacheFileName, createEmbeddingCache, embedWithCache } from './cache.ts'

/** A deterministic encoder that counts what it is asked to embed. */
function countingEmbedder(id: string, dimension = 8): Embedder & { embedded: string[] } {
  const embedded: string[] = []
  return {
    id,
    dimension,
    embedded,
    embed: async (texts, options) => {
      embedded.push(...texts)
      const out = texts.map((text) => {
        const digest = Buffer.from(sha256(`${id}|${text}`), 'hex')
        const v = Float32Array.from({ length: dimension }, (_, i) => digest[i % digest.length]! - 128)
        const n = Math.hypot(...v)
        return v.map((x) => x / n)
      })
      options?.onProgress?.(texts.length, texts.length)
      return out
    },
    close: async () => {},
  }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'concierge-embed-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('embedWithCache', () => {
  it('embeds only what the cache lacks, across cache instances', async () => {
    const texts = ['alpha', 'beta', 'gamma', 'beta']
    const first = countingEmbedder('enc-a')
    const cache1 = await createEmbeddingCache(dir)
    const run1 = await embedWithCache(first, texts, cache1)
    await cache1.close()
    expect(run1).toMatchObject({ hits: 0, misses: 4 })
    expect(first.embedded).toEqual(['alpha', 'beta', 'gamma'])
    expect(run1.vectors[1]).toEqual(run1.vectors[3])

    const second = countingEmbedder('enc-a')
    const cache2 = await createEmbeddingCache(dir)
    const events: ProgressEvent[] = []
    const run2 = await embedWithCache(second, [...texts, 'delta'], cache2, (e) => events.push(e))
    expect(run2).toMatchObject({ hits: 4, misses: 1 })
    expect(second.embedded).toEqual(['delta'])
    run1.vectors.forEach((v, i) => {
      expect(run2.vectors[i]).toEqual(v)
    })
    expect(events.at(-1)).toMatchObject({ done: 5, total: 5 })
    await cache2.close()
  })

  it('re-embeds a text whose content changed', async () => {
    const cache = await createEmbeddingCache(dir)
    const embedder = countingEmbedder('enc-a')
    await embedWithCache(embedder, ['Heat (1995). A heist thriller.'], cache)
    const changed = await embedWithCache(embedder, ['Heat (1995). A heist thriller in Los Angeles.'], cache)
    expect(changed).toMatchObject({ hits: 0, misses: 1 })
    expect(embedder.embedded).toHaveLength(2)
  })

  it('keeps encoders apart', async () => {
    const cache = await createEmbeddingCache(dir)
    const a = countingEmbedder('use-lite@1')
    const b = countingEmbedder('transformers:Xenova/all-MiniLM-L6-v2')
    const fromA = await embedWithCache(a, ['same text'], cache)
    const fromB = await embedWithCache(b, ['same text'], cache)
    expect(fromB).toMatchObject({ hits: 0, misses: 1 })
    expect(fromB.vectors[0]).not.toEqual(fromA.vectors[0])
    await cache.close()
    expect((await readdir(dir)).sort()).toEqual([cacheFileName(a.id), cacheFileName(b.id)].sort())
  })

  it('drops vectors of another dimension under the same encoder id', async () => {
    const cache = await createEmbeddingCache(dir)
    await embedWithCache(countingEmbedder('enc', 8), ['x'], cache)
    const wider = await embedWithCache(countingEmbedder('enc', 16), ['x'], cache)
    expect(wider).toMatchObject({ hits: 0, misses: 1 })
    expect(wider.vectors[0]).toHaveLength(16)
  })
})

describe('createEmbeddingCache', () => {
  it('discards a damaged file with a warning and keeps working', async () => {
    const cache1 = await createEmbeddingCache(dir)
    await embedWithCache(countingEmbedder('enc'), ['one', 'two'], cache1)
    await cache1.close()
    const file = join(dir, cacheFileName('enc'))
    const bytes = await readFile(file)
    bytes[bytes.length - 40] = (bytes[bytes.length - 40]! + 1) % 256
    await writeFile(file, bytes)

    const warnings: string[] = []
    const logger = createLogger({ level: 'warn', format: 'json', write: (line) => warnings.push(line) })
    const cache2 = await createEmbeddingCache(dir, { logger })
    const embedder = countingEmbedder('enc')
    const run = await embedWithCache(embedder, ['one', 'two'], cache2)
    expect(run).toMatchObject({ hits: 0, misses: 2 })
    expect(warnings.join('\n')).toContain('damaged')
    await cache2.close()

    const cache3 = await createEmbeddingCache(dir)
    expect(await cache3.size('enc', 8)).toBe(2)
  })

  it('treats a truncated file as damaged', async () => {
    const cache1 = await createEmbeddingCache(dir)
    await embedWithCache(countingEmbedder('enc'), ['one'], cache1)
    await cache1.close()
    const file = join(dir, cacheFileName('enc'))
    await writeFile(file, (await readFile(file)).subarray(0, 20))
    const cache2 = await createEmbeddingCache(dir, { logger: createLogger({ level: 'silent' }) })
    expect(await cache2.size('enc', 8)).toBe(0)
  })

  it('rejects vectors of the wrong length', async () => {
    const cache = await createEmbeddingCache(dir)
    await expect(cache.store('enc', 4, ['a'], [new Float32Array(3)])).rejects.toMatchObject({ code: 'input.invalid' })
  })

  it('refuses use after close', async () => {
    const cache = await createEmbeddingCache(dir)
    await cache.close()
    await cache.close()
    await expect(cache.lookup('enc', 8, ['a'])).rejects.toMatchObject({ code: 'embed.unavailable' })
  })

  it('round-trips many vectors exactly', async () => {
    const cache1 = await createEmbeddingCache(dir)
    const texts = Array.from({ length: 500 }, (_, i) => `item ${i}`)
    const vectors = texts.map((_, i) => Float32Array.from({ length: 64 }, (_, j) => Math.sin(i * 64 + j)))
    await cache1.store('enc', 64, texts, vectors)
    await cache1.close()
    const cache2 = await createEmbeddingCache(dir)
    const back = await cache2.lookup('enc', 64, texts)
    back.forEach((v, i) => {
      expect(v).toEqual(vectors[i])
    })
  })
})
