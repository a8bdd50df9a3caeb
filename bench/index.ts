/**
 * Runs every `bench/*.bench.ts` but the opt-in ones (or those whose name contains one of the arguments:
 * `npm run bench -- embed`),
 * prints their tables and writes `bench/results/<name>.json`.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BenchRun, benchDir, benchName, runBench } from './support.ts'

/** Benchmarks left out of a plain `npm run bench`. */
const OPT_IN = new Set(['redial-cv', 'scorecard', 'swap', 'upsert'])

async function main(filters: string[]): Promise<number> {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort()
  // Long protocols run only when named (`npm run bench -- redial-cv`, `-- scorecard`): they rebuild and replay for many minutes.
  const chosen = files.filter((f) =>
    filters.length === 0 ? !OPT_IN.has(benchName(f)) : filters.some((want) => benchName(f).includes(want)),
  )
  if (chosen.length === 0) {
    console.error(`No benchmark matches ${filters.join(', ') || '(none found)'}. Available: ${files.map(benchName).join(', ')}`)
    return 2
  }
  const failed: string[] = []
  for (const file of chosen) {
    const name = benchName(file)
    try {
      const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { run?: BenchRun }
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`)
      await runBench(name, mod.run)
    } catch (error) {
      failed.push(name)
      console.error(`bench ${name} failed:`, error)
    }
  }
  if (failed.length > 0) console.error(`Failed: ${failed.join(', ')}`)
  return failed.length > 0 ? 1 : 0
}

process.exitCode = await main(process.argv.slice(2).filter((a) => !a.startsWith('-')))
