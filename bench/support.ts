import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One result table of a benchmark. Numbers stay numbers in the JSON; the text table formats them. */
export interface BenchTable {
  title: string
  columns: string[]
  rows: (string | number)[][]
  notes?: string[]
}

/** What every `bench/*.bench.ts` exports. */
export type BenchRun = () => Promise<BenchTable[]>

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(benchDir, '..')
export const resultsDir = join(benchDir, 'results')

function formatCell(value: string | number): string {
  if (typeof value === 'string') return value
  if (!Number.isFinite(value)) return String(value)
  if (Number.isInteger(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 0.01) return value.toFixed(3)
  return value.toPrecision(2)
}

/** The table as aligned, markdown-compatible text (pipes, header rule, numbers right-aligned). */
export function formatTable(table: BenchTable): string {
  const cells = table.rows.map((row) => table.columns.map((_, i) => formatCell(row[i] ?? '')))
  const numeric = table.columns.map((_, i) => table.rows.length > 0 && table.rows.every((row) => typeof row[i] === 'number'))
  const widths = table.columns.map((title, i) => Math.max(3, title.length, ...cells.map((row) => (row[i] as string).length)))
  const line = (parts: string[]) => `| ${parts.join(' | ')} |`
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number))
  const out = [
    `### ${table.title}`,
    '',
    line(table.columns.map((c, i) => pad(c, i))),
    line(widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)))),
    ...cells.map((row) => line(row.map((c, i) => pad(c, i)))),
  ]
  if (table.notes?.length) out.push('', ...table.notes.map((n) => `- ${n}`))
  return `${out.join('\n')}\n`
}

/** Prints a table to stdout. */
export function printTable(table: BenchTable): void {
  process.stdout.write(`${formatTable(table)}\n`)
}

/** The bench name of a file: `bench/embed.bench.ts` → `embed`. */
export function benchName(file: string): string {
  return basename(file).replace(/\.bench\.ts$/, '')
}

/** Writes `bench/results/<name>.json` with the tables and where they were measured. */
export async function writeResults(name: string, tables: BenchTable[], durationMs: number): Promise<string> {
  await mkdir(resultsDir, { recursive: true })
  const path = join(resultsDir, `${name}.json`)
  const host = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform }
  const record = { name, finishedAt: new Date().toISOString(), durationMs: Math.round(durationMs), host, tables }
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`)
  return path
}

/** Runs one bench, prints its tables and writes its JSON. */
export async function runBench(name: string, run: BenchRun): Promise<BenchTable[]> {
  const started = performance.now()
  process.stderr.write(`bench ${name}: running…\n`)
  const tables = await run()
  for (const table of tables) printTable(table)
  const path = await writeResults(name, tables, performance.now() - started)
  process.stderr.write(`bench ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s, results in ${path}\n`)
  return tables
}

/**
 * Lets a bench file run alone (`node bin/run-ts.js bench/x.bench.ts`): runs it when that file is the
 * process entry, and does nothing when the runner imports it.
 */
export async function runIfMain(moduleUrl: string, run: BenchRun): Promise<void> {
  const entry = process.argv[1]
  if (!entry || resolve(entry) !== fileURLToPath(moduleUrl)) return
  try {
    await runBench(benchName(fileURLToPath(moduleUrl)), run)
  } catch (error) {
    console.error(error)
    process.exitCode = 1
  }
}

/** The p-th percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] as number
}

/** Milliseconds taken by a synchronous function, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now()
  const value = fn()
  return { ms: performance.now() - start, value }
}

/** What a load generator measured: turns answered, errors, latency percentiles and maximum (ms), wall seconds. */
export interface LoadResult {
  turns: number
  errors: number
  p50: number
  p99: number
  max: number
  seconds: number
}
