import { errorMessage, isAppError, type Logger } from '../core/index.ts'

/** The scheduled rebuilds of a server; `close()` stops them. */
export interface RebuildSchedule {
  close(): void
}

/**
 * Rebuilds every `everyMs` in the background (CONCIERGE_REBUILD_EVERY), so the collaborative model learns from what
 * people did since the last build. The next rebuild starts `everyMs` after the previous one ended, so two never
 * overlap. After a new build, `onBuilt(buildId)` runs (serve checks `indexes/current` at once and swaps to it, as for
 * any rebuild). A failed rebuild is logged and tried again at the next interval; one refused because another rebuild
 * holds the lock (a replica's, or `concierge rebuild`) is skipped, and that other build is swapped to as usual.
 * `close()` stops the schedule and aborts a rebuild under way.
 */
export function scheduleRebuilds(
  everyMs: number,
  deps: {
    rebuild: (signal: AbortSignal) => Promise<{ buildId: string }>
    onBuilt: (buildId: string) => Promise<void> | void
    logger: Logger
  },
): RebuildSchedule {
  const { logger } = deps
  const stop = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const runOnce = async () => {
    logger.info('scheduled rebuild: starting', { everyMs })
    try {
      const { buildId } = await deps.rebuild(stop.signal)
      if (stop.signal.aborted) return
      logger.info('scheduled rebuild: done', { buildId })
      await deps.onBuilt(buildId)
    } catch (error) {
      if (stop.signal.aborted) return
      const locked = isAppError(error, 'build.failed') && error.details.reason === 'locked'
      if (locked) logger.info('scheduled rebuild skipped: another rebuild is running', { reason: errorMessage(error) })
      else logger.error('scheduled rebuild failed: still serving the current build', { reason: errorMessage(error) })
    }
  }
  const next = () => {
    if (stop.signal.aborted) return
    timer = setTimeout(() => void runOnce().finally(next), everyMs)
    timer.unref()
  }
  next()
  return {
    close: () => {
      stop.abort()
      clearTimeout(timer)
    },
  }
}
