/**
 * The HTTP API under load: 50 concurrent conversations (5 turns each, then a new one) for BENCH_HTTP_SECONDS
 * (default 60) with autocannon on loopback: errors, turn latency p50/p99, throughput. Then a memory soak at 10
 * conversations for BENCH_SOAK_SECONDS (default 600; 0 skips): RSS at start and end, and its slope.
 * Runs against the real runtime when indexes/current exists, and always against the fake chat (transport only).
 * Server and load generator share this process (2 cores): read absolute numbers as a floor.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/core/index.ts'
import { createWidgetApp, type HttpServer, startHttpServer, type WidgetBackend } from '../src/widget/index.ts'
import { createFakeChat } from '../test/support/fake-chat.ts'
import { type BenchTable, repoRoot, runIfMain } from './support.ts'

interface Histogram {
  p50: number
  p99: number
  average: number
  max: number
}
interface AutocannonResult {
  latency: Histogram
  requests: Histogram & { total?: number }
  errors: number
  timeouts: number
  non2xx: number
  duration: number
  statusCodeStats: Record<string, { count: number }>
}
type Request = { method: string; path: string; headers: Record<string, string>; body: string }
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 60)
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600)
const CONVERSATION = [
  'something funny from the 90s',
  'more like the first one',
  'a dark thriller instead',
  'no horror please',
  'something lighter for a family evening',
]

function conversationRequests(): Record<string, unknown>[] {
  return CONVERSATION.map((text, turn) => ({
    method: 'POST',
    setupRequest: (req: Request, context: { conv?: string }) => {
      if (turn === 0 || !context.conv) context.conv = randomUUID()
      return { ...req, path: `/v1/conversations/${context.conv}/messages`, body: JSON.stringify({ text, userId: context.conv }) }
    },
  }))
}

async function load(url: string, connections: number, seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
    requests: conversationRequests(),
  })
}

async function serve(backend: WidgetBackend): Promise<HttpServer> {
  // Rate limits off for the bench: all load comes from one IP and one key.
  const config = loadConfig({ CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000000' }, { cwd: repoRoot }).server
  const app = await createWidgetApp(config, { backend: () => backend, logger: createLogger({ level: 'warn' }) })
  return startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger: createLogger({ level: 'warn' }) })
}

function loadRow(name: string, r: AutocannonResult): (string | number)[] {
  const total = Object.values(r.statusCodeStats ?? {}).reduce((s, v) => s + Number(v.count), 0)
  return [name, total, r.errors + r.timeouts + r.non2xx, r.latency.p50, r.latency.p99, r.latency.max, total / r.duration]
}

/** RSS every few seconds while `work` runs; returns MB at start, end, max and the least-squares slope (MB/min). */
async function soak(url: string, seconds: number) {
  const samples: { t: number; mb: number }[] = []
  const t0 = performance.now()
  const sample = () => samples.push({ t: (performance.now() - t0) / 60_000, mb: process.memoryUsage.rss() / 2 ** 20 })
  sample()
  const timer = setInterval(sample, Math.max(1000, (seconds * 1000) / 120))
  const result = await load(url, 10, seconds)
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
  const columns = ['target', 'turns', 'errors', 'p50 ms', 'p99 ms', 'max ms', 'turns/s']
  const loadTable: BenchTable = {
    title: `HTTP API: 50 concurrent conversations for ${SECONDS} s (autocannon, loopback, JSON turns)`,
    columns,
    rows: [],
    notes: ['errors = connection errors + timeouts + non-2xx', 'server and load generator share one process on the bench host'],
  }
  const soakTable: BenchTable = {
    title: `Memory soak: 10 concurrent conversations for ${SOAK_SECONDS} s`,
    columns: ['target', 'turns', 'errors', 'RSS start MB', 'RSS end MB', 'RSS max MB', 'slope MB/min', 'steady slope MB/min'],
    rows: [],
    notes: ['slope: least squares over all samples; steady: over the last two thirds'],
  }

  const fake = await serve({ chat: createFakeChat(), buildId: 'fake', itemCount: 10 })
  try {
    await load(fake.url, 10, 2)
    loadTable.rows.push(loadRow('fake chat (transport only)', await load(fake.url, 50, SECONDS)))
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
    await load(server.url, 10, 5)
    const name = `runtime ${runtime.buildId} (${runtime.itemCount} items)`
    loadTable.rows.push(loadRow(name, await load(server.url, 50, SECONDS)))
    if (SOAK_SECONDS > 0) {
      const s = await soak(server.url, SOAK_SECONDS)
      const r = loadRow(name, s.result)
      soakTable.rows.push([name, r[1] as number, r[2] as number, s.start, s.end, s.max, s.slope, s.steadySlope])
    } else {
      soakTable.notes?.push('skipped: BENCH_SOAK_SECONDS=0')
    }
  } finally {
    await server.close()
    await runtime.close()
  }
  return [loadTable, soakTable]
}

await runIfMain(import.meta.url, run)
