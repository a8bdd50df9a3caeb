export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(bindings: Record<string, unknown>): Logger
  readonly level: LogLevel
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface LoggerOptions {
  level?: LogLevel
  /** `json` writes one JSON object per line; `pretty` a short human line. Default: pretty on a TTY. */
  format?: 'json' | 'pretty'
  write?: (line: string) => void
  bindings?: Record<string, unknown>
}

/** A small structured logger writing to stderr, so stdout stays free for `--json` output. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info'
  const format = options.format ?? (process.stderr.isTTY ? 'pretty' : 'json')
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const bindings = options.bindings ?? {}
  const log = (at: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[at] < RANK[level]) return
    const record = { time: new Date().toISOString(), level: at, msg, ...bindings, ...fields }
    if (format === 'json') {
      write(JSON.stringify(record, jsonSafe))
    } else {
      const extra = { ...bindings, ...fields }
      const tail = Object.keys(extra).length ? ` ${JSON.stringify(extra, jsonSafe)}` : ''
      write(`${at.padEnd(5)} ${msg}${tail}`)
    }
  }
  return {
    level,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (more) => createLogger({ level, format, write, bindings: { ...bindings, ...more } }),
  }
}

export const silentLogger: Logger = createLogger({ level: 'silent' })

function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (typeof value === 'bigint') return value.toString()
  return value
}
