import { z } from 'zod'

/** A boolean, or its usual spellings in an environment variable. */
const bool = z.union([
  z.boolean(),
  z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v)),
])

const port = z.coerce.number().int().min(0).max(65535)

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

/** Every setting, with its default. Environment variables are mapped onto this shape by load.ts. */
export const configSchema = z.object({
  /** Folder with the catalogue (see README: data layout). Resolved by load.ts when unset. */
  dataDir: z.string().min(1).optional(),
  /** Dataset inside the data folder: ml-latest-small, ml-100k, or generic (items.* + interactions.*). */
  dataset: z.enum(['auto', 'ml-latest-small', 'ml-100k', 'generic']).default('auto'),
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
  }),
  llm: z.object({
    baseUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.coerce.number().int().min(100).max(120_000).default(8000),
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
    /** Take the client IP for rate limits from X-Forwarded-For; only behind a proxy you control. */
    trustProxy: bool.default(false),
  }),
  slack: z.object({
    mode: z.enum(['off', 'http', 'socket']).default('off'),
    signingSecret: z.string().min(1).optional(),
    botToken: z.string().min(1).optional(),
    appToken: z.string().min(1).optional(),
    apiUrl: z.string().url().optional(),
  }),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    format: z.enum(['json', 'pretty']).optional(),
  }),
})

export type Config = z.infer<typeof configSchema>
