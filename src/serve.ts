import type { Config } from './config/index.ts'
import {
  AppError,
  type ChatService,
  createTurnScheduler,
  errorMessage,
  type Logger,
  type ProgressEvent,
  type ProgressListener,
  type Reply,
  readCurrent,
} from './core/index.ts'
import type { Runtime } from './runtime.ts'
import { createSlackBot, type SlackBot } from './slack/index.ts'
import { type BuildNotices, createSharedState, type SharedState, withTurnLocks } from './state/index.ts'
import {
  createSharedIdempotencyStore,
  createWidgetApp,
  type HttpServer,
  startHttpServer,
  turnSchedulerOptions,
  type WidgetApp,
  type WidgetBackend,
  type WidgetDeps,
} from './widget/index.ts'

export interface ServeDeps {
  logger: Logger
  /** Progress of the first build, when there is none yet. */
  onProgress?: ProgressListener
  /** How often `indexes/current` is checked for a new build. Default 3000 ms. */
  pollMs?: number
  /** How long requests received may run on shutdown. Default: CONCIERGE_SHUTDOWN_TIMEOUT_MS (10 s). */
  shutdownTimeoutMs?: number
}

export interface RunningServer {
  /** Where people open the demo page: CONCIERGE_PUBLIC_URL, or http://localhost:PORT (the host when bound to one). */
  readonly url: string
  readonly port: number
  /** The build being served now. */
  readonly buildId: string
  /** Stops accepting, finishes in-flight requests (up to the deadline), closes Slack and the runtime. Idempotent. */
  close(): Promise<void>
}

/**
 * `concierge serve`: listens at once, builds first when there is no build (`/readyz` is 503 with its progress meanwhile),
 * opens the runtime, serves the HTTP API, widget and demo
 * page (and Slack in http mode on /slack/*, or Socket Mode), and switches to a new build when `indexes/current`
 * changes. Throws `index.not_found`/`data.not_found`/`build.failed` when there is nothing to serve, `unavailable`
 * when the port is taken.
 */
export async function startServe(config: Readonly<Config>, deps: ServeDeps): Promise<RunningServer> {
  const { logger } = deps
  const started = Date.now()
  let firstRun: ProgressEvent = { phase: 'starting', done: 0, total: 0 }
  let loaded: Runtime | undefined
  const state = await createSharedState(config.redis)
  const shared = sharing(state, () => loaded, logger)
  let notices: Awaited<ReturnType<typeof followBuildNotices>> | undefined
  let slack: SlackBot | undefined
  let app: WidgetApp | undefined
  let http: HttpServer | undefined
  let buildModule: typeof import('./build/index.ts') | undefined
  // One cap and one fair queue for every chat turn of the process, whichever front end it came through.
  const turns = createTurnScheduler(turnSchedulerOptions(config.server))
  try {
    slack = await createSlackBot(config.slack, { chat: shared.chat, logger, deduper: shared.deduper, turns })
    app = await createWidgetApp(config.server, {
      ...shared.widget,
      turns,
      loading: () => ({ ...firstRun, seconds: Math.round((Date.now() - started) / 1000) }),
      logger: logger.child({ area: 'http' }),
    })
    http = await startHttpServer({
      listener: app.listener,
      mounts: slack?.requestListener ? [{ prefix: '/slack/', listener: slack.requestListener }] : [],
      port: config.server.port,
      host: config.server.host,
      logger,
      drainDelayMs: config.server.shutdownDelayMs,
      shutdownTimeoutMs: deps.shutdownTimeoutMs ?? config.server.shutdownTimeoutMs,
      onDeadline: () => app?.cancelTurns(),
    })
    // Listening from here on: /healthz answers, /readyz is 503 with the first build's progress until it is loaded.
    const onProgress = (event: ProgressEvent) => {
      firstRun = event
      deps.onProgress?.(event)
    }
    // Loaded once listening: the build and the runtime pull in the encoders and TF.js (seconds of module loading).
    const [builds, { createRuntime }] = await Promise.all([import('./build/index.ts'), import('./runtime.ts')])
    buildModule = builds
    const first = await builds.ensureBuild(config, { logger, onProgress, inThread: true })
    if (first.built) logger.info('first build ready', { buildId: first.buildId })
    firstRun = { phase: 'loading the build', done: 0, total: 1 }
    loaded = await createRuntime(config, { logger })
    notices = await followBuildNotices(state.builds, loaded, logger)
    if (config.slack.mode === 'socket') await slack?.start()
  } catch (error) {
    await http?.close()
    await slack?.close()
    await app?.close()
    await loaded?.close()
    notices?.close()
    await state.close()
    throw error
  }
  const runtime = loaded
  const follow = notices
  const watcher = watchBuilds(config.indexesDir, runtime, logger, deps.pollMs ?? 3000, follow.publish)
  follow.follow(watcher)
  const rebuilds = scheduleRebuildsIn(config, buildModule, watcher, deps)
  const url = config.server.publicUrl?.replace(/\/+$/, '') ?? http.url
  logger.info('serving', { url, buildId: runtime.buildId, items: runtime.itemCount, slack: config.slack.mode })

  const parts = {
    app,
    http,
    slack,
    runtime,
    state,
    logger,
    deadlineMs: deps.shutdownTimeoutMs ?? config.server.shutdownTimeoutMs,
  }
  let closing: Promise<void> | undefined
  return {
    url,
    port: http.port,
    get buildId() {
      return runtime.buildId
    },
    close: () =>
      (closing ??= (async () => {
        rebuilds?.close()
        watcher.close()
        follow.close()
        await shutDown(parts)
      })()),
  }
}

