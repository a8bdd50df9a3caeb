import type { IncomingMessage, ServerResponse } from 'node:http'

/** Largest Slack request body accepted. Slack's own payloads stay far below (a full Block Kit message is ~40 KB). */
export const MAX_SLACK_BODY_BYTES = 64 * 1024

/** How far X-Slack-Request-Timestamp may be from our clock, in either direction (Slack's documented window). */
export const MAX_CLOCK_SKEW_SEC = 5 * 60

type Listener = (req: IncomingMessage, res: ServerResponse) => void

export interface SlackHttpGuardOptions {
  maxBodyBytes?: number
  maxSkewSec?: number
  now?: () => number
  /** Called with the reason whenever a request is refused here (for logs). */
  onRefused?: (reason: 'too_large' | 'bad_timestamp' | 'aborted', req: IncomingMessage) => void
}

/**
 * Wraps Bolt's request listener with the checks that must happen before a body is buffered: a request dated
 * outside the skew window (future included; Bolt only refuses stale ones) gets 401 without its body being read; a
 * body over the cap gets 413, from Content-Length when announced and otherwise as soon as the streamed bytes pass
 * it. A body within the cap is buffered here and handed to Bolt as `rawBody`, which Bolt uses instead of reading.
 */
export function guardSlackRequests(next: Listener, options: SlackHttpGuardOptions = {}): Listener {
  const maxBytes = options.maxBodyBytes ?? MAX_SLACK_BODY_BYTES
  const maxSkewSec = options.maxSkewSec ?? MAX_CLOCK_SKEW_SEC
  const now = options.now ?? Date.now
  return (req, res) => {
    if (!isTimestampFresh(req.headers['x-slack-request-timestamp'], now(), maxSkewSec)) {
      options.onRefused?.('bad_timestamp', req)
      return refuse(res, 401)
    }
    const announced = Number(req.headers['content-length'])
    if (Number.isFinite(announced) && announced > maxBytes) {
      options.onRefused?.('too_large', req)
      return refuse(res, 413)
    }
    readCapped(req, maxBytes).then(
      (body) => {
        if (body === 'too_large' || body === 'aborted') {
          options.onRefused?.(body, req)
          if (body === 'too_large') refuse(res, 413)
          return
        }
        ;(req as IncomingMessage & { rawBody?: Buffer }).rawBody = body
        next(req, res)
      },
      () => refuse(res, 400),
    )
  }
}

/**
 * True when the header is absent (Bolt then refuses the unsigned request, or serves an unsigned ssl_check), or a
 * number of seconds within `maxSkewSec` of now. A present header that is not a number is refused.
 */
export function isTimestampFresh(header: string | string[] | undefined, nowMs: number, maxSkewSec: number): boolean {
  if (header === undefined) return true
  if (Array.isArray(header) || !/^\d{1,12}$/.test(header.trim())) return false
  return Math.abs(Number(header) - nowMs / 1000) <= maxSkewSec
}

/** Reads the body, stopping at the first chunk past the cap so no more than `maxBytes` is ever held. */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const finish = (result: Buffer | 'too_large' | 'aborted') => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        chunks.length = 0
        req.pause()
        finish('too_large')
      } else chunks.push(chunk)
    }
    const onEnd = () => finish(Buffer.concat(chunks, size))
    const onError = () => finish('aborted')
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
  })
}

/** Answers without reading (more of) the body. */
function refuse(res: ServerResponse, status: 400 | 401 | 413): void {
  if (res.headersSent) return
  // Node closes a `connection: close` response's socket once it is sent, so the unread rest is never parsed.
  res.writeHead(status, { connection: 'close', 'content-length': '0' })
  res.end()
}
