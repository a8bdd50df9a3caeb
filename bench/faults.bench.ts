/**
 * Replays the load and SIGTERM rows of issue 24 against a real server process on loopback (bench/faults-server.ts:
 * the HTTP API over a fake chat whose turns hold the CPU for FAULTS_CPU_MS = 20 ms, as real turns do on the main
 * thread) and prints what was expected and what was observed:
 * - BENCH_FAULTS_CONVERSATIONS (200) people chatting at once for BENCH_FAULTS_SECONDS (20), thinking 3 s (±50%)
 *   between turns: offered ~67 turns/s against ~50/s of capacity, so the cap, the fair queue and shedding all act.
 *   A shed turn (503) is retried after its Retry-After.
 * - SIGTERM 150 ms after 40 turns (every fourth streamed) were sent, with turns that fit the shutdown deadline, and
 *   with turns that outlast it.
 * Bounded: every loop ends with its time budget; the server processes are killed if they outlive the bench.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseEventStream } from '../src/widget/index.ts'
import { type BenchTable, benchDir, percentile, repoRoot, runIfMain } from './support.ts'

const CONVERSATIONS = Number(process.env.BENCH_FAULTS_CONVERSATIONS ?? 200)
const SECONDS = Number(process.env.BENCH_FAULTS_SECONDS ?? 20)
const THINK_MS = 3000

interface Server {
  url: string
  child: ChildProcess
  exited: Promise<number | null>
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/run-ts.js'), join(benchDir, 'faults-server.ts')], {
    env: { ...process.env, CONCIERGE_RATE_LIMIT_PER_MINUTE: '1000000', CONCIERGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`faults server exited with ${code} before listening`)))
  })
  return { url, child, exited }
}

type TurnResult = { status: number; retryAfter: number; ms: number; body: string } | { failed: string; ms: number }

async function sendTurn(url: string, conversation: string, text: string, stream = false): Promise<TurnResult> {
  const t0 = performance.now()
  try {
    const res = await fetch(`${url}/v1/conversations/${conversation}/messages${stream ? '?stream=1' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-key': 'demo' },
      body: JSON.stringify({ text }),
    })
    const body = await res.text()
    return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0), ms: performance.now() - t0, body }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { failed: cause?.code ?? String(error), ms: performance.now() - t0 }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One person: turns with think time until the end; a shed turn is retried after Retry-After. */
async function person(url: string, id: number, endAt: number, stats: LoadStats): Promise<void> {
  let firstReplyMs: number | undefined
  const t0 = performance.now()
  for (let turn = 0; performance.now() < endAt; turn++) {
    const r = await sendTurn(url, `person-${id}`, turn % 2 ? 'something lighter' : 'a comedy from the 90s')
    if ('failed' in r) stats.errors++
    else if (r.status === 200) {
      stats.answered.push(r.ms)
      firstReplyMs ??= performance.now() - t0
    } else if (r.status === 503 || r.status === 429) {
      stats.shed++
      if (r.retryAfter >= 1) stats.shedWithRetryAfter++
      await sleep(Math.max(1, r.retryAfter) * 1000)
      continue
    } else stats.errors++
    await sleep(THINK_MS * (0.5 + Math.random()))
  }
  stats.firstReply.push(firstReplyMs ?? Number.POSITIVE_INFINITY)
}

interface LoadStats {
  answered: number[]
  firstReply: number[]
  shed: number
  shedWithRetryAfter: number
  errors: number
}

