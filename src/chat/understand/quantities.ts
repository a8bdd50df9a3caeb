import type { FacetConstraint } from '../../core/index.ts'
import { copyFindings, type PassEnv, take, type UtteranceState } from './state.ts'
import type { UnderstandContext, Understanding } from './types.ts'

/**
 * A length limit in the domain's words ("nothing too long" on movies, "lightweight" on programs) or with a number
 * and a unit ("under 2 hours", "less than 100 MB"), bound to the profile's length field. A limit on a field the
 * catalogue lacks is noted (`runtimeIgnored`) and filters nothing.
 */
export function readQuantities(state: UtteranceState, { ctx, words }: PassEnv): UtteranceState {
  const length = words.length
  if (!length) return state
  const findings = copyFindings(state.findings)
  const present = hasNumericField(ctx, length.field)
  const next = take(state, length.re, (m) => {
    if (!present) {
      findings.runtimeIgnored = true
      return true
    }
    const [, amount, unit] = m
    const max = amount ? Math.round(Number(amount) * (length.units.get(unit!.toLowerCase()) ?? 1)) : length.defaultMax
    boundAbove(findings, length.field, max)
    return true
  })
  return { ...next, findings }
}

/** Whether items carry this numeric field: `hasRuntime` for runtime, else the catalogue's numeric facets. */
export function hasNumericField(ctx: UnderstandContext, field: string): boolean {
  if (field === 'runtime' && ctx.hasRuntime) return true
  return ctx.facets?.some((f) => f.kind === 'numeric' && f.field === field) ?? false
}

/** Adds an upper bound on a numeric field, keeping the tighter one; `runtime` also as `runtimeMax`, which the engine reads. */
export function boundAbove(findings: Understanding, field: string, max: number): void {
  if (field === 'runtime') {
    findings.runtimeMax = findings.runtimeMax === undefined ? max : Math.min(findings.runtimeMax, max)
    return
  }
  const facets: FacetConstraint[] = findings.facets ?? []
  const found = facets.find((f): f is { field: string; max?: number } => f.field === field && !('include' in f || 'exclude' in f))
  if (found) found.max = found.max === undefined ? max : Math.min(found.max, max)
  else facets.push({ field, max })
  findings.facets = facets
}
