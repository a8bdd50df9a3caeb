import { z } from 'zod'
import type { DialogueSource } from '../build/index.ts'
import { createMentionMapper, type Dialogue, MENTION_RE, readDialogues, splitMention } from '../catalog/index.ts'
import { createTitleIndex, type EvalChat, type TitleIndex } from '../chat/index.ts'
import type { Config } from '../config/index.ts'
import { AppError, createLogger, type Item, type ItemId, type Logger, noProgress, type ProgressListener } from '../core/index.ts'
import type { RecommenderDeps } from '../recommend/index.ts'

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
  /** The conversation logs the build learned from (never overlapping the replayed dialogues), or null. */
  trainedOnDialogues: { files: string[]; dialogues: number } | null
}

export interface ConversationEvalOptions {
  /** ReDial-format JSON lines (movieMentions, messages, initiatorWorkerId), or INSPIRED dialogues (`.tsv`). */
  dialoguesFile: string
  /** A chat over the catalogue and the catalogue items (for title mapping). Either this or `config`. */
  runtime?: { chat: EvalChat; items: readonly Item[] }
  /** Builds the runtime from the current build (store in memory, nothing written). */
  config?: Readonly<Config>
  logger?: Logger
  onProgress?: ProgressListener
  /** Only the first N dialogues. */
  limit?: number
  /** Items requested per evaluated turn (default 50). */
  k?: number
  /** With `config`: sees every candidate pool the recommender scores (tuning: `fitBlend`). */
  onScored?: RecommenderDeps['onScored']
  /**
   * Called for each target that maps to the catalogue, right after the turn it is scored against, with its position
   * in that turn's reply (0-based; −1 when the reply does not hold it): comparing two blends target by target.
   */
  onTarget?: (itemId: ItemId, rank: number) => void
}

/**
 * Replays ReDial-format dialogues through the chat, turn by turn (one fresh conversation per dialogue, k items per
 * turn, nothing remembered as shown): the seeker's messages, with `@id` replaced by the title a person would type,
 * are the turns, and each movie the human recommender mentions that was not mentioned earlier is a target for the
 * chat's last reply. Recall@1/10/50 over targets that map to the catalogue by normalised title and year.
 * Throws `data.not_found` (no file), `input.invalid` (malformed line), and what building the runtime throws.
 */
export async function runConversationEval(options: ConversationEvalOptions): Promise<ConversationEvalResult> {
  const { dialogues, sha256 } = await readDialogues(options.dialoguesFile, options.limit)
  let runtime = options.runtime
  let close: (() => Promise<void>) | undefined
  let learned: DialogueSource[] | undefined
  if (!runtime) {
    if (!options.config) throw new AppError('input.invalid', 'runConversationEval needs `runtime` or `config`')
    const opened = await openRuntime(options.config, options.logger ?? createLogger({ level: 'warn' }), options.onScored)
    runtime = opened.runtime
    close = opened.close
    learned = opened.learned
  }
  try {
    if (learned) await refuseOverlap(learned, options.dialoguesFile, sha256, dialogues)
    const result = await replay(
      runtime.chat,
      createTitleIndex(runtime.items),
      dialogues,
      options.k ?? 50,
      options.onProgress ?? noProgress,
      options.onTarget,
    )
    const trainedOnDialogues = learned
      ? { files: learned.map((x) => x.file), dialogues: learned.reduce((n, x) => n + x.dialogues, 0) }
      : null
    return { ...result, trainedOnDialogues }
  } finally {
    await close?.()
  }
}

