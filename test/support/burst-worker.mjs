// Sends a burst of chat turns from a worker thread (off the server's event loop, like real clients) and reports what
// each client saw. workerData: { url, key, count, streamEvery (every n-th turn streams; 0 = none), text }.
// Messages: { type: 'sent' } once every request is issued, then { type: 'done', outcomes }; each outcome is
// { status, retryAfter, body, ms } or { failed: 'ECONNRESET …', ms }.
import { parentPort, workerData } from 'node:worker_threads'

const { url, key, count, streamEvery, text } = workerData

await (await fetch(`${url}/healthz`)).text() // the first fetch loads the HTTP client; keep that out of the burst
const t0 = performance.now()
const ms = () => Math.round(performance.now() - t0)
const turns = Array.from({ length: count }, (_, i) => {
  const stream = streamEvery > 0 && i % streamEvery === streamEvery - 1
  return fetch(`${url}/v1/conversations/burst-${i}/messages${stream ? '?stream=1' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-concierge-key': key },
    body: JSON.stringify({ text }),
  }).then(
    async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text(), stream, ms: ms() }),
    (error) => ({ failed: String(error?.cause?.code ?? error?.cause ?? error), stream, ms: ms() }),
  )
})
parentPort.postMessage({ type: 'sent' })
parentPort.postMessage({ type: 'done', outcomes: await Promise.all(turns) })
