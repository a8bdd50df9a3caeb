import { Worker } from 'node:worker_threads'
import { type CollabData, checkCollabFiles, openCollabData } from '../collab/index.ts'
import { AppError, type CollabScorer, errorMessage, type Item, type ItemId, isAppError, type Logger } from '../core/index.ts'
import { type LoadedIndex, openIndexData } from '../index/index.ts'
import type { FactMeanings } from '../recommend/index.ts'
import type { TfBackendChoice } from '../tf/index.ts'
import { type BuildData, deserialiseError, readBuildData, type SerialisedError } from './read.ts'
import { buildCatalogueTables, type CatalogueTables } from './tables.ts'
import { checkBuildParts, snapshotIsChecked } from './verify.ts'

/** The parts of one build folder, every file checked against the manifest and the parts against each other. */
export interface OpenedBuild {
  index: LoadedIndex
  items: Item[]
  popularity: Map<ItemId, number>
  collab?: CollabScorer
  /** The chat's and recommender's tables of `items`, when the reader thread read (or built) them. */
  tables?: CatalogueTables
  /** The facts' names embedded by the build's encoder (builds made before they were written have none). */
  meanings?: FactMeanings
  close(): Promise<void>
}

export interface OpenBuildDeps {
  backend: TfBackendChoice
  logger: Logger
  /** Reads, checks and parses the files off this thread (a server's), else they are read on this thread. */
  reader?: BuildReader
}

/**
 * Opens a build folder: index (every file's SHA-256, the catalogue snapshot's included), snapshot, and the model
 * the manifest names, then cross-checks their item counts. Throws `index.not_found`, `index.corrupt` (a file
 * altered or cut), `index.incompatible` (parts that do not belong together, or the named model unusable).
 * A build made before models were recorded loads without its model when that model is unusable (a warning).
 */
export async function openBuild(dir: string, deps: OpenBuildDeps): Promise<OpenedBuild> {
  const data = deps.reader ? await deps.reader.read(dir) : await readBuildData(dir)
  if (!snapshotIsChecked(data.index.manifest)) {
    deps.logger.warn('this build predates snapshot checksums: only its item count is checked; rebuild to check it fully', {
      dir,
    })
  }
  const model = checkModel(dir, data, deps.logger)
  const index = await openIndexData(dir, data.index)
  try {
    const collab = model ? await openCollabData(model, deps) : undefined
    return {
      index,
      items: data.items,
      popularity: data.popularity,
      ...(collab ? { collab } : {}),
      ...(data.tables ? { tables: data.tables } : {}),
      ...(data.meanings ? { meanings: data.meanings } : {}),
      close: async () => {
        await collab?.close()
        await index.close()
      },
    }
  } catch (error) {
    await index.close()
    throw error
  }
}

/**
 * Checks the model a build names against its own manifest and what the build recorded. When the build recorded its
 * model, an unusable one makes the build unusable (`index.incompatible`); an older build serves without it.
 */
function checkModel(dir: string, data: BuildData, logger: Logger): CollabData | undefined {
  const model = data.model
  if (!model) return undefined
  try {
    if (model.error || !model.files) throw deserialiseError(model.error ?? unreadable(model.dir))
    const files = checkCollabFiles(model.dir, model.files, { dataFingerprint: data.index.manifest.dataFingerprint })
    const checked = model.scorerWeights ? { ...files, scorerWeights: model.scorerWeights } : files
    if (model.facts) {
      const { itemIds, manifest } = checked
      checkBuildParts(dir, data.index.manifest, data.items, {
        facts: model.facts,
        itemIds,
        weightsSha256: manifest.weightsSha256,
      })
    }
    return checked
  } catch (error) {
    if (!model.facts) {
      logger.warn('collaborative model not loaded: recommending from text and popularity only', { reason: errorMessage(error) })
      return undefined
    }
    if (isAppError(error, 'index.incompatible')) throw error
    throw new AppError(
      'index.incompatible',
      `The model this build names (${model.dir}) cannot be used: run \`concierge rebuild\``,
      {
        cause: error,
        details: { modelDir: model.dir, reason: errorMessage(error) },
      },
    )
  }
}

function unreadable(dir: string): SerialisedError {
  return { code: 'collab.incompatible', message: `The model in ${dir} could not be read`, details: { dir } }
}

type ReaderReply =
  | { id: number; ok: true; data?: BuildData; tables?: CatalogueTables }
  | { id: number; ok: false; error: SerialisedError }

/** What a job of the reader thread gives. */
type ReaderResult = Extract<ReaderReply, { ok: true }>

/** A job of the reader thread: a build folder to read, or items whose tables to build. */
type ReaderJob = { dir: string } | { items: readonly Item[] }

/** Reads build folders in a worker thread (see `createBuildReader`). */
export interface BuildReader {
  /**
   * `readBuildData(dir, { prepare: true })` run in the reader thread: the files, the chat's and recommender's
   * tables of the items and the model's scorer weights; the result arrives in one message (typed arrays moved).
   */
  read(dir: string): Promise<BuildData>
  /**
   * `buildCatalogueTables(items)` run in the reader thread: the tables of a live view (a build's items with live
   * changes on top), so recomposing after a change does not build them on the thread that answers turns.
   */
  tables(items: readonly Item[]): Promise<CatalogueTables>
  /** Stops the thread. Idempotent. */
  close(): Promise<void>
}

/**
 * A worker thread that reads, checks and parses build folders, so a server under load keeps answering while a new
 * build loads: its event loop then sees one message instead of hundreds of file reads. Started at the first read
 * and kept (idle, it does not keep the process alive); restarted if it dies. When the thread cannot run, reads
 * happen on the calling thread, with a warning.
 */
export function createBuildReader(logger: Logger): BuildReader {
  let worker: Worker | undefined
  let nextId = 1
  const pending = new Map<number, { job: ReaderJob; resolve: (reply: ReaderResult) => void; reject: (e: unknown) => void }>()

  /** What a job gives when run on this thread (the thread could not run it). */
  const runHere = async (job: ReaderJob, id: number): Promise<ReaderResult> =>
    'dir' in job
      ? { id, ok: true, data: await readBuildData(job.dir) }
      : { id, ok: true, tables: buildCatalogueTables(job.items) }
  const fallBack = (reason: string) => {
    worker = undefined
    for (const [id, entry] of pending) {
      pending.delete(id)
      logger.warn('build reader thread failed: working on the main thread', {
        ...('dir' in entry.job ? { dir: entry.job.dir } : { items: entry.job.items.length }),
        reason,
      })
      runHere(entry.job, id).then(entry.resolve, entry.reject)
    }
  }
  const start = (): Worker => {
    const started = new Worker(new URL('./read-worker-entry.js', import.meta.url))
    started.on('message', (reply: ReaderReply) => {
      const job = pending.get(reply.id)
      pending.delete(reply.id)
      if (pending.size === 0) started.unref()
      if (reply.ok) job?.resolve(reply)
      else job?.reject(deserialiseError(reply.error))
    })
    started.on('error', (error) => fallBack(errorMessage(error)))
    started.on('exit', (code) => {
      if (worker === started) fallBack(`exited with code ${code}`)
    })
    return started
  }
  const run = (job: ReaderJob): Promise<ReaderResult> =>
    new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { job, resolve, reject })
      worker ??= start()
      worker.ref()
      worker.postMessage({ id, ...job })
    })
  return {
    read: async (dir) => (await run({ dir })).data as BuildData,
    tables: async (items) => (await run({ items })).tables as CatalogueTables,
    close: async () => {
      const stopping = worker
      worker = undefined
      await stopping?.terminate()
    },
  }
}
