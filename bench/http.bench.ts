/**
 * The HTTP API under load, with a load generator in a worker thread (bench/load-worker.mjs) on loopback:
 * - 50 concurrent conversations for BENCH_HTTP_SECONDS (default 60): people who read each reply and think for
 *   BENCH_THINK_MS (default 3000, ±50%) before the next turn, five turns per conversation, wording varied per
 *   conversation. This is the target row (zero errors, p99 ≤ 300 ms).
 * - the same 50 conversations with no think time: the saturation throughput (latency there is queueing).
 * - a memory soak at 10 conversations without think time for BENCH_SOAK_SECONDS (default 600; 0 skips): RSS at
 *   start and end, and its slope.
 * Runs against the real runtime when indexes/current exists, and always against the fake chat (transport only).
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { createWidgetApp, type HttpServer, startHttpServer, type WidgetBackend } from '../src/widget/index.ts'
import { createFakeChat } from '../test/support/fake-chat.ts'
import { createSchemas, postgresUnavailable } from '../test/support/postgres.ts'
import { dropRedisPrefix, redisUnavailable, TEST_REDIS_URL } from '../test/support/redis.ts'
import { type Replica, startReplica } from '../test/support/replicas.ts'
import { type BenchTable, benchDir, type LoadResult, repoRoot, runIfMain } from './support.ts'

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 60)
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 3000)
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600)
let runs = 0

/** Load on `url`, or spread turn by turn over several replicas' urls. */
function load(url: string | string[], conversations: number, seconds: number, thinkMs: number): Promise<LoadResult> {
  const urls = Array.isArray(url) ? url : [url]
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(benchDir, 'load-worker.mjs'), {
      workerData: { url: urls[0], urls, conversations, seconds, thinkMs, key: 'demo', seed: ++runs },
    })
    worker.once('message', (result: LoadResult) => resolve(result))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`))
    })
  })
}

async function serve(backend: WidgetBackend): Promise<HttpServer> {
  // Rate limits off for the bench: all load comes from one IP and one key.
  const config = loadConfig({ CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000000' }, { cwd: repoRoot }).server
  const app = await createWidgetApp(config, { backend: () => backend, logger: createLogger({ level: 'warn' }) })
  return startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger: createLogger({ level: 'warn' }) })
}

function loadRow(name: string, load: string, r: LoadResult): (string | number)[] {
  return [name, load, r.turns, r.errors, r.p50, r.p99, r.max, r.turns / r.seconds]
}

/** RSS every few seconds while `work` runs; returns MB at start, end, max and the least-squares slope (MB/min). */
async function soak(url: string, seconds: number) {
  const samples: { t: number; mb: number }[] = []
  const t0 = performance.now()
  const sample = () => samples.push({ t: (performance.now() - t0) / 60_000, mb: process.memoryUsage.rss() / 2 ** 20 })
  sample()
  const timer = setInterval(sample, Math.max(1000, (seconds * 1000) / 120))
  const result = await load(url, 10, seconds, 0)
  clearInterval(timer)
  sample()
  const n = samples.length
  const mt = samples.reduce((s, p) => s + p.t, 0) / n
  const mm = samples.reduce((s, p) => s + p.mb, 0) / n
  const cov = samples.reduce((s, p) => s + (p.t - mt) * (p.mb - mm), 0)
  const varT = samples.reduce((s, p) => s + (p.t - mt) ** 2, 0)
  // Skip the warm-up third for the slope of the steady state.
  const steady = samples.slice(Math.floor(n / 3))
  const st = steady.reduce((s, p) => s + p.t, 0) / steady.length
  const sm = steady.reduce((s, p) => s + p.mb, 0) / steady.length
  const sCov = steady.reduce((s, p) => s + (p.t - st) * (p.mb - sm), 0)
  const sVar = steady.reduce((s, p) => s + (p.t - st) ** 2, 0)
  return {
    result,
    start: samples[0]?.mb ?? 0,
    end: samples.at(-1)?.mb ?? 0,
    max: Math.max(...samples.map((s) => s.mb)),
    slope: varT > 0 ? cov / varT : 0,
    steadySlope: sVar > 0 ? sCov / sVar : 0,
  }
}

export async function run(): Promise<BenchTable[]> {
  const columns = ['target', 'load', 'turns', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'turns/s']
  const thinking = `50 conversations, think ${THINK_MS / 1000} s`
  const saturating = '50 conversations, no think time'
  const loadTable: BenchTable = {
    title: `HTTP API under load for ${SECONDS} s (loopback, JSON turns, load generator in a worker thread)`,
    columns,
    rows: [],
    notes: [
      'errors = failed requests and non-200 answers; latency is per turn, measured by the client',
      `target (issue 5): zero errors and p99 ≤ 300 ms for "${thinking}"; the no-think rows show capacity, where latency is queueing`,
    ],
  }
  const soakTable: BenchTable = {
    title: `Memory soak: 10 conversations without think time for ${SOAK_SECONDS} s`,
    columns: ['target', 'turns', 'errors', 'RSS start MB', 'RSS end MB', 'RSS max MB', 'slope MB/min', 'steady slope MB/min'],
    rows: [],
    notes: ['slope: least squares over all samples; steady: over the last two thirds'],
  }

  const fake = await serve({ chat: createFakeChat(), buildId: 'fake', itemCount: 10 })
  try {
    await load(fake.url, 10, 2, 0)
    loadTable.rows.push(loadRow('fake chat (transport only)', saturating, await load(fake.url, 50, SECONDS, 0)))
  } finally {
    await fake.close()
  }

  const config = loadConfig(process.env, { cwd: repoRoot })
  if (!existsSync(join(config.indexesDir, 'current'))) {
    loadTable.notes?.push(`real runtime: skipped (no build in ${config.indexesDir}; run \`concierge rebuild\`)`)
    soakTable.notes?.push('real runtime: skipped (no build)')
    return [loadTable, soakTable]
  }
  // Loaded only when there is a build to serve: the runtime pulls in the encoder, index and TF.js.
  const { createRuntime } = await import('../src/runtime.ts')
  const runtime = await createRuntime(config, { logger: createLogger({ level: 'warn' }) })
  const server = await serve(runtime)
  try {
    await load(server.url, 10, 5, 0)
    const name = `runtime (${runtime.itemCount} items)`
    loadTable.rows.push(loadRow(name, thinking, await load(server.url, 50, SECONDS, THINK_MS)))
    loadTable.rows.push(loadRow(name, saturating, await load(server.url, 50, Math.min(SECONDS, 30), 0)))
    if (SOAK_SECONDS > 0) {
      const s = await soak(server.url, SOAK_SECONDS)
      soakTable.rows.push([name, s.result.turns, s.result.errors, s.start, s.end, s.max, s.slope, s.steadySlope])
    } else {
      soakTable.notes?.push('skipped: BENCH_SOAK_SECONDS=0')
    }
  } finally {
    await server.close()
    await runtime.close()
  }
  await replicaRows(loadTable, thinking, saturating)
  return [loadTable, soakTable]
}