async function loadRow(): Promise<(string | number)[][]> {
  const server = await startServer({})
  try {
    await sendTurn(server.url, 'warm-up', 'hello')
    const stats: LoadStats = { answered: [], firstReply: [], shed: 0, shedWithRetryAfter: 0, errors: 0 }
    const endAt = performance.now() + SECONDS * 1000
    // Staggered over the first think time, as people arrive.
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) =>
        sleep((i / CONVERSATIONS) * THINK_MS).then(() => person(server.url, i, endAt, stats)),
      ),
    )
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    const waited = stats.firstReply.filter(Number.isFinite)
    return [
      [
        `${CONVERSATIONS} conversations for ${SECONDS} s (think 3 s, 20 ms CPU turns)`,
        'no connection errors; answered turns p99 ≤ 3 s; excess shed with 503 + Retry-After',
        `errors ${stats.errors}; answered ${stats.answered.length} (p50 ${s(percentile(stats.answered, 50))}, p99 ${s(percentile(stats.answered, 99))}); shed ${stats.shed} (${stats.shedWithRetryAfter} with Retry-After)`,
      ],
      [
        'first reply of each conversation (same run)',
        'every conversation answered; max wait ≤ 5 s',
        `${waited.length}/${CONVERSATIONS} answered; wait p50 ${s(percentile(waited, 50))}, p99 ${s(percentile(waited, 99))}, max ${s(Math.max(...waited))}`,
      ],
    ]
  } finally {
    server.child.kill('SIGKILL')
    await server.exited
  }
}

/** SIGTERM `afterMs` after 40 turns were sent; watches /readyz until the listener refuses. */
async function sigtermRow(name: string, env: Record<string, string>, expected: string): Promise<(string | number)[]> {
  const server = await startServer(env)
  try {
    await sendTurn(server.url, 'warm-up', 'hello')
    const turns = Array.from({ length: 40 }, (_, i) => sendTurn(server.url, `term-${i}`, 'a comedy', i % 4 === 3))
    await sleep(150)
    const t0 = performance.now()
    server.child.kill('SIGTERM')
    const readiness: string[] = []
    for (let i = 0; i < 500; i++) {
      const status = await fetch(`${server.url}/readyz`).then(
        (r) => String(r.status),
        () => 'closed',
      )
      if (readiness.at(-1) !== status) readiness.push(status)
      if (status === 'closed') break
      await sleep(20)
    }
    const results = await Promise.all(turns)
    const code = await Promise.race([server.exited, sleep(30_000).then(() => 'still running')])
    const exitS = ((performance.now() - t0) / 1000).toFixed(1)
    const resets = results.filter((r) => 'failed' in r).length
    const byStatus = new Map<number, number>()
    let streamsDone = 0
    results.forEach((r, i) => {
      if ('failed' in r) return
      byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1)
      if (i % 4 === 3 && parseEventStream(r.body).at(-1) === 'done') streamsDone++
    })
    const statuses = [...byStatus].map(([status, n]) => `${n}×${status}`).join(' ')
    return [
      name,
      expected,
      `/readyz ${readiness.join(' → ')}; ${statuses}; ${resets} resets; ${streamsDone}/10 streams end with [DONE]; exit ${code} after ${exitS} s`,
    ]
  } finally {
    server.child.kill('SIGKILL')
    await server.exited
  }
}

export async function run(): Promise<BenchTable[]> {
  const rows = await loadRow()
  rows.push(
    await sigtermRow(
      'SIGTERM 150 ms after 40 turns (10 streamed) that fit the deadline',
      { CONCIERGE_SHUTDOWN_DELAY_MS: '1000', CONCIERGE_SHUTDOWN_TIMEOUT_MS: '10000', FAULTS_WAIT_MS: '300' },
      '/readyz 200 → 503 → closed; 40×200; 0 resets; 10/10 [DONE]; exit 0',
    ),
  )
  rows.push(
    await sigtermRow(
      'SIGTERM 150 ms after 40 turns (10 streamed) that outlast the deadline',
      { CONCIERGE_SHUTDOWN_DELAY_MS: '1000', CONCIERGE_SHUTDOWN_TIMEOUT_MS: '3000', FAULTS_WAIT_MS: '30000' },
      '/readyz 503 → closed; 30×503 + 10×200 (error part); 0 resets; 10/10 [DONE]; exit 0 within ~3–6 s',
    ),
  )
  return [
    {
      title: 'Issue 24 load and SIGTERM rows, replayed on loopback (server in its own process, fake chat)',
      columns: ['row', 'expected', 'observed'],
      rows,
      notes: [
        'CONCIERGE_MAX_CONCURRENT_TURNS and CONCIERGE_MAX_QUEUED_TURNS at their defaults; a shed turn is retried after its Retry-After',
        `load average at the end ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')} on ${cpus().length} cores: latencies depend on how much CPU the server process gets`,
      ],
    },
  ]
}

await runIfMain(import.meta.url, run)
