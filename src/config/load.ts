import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { z } from 'zod'
import { AppError } from '../core/index.ts'
import { type Config, configSchema } from './schema.ts'

/** Environment variable → config path. The only mapping from process.env into the project. */
export const ENV_MAP: Record<string, string> = {
  CONCIERGE_DATA_DIR: 'dataDir',
  CONCIERGE_DATASET: 'dataset',
  CONCIERGE_DOMAIN: 'domain',
  CONCIERGE_DIALOGUES: 'dialogues',
  CONCIERGE_DIALOGUE_POPULARITY: 'dialoguePopularity',
  CONCIERGE_CATALOG_POPULARITY: 'catalogPopularity',
  CONCIERGE_BLEND: 'blend',
  CONCIERGE_INDEXES_DIR: 'indexesDir',
  CONCIERGE_MODELS_DIR: 'modelsDir',
  CONCIERGE_ENCODER: 'embed.encoder',
  CONCIERGE_TRANSFORMERS_MODEL: 'embed.transformersModel',
  CONCIERGE_MODEL_CACHE_DIR: 'embed.cacheDir',
  CONCIERGE_EMBED_BATCH_SIZE: 'embed.batchSize',
  CONCIERGE_EMBED_WORKERS: 'embed.workers',
  CONCIERGE_SERVE_EMBED_WORKERS: 'embed.serveWorkers',
  CONCIERGE_LIVE_EMBED_WORKERS: 'embed.liveWorkers',
  CONCIERGE_LIVE_EMBED_WARM: 'embed.liveWarm',
  CONCIERGE_INDEX_EXACT_BELOW: 'index.exactBelow',
  CONCIERGE_HNSW_M: 'index.m',
  CONCIERGE_HNSW_EF_CONSTRUCTION: 'index.efConstruction',
  CONCIERGE_HNSW_EF_SEARCH: 'index.efSearch',
  CONCIERGE_TF_BACKEND: 'collab.backend',
  CONCIERGE_POSITIVE_THRESHOLD: 'collab.positiveThreshold',
  CONCIERGE_SEED: 'collab.seed',
  CONCIERGE_STORE_PATH: 'store.path',
  CONCIERGE_STORE_URL: 'store.url',
  CONCIERGE_SESSION_TTL: 'store.sessionTtlMs',
  CONCIERGE_REDIS_URL: 'redis.url',
  CONCIERGE_REDIS_PREFIX: 'redis.prefix',
  TMDB_API_KEY: 'tmdb.apiKey',
  CONCIERGE_VARIANTS: 'loop.variants',
  CONCIERGE_IMPRESSIONS_PATH: 'loop.impressionsPath',
  CONCIERGE_IMPRESSIONS_RETENTION: 'loop.impressionsRetentionMs',
  CONCIERGE_OUTCOME_WINDOW: 'loop.outcomeWindowMs',
  CONCIERGE_REBUILD_EVERY: 'loop.rebuildEveryMs',
  CONCIERGE_LLM_BASE_URL: 'llm.baseUrl',
  CONCIERGE_LLM_MODEL: 'llm.model',
  CONCIERGE_LLM_API_KEY: 'llm.apiKey',
  CONCIERGE_LLM_TIMEOUT_MS: 'llm.timeoutMs',
  CONCIERGE_LLM_ASSIST_TIMEOUT_MS: 'llm.assistTimeoutMs',
  CONCIERGE_PORT: 'server.port',
  CONCIERGE_HOST: 'server.host',
  CONCIERGE_PUBLIC_URL: 'server.publicUrl',
  CONCIERGE_PUBLISHABLE_KEYS: 'server.publishableKeys',
  CONCIERGE_SECRET_KEYS: 'server.secretKeys',
  CONCIERGE_RATE_LIMIT_PER_MINUTE: 'server.rateLimitPerMinute',
  CONCIERGE_MAX_BODY_BYTES: 'server.maxBodyBytes',
  CONCIERGE_TRUST_PROXY: 'server.trustProxy',
  CONCIERGE_MAX_CONCURRENT_TURNS: 'server.maxConcurrentTurns',
  CONCIERGE_MAX_QUEUED_TURNS: 'server.maxQueuedTurns',
  CONCIERGE_SHUTDOWN_DELAY_MS: 'server.shutdownDelayMs',
  CONCIERGE_SHUTDOWN_TIMEOUT_MS: 'server.shutdownTimeoutMs',
  SLACK_MODE: 'slack.mode',
  SLACK_SIGNING_SECRET: 'slack.signingSecret',
  SLACK_BOT_TOKEN: 'slack.botToken',
  SLACK_APP_TOKEN: 'slack.appToken',
  SLACK_API_URL: 'slack.apiUrl',
  CONCIERGE_LOG_LEVEL: 'log.level',
  CONCIERGE_LOG_FORMAT: 'log.format',
}

