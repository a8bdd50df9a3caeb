/**
 * The server of bench/faults.bench.ts, run as its own process so that SIGTERM is real and the load generator does
 * not share its event loop: the HTTP API over a fake chat whose turns take FAULTS_CPU_MS of CPU on the main thread
 * (as real turns do) plus FAULTS_WAIT_MS of waiting, on 127.0.0.1 with a free port. Settings come from the
 * environment (CONCIERGE_*). Prints `{"url": …}` on stdout when listening; on SIGTERM shuts down the way
 * `concierge serve` does and exits.
 */
import { loadConfig } from '../src/config/index.ts'
import { type ChatService, createLogger } from '../src/core/index.ts'
import { shutDown } from '../src/serve.ts'
import { createWidgetApp, startHttpServer } from '../src/widget/index.ts'
import { createFakeChat } from '../test/support/fake-chat.ts'
import { repoRoot } from './support.ts'

const CPU_MS = Number(process.env.FAULTS_CPU_MS ?? 20)
const WAIT_MS = Number(process.env.FAULTS_WAIT_MS ?? 0)

/** The fake chat, with each turn first holding the CPU for CPU_MS (busy loop) and then waiting WAIT_MS. */
function slowChat(): ChatService {
  const chat = createFakeChat({ parts: 3, partDelayMs: WAIT_MS / 3 })
  return {
    ...chat,
    handleTurn(input, options) {
      const until = performance.now() + CPU_MS
      while (performance.now() < until) {
        // holds the event loop, like recommending on the main thread
      }
      return chat.handleTurn(input, options)
    },
  }
}

const config = loadConfig({ ...process.env, CONCIERGE_HOST: '127.0.0.1' }, { cwd: repoRoot })
const logger = createLogger({ level: 'warn' })
const chat = slowChat()
const app = await createWidgetApp(config.server, { backend: () => ({ chat, buildId: 'faults', itemCount: 10 }), logger })
const http = await startHttpServer({
  listener: app.listener,
  port: 0,
  host: '127.0.0.1',
  logger,
  drainDelayMs: config.server.shutdownDelayMs,
  shutdownTimeoutMs: config.server.shutdownTimeoutMs,
  onDeadline: () => app.cancelTurns(),
})
process.stdout.write(`${JSON.stringify({ url: http.url })}\n`)
process.once('SIGTERM', () => {
  // As `concierge serve`: exit by itself once closed, or 2 s later if a stray handle (a fake turn's timer) holds on.
  void shutDown({ app, http, runtime: chat, logger, deadlineMs: config.server.shutdownTimeoutMs }).then(() =>
    setTimeout(() => process.exit(0), 2000).unref(),
  )
})
