import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AppError, type Logger } from '../core/index.ts'

type Listener = (req: IncomingMessage, res: ServerResponse) => void

export interface HttpServerOptions {
  /** The default handler (the widget app's `listener`). */
  listener: Listener
  /** Handlers taking precedence by path prefix, e.g. `{ prefix: '/slack/', listener }`. */
  mounts?: { prefix: string; listener: Listener }[]
  port: number
  host: string
  logger: Logger
  /** Longest wait for in-flight requests on close before connections are cut. Default 10 s. */
  shutdownTimeoutMs?: number
}

export interface HttpServer {
  /** e.g. http://127.0.0.1:8080 (the bound port when 0 was asked). */
  readonly url: string
  readonly port: number
  /** Requests not yet answered in full (streams included). */
  readonly inFlight: number
  /** Stops accepting, lets in-flight requests finish (up to the deadline), then cuts what is left. Idempotent. */
  close(): Promise<void>
}

/** Starts a Node HTTP server on host:port. Throws `unavailable` when the port cannot be bound. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  let inFlight = 0
  const idle = new Set<() => void>()
  const server = createServer((req, res) => {
    inFlight++
    res.once('close', () => {
      inFlight--
      if (inFlight === 0) for (const wake of idle) wake()
    })
    const mount = options.mounts?.find((m) => req.url?.startsWith(m.prefix) || req.url === m.prefix.replace(/\/$/, ''))
    ;(mount?.listener ?? options.listener)(req, res)
  })
  server.headersTimeout = 20_000
  server.requestTimeout = 120_000
  server.keepAliveTimeout = 5_000

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new AppError(
          'unavailable',
          `Cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); set CONCIERGE_PORT.`,
          {
            cause: error,
            details: { port: options.port, host: options.host },
          },
        ),
      )
    server.once('error', onError)
    server.listen(options.port, options.host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`

  let closing: Promise<void> | undefined
  const close = async () => {
    const deadline = options.shutdownTimeoutMs ?? 10_000
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    if (inFlight > 0) {
      options.logger.info('waiting for in-flight requests', { inFlight, deadlineMs: deadline })
      let timer: ReturnType<typeof setTimeout> | undefined
      let wake: (() => void) | undefined
      await new Promise<void>((resolve) => {
        wake = resolve
        idle.add(resolve)
        timer = setTimeout(resolve, deadline)
      })
      clearTimeout(timer)
      if (wake) idle.delete(wake)
      if (inFlight > 0) options.logger.warn('cutting requests still running at the shutdown deadline', { inFlight })
    }
    server.closeAllConnections()
    await closed
  }

  return {
    url,
    port: address.port,
    get inFlight() {
      return inFlight
    },
    close: () => (closing ??= close()),
  }
}
