import type { MetricsSnapshot } from './metrics.ts'
import { TURN_BUCKETS } from './metrics.ts'

/** One point of the operator page's charts: what happened during the `seconds` before `at`. */
export interface Sample {
  at: number
  seconds: number
  turnsPerSecond: number
  /** Turn latency percentiles in ms over the interval; null when no turn finished in it. */
  p50Ms: number | null
  p99Ms: number | null
  /** Failed turns plus 5xx responses in the interval. */
  errors: number
  impressions: Record<string, number>
  feedback: Record<string, number>
}

/** A build swap the sampler saw (a new build id or item count), for "recent catalogue changes". */
export interface CatalogChange {
  at: number
  buildId: string
  itemCount: number
}

export interface SamplerSource {
  snapshot(): MetricsSnapshot
  /** The learning loop's Prometheus text (impressions and feedback per variant), if any. */
  loopMetrics(): string
  build(): { buildId: string; itemCount: number } | undefined
}

export interface AdminSampler {
  /** Takes one sample now (the timer calls it every interval; tests call it directly). */
  sample(now?: number): void
  samples(): Sample[]
  changes(): CatalogChange[]
  stop(): void
}

interface Totals {
  at: number
  metrics: MetricsSnapshot
  impressions: Record<string, number>
  feedback: Record<string, number>
}

const MAX_CHANGES = 20

/** Samples the in-process metrics every `intervalMs` into a ring buffer of `capacity` points. */
export function createAdminSampler(source: SamplerSource, options: { intervalMs: number; capacity: number }): AdminSampler {
  const ring: Sample[] = []
  const changes: CatalogChange[] = []
  let previous = readTotals(source, Date.now())
  let lastBuild = source.build()

  const noteBuild = (now: number) => {
    const build = source.build()
    if (!build) return
    if (lastBuild?.buildId !== build.buildId || lastBuild?.itemCount !== build.itemCount) {
      changes.unshift({ at: now, ...build })
      changes.length = Math.min(changes.length, MAX_CHANGES)
    }
    lastBuild = build
  }

  const sample = (now = Date.now()) => {
    const current = readTotals(source, now)
    ring.push(difference(previous, current))
    if (ring.length > options.capacity) ring.shift()
    previous = current
    noteBuild(now)
  }
  const timer = setInterval(sample, options.intervalMs)
  timer.unref()
  return { sample, samples: () => [...ring], changes: () => [...changes], stop: () => clearInterval(timer) }
}

function readTotals(source: SamplerSource, at: number): Totals {
  const text = source.loopMetrics()
  return {
    at,
    metrics: source.snapshot(),
    impressions: sumByVariant(text, 'concierge_impressions_total'),
    feedback: sumByVariant(text, 'concierge_feedback_total'),
  }
}

function difference(before: Totals, after: Totals): Sample {
  const seconds = Math.max((after.at - before.at) / 1000, 0.001)
  const turns = (t: Totals) => t.metrics.turns.ok + t.metrics.turns.error + t.metrics.turns.aborted
  const latency = after.metrics.turnLatency.map((n, i) => n - (before.metrics.turnLatency[i] ?? 0))
  const errors = after.metrics.turns.error - before.metrics.turns.error + after.metrics.serverErrors - before.metrics.serverErrors
  return {
    at: after.at,
    seconds,
    turnsPerSecond: (turns(after) - turns(before)) / seconds,
    p50Ms: quantileMs(latency, 0.5),
    p99Ms: quantileMs(latency, 0.99),
    errors,
    impressions: subtract(after.impressions, before.impressions),
    feedback: subtract(after.feedback, before.feedback),
  }
}

/** The q-quantile of per-bucket counts, interpolated linearly inside its bucket (as Prometheus does); ms. */
export function quantileMs(perBucket: readonly number[], q: number): number | null {
  const total = perBucket.reduce((a, b) => a + b, 0)
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let i = 0; i < perBucket.length; i++) {
    const n = perBucket[i] as number
    if (n > 0 && seen + n >= rank) {
      const upper = TURN_BUCKETS[i] ?? (TURN_BUCKETS.at(-1) as number)
      if (i >= TURN_BUCKETS.length) return upper * 1000
      const lower = i > 0 ? (TURN_BUCKETS[i - 1] as number) : 0
      return (lower + ((upper - lower) * (rank - seen)) / n) * 1000
    }
    seen += n
  }
  return null
}

/** Sums a per-variant counter's series (`name{variant="a",…} 12`) by variant. */
export function sumByVariant(text: string, name: string): Record<string, number> {
  const sums: Record<string, number> = {}
  const pattern = new RegExp(`^${name}\\{[^}]*variant="((?:[^"\\\\]|\\\\.)*)"[^}]*\\} (\\S+)$`, 'gm')
  for (const m of text.matchAll(pattern)) {
    const variant = m[1] as string
    sums[variant] = (sums[variant] ?? 0) + Number(m[2])
  }
  return sums
}

function subtract(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]))
}
