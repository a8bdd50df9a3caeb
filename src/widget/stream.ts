import type { Reply } from '../core/index.ts'
import { toErrorResponse } from './errors.ts'

/** Headers of a UI message stream (the Vercel AI SDK convention, protocol v1). */
export const STREAM_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Vercel-AI-UI-Message-Stream': 'v1',
  'X-Accel-Buffering': 'no',
}

const HEARTBEAT_MS = 15_000

export interface StreamTurnOptions {
  /** Runs the turn (e.g. `chat.handleTurn(input, options)` through the scheduler), calling `onText` with text parts. */
  run: (options: { onText: (part: string) => void; signal: AbortSignal }) => Promise<Reply>
  messageId: string
  /** The request's signal: a closed connection aborts the turn. */
  signal?: AbortSignal
  render: (reply: Reply) => { items: unknown[]; suggestions: string[] }
  onEnd?: (outcome: 'ok' | 'error' | 'aborted', error?: unknown) => void
}

/**
 * Runs one turn and streams it as Server-Sent Events: start, text-start, text-delta… as the chat produces text,
 * text-end, data-items, data-suggestions, finish, then `data: [DONE]`. A failure mid-turn becomes an `error` part
 * with a safe message (and the code in brackets), then [DONE].
 */
export function streamTurn(options: StreamTurnOptions): Response {
  const encoder = new TextEncoder()
  const abort = new AbortController()
  const onRequestAbort = () => abort.abort()
  options.signal?.addEventListener('abort', onRequestAbort, { once: true })
  let closed = false
  let heartbeat: ReturnType<typeof setInterval> | undefined

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (chunk: string) => {
        if (closed) return
        try {
          controller.enqueue(encoder.encode(chunk))
        } catch {
          closed = true
        }
      }
      const send = (part: unknown) => write(`data: ${JSON.stringify(part)}\n\n`)
      const textId = `${options.messageId}-text`
      let textStarted = false
      const startText = () => {
        if (textStarted) return
        textStarted = true
        send({ type: 'text-start', id: textId })
      }
      heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS)
      heartbeat.unref?.()
      send({ type: 'start', messageId: options.messageId })

      let streamed = false
      const finish = (outcome: 'ok' | 'error' | 'aborted', error?: unknown) => {
        clearInterval(heartbeat)
        options.signal?.removeEventListener('abort', onRequestAbort)
        options.onEnd?.(outcome, error)
        if (closed) return
        write('data: [DONE]\n\n')
        closed = true
        try {
          controller.close()
        } catch {
          // already closed by a cancel
        }
      }

      options
        .run({
          signal: abort.signal,
          onText: (part) => {
            if (!part) return
            startText()
            streamed = true
            send({ type: 'text-delta', id: textId, delta: part })
          },
        })
        .then(
          (reply) => {
            if (!streamed && reply.text) {
              startText()
              send({ type: 'text-delta', id: textId, delta: reply.text })
            }
            if (textStarted) send({ type: 'text-end', id: textId })
            const rendered = options.render(reply)
            send({ type: 'data-items', data: rendered.items })
            send({ type: 'data-suggestions', data: rendered.suggestions })
            send({ type: 'finish' })
            finish('ok')
          },
          (error: unknown) => {
            if (abort.signal.aborted) return finish('aborted', undefined)
            const { body: err } = toErrorResponse(error)
            if (textStarted) send({ type: 'text-end', id: textId })
            send({ type: 'error', errorText: `${err.error.message} [${err.error.code}]` })
            finish('error', error)
          },
        )
    },
    cancel() {
      closed = true
      clearInterval(heartbeat)
      abort.abort()
    },
  })
  // A Headers instance (not a plain object): @hono/node-server's lightweight Response keeps later header edits
  // (X-Request-Id, CORS) only when init.headers is the same Headers object it hands out.
  return new Response(body, { status: 200, headers: new Headers(STREAM_HEADERS) })
}

/** One parsed part of a UI message stream; `[DONE]` is returned as the string 'done'. */
export type StreamPart =
  | { type: string; id?: string; messageId?: string; delta?: string; errorText?: string; data?: unknown }
  | 'done'

/** Parses SSE text into parts (tests, the bench, server-side clients). Ignores comments and partial events. */
export function parseEventStream(text: string): StreamPart[] {
  const parts: StreamPart[] = []
  for (const event of text.split('\n\n')) {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n')
    if (!data) continue
    parts.push(data === '[DONE]' ? 'done' : (JSON.parse(data) as StreamPart))
  }
  return parts
}
