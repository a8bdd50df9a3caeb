import { clearServing, createBuildReader, currentBuildDir, markServing, openBuild } from './build/index.ts'
import { type ChatEngine, createChat, type EvalChat } from './chat/index.ts'
import type { Config } from './config/index.ts'
import {
  AppError,
  type ChatService,
  createKeyedQueue,
  type Embedder,
  errorMessage,
  type Item,
  type Logger,
  yieldToEventLoop,
} from './core/index.ts'
import { chooseDomainProfile, loadDomainProfiles } from './domain/index.ts'
import { createEmbedderFromId } from './embed/index.ts'
import { type LiveItems, openLiveCatalogue } from './live/index.ts'
import { createLlmClient } from './llm/index.ts'
import {
  createEventRecorder,
  createOpenRecorder,
  createVariantChat,
  type EventRecorder,
  type LoopInsights,
  type OpenRecorder,
  openConfiguredImpressionLog,
  openLearningLoop,
} from './loop/index.ts'
import { createRecommender, type RecommenderDeps } from './recommend/index.ts'
import { createStore, type Store } from './store/index.ts'
import { loadTf } from './tf/index.ts'

/** Everything a front end needs, built from config. */
export interface Runtime {
  /** Always serves the newest loaded build; a turn finishes on the build it started on. */
  chat: ChatService
  /** Evaluation turns on the active build (explicit options; front ends never reach it). */
  evalTurn: EvalChat['evalTurn']
  readonly buildId: string
  readonly itemCount: number
  readonly encoderId: string
  /** Records interactions from the events API in the store (profiles now, training at the next rebuild). */
  readonly events: EventRecorder
  /** Records items people opened (an outcome of their impression, and an `open` interaction for training). */
  readonly opens: OpenRecorder
  /** The live catalogue (`POST /v1/items`, `DELETE /v1/items/{id}`): changes are stored, then served at once. */
  readonly items: LiveItems
  /** Impressions and feedback per A/B variant, in Prometheus text format (appended to /metrics). */
  loopMetrics(): string
  /** The A/B report and the most shown and liked items, for the operator page (/admin). */
  readonly insights: LoopInsights
  /**
   * Loads `indexes/current` when it points at a new build and switches to it atomically. If the new build
   * fails to load, keeps serving the old one and returns false (the failure is logged).
   */
  reload(): Promise<boolean>
  close(): Promise<void>
}

/** An opened build shared by the chats composed over it (one per live change); closed with the last of them. */
interface OpenedBuild {
  buildId: string
  build: Awaited<ReturnType<typeof openBuild>>
  embedder: Embedder
  profile: ReturnType<typeof chooseDomainProfile>
  chats: number
}

interface LoadedBuild {
  buildId: string
  itemCount: number
  encoderId: string
  chat: ChatEngine
  opened: OpenedBuild
  release: () => Promise<void>
  inFlight: number
  retired: boolean
}

/** Longest wait of one composition step for the turns running to finish. */
const QUIET_WAIT_MAX_MS = 1000
const QUIET_POLL_MS = 5
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The composition root. Opens the store and the current build (index, encoder recorded in its manifest,
 * collaborative model, catalogue snapshot), wires recommender, explanations, optional LLM and chat.
 * Throws `index.not_found` when there is no build yet (run `concierge rebuild`, or `ensureBuild`).
 */
