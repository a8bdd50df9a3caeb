import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { createTitleIndex, EVAL_TURN, type TitleIndex, type TurnOptions } from '../chat/index.ts'
import type { Config } from '../config/index.ts'
import {
  AppError,
  type ChatService,
  createLogger,
  type Item,
  type ItemId,
  type Logger,
  noProgress,
  type ProgressListener,
  wrapError,
} from '../core/index.ts'

/** What a conversational replay measured. */
export interface ConversationEvalResult {
  dialogues: number
  /** Chat turns run (consecutive seeker messages form one turn). */
  turns: number
  /** Recommender mentions not mentioned earlier in their dialogue (the deduplicated protocol). */
  targets: number
  /** Of those, how many map to the catalogue by normalised title and year. */
  mappedTargets: number
  mappedTargetShare: number
  /** Over mapped targets: share found in the top 1 / 10 / 50 of the reply just before the recommender's message. */
  recallAt1: number
  recallAt10: number
  recallAt50: number
  mapping: 'title+year'
}

export interface ConversationEvalOptions {
  /** ReDial-format JSON lines (movieMentions, messages, initiatorWorkerId). */
  dialoguesFile: string
  /** A chat over the catalogue and the catalogue items (for title mapping). Either this or `config`. */
  runtime?: { chat: ChatService; items: readonly Item[] }
  /** Builds the runtime from the current build (store in memory, nothing written). */
  config?: Readonly<Config>
  logger?: Logger
  onProgress?: ProgressListener
  /** Only the first N dialogues. */
  limit?: number
  /** Items requested per evaluated turn (default 50). */
  k?: number
}

const messageSchema = z.object({ text: z.string(), senderWorkerId: z.number() })
const dialogueSchema = z.object({
  conversationId: z.union([z.string(), z.number()]).transform(String),
  initiatorWorkerId: z.number(),
  movieMentions: z
    .union([z.record(z.string(), z.string().nullable()), z.array(z.unknown())])
    .transform((m) => (Array.isArray(m) ? {} : m)),
  messages: z.array(messageSchema),
})
type Dialogue = z.infer<typeof dialogueSchema>

/**
 * Replays ReDial-format dialogues through the chat, turn by turn (one fresh conversation per dialogue, k items per
 * turn, nothing remembered as shown): the seeker's messages, with `@id` replaced by the title a person would type,
 * are the turns, and each movie the human recommender mentions that was not mentioned earlier is a target for the
 * chat's last reply. Recall@1/10/50 over targets that map to the catalogue by normalised title and year.
 * Throws `data.not_found` (no file), `input.invalid` (malformed line), and what building the runtime throws.
 */
export async function runConversationEval(options: ConversationEvalOptions): Promise<ConversationEvalResult> {
  const dialogues = await readDialogues(options.dialoguesFile, options.limit)
  let runtime = options.runtime
  let close: (() => Promise<void>) | undefined
  if (!runtime) {
    if (!options.config) throw new AppError('input.invalid', 'runConversationEval needs `runtime` or `config`')
    const opened = await openRuntime(options.config, options.logger ?? createLogger({ level: 'warn' }))
    runtime = opened.runtime
    close = opened.close
  }
  try {
    return await replay(
      runtime.chat,
      createTitleIndex(runtime.items),
      dialogues,
      options.k ?? 50,
      options.onProgress ?? noProgress,
    )
  } finally {
    await close?.()
  }
}

async function readDialogues(file: string, limit?: number): Promise<Dialogue[]> {
  let raw: string
  try {
    raw = await readFile(file, 'utf8')
  } catch (error) {
    throw wrapError(
      error,
      'data.not_found',
      `Cannot read the dialogues file ${file}: pass --dialogues with a ReDial .jsonl file`,
      { file },
    )
  }
  const out: Dialogue[] = []
  const lines = raw.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (!line) continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch (error) {
      throw wrapError(error, 'input.invalid', `${file}:${i + 1}: not valid JSON`, { file, line: i + 1 })
    }
    const parsed = dialogueSchema.safeParse(json)
    if (!parsed.success) {
      throw new AppError('input.invalid', `${file}:${i + 1}: not a ReDial dialogue`, {
        details: { file, line: i + 1, problems: parsed.error.issues.slice(0, 5).map((x) => `${x.path.join('.')}: ${x.message}`) },
      })
    }
    out.push(parsed.data)
    if (limit !== undefined && out.length >= limit) break
  }
  return out
}

/** "Cosmos  (2015)" → { title: 'Cosmos', year: 2015 }. */
export function splitMention(name: string): { title: string; year?: number } {
  const m = /^(.*?)\s*\((\d{4})\)\s*$/.exec(name.trim())
  return m ? { title: m[1]!.replace(/\s+/g, ' ').trim(), year: Number(m[2]) } : { title: name.replace(/\s+/g, ' ').trim() }
}

const MENTION_RE = /@(\d+)/g

