import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createMentionMapper, type Dialogue, loadCatalog, MENTION_RE, readDialogues } from '../catalog/index.ts'
import { createTitleIndex } from '../chat/index.ts'
import { popularityScores } from '../collab/index.ts'
import { type Config, splitDialogueSetting } from '../config/index.ts'
import {
  AppError,
  type Catalog,
  createFingerprint,
  type Interaction,
  type Item,
  type ItemId,
  type Logger,
  type ProgressListener,
  silentLogger,
} from '../core/index.ts'

/**
 * Where `dialogues: auto` looks, inside the data folder. Only ReDial's train dialogues: adding INSPIRED's 99 dev
 * dialogues to the log (2026-12-02) cost 12 and 16 of 1,462 targets at Recall@10/@50 on the ReDial folds, its
 * recommendations being a different mix (mostly 2019 films) from what ReDial's recommenders suggest.
 */
export const DEFAULT_DIALOGUES_FILE = join('redial', 'train_data.jsonl')

/** One conversation log file a build learned from. */
export interface DialogueSource {
  file: string
  /** SHA-256 of the file: `eval --conversations` refuses to score a build on the dialogues it learned from. */
  sha256: string
  dialogues: number
}

/** What the conversation logs added to the training data. */
export interface DialogueLog {
  sources: DialogueSource[]
  dialogues: number
  /** Distinct movies mentioned per dialogue, summed, and how many of them map to the catalogue. */
  mentions: number
  mapped: number
  interactions: Interaction[]
}

/**
 * The dialogue files a config asks for: paths and `auto` (the data folder's ReDial train file when present),
 * comma-separated, each once, or `none`. Throws `data.not_found` naming a path that does not exist.
 */
export function resolveDialogueFiles(setting: string, dataDir: string): string[] {
  if (setting === 'none') return []
  const files: string[] = []
  for (const entry of splitDialogueSetting(setting)) {
    const file = entry === 'auto' ? join(dataDir, DEFAULT_DIALOGUES_FILE) : entry
    // `auto` finds nothing when the data folder has no log; a file listed twice is learned from once.
    if ((entry !== 'auto' || existsSync(file)) && !files.includes(file)) files.push(file)
  }
  for (const file of files) {
    if (!existsSync(file)) {
      throw new AppError(
        'data.not_found',
        `CONCIERGE_DIALOGUES names ${file}, which does not exist: give ReDial .jsonl or INSPIRED .tsv files (comma-separated), auto or none.`,
        { details: { file } },
      )
    }
  }
  return files
}

/**
 * Turns conversation logs into interactions: each dialogue is one pseudo-user (`dialogue:<id>`, with the file's
 * position before the id from the second file on, so two logs cannot share a user) who liked every movie
 * mentioned in it, by either side, that maps to the catalogue by title and year, except the ones the seeker said
 * they did not like (`liked: 0` in ReDial's questionnaire), which become dislikes. What people ask about together
 * and what gets suggested to them is exactly the co-occurrence a conversational recommender needs.
 */
export async function loadDialogueLog(files: readonly string[], items: Catalog['items']): Promise<DialogueLog> {
  const titles = createTitleIndex(items)
  const map = createMentionMapper((title, year) => titles.lookup(title, year))
  const log: DialogueLog = { sources: [], dialogues: 0, mentions: 0, mapped: 0, interactions: [] }
  for (const [n, file] of files.entries()) {
    const { dialogues, sha256 } = await readDialogues(file)
    log.sources.push({ file, sha256, dialogues: dialogues.length })
    log.dialogues += dialogues.length
    for (const dialogue of dialogues) {
      const userId = n === 0 ? `dialogue:${dialogue.conversationId}` : `dialogue:${n}:${dialogue.conversationId}`
      for (const [mention, itemId] of mentionedItems(dialogue, map)) {
        log.mentions++
        if (itemId === undefined) continue
        log.mapped++
        const liked = (dialogue.initiatorQuestions[mention] ?? dialogue.respondentQuestions[mention])?.liked
        log.interactions.push({ userId, itemId, event: liked === 0 ? 'dislike' : 'like' })
      }
    }
  }
  return log
}

