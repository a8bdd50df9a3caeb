import type { Logger as BoltLogger, LogLevel as BoltLogLevel } from '@slack/bolt'
import { errorMessage, type Logger } from '../core/index.ts'

/** Slack token shapes (bot, user, app-level, config, refresh); never written to a log. */
const TOKEN_PATTERN = /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]+/g

/** Replaces anything that looks like a Slack token. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, '[redacted]')
}

function describe(parts: unknown[]): string {
  return redactTokens(
    parts
      .map((part) => {
        if (typeof part === 'string') return part
        if (part instanceof Error) return errorMessage(part)
        try {
          return JSON.stringify(part)
        } catch {
          return String(part)
        }
      })
      .join(' '),
  )
}

/** Adapts the project logger to the logger interface Bolt, the Web API client and Socket Mode expect. */
export function createBoltLogger(logger: Logger, levels: typeof BoltLogLevel): BoltLogger {
  const toBolt: Record<string, BoltLogLevel> = {
    debug: levels.DEBUG,
    info: levels.INFO,
    warn: levels.WARN,
    error: levels.ERROR,
    silent: levels.ERROR,
  }
  let name = 'bolt'
  return {
    debug: (...parts: unknown[]) => logger.debug(describe(parts), { component: name }),
    info: (...parts: unknown[]) => logger.info(describe(parts), { component: name }),
    warn: (...parts: unknown[]) => logger.warn(describe(parts), { component: name }),
    error: (...parts: unknown[]) => logger.error(describe(parts), { component: name }),
    // The project logger's level is fixed at start; Bolt only asks for it.
    setLevel: () => {},
    getLevel: () => toBolt[logger.level] ?? levels.INFO,
    setName: (next: string) => {
      name = next
    },
  }
}
