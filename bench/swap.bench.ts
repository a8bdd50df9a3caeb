/**
 * Hot swap of the served build: how long `runtime.reload()` takes idle and while 40 conversations chat over
 * HTTP (load generator in a worker thread, bench/load-worker.mjs), and what the conversations saw meanwhile.
 * Swaps between two names of the build in indexes/current (symlinks in a scratch folder), so it needs a build;
 * the served folders are only read. BENCH_SWAP_SECONDS (default 60) per loaded run, BENCH_SWAPS (default 3) per row.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { loadConfig } from '../src/config/index.ts'
import { createLogger, readCurrent, switchCurrent } from '../src/core/index.ts'
import { createWidgetApp, type HttpServer, startHttpServer, type WidgetBackend } from '../src/widget/index.ts'
import { type BenchTable, benchDir, type LoadResult, percentile, repoRoot, runIfMain } from './support.ts'

const SECONDS = Number(process.env.BENCH_SWAP_SECONDS ?? 60)
const SWAPS = Number(process.env.BENCH_SWAPS ?? 3)
const CONVERSATIONS = 40

function startLoad(url: string, thinkMs: number, seed: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(benchDir, 'load-worker.mjs'), {
      workerData: { url, conversations: CONVERSATIONS, seconds: SECONDS, thinkMs, key: 'demo', seed },
    })
    worker.once('message', (result: LoadResult) => resolve(result))
    worker.once('error', reject)
  })
}

async function serve(backend: WidgetBackend): Promise<HttpServer> {
  const config = loadConfig({ CONCIERGE_RATE_LIMIT_PER_MINUTE: '100000000' }, { cwd: repoRoot }).server
  const app = await createWidgetApp(config, { backend: () => backend, logger: createLogger({ level: 'warn' }) })
  return startHttpServer({ listener: app.listener, port: 0, host: '127.0.0.1', logger: createLogger({ level: 'warn' }) })
}

/**
 * Swaps `SWAPS` times, `gapMs` apart, and returns each reload's seconds; a swap that ended after `until` (the load
 * had stopped) is marked with `*`.
 */
async function swapRepeatedly(
  runtime: { reload(): Promise<boolean> },
  indexesDir: string,
  gapMs: number,
  until = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const seconds: string[] = []
  for (let i = 0; i < SWAPS; i++) {
    await new Promise((r) => setTimeout(r, gapMs))
    const next = (await readCurrent(indexesDir)) === 'a' ? 'b' : 'a'
    await switchCurrent(indexesDir, next)
    const t0 = performance.now()
    if (!(await runtime.reload())) throw new Error(`reload to ${next} did not switch`)
    seconds.push(`${Math.round(performance.now() - t0) / 1000}${Date.now() > until ? '*' : ''}`)
  }
  return seconds
}

export async function run(): Promise<BenchTable[]> {
  const base = loadConfig(process.env, { cwd: repoRoot })
  const table: BenchTable = {
    title: `Hot swap: runtime.reload() of the same build under two names, idle and with ${CONVERSATIONS} conversations`,
    columns: ['load', 'swaps', 'reload s (each)', 'max s', 'turns', 'errors', 'turn p50 ms', 'turn p99 ms', 'turn max ms'],
    rows: [],
    notes: ['target (issue 24): a swap under the load of 40 conversations takes at most 5 s'],
  }
  const served = await readCurrent(base.indexesDir)
  if (!served || !existsSync(join(base.indexesDir, served))) {
    table.notes?.push(`skipped: no build in ${base.indexesDir}`)
    return [table]
  }
  const scratch = await mkdtemp(join(tmpdir(), 'concierge-swap-'))
  const indexesDir = join(scratch, 'indexes')
  await mkdir(indexesDir)
  await symlink(join(base.indexesDir, served), join(indexesDir, 'a'))
  await symlink(join(base.indexesDir, served), join(indexesDir, 'b'))
  await switchCurrent(indexesDir, 'a')
  const config = loadConfig(process.env, { cwd: repoRoot, overrides: { indexesDir, 'store.path': join(scratch, 'store.db') } })
  const { createRuntime } = await import('../src/runtime.ts')
  const runtime = await createRuntime(config, {
    logger: createLogger({ level: process.env.BENCH_SWAP_LOG === 'info' ? 'info' : 'warn' }),
  })
  const server = await serve(runtime)
  try {
    const idle = await swapRepeatedly(runtime, indexesDir, 200)
    table.rows.push(['idle', SWAPS, idle.join(' / '), maxOf(idle), 0, 0, '', '', ''])
    for (const [name, thinkMs] of [
      ['40 conversations, think 3 s', 3000],
      ['40 conversations, no think time', 0],
    ] as const) {
      const until = Date.now() + SECONDS * 1000
      const load = startLoad(server.url, thinkMs, SWAPS + table.rows.length)
      // The first swap once every conversation is under way, the next ones 5 s after the previous one ended.
      const swaps = await swapRepeatedly(runtime, indexesDir, 5000, until)
      const r = await load
      table.rows.push([name, SWAPS, swaps.join(' / '), maxOf(swaps), r.turns, r.errors, r.p50, r.p99, r.max])
    }
  } finally {
    await server.close()
    await runtime.close()
    await rm(scratch, { recursive: true, force: true })
  }
  const loaded = table.rows.slice(1).flatMap((r) =>
    String(r[2])
      .split(' / ')
      .filter((s) => !s.endsWith('*')),
  )
  table.notes?.push(
    `median of the swaps under load: ${percentile(loaded.map(Number), 50)} s (* ended after the load stopped: left out)`,
  )
  return [table]
}

await runIfMain(import.meta.url, run)

function maxOf(seconds: readonly string[]): number {
  return Math.max(...seconds.map((s) => Number.parseFloat(s)))
}
