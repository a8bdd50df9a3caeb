import { z } from 'zod'
import type { Config } from '../config/index.ts'
import { AppError, errorMessage, type ItemId, type Logger } from '../core/index.ts'
import { findUngrounded, type GroundingIssue } from './grounding.ts'
import { FENCE_END, FENCE_START, fenceData, loadPrompts, renderPrompt } from './prompts.ts'
import { groundProposals, MAX_PROPOSALS, type ProposedTitle, type TitleLookup } from './propose.ts'

/** What an utterance asks for, as extracted by the LLM and validated. */
export interface ExtractedPreferences {
  /** Titles the person liked or wants more like, as written in the message. */
  likes: string[]
  dislikes: string[]
  includeCategories: string[]
  excludeCategories: string[]
  /** A period, when one was named; either end may be null. */
  era: { from: number | null; to: number | null } | null
  /** Short mood or theme words ("feel-good", "space"). */
  mood: string[]
}

export interface WordReplyItem {
  id: ItemId
  title: string
  /** A one-line summary of the evidence (matched preferences, similar liked items, category/year fit). */
  evidence: string
  /** The template explanation (explain/), the fallback and the facts the LLM may reword. */
  explanation: string
}

export interface WordReplyInput {
  /** What the person asked for, in their words. */
  request: string
  items: WordReplyItem[]
}

export interface WordedReply {
  text: string
  /** Only ids of the candidates given; an item without an entry keeps its template explanation. */
  explanations: Record<ItemId, string>
}

export interface LlmCallOptions {
  signal?: AbortSignal
}

export interface LlmClient {
  readonly model: string
  /** Returns undefined (and logs a warning) on timeout, HTTP error or invalid output. Never throws for those. */
  extractPreferences(
    text: string,
    options?: LlmCallOptions & { categories?: readonly string[] },
  ): Promise<ExtractedPreferences | undefined>
  /**
   * Returns undefined (and logs a warning) on timeout, HTTP error, invalid output, or a text that says something
   * the evidence does not hold (a URL, number, name or fact word; see findUngrounded): the caller keeps its
   * template text. An explanation failing that check is dropped, so its item keeps the template explanation.
   * Never throws for those.
   */
  wordReply(input: WordReplyInput, options?: LlmCallOptions): Promise<WordedReply | undefined>
  /**
   * Up to 20 catalogue items the LLM proposes for a wish, best first, each grounded by title and year through
   * `lookup` (invented, unmatched or ambiguous titles dropped). Undefined (and a warning) on timeout, HTTP error,
   * an answer over 256 KB or of the wrong shape. Never throws for those.
   */
  proposeTitles(
    wish: string,
    options: LlmCallOptions & { lookup: TitleLookup; max?: number },
  ): Promise<ProposedTitle[] | undefined>
  /** Aborts requests in flight; later calls return undefined. Idempotent. */
  close(): Promise<void>
}

export interface LlmDeps {
  logger: Logger
  /** Folder of the prompt templates (default: prompts/ of the project). */
  promptsDir?: string
  /** What the catalogue holds, for the prompts ("movie"). */
  itemKind?: string
  fetch?: typeof fetch
}

const MAX_MESSAGE_CHARS = 4000
const MAX_ITEMS = 20
const MAX_FIELD_CHARS = 600
const MAX_REPLY_CHARS = 1200
const MAX_EXPLANATION_CHARS = 400
/** Largest completion body read; real answers are a few KB, so more is a broken or hostile endpoint. */
const MAX_RESPONSE_BYTES = 256 * 1024

const strings = (max: number, each = 200) =>
  z
    .array(z.string().trim().min(1).max(each))
    .max(max)
    .nullish()
    .transform((v) => v ?? [])
const year = z.number().int().min(1800).max(2200).nullish()

const extractedSchema = z.object({
  likes: strings(20),
  dislikes: strings(20),
  includeCategories: strings(20, 60),
  excludeCategories: strings(20, 60),
  era: z
    .object({ from: year, to: year })
    .nullish()
    .transform((e) => (e && (e.from != null || e.to != null) ? { from: e.from ?? null, to: e.to ?? null } : null)),
  mood: strings(5, 60),
})

const replySchema = z.object({
  text: z.string().trim().min(1).max(MAX_REPLY_CHARS),
  explanations: z.union([
    z.array(
      z.object({
        id: z.union([z.string(), z.number()]).transform(String),
        explanation: z.string().trim().min(1).max(MAX_EXPLANATION_CHARS),
      }),
    ),
    z
      .record(z.string(), z.string().trim().min(1).max(MAX_EXPLANATION_CHARS))
      .transform((r) => Object.entries(r).map(([id, explanation]) => ({ id, explanation }))),
  ]),
})

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
})

