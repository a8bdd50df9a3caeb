/**
 * What the impression log costs a turn: recording a reply of 10 items and joining an outcome to its impression,
 * 1,000 of each, on the SQLite file and on PostgreSQL (the shared store of replicas; skipped with its reason when the
 * test server does not answer). Three runs per row; ms per call.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ImpressionLog, openImpressionLog, openPostgresImpressionLog } from '../src/loop/index.ts'
import { createSchemas, postgresUnavailable } from '../test/support/postgres.ts'
import { type BenchTable, runIfMain } from './support.ts'

const CALLS = 1000
const RUNS = 3
const ITEMS = 10
const DAY = 86_400_000

async function timeCalls(log: ImpressionLog, run: number): Promise<{ shownMs: number; outcomeMs: number }> {
  const at = Date.now()
  const user = (i: number) => `bench-${run}-${i}`
  let started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    const itemIds = Array.from({ length: ITEMS }, (_, k) => String((i * 7 + k) % 500))
    await log.recordShown({ conversationId: `c-${user(i)}`, userId: user(i), variant: i % 2 ? 'a' : 'b', itemIds, at })
  }
  const shownMs = (performance.now() - started) / CALLS
  started = performance.now()
  for (let i = 0; i < CALLS; i++) {
    await log.recordOutcome({ userId: user(i), itemId: String((i * 7) % 500), kind: 'like', at: at + 1000 }, DAY)
  }
  return { shownMs, outcomeMs: (performance.now() - started) / CALLS }
}

async function measure(name: string, open: () => Promise<ImpressionLog>): Promise<(string | number)[]> {
  const log = await open()
  try {
    const runs: { shownMs: number; outcomeMs: number }[] = []
    for (let run = 0; run < RUNS; run++) runs.push(await timeCalls(log, run))
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`
    return [name, range(runs.map((r) => r.shownMs)), range(runs.map((r) => r.outcomeMs))]
  } finally {
    await log.close()
  }
}

export async function run(): Promise<BenchTable[]> {
  const table: BenchTable = {
    title: `Impression log: ms per call (${CALLS} calls, ${RUNS} runs, min–max)`,
    columns: ['backend', `reply of ${ITEMS} items`, 'outcome joined'],
    rows: [],
    notes: [],
  }
  const dir = await mkdtemp(join(tmpdir(), 'concierge-bench-impressions-'))
  try {
    table.rows.push(await measure('SQLite file', async () => openImpressionLog(join(dir, 'impressions.db'))))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const unavailable = await postgresUnavailable()
  if (unavailable) {
    table.notes?.push(`PostgreSQL skipped: ${unavailable}`)
    return [table]
  }
  const schemas = createSchemas()
  try {
    table.rows.push(await measure('PostgreSQL (local)', async () => openPostgresImpressionLog(await schemas.fresh())))
  } finally {
    await schemas.drop()
  }
  return [table]
}

await runIfMain(import.meta.url, run)