/** SIGTERM (the graceful shutdown), resolved once the process has exited. */
function stopReplica(replica: Replica): Promise<void> {
  if (replica.process.exitCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => replica.process.once('exit', () => resolve()))
  replica.process.kill('SIGTERM')
  return exited
}

/**
 * One and two `concierge serve` processes on the same machine sharing PostgreSQL (a fresh schema) and Redis (a
 * prefix of this run's own), the load spread over them turn by turn. Skipped with a note when either is missing.
 */
async function replicaRows(table: BenchTable, thinking: string, saturating: string): Promise<void> {
  const missing = (await postgresUnavailable()) ?? (await redisUnavailable())
  if (missing) {
    table.notes?.push(`replicas: skipped (${missing})`)
    return
  }
  const schemas = createSchemas()
  const prefix = `concierge-bench:${randomUUID()}:`
  for (const count of [1, 2]) {
    const env = {
      CONCIERGE_STORE_URL: await schemas.fresh(),
      CONCIERGE_REDIS_URL: TEST_REDIS_URL,
      CONCIERGE_REDIS_PREFIX: prefix,
      CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000000',
      CONCIERGE_LOG_LEVEL: 'warn',
    }
    const replicas: Replica[] = []
    try {
      for (let i = 0; i < count; i++) replicas.push(await startReplica(env, 300_000))
      const urls = replicas.map((r) => r.url)
      await load(urls, 10, 5, 0)
      const name = `${count} serve process${count > 1 ? 'es' : ''} (PostgreSQL + Redis)`
      table.rows.push(loadRow(name, thinking, await load(urls, 50, SECONDS, THINK_MS)))
      table.rows.push(loadRow(name, saturating, await load(urls, 50, Math.min(SECONDS, 30), 0)))
    } finally {
      await Promise.all(replicas.map(stopReplica))
    }
  }
  await schemas.drop()
  await dropRedisPrefix(prefix)
  table.notes?.push('serve processes: the same machine and cores; turns alternate between replicas (no sticky sessions)')
}

await runIfMain(import.meta.url, run)
