import { currentBuildDir, readSnapshot } from './build/index.ts'
import { type ChatEngine, createChat, type EvalChat } from './chat/index.ts'
import { openCollab } from './collab/index.ts'
import type { Config } from './config/index.ts'
import { AppError, type ChatService, type CollabScorer, type Embedder, errorMessage, type Logger } from './core/index.ts'
import { chooseDomainProfile, loadDomainProfiles } from './domain/index.ts'
import { createEmbedderFromId } from './embed/index.ts'
import { openIndex } from './index/index.ts'
import { createLlmClient } from './llm/index.ts'
import { createRecommender, type RecommenderDeps } from './recommend/index.ts'
import { createSqliteStore, type Store } from './store/index.ts'
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
  /**
   * Loads `indexes/current` when it points at a new build and switches to it atomically. If the new build
   * fails to load, keeps serving the old one and returns false (the failure is logged).
   */
  reload(): Promise<boolean>
  close(): Promise<void>
}

interface LoadedBuild {
  buildId: string
  itemCount: number
  encoderId: string
  chat: ChatEngine
  release: () => Promise<void>
  inFlight: number
  retired: boolean
}

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
  const store = deps.store ?? (await createSqliteStore({ path: config.store.path }))
  const ownsStore = !deps.store
  const embedders = new Map<string, Promise<Embedder>>()
  const llm = createLlmClient(config.llm, { logger })
  // Profiles are validated at start-up, so a broken domains/ file stops the server before it serves.
  const profiles = loadDomainProfiles()

  const embedderFor = (id: string): Promise<Embedder> => {
    let p = embedders.get(id)
    if (!p) {
      p = createEmbedderFromId(id, config.embed, { logger, serving: true })
      p.catch(() => embedders.delete(id))
      embedders.set(id, p)
    }
    return p
  }

  const load = async (): Promise<LoadedBuild> => {
    const current = await currentBuildDir(config)
    if (!current) {
      throw new AppError('index.not_found', `No build in ${config.indexesDir}. Run \`concierge rebuild\` first.`, {
        details: { indexesDir: config.indexesDir },
      })
    }
    const index = await openIndex(current.dir)
    let collab: CollabScorer | undefined
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
      const { items, popularity } = await readSnapshot(current.dir)
      const collabDir = (index.manifest.extra as { collabDir?: string | null } | undefined)?.collabDir
      if (collabDir) {
        try {
          collab = await openCollab(
            collabDir,
            { dataFingerprint: index.manifest.dataFingerprint },
            { backend: config.collab.backend, logger },
          )
        } catch (error) {
          logger.warn('collaborative model not loaded: recommending from text and popularity only', {
            reason: errorMessage(error),
          })
        }
      }
      const recommender = await createRecommender({
        items,
        index,
        embedder,
        collab,
        popularity,
        logger,
        weights: config.blend,
        ...(deps.onScored ? { onScored: deps.onScored } : {}),
      })
      const profile = chooseDomainProfile(profiles, { dataset: index.manifest.dataset, items }, config.domain)
      const chat = await createChat({ items, recommender, store, llm, logger, popularity, profile })
      logger.info('build loaded', {
        buildId: current.buildId,
        items: items.length,
        encoder: embedder.id,
        collab: collab?.name ?? 'none',
        domain: profile.id,
      })
      return {
        buildId: current.buildId,
        itemCount: items.length,
        encoderId: embedder.id,
        chat,
        inFlight: 0,
        retired: false,
        release: async () => {
          await chat.close()
          await recommender.close()
          await collab?.close()
          await index.close()
        },
      }
    } catch (error) {
      await collab?.close()
      await index.close()
      throw error
    }
  }

  let active = await load()
  let reloading: Promise<boolean> | undefined
  let closed: Promise<void> | undefined

  const retire = (build: LoadedBuild) => {
    build.retired = true
    if (build.inFlight === 0)
      void build.release().catch((e) => logger.warn('closing an old build failed', { reason: errorMessage(e) }))
  }

  /** Runs `fn` on the active build, keeping that build open until it finishes. */
  const using = async <T>(fn: (chat: ChatEngine) => Promise<T>): Promise<T> => {
    if (closed) throw new AppError('unavailable', 'Concierge is shutting down')
    const build = active
    build.inFlight++
    try {
      return await fn(build.chat)
    } finally {
      build.inFlight--
      if (build.retired && build.inFlight === 0) void build.release().catch(() => {})
    }
  }

  const chat: ChatService = {
    handleTurn: (input, options) => using((c) => c.handleTurn(input, options)),
    feedback: (input) => using((c) => c.feedback(input)),
    getItem: (id) => active.chat.getItem(id),
    getProfile: (userId) => using((c) => c.getProfile(userId)),
    removePreference: (userId, itemId) => using((c) => c.removePreference(userId, itemId)),
    forgetUser: (userId) => using((c) => c.forgetUser(userId)),
    close: () => runtime.close(),
  }

  const runtime: Runtime = {
    chat,
    evalTurn: (input, options) => using((c) => c.evalTurn(input, options)),
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
      reloading ??= (async () => {
        try {
          const current = await currentBuildDir(config)
          if (!current || current.buildId === active.buildId) return false
          const next = await load()
          const previous = active
          active = next
          retire(previous)
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
      })()
      return reloading
    },
    close: () => {
      closed ??= (async () => {
        await reloading?.catch(() => {})
        retire(active)
        while (active.inFlight > 0) await new Promise((r) => setTimeout(r, 20))
        const all = await Promise.allSettled([...embedders.values()])
        for (const e of all) if (e.status === 'fulfilled') await e.value.close()
        if (ownsStore) await store.close()
      })()
      return closed
    },
  }
  return runtime
}
