import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataSources } from '../../test/support/data.ts'
import { createLogger, dot, type Embedder, norm, silentLogger } from '../core/index.ts'
import { createUseEmbedder } from './use-embedder.ts'
import { USE_DIMENSION, USE_ID } from './use-model.ts'
import { createUseWorkerPool } from './worker-pool.ts'

const godfather =
  'The Godfather (1972). Spanning the years 1945 to 1955, a chronicle of the fictional Italian-American Corleone crime family. ' +
  'When organized crime family patriarch, Vito Corleone barely survives an attempt on his life, his youngest son, Michael steps in ' +
  'to take care of the would-be killers, launching a campaign of bloody revenge.'
const toyStory =
  "Toy Story (1995). Led by Woody, Andy's toys live happily in his room until Andy's birthday brings Buzz Lightyear onto the scene. " +
  "Afraid of losing his place in Andy's heart, Woody plots against Buzz."

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('createUseEmbedder', () => {
  let embedder: Embedder
  beforeAll(async () => {
    embedder = await createUseEmbedder({ batchSize: 16, workers: 2, logger: silentLogger, bulkAbove: 16 })
  })
  afterAll(async () => {
    await embedder?.close()
  })

  it('returns one 512-d unit vector per text, in order', async () => {
    expect(embedder.id).toBe(USE_ID)
    expect(embedder.dimension).toBe(USE_DIMENSION)
    const vectors = await embedder.embed(['a quiet drama', '', 'space opera with robots and a long title about stars'])
    expect(vectors).toHaveLength(3)
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array)
      expect(v).toHaveLength(512)
      expect(norm(v)).toBeCloseTo(1, 5)
    }
    expect(await embedder.embed([])).toEqual([])
  })

  it('gives identical vectors for the same text and near-identical ones in or out of a batch', async () => {
    const text = 'a heist movie with a clever twist'
    const [a, twin] = await embedder.embed([text, text, 'filler'])
    const [b] = await embedder.embed([text, 'other filler'])
    expect(twin).toEqual(a)
    expect(maxAbsDiff(b!, a!)).toBeLessThan(1e-4)
    const [alone] = await embedder.embed([text])
    expect(maxAbsDiff(alone!, a!)).toBeLessThan(1e-4)
    const batch = await embedder.embed(['short', text, godfather])
    expect(maxAbsDiff(batch[1]!, a!)).toBeLessThan(1e-4)
    expect(dot(batch[0]!, batch[1]!)).toBeLessThan(0.95)
  })

  it('serves a repeated single text from its recent-query memory without sharing the array', async () => {
    const [first] = await embedder.embed(['repeat me'])
    first!.fill(0)
    const [second] = await embedder.embed(['repeat me'])
    expect(norm(second!)).toBeCloseTo(1, 5)
  })

  it('ranks The Godfather above Toy Story for a mob saga', async () => {
    const [query, gf, ts] = await embedder.embed(['a mob family crime saga', godfather, toyStory])
    expect(dot(query!, gf!)).toBeGreaterThan(dot(query!, ts!) + 0.05)
    const [kids] = await embedder.embed(['an animated film about toys for kids'])
    expect(dot(kids!, ts!)).toBeGreaterThan(dot(kids!, gf!) + 0.05)
  })

  it('rejects input that is not a list of strings', async () => {
    await expect(embedder.embed(['ok', 42 as unknown as string])).rejects.toMatchObject({ code: 'input.invalid' })
  })

  describe.each(dataSources())('on item texts ($name data)', ({ dir }) => {
    it('gives the same vectors from the worker pool as from the main thread, also for concurrent calls', async () => {
      const texts = readOverviews(join(dir, 'tmdb', 'ml-latest-small_movies_with_overview.csv'), 20)
      // At most 16 texts per call stay on the main thread (bulkAbove: 16).
      const main = [...(await embedder.embed(texts.slice(0, 10))), ...(await embedder.embed(texts.slice(10)))]
      const progress: number[] = []
      const reversed = [...texts].reverse()
      const [pooled, pooledReversed] = await Promise.all([
        embedder.embed(texts, { onProgress: (done) => progress.push(done) }),
        embedder.embed(reversed),
      ])
      expect(pooled).toHaveLength(texts.length)
      pooled.forEach((v, i) => {
        expect(maxAbsDiff(v, main[i]!)).toBeLessThan(1e-4)
        expect(maxAbsDiff(pooledReversed[texts.length - 1 - i]!, main[i]!)).toBeLessThan(1e-4)
      })
      expect(progress.at(-1)).toBe(texts.length)
    })

    it('gives the same vectors when the workers tokenise a bulk call themselves (a server’s live items)', async () => {
      const texts = readOverviews(join(dir, 'tmdb', 'ml-latest-small_movies_with_overview.csv'), 40)
      const warnings: string[] = []
      const logger = createLogger({ level: 'warn', format: 'json', write: (line) => warnings.push(line) })
      const serving = await createUseEmbedder({
        batchSize: 8,
        workers: 1,
        logger,
        bulkAbove: 16,
        tokenizeInWorkers: true,
      })
      try {
        const progress: number[] = []
        const [inWorkers, here] = await Promise.all([
          serving.embed(texts, { onProgress: (done) => progress.push(done) }),
          embedder.embed(texts.slice(0, 16)),
        ])
        expect(inWorkers).toHaveLength(texts.length)
        here.forEach((v, i) => {
          expect(maxAbsDiff(inWorkers[i]!, v)).toBeLessThan(1e-4)
        })
        expect(maxAbsDiff(inWorkers[39]!, inWorkers[0]!)).toBeGreaterThan(0.01)
        expect(progress.at(-1)).toBe(texts.length)
        // Not by the fallback: the workers answered.
        expect(warnings).toEqual([])
      } finally {
        await serving.close()
      }
    })
  })
})

describe('USE-lite start-up failures', () => {
  it('fails with embed.unavailable when the model files are missing', async () => {
    const missing = join(tmpdir(), 'concierge-no-such-use-model')
    await expect(createUseEmbedder({ batchSize: 8, workers: 1, logger: silentLogger, modelDir: missing })).rejects.toMatchObject({
      code: 'embed.unavailable',
    })
  })

  it('reports a worker that cannot load the model as embed.unavailable', async () => {
    const missing = join(tmpdir(), 'concierge-no-such-use-model')
    await expect(createUseWorkerPool({ size: 1, dir: missing, logger: silentLogger })).rejects.toMatchObject({
      code: 'embed.unavailable',
    })
  })
})

/** "Title. Overview" for the first `limit` movies with an overview (tiny CSV reader for quoted fields). */
function readOverviews(path: string, limit: number): string[] {
  const text = readFileSync(path, 'utf8')
  const out: string[] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length && out.length < limit; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n') {
      row.push(field)
      if (row[0] !== 'movieId' && row[5]) out.push(`${row[1]}. ${row[5]}`)
      row = []
      field = ''
    } else if (c !== '\r') field += c
  }
  return out
}