/**
 * An OpenAI-compatible chat-completions client (OpenAI, Ollama, vLLM, llama.cpp server), or undefined when
 * `config.baseUrl` is not set. Throws `config.invalid` when the base URL is set without a model, or the prompts
 * are missing. `baseUrl` may end with `/v1` or not; requests go to `<baseUrl>/v1/chat/completions`.
 */
export function createLlmClient(config: Config['llm'], deps: LlmDeps): LlmClient | undefined {
  if (!config.baseUrl) return undefined
  if (!config.model) {
    throw new AppError(
      'config.invalid',
      'CONCIERGE_LLM_BASE_URL is set but CONCIERGE_LLM_MODEL is not: set the model name too.',
      {
        details: { issues: ['CONCIERGE_LLM_MODEL is required when CONCIERGE_LLM_BASE_URL is set'] },
      },
    )
  }
  const model = config.model
  const apiKey = config.apiKey
  const timeoutMs = config.timeoutMs
  const url = completionsUrl(config.baseUrl)
  const prompts = loadPrompts(deps.promptsDir)
  const itemKind = deps.itemKind ?? 'movie'
  const doFetch = deps.fetch ?? fetch
  const logger = deps.logger.child({ area: 'llm', model })
  const lifetime = new AbortController()
  const redact = (text: string) => (apiKey ? text.split(apiKey).join('[redacted]') : text)

  /** One completion; the content string, or undefined after logging why. */
  async function complete(task: string, prompt: string, signal?: AbortSignal): Promise<string | undefined> {
    if (lifetime.signal.aborted) return undefined
    const signals = [AbortSignal.timeout(timeoutMs), lifetime.signal]
    if (signal) signals.push(signal)
    const started = performance.now()
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
    if (apiKey) headers.authorization = `Bearer ${apiKey}`
    let response: Response
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model,
          temperature: 0,
          response_format: { type: 'json_object' },
          messages: [
            { role: 'system', content: 'You answer with a single JSON object and nothing else.' },
            { role: 'user', content: prompt },
          ],
        }),
        signal: AbortSignal.any(signals),
      })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      logger.warn(timedOut ? 'LLM request timed out; using templates' : 'LLM request failed; using templates', {
        task,
        timeoutMs,
        reason: redact(errorMessage(error)),
      })
      return undefined
    }
    let body: string | undefined
    try {
      body = await readCapped(response, MAX_RESPONSE_BYTES)
    } catch (error) {
      logger.warn('LLM response could not be read; using templates', { task, reason: redact(errorMessage(error)) })
      return undefined
    }
    if (body === undefined) {
      logger.warn('LLM response is too large; ignoring it', { task, maxBytes: MAX_RESPONSE_BYTES })
      return undefined
    }
    if (!response.ok) {
      logger.warn('LLM endpoint answered with an error; using templates', {
        task,
        status: response.status,
        body: redact(body.slice(0, 200)),
      })
      return undefined
    }
    const parsed = completionSchema.safeParse(safeJson(body))
    const content = parsed.success ? parsed.data.choices[0]?.message.content : undefined
    if (!content) {
      logger.warn('LLM response is not a chat completion; using templates', { task, status: response.status })
      return undefined
    }
    logger.debug('LLM answered', { task, ms: Math.round(performance.now() - started) })
    return content
  }

  async function extractPreferences(
    text: string,
    options: LlmCallOptions & { categories?: readonly string[] } = {},
  ): Promise<ExtractedPreferences | undefined> {
    const message = String(text).slice(0, MAX_MESSAGE_CHARS)
    const categories = options.categories ?? []
    const prompt = renderPrompt(prompts['extract-preferences'], {
      itemKind,
      categories: categories.length ? categories.join(', ') : '(none given)',
      fenceStart: FENCE_START,
      fenceEnd: FENCE_END,
      message: fenceData(message),
    })
    const content = await complete('extract-preferences', prompt, options.signal)
    if (content === undefined) return undefined
    const result = extractedSchema.safeParse(parseJsonObject(content))
    if (!result.success) {
      logger.warn('LLM preferences are not valid; ignoring them', { issues: result.error.issues.length })
      return undefined
    }
    const out = result.data
    // Validated against the message and the catalogue regardless of what the prompt said.
    const known = new Map(categories.map((c) => [c.toLowerCase(), c]))
    const keepCategory = (list: string[]) =>
      known.size ? unique(list.map((c) => known.get(c.toLowerCase())).filter((c): c is string => c !== undefined)) : unique(list)
    return {
      likes: out.likes.filter((t) => mentioned(t, message)),
      dislikes: out.dislikes.filter((t) => mentioned(t, message)),
      includeCategories: keepCategory(out.includeCategories),
      excludeCategories: keepCategory(out.excludeCategories),
      era: out.era,
      mood: unique(out.mood),
    }
  }

  async function wordReply(input: WordReplyInput, options: LlmCallOptions = {}): Promise<WordedReply | undefined> {
    const items = input.items.slice(0, MAX_ITEMS)
    const data = {
      request: String(input.request).slice(0, MAX_MESSAGE_CHARS),
      candidates: items.map((i) => ({
        id: i.id,
        title: i.title.slice(0, MAX_FIELD_CHARS),
        evidence: i.evidence.slice(0, MAX_FIELD_CHARS),
        template: i.explanation.slice(0, MAX_FIELD_CHARS),
      })),
    }
    const prompt = renderPrompt(prompts['word-reply'], {
      itemKind,
      fenceStart: FENCE_START,
      fenceEnd: FENCE_END,
      data: fenceData(data),
    })
    const content = await complete('word-reply', prompt, options.signal)
    if (content === undefined) return undefined
    const result = replySchema.safeParse(parseJsonObject(content))
    if (!result.success) {
      logger.warn('LLM reply is not valid; using templates', { issues: result.error.issues.length })
      return undefined
    }
    const evidenceOf = (i: (typeof data.candidates)[number]) => [data.request, i.title, i.evidence, i.template]
    // "Here are 3 picks" states a fact the evidence holds: how many candidates there are.
    const count = String(data.candidates.length)
    const textIssues = findUngrounded(result.data.text, [count, ...data.candidates.flatMap(evidenceOf)])
    if (textIssues.length) {
      logger.warn('LLM reply says what the evidence does not hold; using templates', describeIssues(textIssues))
      return undefined
    }
    const byId = new Map(data.candidates.map((c) => [c.id, c]))
    const explanations: Record<ItemId, string> = {}
    let dropped = 0
    let ungrounded: GroundingIssue[] = []
    for (const e of result.data.explanations) {
      const candidate = byId.get(e.id)
      const issues = candidate ? findUngrounded(e.explanation, evidenceOf(candidate)) : []
      if (candidate && !issues.length && explanations[e.id] === undefined) explanations[e.id] = e.explanation
      else if (issues.length) ungrounded = [...ungrounded, ...issues]
      else dropped++
    }
    if (dropped) logger.warn('LLM reply named items that are not candidates; dropped them', { dropped })
    if (ungrounded.length) {
      logger.warn('LLM explanations say what the evidence does not hold; kept the templates', describeIssues(ungrounded))
    }
    return { text: result.data.text, explanations }
  }

  async function proposeTitles(
    wish: string,
    options: LlmCallOptions & { lookup: TitleLookup; max?: number },
  ): Promise<ProposedTitle[] | undefined> {
    const max = Math.max(1, Math.min(MAX_PROPOSALS, options.max ?? MAX_PROPOSALS))
    const prompt = renderPrompt(prompts['propose-titles'], {
      itemKind,
      max: String(max),
      fenceStart: FENCE_START,
      fenceEnd: FENCE_END,
      wish: fenceData(String(wish).slice(0, MAX_MESSAGE_CHARS)),
    })
    const content = await complete('propose-titles', prompt, options.signal)
    if (content === undefined) return undefined
    const proposals = groundProposals(parseJsonObject(content), options.lookup, max)
    if (!proposals) logger.warn('LLM proposals are not valid; ignoring them')
    return proposals
  }

  return {
    model,
    extractPreferences,
    wordReply,
    proposeTitles,
    close: async () => {
      lifetime.abort()
    },
  }
}

