import { describe, expect, it } from 'vitest'
import { createAdminSampler, quantileMs, sumByVariant } from './admin-sampler.ts'
import { type MetricsSnapshot, TURN_BUCKETS } from './metrics.ts'

describe('admin sampler', () => {
  it('interpolates percentiles inside the histogram bucket and says null when nothing finished', () => {
    const perBucket = new Array(TURN_BUCKETS.length + 1).fill(0)
    perBucket[4] = 100 // all turns between 50 and 100 ms
    expect(quantileMs(perBucket, 0.5)).toBeCloseTo(75)
    expect(quantileMs(perBucket, 0.99)).toBeCloseTo(99.5)
    expect(
      quantileMs(
        perBucket.map(() => 0),
        0.5,
      ),
    ).toBeNull()
  })

  it('sums per-variant counters across their other labels', () => {
    const text = [
      'concierge_feedback_total{variant="a",kind="like"} 3',
      'concierge_feedback_total{variant="a",kind="dislike"} 2',
      'concierge_feedback_total{variant="b",kind="like"} 1',
      'concierge_impressions_total{variant="a"} 40',
    ].join('\n')
    expect(sumByVariant(text, 'concierge_feedback_total')).toEqual({ a: 5, b: 1 })
    expect(sumByVariant(text, 'concierge_impressions_total')).toEqual({ a: 40 })
  })

  it('keeps differences per interval in a bounded ring and notes build swaps', () => {
    let snapshot: MetricsSnapshot = { turns: { ok: 0, error: 0, aborted: 0 }, turnLatency: [], serverErrors: 0 }
    let build = { buildId: 'b1', itemCount: 10 }
    const sampler = createAdminSampler(
      { snapshot: () => snapshot, loopMetrics: () => '', build: () => build },
      { intervalMs: 3_600_000, capacity: 2 },
    )
    const t0 = Date.now()
    snapshot = { turns: { ok: 10, error: 1, aborted: 0 }, turnLatency: [], serverErrors: 2 }
    sampler.sample(t0 + 1000)
    build = { buildId: 'b2', itemCount: 11 }
    sampler.sample(t0 + 2000)
    sampler.sample(t0 + 3000)
    sampler.stop()
    const samples = sampler.samples()
    expect(samples).toHaveLength(2)
    expect(samples[0]).toMatchObject({ turnsPerSecond: 0, errors: 0 })
    expect(sampler.changes()).toEqual([{ at: t0 + 2000, buildId: 'b2', itemCount: 11 }])
  })
})