const SECRET_PATHS = new Set([
  'store.url',
  'redis.url',
  'tmdb.apiKey',
  'llm.apiKey',
  'slack.signingSecret',
  'slack.botToken',
  'slack.appToken',
  'server.secretKeys',
])

export interface LoadConfigOptions {
  /** Values that win over the environment (CLI flags), by config path, e.g. `{ dataDir: '…' }`. */
  overrides?: Record<string, unknown>
  /** Folder relative paths are resolved against; default process.cwd(). */
  cwd?: string
}

/**
 * Reads the config from environment variables, lists every problem at once, and returns a frozen object.
 * Throws `config.invalid` with `details.issues` naming each variable and what it expects.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Readonly<Config> {
  const raw: Record<string, unknown> = {}
  const pathToEnv = new Map<string, string>()
  for (const [name, path] of Object.entries(ENV_MAP)) {
    pathToEnv.set(path, name)
    const value = env[name]
    if (value !== undefined && value !== '') setPath(raw, path, value)
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, path, value)
  }
  for (const section of ['embed', 'index', 'collab', 'store', 'redis', 'tmdb', 'loop', 'llm', 'server', 'slack', 'log']) {
    raw[section] ??= {}
  }
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue: z.core.$ZodIssue) => {
      // An issue inside a JSON setting ("blend.semantic") is reported on the variable that holds it.
      const keys = issue.path.map(String)
      let at = keys.length
      while (at > 0 && !pathToEnv.has(keys.slice(0, at).join('.'))) at--
      const path = at > 0 ? keys.slice(0, at).join('.') : keys.join('.')
      const inner = at > 0 && at < keys.length ? `${keys.slice(at).join('.')}: ` : ''
      const variable = pathToEnv.get(path)
      const shown = variable && !SECRET_PATHS.has(path) ? ` (got ${JSON.stringify(env[variable])})` : ''
      return `${variable ?? path}: ${inner}${issue.message}${shown}`
    })
    throw new AppError('config.invalid', `Invalid configuration:\n  ${issues.join('\n  ')}`, { details: { issues } })
  }
  const config = parsed.data
  const cwd = options.cwd ?? process.cwd()
  config.dataDir = resolveDataDir(config.dataDir, cwd)
  if (config.dialogues !== 'none') {
    config.dialogues = splitDialogueSetting(config.dialogues)
      .map((f) => (f === 'auto' ? f : resolve(cwd, f)))
      .join(',')
  }
  config.indexesDir = resolve(cwd, config.indexesDir)
  config.modelsDir = resolve(cwd, config.modelsDir)
  config.embed.cacheDir = resolve(cwd, config.embed.cacheDir)
  config.store.path = resolve(cwd, config.store.path)
  config.loop.impressionsPath = config.loop.impressionsPath
    ? resolve(cwd, config.loop.impressionsPath)
    : join(dirname(config.store.path), 'impressions.db')
  const llmVariants = Object.entries(config.loop.variants ?? {}).filter(([, v]) => v.llm === true)
  if (llmVariants.length > 0 && !config.llm.baseUrl) {
    const issues = llmVariants.map(([name]) => `CONCIERGE_VARIANTS: ${name}.llm: true needs CONCIERGE_LLM_BASE_URL`)
    throw new AppError('config.invalid', `Invalid configuration:\n  ${issues.join('\n  ')}`, { details: { issues } })
  }
  if (config.slack.mode === 'http' && (!config.slack.signingSecret || !config.slack.botToken)) {
    throw new AppError('config.invalid', 'SLACK_MODE=http needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.', {
      details: { issues: ['SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are required when SLACK_MODE=http'] },
    })
  }
  if (config.slack.mode === 'socket' && (!config.slack.appToken || !config.slack.botToken)) {
    throw new AppError('config.invalid', 'SLACK_MODE=socket needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN.', {
      details: { issues: ['SLACK_APP_TOKEN and SLACK_BOT_TOKEN are required when SLACK_MODE=socket'] },
    })
  }
  return deepFreeze(config)
}

/**
 * The data folder: CONCIERGE_DATA_DIR (or --data) when set, else ./data, else ../shared/data when present.
 * Returns undefined when none exists; callers then offer `concierge data movielens`.
 */
export function resolveDataDir(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit) return resolve(cwd, explicit)
  for (const candidate of ['data', '../shared/data']) {
    const dir = resolve(cwd, candidate)
    if (existsSync(dir)) return dir
  }
  return undefined
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {}
    node = node[key] as Record<string, unknown>
  }
  node[keys[keys.length - 1] as string] = value
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

/** The entries of a `dialogues` setting that lists files and `auto` ("auto, b.tsv"); `none` is one entry. */
export function splitDialogueSetting(setting: string): string[] {
  return setting
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
}
