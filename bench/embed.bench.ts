import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../src/core/index.ts'
import { lengthSortedBatches } from '../src/embed/batching.ts'
import { createEmbeddingCache, createTransformersEmbedder, createUseEmbedder } from '../src/embed/index.ts'
import { loadUseModel, packTokens, USE_MAX_TOKENS } from '../src/embed/use-model.ts'
import { dataDir } from '../test/support/data.ts'
import { writeTinyTransformersModel } from '../test/support/onnx-model.ts'
import { type BenchTable, percentile, runIfMain } from './support.ts'

const ITEMS = 600
const UTTERANCES = [
  'something funny for tonight',
  'a mob family crime saga',
  'like Alien but less gory',
  'feel-good movie with friends',
  'no horror please',
  'a slow, beautiful drama',
  'mind-bending sci-fi',
  'animated film for my kids',
]

/** USE-lite throughput (main thread, worker pool, batching variants), utterance latency, transformers.js and cache speed. */
export async function run(): Promise<BenchTable[]> {
  const texts = itemTexts(ITEMS)
  const tables: BenchTable[] = []
  const workers = availableParallelism()

  const throughput: (string | number)[][] = []
  const single = await createUseEmbedder({ batchSize: 32, workers: 1, logger: silentLogger, bulkAbove: Number.POSITIVE_INFINITY })
  await single.embed(texts.slice(0, 32))
  throughput.push(['main thread, sorted batches of 32', ...(await measure(() => single.embed(texts), texts.length))])

  const latencies: number[] = []
  for (let i = 0; i < 20; i++) await single.embed([UTTERANCES[i % UTTERANCES.length]!])
  for (let i = 0; i < 200; i++) {
    const start = performance.now()
    await single.embed([`${UTTERANCES[i % UTTERANCES.length]} ${i}`])
    latencies.push(performance.now() - start)
  }
  await single.close()

  const pooled = await createUseEmbedder({ batchSize: 32, workers: 0, logger: silentLogger })
  await pooled.embed(texts.slice(0, 100))
  throughput.push([
    `worker pool (${workers} workers), sorted batches of 32`,
    ...(await measure(() => pooled.embed(texts), texts.length)),
  ])
  await pooled.close()
  tables.push({
    title: `USE-lite throughput on ${texts.length} ml-latest-small item texts (title + overview, mean ${meanChars(texts)} chars)`,
    columns: ['mode', 'items', 'wall s', 'items/s', 'CPU ms/item'],
    rows: throughput,
    notes: ['CPU ms/item counts all threads of the process; on a shared machine wall-clock items/s drops, CPU ms/item does not.'],
  })

  tables.push({
    title: 'USE-lite short utterance latency (main thread, one text per call)',
    columns: ['calls', 'p50 ms', 'p90 ms', 'p99 ms'],
    rows: [[latencies.length, percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99)]],
  })

  tables.push(await batchingTable(texts.slice(0, 192)))
  tables.push(await transformersTable(texts))
  tables.push(await cacheTable())
  return tables
}

/** Padding strategies on the main thread: file order vs length-sorted, several batch sizes. */
async function batchingTable(texts: string[]): Promise<BenchTable> {
  const model = await loadUseModel()
  const tokens = texts.map((t) => model.tokenizer.encode(t).slice(0, USE_MAX_TOKENS))
  await model.embedTokens(packTokens(tokens.slice(0, 16)))
  const rows: (string | number)[][] = []
  for (const [label, size, sorted] of [
    ['file order', 32, false],
    ['length-sorted', 8, true],
    ['length-sorted', 32, true],
    ['length-sorted', 64, true],
  ] as const) {
    const plan = sorted
      ? lengthSortedBatches(
          tokens.map((t) => t.length),
          size,
          Number.POSITIVE_INFINITY,
        )
      : chunk(
          tokens.map((_, i) => i),
          size,
        )
    const padded = plan.reduce((s, b) => s + b.length * Math.max(...b.map((i) => tokens[i]!.length)), 0)
    const real = tokens.reduce((s, t) => s + t.length, 0)
    const [, wall, perSecond, cpu] = await measure(async () => {
      for (const batch of plan) await model.embedTokens(packTokens(batch.map((i) => tokens[i]!)))
    }, texts.length)
    rows.push([label, size, Math.round((100 * (padded - real)) / padded), wall, perSecond, cpu])
  }
  model.dispose()
  return {
    title: `USE-lite batching on ${texts.length} item texts (main thread)`,
    columns: ['order', 'batch', 'padding %', 'wall s', 'items/s', 'CPU ms/item'],
    rows,
  }
}

async function transformersTable(texts: string[]): Promise<BenchTable> {
  const root = await mkdtemp(join(tmpdir(), 'concierge-bench-embed-'))
  try {
    const folder = join(root, 'tiny-model')
    await writeTinyTransformersModel(folder, { tokenizer: 'minilm' })
    const embedder = await createTransformersEmbedder({
      model: folder,
      cacheDir: join(root, 'hub'),
      batchSize: 32,
      allowRemote: false,
      logger: silentLogger,
    })
    await embedder.embed(texts.slice(0, 32))
    const row = await measure(() => embedder.embed(texts), texts.length)
    await embedder.close()
    return {
      title: 'transformers.js throughput (tiny test ONNX model + real MiniLM tokenizer; measures tokenizer + pipeline overhead)',
      columns: ['model', 'items', 'wall s', 'items/s', 'CPU ms/item'],
      rows: [['tiny gather model, 32-d', ...row]],
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

async function cacheTable(): Promise<BenchTable> {
  const root = await mkdtemp(join(tmpdir(), 'concierge-bench-cache-'))
  try {
    const n = 10_000
    const dim = 512
    const texts = Array.from({ length: n }, (_, i) => `item text number ${i}`)
    const vectors = texts.map((_, i) => Float32Array.from({ length: dim }, (_, j) => Math.sin(i + j)))
    const writer = await createEmbeddingCache(root)
    await writer.store('use-lite@1', dim, texts, vectors)
    let start = performance.now()
    await writer.close()
    const writeMs = performance.now() - start
    start = performance.now()
    const reader = await createEmbeddingCache(root)
    const found = await reader.lookup('use-lite@1', dim, texts)
    const loadMs = performance.now() - start
    if (found.some((v) => !v)) throw new Error('cache lost vectors')
    return {
      title: `Embedding cache: ${n} × ${dim} float32`,
      columns: ['write ms', 'load + lookup all ms'],
      rows: [[writeMs, loadMs]],
    }
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** [items, wall s, items/s, CPU ms/item] of one run. */
async function measure(fn: () => Promise<unknown>, items: number): Promise<[number, number, number, number]> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await fn()
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  return [items, seconds, items / seconds, (used.user + used.system) / 1000 / items]
}

function chunk<T>(values: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}

function meanChars(texts: string[]): number {
  return Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length)
}

/** "Title. Overview" of the first movies with an overview in the TMDB join of ml-latest-small. */
function itemTexts(limit: number): string[] {
  const dir = dataDir()
  if (!dir) throw new Error('The embed bench needs the data folder (../shared/data or CONCIERGE_DATA_DIR)')
  const text = readFileSync(join(dir, 'tmdb', 'ml-latest-small_movies_with_overview.csv'), 'utf8')
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

await runIfMain(import.meta.url, run)
