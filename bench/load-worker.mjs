// Load generator for bench/http.bench.ts, run in a worker thread so it does not share the server's event loop.
// Simulates `conversations` people chatting at once: each sends a turn, waits for the reply, thinks for
// thinkMs (±50%, 0 = saturation), and starts a new conversation after five turns. Every conversation draws its
// own wording from the pools below, so caches only help the way they would with real people.
// BENCH_TRACE=1 prints the 15 slowest turns of a think-time run (start offset, latency, turn, text) to stderr.
import { parentPort, workerData } from 'node:worker_threads'

const { url, conversations, seconds, thinkMs, key, seed } = workerData
// Several replicas: turns go to them in turn, like a load balancer without sticky sessions.
const targets = workerData.urls ?? [url]

const TITLES = [
  'The Matrix',
  'Toy Story',
  'Alien',
  'The Godfather',
  'Pulp Fiction',
  'Amelie',
  'The Martian',
  'Finding Nemo',
  'Heat',
  'Groundhog Day',
  'Spirited Away',
  'Fargo',
  'Jurassic Park',
  'The Shining',
  'Inception',
  'Back to the Future',
  'Se7en',
  'Shrek',
  'Casablanca',
  'Blade Runner',
  'The Princess Bride',
  'Up',
  'Memento',
  'Ghostbusters',
]
const MOODS = ['funny', 'dark', 'feel-good', 'tense', 'romantic', 'thoughtful', 'scary', 'light', 'epic', 'quirky']
const GENRES = [
  'comedy',
  'thriller',
  'animated movie',
  'sci-fi film',
  'drama',
  'crime story',
  'adventure',
  'documentary',
  'western',
]
const ERAS = ['from the 80s', 'from the 90s', 'after 2005', 'before 1980', 'recent', '', '', '']
const OPENERS = [
  (r) => `a ${pick(r, MOODS)} ${pick(r, GENRES)} ${pick(r, ERAS)}`,
  (r) => `I loved ${pick(r, TITLES)}, anything like it?`,
  (r) => `something ${pick(r, MOODS)} for tonight, no ${pick(r, ['horror', 'musicals', 'war films', 'romance'])}`,
  (r) => `${pick(r, TITLES)} and ${pick(r, TITLES)} are favourites of mine`,
]
const FOLLOW_UPS = [
  () => 'more like the first one',
  () => 'something lighter',
  () => 'darker please',
  () => 'no horror',
  () => 'not that one, something older',
  () => 'more recent',
  (r) => `I already saw the ${pick(r, ['first', 'second', 'third'])} one`,
  (r) => `${pick(r, TITLES)} was boring`,
  () => 'funnier',
  (r) => `what about a ${pick(r, GENRES)}?`,
]

function rng(s) {
  // Spread small seeds over 32 bits and drop the first outputs: xorshift from a small state starts near zero.
  let x = Math.imul(s, 2654435761) >>> 0 || 1
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 2 ** 32
  }
  for (let i = 0; i < 8; i++) next()
  return next
}
function pick(r, list) {
  return list[Math.floor(r() * list.length)]
}

const latencies = []
const trace = []
let errors = 0
let turns = 0
const t0 = performance.now()
let deadline = performance.now() + seconds * 1000
// 'stop' from the parent ends the run early (a window that lasts as long as something else, e.g. an upsert):
// each conversation finishes the turn it is in and stops.
let stopped = false
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  stopped = true
  deadline = performance.now()
})
parentPort.unref()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
// A think time cut short by a stop, so a stopped run ends within one turn.
async function thinkFor(ms) {
  const until = performance.now() + ms
  while (!stopped && performance.now() < until) await sleep(Math.min(100, until - performance.now()))
}

async function person(i) {
  const r = rng(seed * 1000 + i + 1)
  // Spread the first turns over one think time so 50 people do not all type at the same instant.
  if (thinkMs > 0) await sleep(r() * thinkMs)
  while (performance.now() < deadline) {
    const conv = `bench-${seed}-${i}-${Math.floor(r() * 1e9).toString(36)}`
    for (let turn = 0; turn < 5 && performance.now() < deadline; turn++) {
      const text = (turn === 0 ? pick(r, OPENERS) : pick(r, FOLLOW_UPS))(r).replace(/\s+/g, ' ').trim()
      const started = performance.now()
      try {
        const target = targets[(i + turn) % targets.length]
        const res = await fetch(`${target}/v1/conversations/${conv}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-concierge-key': key },
          body: JSON.stringify({ text, userId: conv }),
          signal: AbortSignal.timeout(30_000),
        })
        await res.arrayBuffer()
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - started)
      if (process.env.BENCH_TRACE)
        trace.push({ at: Math.round(started - t0), ms: Math.round(performance.now() - started), turn, text })
      turns++
      if (thinkMs > 0) await thinkFor(thinkMs * (0.5 + r()))
    }
  }
}

await Promise.all(Array.from({ length: conversations }, (_, i) => person(i)))
const elapsed = (performance.now() - t0) / 1000
latencies.sort((a, b) => a - b)
if (process.env.BENCH_TRACE && thinkMs > 0) console.error(JSON.stringify(trace.sort((a, b) => b.ms - a.ms).slice(0, 15)))
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
parentPort.postMessage({ turns, errors, p50: q(0.5), p99: q(0.99), max: latencies.at(-1) ?? 0, seconds: elapsed })