async function replay(
  chat: EvalChat,
  titles: TitleIndex,
  dialogues: Dialogue[],
  k: number,
  onProgress: ProgressListener,
  onTarget?: ConversationEvalOptions['onTarget'],
): Promise<Omit<ConversationEvalResult, 'trainedOnDialogues'>> {
  let turns = 0
  let targets = 0
  let mapped = 0
  const hits = { 1: 0, 10: 0, 50: 0 }
  const mapMention = createMentionMapper((title, year) => titles.lookup(title, year))
  const evalTurn = { k, remember: false, rankAlways: true }
  for (const [d, dialogue] of dialogues.entries()) {
    const conversationId = `eval-${d}-${dialogue.conversationId}`
    const userId = `eval-user-${d}-${dialogue.conversationId}`
    const mentioned = new Set<string>()
    let pending: string[] = []
    let ranking: ItemId[] = []
    // The films the human recommender suggested since the seeker's last turn: the seeker saw them.
    let shown: ItemId[] = []
    const flush = async () => {
      if (!pending.length) return
      const reply = await chat.evalTurn({ conversationId, userId, text: pending.join('\n') }, { ...evalTurn, shown })
      shown = []
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
          const itemId = mapMention(name)
          if (itemId === undefined) continue
          mapped++
          shown.push(itemId)
          const rank = ranking.indexOf(itemId)
          onTarget?.(itemId, rank)
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

/**
 * Scoring a build on dialogues it learned from would measure memory, not recommendation: refuses when the replayed
 * file is one of the training logs or shares a conversation with one.
 */
async function refuseOverlap(
  learned: readonly DialogueSource[],
  file: string,
  sha256: string,
  dialogues: readonly Dialogue[],
): Promise<void> {
  for (const source of learned) {
    let shared = sha256 === source.sha256 ? dialogues.length : 0
    if (!shared) {
      const trained = await readDialogues(source.file).catch(() => undefined)
      const ids = new Set(trained?.dialogues.map((d) => d.conversationId))
      shared = dialogues.filter((d) => ids.has(d.conversationId)).length
    }
    if (shared > 0) {
      throw new AppError(
        'input.invalid',
        `${shared} of the ${dialogues.length} dialogues in ${file} are in a conversation log the current build learned from (${source.file}): evaluate on other dialogues, or rebuild without that log (CONCIERGE_DIALOGUES).`,
        { details: { file, trainedOn: source.file, shared } },
      )
    }
  }
}

const sourceSchema = z.object({ file: z.string(), sha256: z.string(), dialogues: z.number() })
/** What a build's manifest records of its conversation logs: `sources`, or the one `file` of builds before several logs. */
const learnedSchema = z.union([
  z.object({ sources: z.array(sourceSchema) }).transform((x) => x.sources),
  sourceSchema.transform((x) => [x]),
])

/** The current build's chat with an in-memory store (the replay writes nothing), its catalogue, and its conversation log. */
async function openRuntime(
  config: Readonly<Config>,
  logger: Logger,
  onScored?: RecommenderDeps['onScored'],
): Promise<{
  runtime: { chat: EvalChat; items: readonly Item[] }
  close: () => Promise<void>
  learned?: DialogueSource[]
}> {
  const [{ createRuntime }, { createMemoryStore }, { currentBuildDir, readSnapshot }, { readIndexManifest }] = await Promise.all([
    import('../runtime.ts'),
    import('../store/index.ts'),
    import('../build/index.ts'),
    import('../index/index.ts'),
  ])
  const current = await currentBuildDir(config)
  if (!current) {
    throw new AppError('index.not_found', `No build in ${config.indexesDir}. Run \`concierge rebuild\` first.`, {
      details: { indexesDir: config.indexesDir },
    })
  }
  const { items } = await readSnapshot(current.dir)
  const recorded = learnedSchema.safeParse((await readIndexManifest(current.dir)).extra?.dialogues)
  const store = await createMemoryStore()
  const runtime = await createRuntime(config, { logger, store, ...(onScored ? { onScored } : {}) })
  return {
    ...(recorded.success ? { learned: recorded.data } : {}),
    runtime: { chat: { evalTurn: runtime.evalTurn }, items },
    close: async () => {
      await runtime.close()
      await store.close()
    },
  }
}
