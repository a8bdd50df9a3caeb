import { isAppError } from '../core/index.ts'

/** Exit codes: 0 done, 2 bad input or config, 1 runtime failure. */
export function exitCodeFor(error: unknown): number {
  if (!isAppError(error)) return 1
  const area = error.code.split('.')[0]
  return area === 'config' || area === 'catalog' || area === 'input' || error.code === 'data.not_found' ? 2 : 1
}

/** Prints an error for a person: the message and safe details, no stack unless CONCIERGE_DEBUG is set. */
export function printError(error: unknown): void {
  if (isAppError(error)) {
    console.error(`error [${error.code}]: ${error.message}`)
    const problems = error.details.problems
    if (Array.isArray(problems)) {
      for (const p of problems.slice(0, 50)) console.error(`  - ${typeof p === 'string' ? p : JSON.stringify(p)}`)
      if (problems.length > 50) console.error(`  … and ${problems.length - 50} more`)
    }
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (process.env['CONCIERGE_DEBUG'] && error instanceof Error) console.error(error.stack)
}