async function replay(
  chat: ChatService,
  titles: TitleIndex,
  dialogues: Dialogue[],
  k: number,
  onProgress: ProgressListener,
): Promise<ConversationEvalResult> {
  let turns = 0
  let targets = 0
  let mapped = 0
  const hits = { 1: 0, 10: 0, 50: 0 }
  const mapCache = new Map<string, ItemId | undefined>()
  const mapMention = (name: string): ItemId | undefined => {
    if (mapCache.has(name)) return mapCache.get(name)
    const { title, year } = splitMention(name)
    const id = year === undefined ? undefined : titles.lookup(title, year)[0]
    mapCache.set(name, id)
    return id
  }
  const turnOptions = { [EVAL_TURN]: { k, remember: false } } as TurnOptions
  for (const [d, dialogue] of dialogues.entries()) {
    const conversationId = `eval-${d}-${dialogue.conversationId}`
    const userId = `eval-user-${d}-${dialogue.conversationId}`
    const mentioned = new Set<string>()
    let pending: string[] = []
    let ranking: ItemId[] = []
    const flush = async () => {
      if (!pending.length) return
      const reply = await chat.handleTurn({ conversationId, userId, text: pending.join('\n') }, turnOptions)
      turns++
      if (reply.items.length) ranking = reply.items.map((i) => i.id)
      pending = []
    }
    for (const message of dialogue.messages) {
      const ids = [...message.text.matchAll(MENTION_RE)].map((m) => m[1]!)
      if (message.senderWorkerId === dialogue.initiatorWorkerId) {
        const text = message.text.replace(MENTION_RE, (_, id: string) => {
          const name = dialogue.movieMentions[id]
          return name ? splitMention(name).title : ''
        })
        if (text.trim()) pending.push(text)
      } else {
        await flush()
        for (const id of new Set(ids)) {
          if (mentioned.has(id)) continue
          targets++
          const name = dialogue.movieMentions[id]
          const itemId = name ? mapMention(name) : undefined
          if (itemId === undefined) continue
          mapped++
          const rank = ranking.indexOf(itemId)
          if (rank >= 0 && rank < 1) hits[1]++
          if (rank >= 0 && rank < 10) hits[10]++
          if (rank >= 0 && rank < 50) hits[50]++
        }
      }
      for (const id of ids) mentioned.add(id)
    }
    onProgress({ phase: 'dialogues', done: d + 1, total: dialogues.length, unit: 'dialogues' })
  }
  const share = (n: number, of: number) => (of ? n / of : 0)
  return {
    dialogues: dialogues.length,
    turns,
    targets,
    mappedTargets: mapped,
    mappedTargetShare: share(mapped, targets),
    recallAt1: share(hits[1], mapped),
    recallAt10: share(hits[10], mapped),
    recallAt50: share(hits[50], mapped),
    mapping: 'title+year',
  }
}

/** The current build's chat with an in-memory store (the replay writes nothing), plus its catalogue. */
async function openRuntime(
  config: Readonly<Config>,
  logger: Logger,
): Promise<{ runtime: { chat: ChatService; items: readonly Item[] }; close: () => Promise<void> }> {
  const [{ createRuntime }, { createMemoryStore }, { currentBuildDir, readSnapshot }] = await Promise.all([
    import('../runtime.ts'),
    import('../store/index.ts'),
    import('../build/index.ts'),
  ])
  const current = await currentBuildDir(config)
  if (!current) {
    throw new AppError('index.not_found', `No build in ${config.indexesDir}. Run \`concierge rebuild\` first.`, {
      details: { indexesDir: config.indexesDir },
    })
  }
  const { items } = await readSnapshot(current.dir)
  const store = await createMemoryStore()
  const runtime = await createRuntime(config, { logger, store })
  return {
    runtime: { chat: runtime.chat, items },
    close: async () => {
      await runtime.close()
      await store.close()
    },
  }
}

/**
 * `concierge eval --conversations --dialogues FILE [--data DIR] [--limit N] [--k K] [--json]`: replays the dialogues
 * on the current build and prints Recall@1/10/50 (text table, or one JSON object with --json). Exit code 0, 2 on bad
 * input.
 */
export async function runConversationEvalCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      conversations: { type: 'boolean' },
      dialogues: { type: 'string' },
      data: { type: 'string' },
      dataset: { type: 'string' },
      quiet: { type: 'boolean' },
      limit: { type: 'string' },
      k: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: false,
    allowPositionals: true,
  })
  if (values.help) {
    console.log('usage: concierge eval --conversations --dialogues FILE [--data DIR] [--limit N] [--k 50] [--json]')
    return 0
  }
  const dialogues = typeof values.dialogues === 'string' ? values.dialogues : undefined
  if (!dialogues) {
    console.error(
      'concierge eval --conversations: --dialogues FILE is required (a ReDial .jsonl file, e.g. data/redial/valid_data.jsonl)',
    )
    return 2
  }
  const limit = parsePositive(values.limit, '--limit')
  const k = parsePositive(values.k, '--k')
  const { loadConfig } = await import('../config/index.ts')
  const config = loadConfig(process.env, {
    overrides: {
      ...(typeof values.data === 'string' ? { dataDir: resolve(values.data) } : {}),
      ...(typeof values.dataset === 'string' ? { dataset: values.dataset } : {}),
    },
  })
  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level })
  const onProgress: ProgressListener = (e) => {
    if (!values.json && !values.quiet && (e.done % 10 === 0 || e.done === e.total))
      process.stderr.write(`replayed ${e.done}/${e.total} dialogues\n`)
  }
  const result = await runConversationEval({
    dialoguesFile: resolve(dialogues),
    config,
    logger,
    onProgress,
    ...(limit !== undefined ? { limit } : {}),
    ...(k !== undefined ? { k } : {}),
  })
  if (values.json) {
    console.log(JSON.stringify(result))
  } else {
    console.log(`Conversational replay of ${result.dialogues} dialogues (${result.turns} turns), deduplicated targets`)
    console.log(
      `  targets            ${result.targets} (${(result.mappedTargetShare * 100).toFixed(1)}% map by ${result.mapping})`,
    )
    console.log(`  Recall@1           ${result.recallAt1.toFixed(3)}`)
    console.log(`  Recall@10          ${result.recallAt10.toFixed(3)}`)
    console.log(`  Recall@50          ${result.recallAt50.toFixed(3)}`)
  }
  return 0
}

function parsePositive(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) {
    throw new AppError('input.invalid', `${flag} must be a positive whole number, got ${String(value)}`, { details: { flag } })
  }
  return n
}
