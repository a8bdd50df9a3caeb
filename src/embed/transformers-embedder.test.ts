import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedModelsDir } from '../../test/support/data.ts'
import { type TinyOnnxModel, writeTinyTransformersModel } from '../../test/support/onnx-model.ts'
import { createLogger, dot, type Embedder, norm, normalize, silentLogger } from '../core/index.ts'
import { createEmbedder, createEmbedderFromId, type EmbedConfig } from './create.ts'
import { createTransformersEmbedder } from './transformers-embedder.ts'
import { USE_ID } from './use-model.ts'

// A closed local port: any Hub probe fails at once and nothing leaves the machine.
const offlineHub = 'http://127.0.0.1:9/'

// The tokenizer the tests write always; the real MiniLM one too when ../shared/models holds it.
const tokenizers = sharedModelsDir() ? (['tiny', 'minilm'] as const) : (['tiny'] as const)

describe.each(tokenizers)('transformers.js encoder (tiny ONNX model + %s tokenizer)', (tokenizer) => {
  let root: string
  let folder: string
  let tiny: TinyOnnxModel
  let embedder: Embedder
  const config = (over: Partial<EmbedConfig> = {}): EmbedConfig => ({
    encoder: 'transformers',
    transformersModel: folder,
    cacheDir: join(root, 'hub'),
    batchSize: 4,
    serveWorkers: 0,
    liveWorkers: 0,
    liveWarm: false,
    workers: 1,
    ...over,
  })

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'concierge-embed-tf-'))
    folder = join(root, 'tiny-model')
    tiny = await writeTinyTransformersModel(folder, { tokenizer })
    embedder = await createTransformersEmbedder({
      model: folder,
      cacheDir: join(root, 'hub'),
      batchSize: 4,
      allowRemote: false,
      logger: silentLogger,
    })
  })
  afterAll(async () => {
    await embedder?.close()
    await rm(root, { recursive: true, force: true })
  })

  it('returns unit vectors of the model width, one per text, in order', async () => {
    expect(embedder.id).toBe(`transformers:${folder}`)
    expect(embedder.dimension).toBe(tiny.dimension)
    const texts = ['one', 'two words', 'a somewhat longer third text', 'four', 'five is here', 'six']
    const vectors = await embedder.embed(texts)
    expect(vectors).toHaveLength(texts.length)
    for (const v of vectors) {
      expect(v).toHaveLength(tiny.dimension)
      expect(norm(v)).toBeCloseTo(1, 5)
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) expect(dot(vectors[i]!, vectors[j]!)).toBeLessThan(0.999)
    }
  })

  it('mean-pools the token vectors the tokenizer picks (checked against the weights)', async () => {
    const text = 'A cowboy doll is threatened by a spaceman.'
    const tokenizer = await AutoTokenizer.from_pretrained(folder, { local_files_only: true })
    const ids = tokenizer.encode(text)
    const sum = new Float32Array(tiny.dimension)
    for (const id of ids) {
      for (let d = 0; d < tiny.dimension; d++) sum[d]! += tiny.words[id * tiny.dimension + d]! + tiny.types[d]!
    }
    const [vector] = await embedder.embed([text])
    const expected = normalize(sum)
    for (let d = 0; d < tiny.dimension; d++) expect(vector![d]).toBeCloseTo(expected[d]!, 5)
  })

  it('is deterministic and independent of batch padding', async () => {
    const [alone] = await embedder.embed(['padding must not matter'])
    const [again] = await embedder.embed(['padding must not matter'])
    expect(again).toEqual(alone)
    const batch = await embedder.embed(['x', 'padding must not matter', 'a much longer neighbour text that forces padding'])
    for (let d = 0; d < tiny.dimension; d++) expect(batch[1]![d]).toBeCloseTo(alone![d]!, 5)
  })

  it('loads a local folder through createEmbedder and createEmbedderFromId', async () => {
    const viaConfig = await createEmbedder(config(), { logger: silentLogger, hubHost: offlineHub })
    const viaId = await createEmbedderFromId(viaConfig.id, config({ encoder: 'auto' }), {
      logger: silentLogger,
      hubHost: offlineHub,
    })
    const [a] = await viaConfig.embed(['same encoder'])
    const [b] = await viaId.embed(['same encoder'])
    expect(viaId.id).toBe(viaConfig.id)
    expect(b).toEqual(a)
    await viaConfig.close()
    await viaId.close()
    await viaId.close()
  })

  it('loads a Hub id from the cache folder without the network', async () => {
    await cp(folder, join(root, 'hub', 'test-org', 'tiny-model'), { recursive: true })
    const cached = await createEmbedder(config({ transformersModel: 'test-org/tiny-model' }), {
      logger: silentLogger,
      hubHost: offlineHub,
    })
    expect(cached.id).toBe('transformers:test-org/tiny-model')
    const [v] = await cached.embed(['from the cache'])
    const [w] = await embedder.embed(['from the cache'])
    expect(v).toEqual(w)
    await cached.close()
  })

  it('fails with embed.unavailable when the model is neither cached nor downloadable', async () => {
    await expect(
      createEmbedder(config({ transformersModel: 'test-org/not-here' }), { logger: silentLogger, hubHost: offlineHub }),
    ).rejects.toMatchObject({ code: 'embed.unavailable' })
    await expect(createEmbedderFromId('word2vec@3', config(), { logger: silentLogger })).rejects.toMatchObject({
      code: 'embed.unavailable',
    })
  })

  it('falls back to the Universal Sentence Encoder in auto mode, with a warning', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'warn', format: 'json', write: (line) => lines.push(line) })
    const fallback = await createEmbedder(config({ encoder: 'auto', transformersModel: 'test-org/not-here' }), {
      logger,
      hubHost: offlineHub,
    })
    expect(fallback.id).toBe(USE_ID)
    expect(lines.some((line) => JSON.parse(line).level === 'warn')).toBe(true)
    await fallback.close()
  })
})
