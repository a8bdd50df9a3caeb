import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { AppError, type Logger } from '../core/index.ts'
import { trackConnections } from './connections.ts'

type Listener = (req: IncomingMessage, res: ServerResponse) => void

export interface HttpServerOptions {
  /** The default handler (the widget app's `listener`). */
  listener: Listener
  /** Handlers taking precedence by path prefix, e.g. `{ prefix: '/slack/', listener }`. */
  mounts?: { prefix: string; listener: Listener }[]
  port: number
  host: string
  logger: Logger
  /**
   * On close, how long the listener stays open first (readiness already answers 503, responses carry
   * `Connection: close`), so load balancers stop routing here and connections already queued are taken. Default 0.
   */
  drainDelayMs?: number
  /** On close, how long requests received may run (counted from the start of close). Default 10 s. */
  shutdownTimeoutMs?: number
  /**
   * Called at the shutdown deadline when requests are still running: it should make them answer at once (the
   * widget app answers its turns 503). Connections still open DEADLINE_GRACE_MS later are cut.
   */
  onDeadline?: () => void
}

/** After `onDeadline`, how long answers may take to be written before connections are cut. */
const DEADLINE_GRACE_MS = 1000

export interface HttpServer {
  /** e.g. http://127.0.0.1:8080 (the bound port when 0 was asked). */
  readonly url: string
  readonly port: number
  /** Requests not yet answered in full (streams included). */
  readonly inFlight: number
  /**
   * Drains (see `drainDelayMs`), stops accepting, lets requests received finish up to the deadline, asks the rest
   * to answer (`onDeadline`), then cuts what is left. Idempotent.
   */
  close(): Promise<void>
}

/** Starts a Node HTTP server on host:port. Throws `unavailable` when the port cannot be bound. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  let draining = false
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    connections.onRequest(req, res)
    open.add(res)
    // While draining, a connection is closed after its response, so no client reuses it as the listener goes.
    if (draining) res.setHeader('Connection', 'close')
    res.once('close', () => open.delete(res))
    const mount = options.mounts?.find((m) => req.url?.startsWith(m.prefix) || req.url === m.prefix.replace(/\/$/, ''))
    ;(mount?.listener ?? options.listener)(req, res)
  })
  const connections = trackConnections(server)
  server.headersTimeout = 20_000
  server.requestTimeout = 120_000
  server.keepAliveTimeout = 5_000
  await listen(server, options)
  const address = server.address() as AddressInfo
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`

  /** Ends quiet connections until `done()` or `untilMs` (performance.now()) passes; returns `done()`. */
  const settle = async (untilMs: number, done: () => boolean, fresh = false): Promise<boolean> => {
    for (;;) {
      connections.endQuiet(fresh)
      if (done()) return true
      const left = untilMs - performance.now()
      if (left <= 0) return false
      await connections.change(Math.min(left, 100))
    }
  }
  const answered = () => connections.busy === 0

  let closing: Promise<void> | undefined
  const close = async () => {
    const deadlineAt = performance.now() + (options.shutdownTimeoutMs ?? 10_000)
    draining = true
    for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close')
    if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs))
    // The listener stays open while requests are answered: closing it resets connections the kernel accepted and
    // Node has not yet taken (a busy event loop leaves them queued), so it closes only once the loop is idle.
    if (connections.busy > 0) options.logger.info('waiting for in-flight requests', { inFlight: connections.busy })
    if (!(await settle(deadlineAt, answered)) && options.onDeadline) {
      options.logger.warn('answering requests still running at the shutdown deadline', { inFlight: connections.busy })
      options.onDeadline()
      await settle(performance.now() + DEADLINE_GRACE_MS, answered)
    }
    // net.Server's close stops accepting without http.Server's closeIdleConnections(), which would reset
    // connections whose request is sent but not parsed yet; those get a short while to be answered.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()))
    const stillRunning = connections.busy > 0
    await settle(performance.now() + (stillRunning ? 0 : DEADLINE_GRACE_MS), () => connections.open === 0, true)
    if (connections.busy > 0) {
      options.logger.warn('cutting requests still running at the shutdown deadline', { inFlight: connections.busy })
    }
    connections.destroyAll()
    await closed
  }

  return {
    url,
    port: address.port,
    get inFlight() {
      return connections.busy
    },
    close: () => (closing ??= close()),
  }
}

function listen(server: Server, options: HttpServerOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new AppError(
          'unavailable',
          `Cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); set CONCIERGE_PORT.`,
          { cause: error, details: { port: options.port, host: options.host } },
        ),
      )
    server.once('error', onError)
    server.listen(options.port, options.host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
