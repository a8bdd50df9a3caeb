/** Prometheus text exposition of request counts, latency, turns, build and memory. No library needed. */
export interface Metrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void
  observeTurn(outcome: 'ok' | 'error' | 'aborted', seconds: number): void
  inFlight(delta: number): void
  render(build: { buildId?: string; itemCount?: number }): string
  /** Running totals for the operator page's sampler (counters only grow; it charts their differences). */
  snapshot(): MetricsSnapshot
}

export interface MetricsSnapshot {
  turns: { ok: number; error: number; aborted: number }
  /** Successful turns per latency bucket (not cumulative), bounds in `TURN_BUCKETS`, the last one is +Inf. */
  turnLatency: number[]
  /** Responses with a 5xx status. */
  serverErrors: number
}

/** Upper bounds (seconds) of the latency histograms' buckets. */
export const TURN_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

const BUCKETS = TURN_BUCKETS

interface Histogram {
  counts: number[]
  sum: number
  count: number
}

export function createMetrics(): Metrics {
  const requests = new Map<string, number>()
  const latency = new Map<string, Histogram>()
  const turns = new Map<string, number>()
  const turnLatency = newHistogram()
  let inFlight = 0
  let serverErrors = 0

  return {
    observeRequest(route, method, status, seconds) {
      const key = `route="${esc(route)}",method="${esc(method)}",status="${status}"`
      requests.set(key, (requests.get(key) ?? 0) + 1)
      if (status >= 500) serverErrors++
      const hKey = `route="${esc(route)}",method="${esc(method)}"`
      let h = latency.get(hKey)
      if (!h) {
        h = newHistogram()
        latency.set(hKey, h)
      }
      observe(h, seconds)
    },
    observeTurn(outcome, seconds) {
      turns.set(outcome, (turns.get(outcome) ?? 0) + 1)
      if (outcome === 'ok') observe(turnLatency, seconds)
    },
    inFlight(delta) {
      inFlight += delta
    },
    snapshot() {
      const cumulative = turnLatency.counts
      const perBucket = cumulative.map((n, i) => n - (i > 0 ? (cumulative[i - 1] as number) : 0))
      perBucket.push(turnLatency.count - (cumulative.at(-1) ?? 0))
      return {
        turns: { ok: turns.get('ok') ?? 0, error: turns.get('error') ?? 0, aborted: turns.get('aborted') ?? 0 },
        turnLatency: perBucket,
        serverErrors,
      }
    },
    render(build) {
      const lines: string[] = []
      lines.push('# HELP concierge_http_requests_total HTTP requests by route, method and status.')
      lines.push('# TYPE concierge_http_requests_total counter')
      for (const [k, v] of requests) lines.push(`concierge_http_requests_total{${k}} ${v}`)
      lines.push('# HELP concierge_http_request_duration_seconds Time to the response head (streams: to the first byte).')
      lines.push('# TYPE concierge_http_request_duration_seconds histogram')
      for (const [k, h] of latency) lines.push(...histogramLines('concierge_http_request_duration_seconds', k, h))
      lines.push('# HELP concierge_http_requests_in_flight Requests being handled now.')
      lines.push('# TYPE concierge_http_requests_in_flight gauge')
      lines.push(`concierge_http_requests_in_flight ${inFlight}`)
      lines.push('# HELP concierge_turns_total Chat turns by outcome.')
      lines.push('# TYPE concierge_turns_total counter')
      for (const outcome of ['ok', 'error', 'aborted'])
        lines.push(`concierge_turns_total{outcome="${outcome}"} ${turns.get(outcome) ?? 0}`)
      lines.push('# HELP concierge_turn_duration_seconds Time of a successful chat turn, streaming included.')
      lines.push('# TYPE concierge_turn_duration_seconds histogram')
      lines.push(...histogramLines('concierge_turn_duration_seconds', '', turnLatency))
      lines.push('# HELP concierge_build_info The build being served (value 1).')
      lines.push('# TYPE concierge_build_info gauge')
      if (build.buildId) lines.push(`concierge_build_info{build_id="${esc(build.buildId)}"} 1`)
      lines.push('# HELP concierge_catalog_items Items in the served build.')
      lines.push('# TYPE concierge_catalog_items gauge')
      lines.push(`concierge_catalog_items ${build.itemCount ?? 0}`)
      lines.push('# HELP process_resident_memory_bytes Resident set size.')
      lines.push('# TYPE process_resident_memory_bytes gauge')
      lines.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`)
      return `${lines.join('\n')}\n`
    },
  }
}

function newHistogram(): Histogram {
  return { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }
}

function observe(h: Histogram, seconds: number): void {
  h.sum += seconds
  h.count += 1
  BUCKETS.forEach((le, i) => {
    if (seconds <= le) h.counts[i] = (h.counts[i] as number) + 1
  })
}

function histogramLines(name: string, labels: string, h: Histogram): string[] {
  const sep = labels ? `${labels},` : ''
  const out = BUCKETS.map((le, i) => `${name}_bucket{${sep}le="${le}"} ${h.counts[i]}`)
  out.push(`${name}_bucket{${sep}le="+Inf"} ${h.count}`)
  const plain = labels ? `{${labels}}` : ''
  out.push(`${name}_sum${plain} ${h.sum}`, `${name}_count${plain} ${h.count}`)
  return out
}

function esc(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