/**
 * CONCIERGE_REBUILD_EVERY: rebuilds in a thread once the current build is that old (and this server has not tried
 * for as long), then checks `indexes/current` at once, so the server (and, through the build notice, the other
 * replicas) swaps to the new build. Undefined when it is off.
 */
function scheduleRebuildsIn(
  config: Readonly<Config>,
  builds: typeof import('./build/index.ts') | undefined,
  watcher: { check(): Promise<void> },
  deps: ServeDeps,
) {
  if (!builds || config.loop.rebuildEveryMs <= 0) return undefined
  const { logger } = deps
  return builds.scheduleRebuilds(config.loop.rebuildEveryMs, {
    rebuild: (signal) => builds.runRebuildInThread(config, { logger, signal }),
    onBuilt: () => watcher.check(),
    // A build another replica (or `concierge rebuild`) made resets the clock: replicas do not each rebuild.
    lastBuiltAt: () => builds.currentBuildCreatedAt(config.indexesDir),
    logger,
  })
}

/**
 * What the widget and the Slack bot get from the shared state. In memory (one process) they keep their own defaults,
 * exactly as before; with Redis they share rate-limit buckets, idempotency keys and Slack dedupe, and every turn
 * and feedback holds its conversation's lock, so replicas never change one conversation's session at once.
 */
export function sharing(state: SharedState, runtime: () => Runtime | undefined, logger: Logger) {
  const whenLoaded = chatOnceLoaded(runtime)
  if (state.kind === 'memory') {
    return { chat: whenLoaded, deduper: undefined, widget: { backend: runtime } satisfies Partial<WidgetDeps> }
  }
  const chat = withTurnLocks(() => whenLoaded, state.turnLocks, logger)
  const backend = (loaded: Runtime): WidgetBackend => ({
    ...loaded,
    chat,
    get buildId() {
      return loaded.buildId
    },
    get itemCount() {
      return loaded.itemCount
    },
  })
  const widget = {
    backend: () => {
      const loaded = runtime()
      return loaded ? backend(loaded) : undefined
    },
    limiter: state.limiter,
    replies: createSharedIdempotencyStore<Reply>(state.idempotency),
  } satisfies Partial<WidgetDeps>
  return { chat, deduper: state.deduper, widget }
}

/**
 * The "build X is current" notice between replicas: `publish` tells the others when this one switched; a notice
 * from another makes the watcher check `indexes/current` at once, so replicas swap together rather than up to one
 * poll apart. Alone (memory state) the notice only reaches this process, which already serves the build.
 */
