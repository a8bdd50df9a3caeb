import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { CANDIDATE_SOURCES } from '../core/index.ts'

/** A boolean, or its usual spellings in an environment variable. */
const bool = z.union([
  z.boolean(),
  z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v)),
])

/** Bulk embedding threads of a server by default: one per core, at most four. */
const DEFAULT_LIVE_WORKERS = Math.min(4, availableParallelism())

const port = z.coerce.number().int().min(0).max(65535)

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** A duration as `30d`, `12h`, `45m` or `90s` (or a number of milliseconds), in milliseconds; `off` or 0: none. */
const duration = z.union([
  z.number().int().min(0),
  z
    .string()
    .trim()
    .regex(/^(off|0|\d+\s*[smhd])$/i, 'expected a duration such as 30d, 12h, 45m or 90s, or off')
    .transform((text) => {
      const m = /^(\d+)\s*([smhd])$/i.exec(text)
      if (!m) return 0
      return Number(m[1]) * DURATION_UNITS_MS[m[2]!.toLowerCase() as keyof typeof DURATION_UNITS_MS]
    }),
])

/** A JSON object given as text (an environment variable), or the object itself (an override). */
const jsonText = (value: unknown, ctx: z.core.$RefinementCtx) => {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON object, e.g. {"semantic": 0.7}' })
    return z.NEVER
  }
}

