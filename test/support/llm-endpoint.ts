import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One scripted answer of the imitation endpoint. */
export interface ScriptedResponse {
  /** HTTP status (default 200). */
  status?: number
  /** The assistant message content, wrapped in an OpenAI chat-completion body. */
  content?: string
  /** A raw body sent as is (wins over `content`). */
  body?: string
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown
}

export interface LlmEndpoint {
  /** Base URL to configure as `llm.baseUrl`, e.g. http://127.0.0.1:40123/v1 */
  baseUrl: string
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** Adds answers to the queue; each request takes the next one (an empty queue answers 500). */
  enqueue(...responses: ScriptedResponse[]): void
  close(): Promise<void>
}

/** The text of every message of a recorded chat-completion request (to tell which prompt it carries). */
export function promptOf(request: RecordedRequest): string {
  const messages = (request.body as { messages?: { content?: unknown }[] } | undefined)?.messages ?? []
  return messages.map((m) => String(m.content ?? '')).join('\n')
}

/**
 * A `respond` for `startLlmEndpoint` that leaves only the reply wording to the queue and fails every other call (a
 * turn's reading and title proposals) at once, so a turn keeps the rules' reading and the queue feeds the wording.
 */
export function queueForWordingOnly(request: RecordedRequest): ScriptedResponse | undefined {
  return isWordingRequest(request) ? undefined : { status: 500, body: '{}' }
}

/** Whether a recorded request asks to word a reply (prompts/word-reply.md). */
export function isWordingRequest(request: RecordedRequest): boolean {
  return promptOf(request).includes('You word the reply')
}

/** A chat-completion body as OpenAI-compatible servers send it. */
export function completionBody(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  })
}

/**
 * Starts a local imitation of an OpenAI-compatible `/v1/chat/completions` endpoint on 127.0.0.1 (random port).
 * `respond`, when given, answers each request by its content (calls made side by side arrive in any order); when it
 * returns undefined the queue answers.
 */
export async function startLlmEndpoint(
  script: ScriptedResponse[] = [],
  respond?: (request: RecordedRequest) => ScriptedResponse | undefined,
): Promise<LlmEndpoint> {
  const queue = [...script]
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {}
      const recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body }
      requests.push(recorded)
      const next = respond?.(recorded) ?? queue.shift()
      const send = () => {
        if (res.destroyed) return
        if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}')
          return
        }
        if (!next) {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"no scripted response"}}')
          return
        }
        const payload = next.body ?? completionBody(next.content ?? '')
        res.writeHead(next.status ?? 200, { 'content-type': 'application/json' }).end(payload)
      }
      if (next?.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t)
          send()
        }, next.delayMs)
        timers.add(t)
      } else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  let closed: Promise<void> | undefined
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses)
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        server.closeAllConnections()
        server.close(() => resolve())
      })),
  }
}