/** Each distinct `@id` in a dialogue's messages with its catalogue item (undefined when it does not map). */
function mentionedItems(dialogue: Dialogue, map: (name: string | null | undefined) => ItemId | undefined) {
  const out = new Map<string, ItemId | undefined>()
  for (const message of dialogue.messages) {
    for (const m of message.text.matchAll(MENTION_RE)) {
      const id = m[1] as string
      if (!out.has(id)) out.set(id, map(dialogue.movieMentions[id]))
    }
  }
  return out
}

/** The catalogue with the log's interactions appended and a fingerprint covering both. */
export function withDialogueLog(catalog: Catalog, log: DialogueLog): Catalog {
  const fp = createFingerprint()
  fp.add(catalog.fingerprint)
  for (const source of log.sources) fp.add(`dialogues:${source.sha256}`)
  return { ...catalog, interactions: [...catalog.interactions, ...log.interactions], fingerprint: fp.digest() }
}

/**
 * The catalogue that builds and trainings learn from: the data folder's catalogue plus, when configured, its
 * conversation logs. `concierge rebuild` and `concierge train` both use it, so their fingerprints agree.
 */
export async function loadTrainingCatalog(
  config: Readonly<Config>,
  options: { logger?: Logger; onProgress?: ProgressListener } = {},
): Promise<{
  catalog: Catalog
  dialogues?: DialogueLog
  popularity: Map<ItemId, number>
  /** The share of the prior given to the items' `votes`, or null when no item has votes (recorded by builds). */
  catalogPopularity: number | null
}> {
  const logger = options.logger ?? silentLogger
  const dataDir = config.dataDir
  if (!dataDir) throw new AppError('data.not_found', 'No data folder: pass --data DIR or set CONCIERGE_DATA_DIR.')
  const catalog = await loadCatalog({ dataDir, dataset: config.dataset, onProgress: options.onProgress, logger })
  const threshold = config.collab.positiveThreshold
  const files = resolveDialogueFiles(config.dialogues, dataDir)
  const votes = votesOf(catalog.items)
  const catalogPopularity = votes.size > 0 ? config.catalogPopularity : null
  const withVotes = (popularity: Map<ItemId, number>) =>
    catalogPopularity ? blendPopularity(popularity, votes, catalogPopularity) : popularity
  if (files.length === 0) {
    return { catalog, popularity: withVotes(popularityScores(catalog.interactions, threshold)), catalogPopularity }
  }
  const dialogues = await loadDialogueLog(files, catalog.items)
  logger.info('conversation logs added to the training data', {
    files,
    dialogues: dialogues.dialogues,
    mentions: dialogues.mentions,
    mapped: dialogues.mapped,
  })
  return {
    catalog: withDialogueLog(catalog, dialogues),
    dialogues,
    popularity: withVotes(
      blendPopularity(
        popularityScores(catalog.interactions, threshold),
        popularityScores(dialogues.interactions, threshold),
        config.dialoguePopularity,
      ),
    ),
    catalogPopularity,
  }
}

/** The catalogue's own popularity: each item's numeric `votes` field when positive (e.g. TMDB vote counts). */
function votesOf(items: readonly Item[]): Map<ItemId, number> {
  const out = new Map<ItemId, number>()
  for (const item of items) {
    const v = item.metadata.votes
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out.set(item.id, v)
  }
  return out
}

/**
 * `(1 − w)·a + w·b` with each table scaled to a maximum of 1 first (an empty table counts as all zeros), so
 * the weight means the same whatever the sizes of the two sources.
 */
export function blendPopularity(
  a: ReadonlyMap<ItemId, number>,
  b: ReadonlyMap<ItemId, number>,
  weightOfB: number,
): Map<ItemId, number> {
  const scaled = (m: ReadonlyMap<ItemId, number>) => {
    let max = 0
    for (const v of m.values()) if (v > max) max = v
    return (id: ItemId) => (max > 0 ? (m.get(id) ?? 0) / max : 0)
  }
  const sa = scaled(a)
  const sb = scaled(b)
  const out = new Map<ItemId, number>()
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const v = (1 - weightOfB) * sa(id) + weightOfB * sb(id)
    if (v > 0) out.set(id, v)
  }
  return out
}