export async function followBuildNotices(builds: BuildNotices, runtime: Pick<Runtime, 'buildId'>, logger: Logger) {
  let watcher: { check(): Promise<void> } | undefined
  const unsubscribe = await builds.subscribe((buildId) => {
    if (buildId === runtime.buildId) return
    logger.info('another replica serves a new build: checking', { buildId })
    void watcher?.check()
  })
  return {
    publish: (buildId: string) => {
      builds.publish(buildId).catch((error) => logger.warn('could not publish the new build', { error: errorMessage(error) }))
    },
    follow: (target: { check(): Promise<void> }) => {
      watcher = target
    },
    close: unsubscribe,
  }
}

/** What `shutDown` stops. */
export interface ShutdownParts {
  app: Pick<WidgetApp, 'setDraining' | 'close'>
  http: Pick<HttpServer, 'close'>
  slack?: Pick<SlackBot, 'close' | 'drain'>
  runtime: { close(): Promise<void> }
  /** Shared state (Redis connections); closed last. */
  state?: { close(): Promise<void> }
  logger: Logger
  /** How long requests and Slack turns received may run. */
  deadlineMs: number
}

/**
 * The shutdown order of `serve` (SIGTERM): /readyz answers 503 first; the HTTP server drains, stops accepting and
 * answers what it received (turns still running at the deadline get 503, streams an error part) while the Slack
 * bot finishes or apologises for its acknowledged turns; then the bot, the app and the runtime close.
 */
export async function shutDown(parts: ShutdownParts): Promise<void> {
  parts.app.setDraining(true)
  parts.logger.info('shutting down: finishing requests in flight', { deadlineMs: parts.deadlineMs })
  await Promise.allSettled([parts.http.close(), parts.slack?.drain(parts.deadlineMs)])
  await Promise.allSettled([parts.slack?.close()])
  await parts.app.close()
  await parts.runtime.close()
  await parts.state?.close()
  parts.logger.info('stopped')
}

/**
 * Polls `<indexesDir>/current` and calls `runtime.reload()` when it points at another build. A build that fails to
 * load is not retried until `current` changes again (the runtime keeps serving the old one).
 */
export function watchBuilds(
  indexesDir: string,
  runtime: Pick<Runtime, 'buildId' | 'reload'>,
  logger: Logger,
  intervalMs: number,
  /** Called with each build this watcher switched to (serve publishes it to the other replicas). */
  onSwitched?: (buildId: string) => void,
): { close(): void; check(): Promise<void> } {
  let failed: string | undefined
  let running: Promise<void> | undefined
  const check = async () => {
    const current = await readCurrent(indexesDir)
    if (!current || current === runtime.buildId || current === failed) return
    const from = runtime.buildId
    logger.info('new build found: switching', { from, to: current })
    try {
      const switched = await runtime.reload()
      if (switched) {
        failed = undefined
        logger.info('now serving build', { buildId: runtime.buildId })
        onSwitched?.(runtime.buildId)
      } else if (runtime.buildId !== current) {
        failed = current
        logger.warn('new build did not load: still serving the old one', { buildId: from, failed: current })
      }
    } catch (error) {
      failed = current
      logger.error('reload failed: still serving the old build', { buildId: from, failed: current, error: errorMessage(error) })
    }
  }
  const tick = () => {
    running ??= check().finally(() => {
      running = undefined
    })
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return {
    close: () => clearInterval(timer),
    check: () => {
      tick()
      return running ?? Promise.resolve()
    },
  }
}

/** The runtime's chat once it is loaded; until then every call is `unavailable` (the first build is still running). */
function chatOnceLoaded(runtime: () => Runtime | undefined): ChatService {
  const chat = () => {
    const loaded = runtime()
    if (!loaded) throw new AppError('unavailable', 'Concierge is still preparing its first build; try again in a few minutes.')
    return loaded.chat
  }
  return {
    handleTurn: async (input, options) => chat().handleTurn(input, options),
    feedback: async (input) => chat().feedback(input),
    getItem: (id) => runtime()?.chat.getItem(id),
    getProfile: async (userId) => chat().getProfile(userId),
    removePreference: async (userId, itemId) => chat().removePreference(userId, itemId),
    forgetUser: async (userId) => chat().forgetUser(userId),
    close: async () => {},
  }
}
