import { readFile } from 'node:fs/promises'
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
