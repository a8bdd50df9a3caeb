import type { VariantCounts } from './impressions.ts'
import { twoProportionTest, wilsonInterval } from './stats.ts'

/** A rate with its 95% Wilson interval. */
export interface Rate {
  count: number
  rate: number
  interval: [number, number]
}

export interface VariantReport {
  variant: string
  impressions: number
  likes: Rate
  acceptance: Rate
}

/** A variant's rate against the control's (the first variant by name): two-proportion z-test at 5%. */
export interface Comparison {
  variant: string
  control: string
  metric: 'likeRate' | 'acceptanceRate'
  difference: number
  z: number
  p: number
  significant: boolean
}

export interface AbReport {
  since: string | null
  variants: VariantReport[]
  comparisons: Comparison[]
}

const SIGNIFICANCE = 0.05

/** Per variant: impressions, like rate and acceptance rate with 95% intervals, and each against the control. */
export function buildAbReport(counts: readonly VariantCounts[], since?: number): AbReport {
  const rate = (count: number, n: number): Rate => ({ count, rate: n > 0 ? count / n : 0, interval: wilsonInterval(count, n) })
  const variants = [...counts]
    .sort((a, b) => a.variant.localeCompare(b.variant))
    .map((c) => ({
      variant: c.variant,
      impressions: c.impressions,
      likes: rate(c.liked, c.impressions),
      acceptance: rate(c.accepted, c.impressions),
    }))
  const [control, ...others] = variants
  const comparisons = control
    ? others.flatMap((v) => [compare(v, control, 'likeRate'), compare(v, control, 'acceptanceRate')])
    : []
  return { since: since === undefined ? null : new Date(since).toISOString(), variants, comparisons }
}

function compare(v: VariantReport, control: VariantReport, metric: Comparison['metric']): Comparison {
  const pick = (r: VariantReport) => (metric === 'likeRate' ? r.likes : r.acceptance)
  const { z, p } = twoProportionTest(pick(v).count, v.impressions, pick(control).count, control.impressions)
  return {
    variant: v.variant,
    control: control.variant,
    metric,
    difference: pick(v).rate - pick(control).rate,
    z,
    p,
    significant: p < SIGNIFICANCE,
  }
}

/** The report as aligned text for a terminal. */
export function formatAbReport(report: AbReport): string {
  if (report.variants.length === 0) return `No impressions${report.since ? ` since ${report.since}` : ''} yet.`
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  const rate = (r: Rate) => `${pct(r.rate)} [${pct(r.interval[0])}, ${pct(r.interval[1])}]`.padEnd(24)
  const lines = [
    `${'variant'.padEnd(12)}${'impressions'.padStart(12)}  ${'like rate (95% CI)'.padEnd(24)}acceptance (95% CI)`,
    ...report.variants.map(
      (v) => `${v.variant.padEnd(12)}${String(v.impressions).padStart(12)}  ${rate(v.likes)}${rate(v.acceptance)}`,
    ),
  ]
  for (const c of report.comparisons) {
    const verdict = c.significant ? 'significant' : 'not significant'
    const sign = c.difference >= 0 ? '+' : ''
    lines.push(
      `${c.variant} vs ${c.control}, ${c.metric}: ${sign}${(c.difference * 100).toFixed(1)} points, z = ${c.z.toFixed(2)}, p = ${c.p.toFixed(3)} (${verdict} at 5%)`,
    )
  }
  return lines.join('\n')
}