/** Candidate sources a variant switches on or off, by name (`{"lexical": false}`); unnamed ones stay on. */
const sourcesSchema = z.strictObject(Object.fromEntries(CANDIDATE_SOURCES.map((name) => [name, z.boolean().optional()])), {
  error: (issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown candidate source ${issue.keys.map((k) => `"${k}"`).join(', ')}: expected ${CANDIDATE_SOURCES.join(', ')}`
      : undefined,
})

/**
 * One A/B variant: its share of users (0–1) and optional overrides: the recommender blend, the candidate sources,
 * and whether it uses the LLM (`false`: templates only, even when one is configured).
 */
const variantSchema = z.strictObject({
  share: z.number().min(0).max(1),
  blend: z.record(z.string(), z.number().finite()).optional(),
  sources: sourcesSchema.optional(),
  llm: z.boolean().optional(),
})

/** `{"a": {"share": 0.5}, "b": {"share": 0.5, "blend": {...}}}`: names of at most 64 characters, shares summing to 1. */
const variantsSchema = z
  .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a variant name of letters, digits, _ or -'), variantSchema)
  .refine((v) => Object.keys(v).length > 0, 'expected at least one variant')
  .refine((v) => Math.abs(Object.values(v).reduce((sum, x) => sum + x.share, 0) - 1) < 1e-6, 'expected the shares to sum to 1')

/** Every setting, with its default. Environment variables are mapped onto this shape by load.ts. */
export const configSchema = z.object({
  /** Folder with the catalogue (see README: data layout). Resolved by load.ts when unset. */
  dataDir: z.string().min(1).optional(),
  /** Dataset inside the data folder: ml-latest-small, ml-100k, or generic (items.* + interactions.*). */
  dataset: z.enum(['auto', 'ml-latest-small', 'ml-100k', 'generic']).default('auto'),
  /**
   * Domain profile of the catalogue (a file `domains/<id>.en.json`: `movies`, `software`, `generic`, …), whose
   * nouns, verbs, era and length words and reply copy the chat uses. `auto`: detected from the build (MovieLens →
   * movies; a generic catalogue → the first profile whose detection rule fits, else generic).
   */
  domain: z
    .string()
    .regex(/^(?:auto|[a-z][a-z0-9-]*)$/, 'expected auto or a profile id such as movies')
    .default('auto'),
  /**
   * Conversation logs learned from at rebuild, comma-separated: ReDial-format JSON lines (`.jsonl`) or INSPIRED
   * dialogues (`.tsv`); each dialogue's mentioned movies become one pseudo-user's interactions. `auto`:
   * `<dataDir>/redial/train_data.jsonl` when present; `none`: off.
   */
  dialogues: z.string().min(1).default('auto'),
  /**
   * Share of the popularity prior that comes from the conversation logs when there are any (the rest from
   * ratings and events): what people talk about and get recommended in conversations is a better prior for a
   * chat than what raters rated most. On 100 held-out ReDial train dialogues (log: the other 400), Recall@10/@50
   * 0.155/0.310 at 0.5, 0.172/0.330 at 0.8, 0.175/0.327 at 0.99 (the old prior, ratings and log users counted
   * alike: 0.135/0.294). Not 1: the ratings still order the many items no conversation mentions, and tell apart
   * items sharing a title.
   */
  dialoguePopularity: z.coerce.number().min(0).max(1).default(0.99),
  /**
   * Blend weight overrides for the recommender, e.g. `{"semantic": 0.7, "candidates": 300}`, and `specific.<part>`
   * keys for the specific end of the request-dependent blend; the keys, their defaults and how they were tuned are in
   * `DEFAULT_WEIGHTS` and `SPECIFIC_WEIGHTS` (src/recommend/weights.ts), which also rejects unknown keys when the
   * server starts.
   */
  blend: z.preprocess(jsonText, z.record(z.string(), z.number().finite())).default({}),
  /**
   * Share of the popularity prior that comes from the catalogue's own `votes` field when items have one (the
   * MovieLens demo takes TMDB vote counts from tmdb_5000_movies.csv): how many people know a film beyond this
   * catalogue's raters, which orders the many films no conversation mentions. Tuned on the same ReDial split.
   */
  catalogPopularity: z.coerce.number().min(0).max(1).default(0.1),
  indexesDir: z.string().min(1).default('indexes'),
  modelsDir: z.string().min(1).default('models'),
  embed: z.object({
    encoder: z.enum(['auto', 'transformers', 'use']).default('auto'),
    /** Hub id or local folder of a feature-extraction ONNX model for the transformers backend. */
    transformersModel: z.string().min(1).default('Xenova/all-MiniLM-L6-v2'),
    /** Where downloaded transformers.js models are cached. */
    cacheDir: z.string().min(1).default('models/hub'),
    batchSize: z.coerce.number().int().min(1).max(1024).default(32),
    /** Worker threads for bulk embedding; 0 means one per core. */
    workers: z.coerce.number().int().min(0).max(64).default(0),
    /** Worker threads embedding utterances in a server (0: on the main thread). */
    serveWorkers: z.coerce.number().int().min(0).max(16).default(1),
    /**
     * Worker threads embedding a server's bulk calls (`POST /v1/items` with many items), apart from the ones that
     * embed utterances, so turns never wait behind a bulk call (0: the main thread, batch by batch). They run at
     * niceness 10 on Linux, so turns go first for a core. Default: one per core, at most four (USE-lite takes
     * about 35–70 ms of a core per item, so 1,000 items need two cores to land within a minute).
     */
    liveWorkers: z.coerce.number().int().min(0).max(16).default(DEFAULT_LIVE_WORKERS),
    /**
     * Start the bulk workers with the server rather than at the first bulk call, so loading their models does not
     * compete with turns while the call waits (each holds its own model: about 190 MB with USE-lite). For shops that
     * bulk-load while people chat. Default false.
     */
    liveWarm: bool.default(false),
  }),
  index: z.object({
    /** Catalogues at or below this size use the exact index. */
    exactBelow: z.coerce.number().int().min(0).default(1000),
    m: z.coerce.number().int().min(4).max(128).default(16),
    efConstruction: z.coerce.number().int().min(10).max(2000).default(200),
    /** 200: recall@10 ≈ 0.997 on ml-latest-small USE vectors at about 0.5 ms (100 gives 0.984; see README). */
    efSearch: z.coerce.number().int().min(10).max(2000).default(200),
    seed: z.coerce.number().int().default(42),
  }),
  collab: z.object({
    backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    /** Ratings at or above this count as positive implicit feedback. */
    positiveThreshold: z.coerce.number().default(3.5),
    seed: z.coerce.number().int().default(42),
  }),
  store: z.object({
    /** SQLite file for sessions, feedback and interactions. */
    path: z.string().min(1).default('data-store/concierge.db'),
    /** A shared store instead of the SQLite file: `postgres://user:password@host:5432/database` (or `memory:`). */
    url: z
      .string()
      .regex(/^(postgres(ql)?:\/\/|memory:)/, 'expected a postgres:// URL (or memory:)')
      .optional(),
    /** Sessions idle longer than this are never loaded again and are deleted by an hourly sweep; `off`: keep. */
    sessionTtlMs: duration.default(30 * DURATION_UNITS_MS.d),
  }),
  redis: z.object({
    /** Redis for what replicas share (rate limits, dedupe, idempotency, turn locks, build notices); unset: memory. */
    url: z
      .string()
      .regex(/^rediss?:\/\/./, 'expected redis://[user:password@]host:port[/db] or rediss://…')
      .optional(),
    /** Put before every Redis key and channel, so deployments can share one server. */
    prefix: z.string().default('concierge:'),
  }),
  tmdb: z.object({
    /** TMDB API key (v3) or read access token (v4): `concierge data tmdb` fetches overviews, keywords, running times. */
    apiKey: z.string().min(1).optional(),
  }),
  llm: z.object({
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.coerce.number().int().min(100).max(120_000).default(8000),
    /** Budget for the LLM's reading of a message and its title proposals, per turn (default 1500); later is left out. */
    assistTimeoutMs: z.coerce.number().int().min(100).max(60_000).optional(),
  }),
  server: z.object({
    port: port.default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    /** Public URL used in printed links and the widget snippet; defaults to http://localhost:PORT. */
    publicUrl: z.string().url().optional(),
    /** Publishable keys: `key=origin1|origin2,key2=*`. Empty: the demo key `demo`, accepted only from this server's own origin and localhost. */
    publishableKeys: z.string().default(''),
    /** Secret keys for server-to-server calls, comma-separated. */
    secretKeys: z.string().default(''),
    rateLimitPerMinute: z.coerce.number().int().min(1).default(60),
    maxBodyBytes: z.coerce.number().int().min(256).default(16_384),
    /**
     * Proxies you run in front of the server, each appending to X-Forwarded-For: the client address for rate limits
     * is the entry the last of them added. 0: the socket address. `true` (older setting) means 1.
     */
    trustProxy: z.union([bool.transform((on) => (on ? 1 : 0)), z.coerce.number().int().min(0).max(16)]).default(0),
    /**
     * Turns running at once in the process, widget and Slack together; more wait in one queue served round-robin
     * across conversations.
     */
    maxConcurrentTurns: z.coerce.number().int().min(1).max(1024).default(8),
    /** Turns waiting at most; beyond it, 503 with Retry-After (Slack: an apology in the conversation). */
    maxQueuedTurns: z.coerce.number().int().min(0).max(100_000).default(64),
    /** On SIGTERM, how long /readyz answers 503 while requests are still taken, before the listener closes. */
    shutdownDelayMs: z.coerce.number().int().min(0).max(120_000).default(1000),
    /** On SIGTERM, how long requests already received may run before they are answered 503 (streams: an error part). */
    shutdownTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
  }),
  slack: z.object({
    mode: z.enum(['off', 'http', 'socket']).default('off'),
    signingSecret: z.string().min(1).optional(),
    botToken: z.string().min(1).optional(),
    appToken: z.string().min(1).optional(),
    apiUrl: z.string().url().optional(),
  }),
  loop: z.object({
    /** A/B variants (CONCIERGE_VARIANTS); unset: one variant, `default`. */
    variants: z.preprocess(jsonText, variantsSchema).optional(),
    /** SQLite file of impressions (what was shown, to whom, in which variant) and outcomes; default beside the store's file. */
    impressionsPath: z.string().default(''),
    /** Impressions older than this are deleted by the sweep (at start and hourly); `off`: keep. */
    impressionsRetentionMs: duration.default(90 * DURATION_UNITS_MS.d),
    /** An outcome (feedback, an event) counts for the newest impression of the item to that user within this window. */
    outcomeWindowMs: duration.default(DURATION_UNITS_MS.d),
    /**
     * A running server rebuilds this long after its previous rebuild ended (`24h`), training on what people did, and
     * swaps to the new build as for any rebuild; `off` (default): only `concierge rebuild` builds.
     */
    rebuildEveryMs: duration.default(0),
  }),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).optional(),
  }),
})

export type Config = z.infer<typeof configSchema>