export async function createRuntime(
  config: Readonly<Config>,
  deps: { logger: Logger; store?: Store; onScored?: RecommenderDeps['onScored'] },
): Promise<Runtime> {
  const { logger } = deps
  // The configured TF.js backend must win before an encoder or model asks for one.
  await loadTf(config.collab.backend, logger)
  const store = deps.store ?? (await createStore(config.store))
  const ownsStore = !deps.store
  const embedders = new Map<string, Promise<Embedder>>()
  const llm = createLlmClient(config.llm, { logger })
  // Builds are read off the main thread, so a swap under load takes seconds, not the turns' queue.
  const reader = createBuildReader(logger)
  // Profiles are validated at start-up, so a broken domains/ file stops the server before it serves.
  const profiles = loadDomainProfiles()
  const live = await openLiveCatalogue(config.indexesDir, { logger })

  const embedderFor = (id: string): Promise<Embedder> => {
    let p = embedders.get(id)
    if (!p) {
      p = createEmbedderFromId(id, config.embed, { logger, serving: true })
      p.catch(() => embedders.delete(id))
      embedders.set(id, p)
    }
    return p
  }

  // Composing a build's recommender and chat runs on the thread that answers turns, in steps of 50–200 ms (a live
  // change composes over the whole catalogue). Each step waits until no turn is running, so a turn waits behind at
  // most one step, never behind the whole composition; QUIET_WAIT_MAX_MS keeps a busy server from starving it.
  let turnsRunning = 0
  const quiet = async () => {
    const started = performance.now()
    await yieldToEventLoop()
    while (turnsRunning > 0 && performance.now() - started < QUIET_WAIT_MAX_MS) await sleep(QUIET_POLL_MS)
  }

  /** Recommender and chat over an opened build with the live changes on top. */
  const compose = async (opened: OpenedBuild): Promise<LoadedBuild> => {
    const { build, embedder, profile } = opened
    await quiet()
    const { items, index } = await live.view(build.items, build.index, embedder)
    const { popularity, collab } = build
    // The reader thread's tables describe the build's items; with live changes on top it builds the view's own.
    await quiet()
    const tables = build.tables && sameItems(items, build.items) ? build.tables : await reader.tables(items)
    // One recommender and chat per A/B variant that overrides something (CONCIERGE_VARIANTS); others share the base.
    const chat = await createVariantChat(config.loop.variants, async (overrides) => {
      await quiet()
      const recommender = await createRecommender({
        items,
        index,
        embedder,
        collab,
        popularity,
        logger,
        vocabulary: [...profile.searchWords, ...(tables?.thesaurus ?? [])],
        weights: { ...config.blend, ...overrides?.blend },
        ...(overrides?.sources ? { sources: overrides.sources } : {}),
        ...(deps.onScored ? { onScored: deps.onScored } : {}),
        ...(tables ? { lexicalTables: tables.lexical } : {}),
        ...(build.meanings ? { factMeanings: build.meanings } : {}),
        pause: quiet,
      })
      // Turns that arrived while the recommender was assembled go before the chat is.
      await quiet()
      const assist = config.llm.assistTimeoutMs
      // A variant with `llm: false` answers by templates even when an LLM is configured.
      const variantLlm = overrides?.llm === false ? undefined : llm
      const chatDeps = {
        items,
        recommender,
        store,
        llm: variantLlm,
        logger,
        popularity,
        profile,
        ...(tables ? { tables: tables.chat } : {}),
      }
      const variantChat = await createChat({ ...chatDeps, ...(assist ? { llmAssistTimeoutMs: assist } : {}) })
      const close = async () => {
        await variantChat.close()
        await recommender.close()
      }
      return { ...variantChat, close }
    })
    opened.chats++
    return {
      buildId: opened.buildId,
      itemCount: items.length,
      encoderId: embedder.id,
      chat,
      opened,
      inFlight: 0,
      retired: false,
      release: async () => {
        await chat.close()
        if (--opened.chats === 0) await build.close()
      },
    }
  }

  const load = async (): Promise<LoadedBuild> => {
    const current = await currentBuildDir(config)
    if (!current) {
      throw new AppError('index.not_found', `No build in ${config.indexesDir}. Run \`concierge rebuild\` first.`, {
        details: { indexesDir: config.indexesDir },
      })
    }
    const started = performance.now()
    const build = await openBuild(current.dir, { backend: config.collab.backend, logger, reader })
    const openedAt = performance.now()
    const { index, items, collab } = build
    try {
      const embedder = await embedderFor(index.manifest.encoderId)
      if (embedder.dimension !== index.manifest.dimension) {
        throw new AppError(
          'index.incompatible',
          `Encoder ${embedder.id} gives ${embedder.dimension}-d vectors, the index holds ${index.manifest.dimension}-d`,
          {
            details: { encoder: embedder.id, dimension: embedder.dimension, indexDimension: index.manifest.dimension },
          },
        )
      }
      const profile = chooseDomainProfile(profiles, { dataset: index.manifest.dataset, items }, config.domain)
      const opened: OpenedBuild = { buildId: current.buildId, build, embedder, profile, chats: 0 }
      const loaded = await compose(opened)
      logger.info('build loaded', {
        seconds: {
          open: secondsSince(started, openedAt),
          recommenderAndChat: secondsSince(openedAt),
        },
        buildId: current.buildId,
        items: loaded.itemCount,
        encoder: embedder.id,
        collab: collab?.name ?? 'none',
        domain: profile.id,
      })
      return loaded
    } catch (error) {
      await build.close()
      throw error
    }
  }

  // With a PostgreSQL store the impressions go there too, so every replica's are in one report.
  const impressionLog = await openConfiguredImpressionLog({
    impressionsPath: config.loop.impressionsPath,
    storeUrl: config.store.url,
  }).catch(async (error) => {
    await reader.close()
    throw error
  })
  let active: LoadedBuild
  try {
    active = await load()
  } catch (error) {
    await reader.close()
    await impressionLog.close()
    throw error
  }
  // The record of what this process serves protects it from pruning; written in order, off the swap's path.
  let serving = markServing(config.indexesDir, active.buildId, logger)
  await serving
  let reloading: Promise<boolean> | undefined
  let closed: Promise<void> | undefined
  // Build swaps and live changes run one at a time, so a change is never composed over a build being replaced.
  let swaps: Promise<unknown> = Promise.resolve()
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = swaps.then(fn)
    swaps = run.catch(() => {})
    return run
  }
  /** Serves the active build again with the live changes as they are now: once per call, whatever its size. */
  const recompose = async (change: Record<string, unknown>) => {
    const started = performance.now()
    const next = await compose(active.opened)
    const previous = active
    active = next
    retire(previous)
    logger.info('live change served', { ...change, items: next.itemCount, seconds: { recompose: secondsSince(started) } })
  }
  const items: LiveItems = {
    upsert: (list) =>
      oneAtATime(async () => {
        await live.upsert(list, active.opened.embedder)
        await recompose({ upserted: list.length })
        return { upserted: list.length }
      }),
    remove: (id) =>
      oneAtATime(async () => {
        if (!active.chat.getItem(id)) throw new AppError('not_found', `No item with id ${id}.`, { details: { id } })
        await live.remove(id)
        await recompose({ deleted: id })
      }),
  }

  const retire = (build: LoadedBuild) => {
    build.retired = true
    if (build.inFlight === 0)
      void build.release().catch((e) => logger.warn('closing an old build failed', { reason: errorMessage(e) }))
  }

  /** Runs `fn` on the active build, keeping that build open until it finishes. */
  const using = async <T>(fn: (chat: ChatEngine) => Promise<T>): Promise<T> => {
    turnsRunning++
    if (closed) throw new AppError('unavailable', 'Concierge is shutting down')
    const build = active
    build.inFlight++
    try {
      return await fn(build.chat)
    } finally {
      build.inFlight--
      turnsRunning--
      if (build.retired && build.inFlight === 0) void build.release().catch(() => {})
    }
  }

  // One queue per conversation above the builds: a turn that arrives during a swap waits for the conversation's
  // turn on the old build, then runs on the new one, so one conversation never runs on two builds at once.
  const turns = createKeyedQueue()
  const chat: ChatService = {
    handleTurn: (input, options) => turns.run(input.conversationId, () => using((c) => c.handleTurn(input, options))),
    feedback: (input) => turns.run(input.conversationId, () => using((c) => c.feedback(input))),
    getItem: (id) => active.chat.getItem(id),
    getProfile: (userId) => using((c) => c.getProfile(userId)),
    removePreference: (userId, itemId) => using((c) => c.removePreference(userId, itemId)),
    forgetUser: (userId) => using((c) => c.forgetUser(userId)),
    close: () => runtime.close(),
  }

  const loop = openLearningLoop(config.loop, { logger, log: impressionLog })
  const runtime: Runtime = {
    chat: loop.wrap(chat),
    evalTurn: (input, options) => using((c) => c.evalTurn(input, options)),
    events: createEventRecorder(store, { onRecorded: loop.recordEvents }),
    opens: createOpenRecorder(store, { onOpened: (opened, now) => loop.recordOpen(opened, now) }),
    items,
    loopMetrics: loop.metricsText,
    insights: { report: loop.report, topItems: loop.topItems },
    get buildId() {
      return active.buildId
    },
    get itemCount() {
      return active.itemCount
    },
    get encoderId() {
      return active.encoderId
    },
    reload: () => {
      reloading ??= oneAtATime(async () => {
        try {
          const current = await currentBuildDir(config)
          if (!current || current.buildId === active.buildId) return false
          const next = await load()
          const previous = active
          active = next
          retire(previous)
          serving = serving.then(() => markServing(config.indexesDir, next.buildId, logger))
          logger.info('switched to a new build', { from: previous.buildId, to: next.buildId })
          return true
        } catch (error) {
          logger.error('new build failed to load; still serving the previous one', {
            buildId: active.buildId,
            reason: errorMessage(error),
          })
          return false
        } finally {
          reloading = undefined
        }
      })
      return reloading
    },
    close: () => {
      closed ??= (async () => {
        await swaps
        retire(active)
        while (active.inFlight > 0) await new Promise((r) => setTimeout(r, 20))
        const all = await Promise.allSettled([...embedders.values()])
        for (const e of all) if (e.status === 'fulfilled') await e.value.close()
        await reader.close()
        await serving.then(() => clearServing(config.indexesDir)).catch(() => {})
        await loop.close()
        if (ownsStore) await store.close()
      })()
      return closed
    },
  }
  return runtime
}

/** The same items in the same order (the live view of a build without live changes). */
function sameItems(a: readonly Item[], b: readonly Item[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

function secondsSince(from: number, to = performance.now()): number {
  return Math.round(to - from) / 1000
}