/** What was refused, for a log line: the kinds and a few of the words (never the whole text). */
function describeIssues(issues: GroundingIssue[]): Record<string, unknown> {
  return { kinds: unique(issues.map((i) => i.kind)), examples: issues.slice(0, 3).map((i) => i.text.slice(0, 40)) }
}

/** `<base>/v1/chat/completions`, accepting a base that already ends with /v1. */
export function completionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '')
  return /\/v1$/.test(base) ? `${base}/chat/completions` : `${base}/v1/chat/completions`
}

/** The body as text, or undefined once it passes `maxBytes` (announced or streamed); reading stops there. */
async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return ''
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel()
    return undefined
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The JSON object in a model's answer, tolerating a ```json fence or text around it. */
function parseJsonObject(content: string): unknown {
  const direct = safeJson(content.trim())
  if (direct !== undefined) return direct
  const start = content.indexOf('{')
  const end = content.lastIndexOf('}')
  return start >= 0 && end > start ? safeJson(content.slice(start, end + 1)) : undefined
}

/** Whether a title is in the message: at least half its words (ignoring case and punctuation) appear there. */
function mentioned(title: string, message: string): boolean {
  const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  const inMessage = new Set(words(message))
  const all = words(title)
  const content = all.filter((x) => !STOP_WORDS.has(x))
  const w = content.length ? content : all
  return w.length > 0 && w.filter((x) => inMessage.has(x)).length * 2 >= w.length
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'and', 'in', 'on', 'to', 'for', 'with', 'at', 'by', 'from', 'la', 'le', 'el'])

function unique(values: string[]): string[] {
  const seen = new Set<string>()
  return values.filter((v) => {
    const k = v.toLowerCase()
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
