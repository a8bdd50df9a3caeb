import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { errorMessage, isAppError, type Logger, readCurrent } from '../core/index.ts'

/** The scheduled rebuilds of a server; `close()` stops them. */
export interface RebuildSchedule {
  close(): void
}

/**
 * Rebuilds in the background (CONCIERGE_REBUILD_EVERY), so the collaborative model learns from what people did since
 * the last build. A rebuild is due `everyMs` after the later of the current build's creation (`lastBuiltAt`, when
 * given: a build another replica or `concierge rebuild` made counts, so replicas do not each rebuild) and this
 * schedule's own last attempt (or its start). Two never overlap. After a new build, `onBuilt(buildId)` runs (serve
 * checks `indexes/current` at once and swaps to it, as for any rebuild). A failed rebuild is logged and tried again
 * `everyMs` later; one refused because another rebuild holds the lock is skipped. `close()` stops the schedule and
 * aborts a rebuild under way.
 */
export function scheduleRebuilds(
  everyMs: number,
  deps: {
    rebuild: (signal: AbortSignal) => Promise<{ buildId: string }>
    onBuilt: (buildId: string) => Promise<void> | void
    /** When the build being served was made (ms since the epoch), if known. */
    lastBuiltAt?: () => Promise<number | undefined>
    logger: Logger
  },
): RebuildSchedule {
  const { logger } = deps
  const stop = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let lastAttempt = Date.now()

  const untilDue = async () => {
    const built = await deps.lastBuiltAt?.().catch(() => undefined)
    return Math.max(built ?? 0, lastAttempt) + everyMs - Date.now()
  }
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
    } finally {
      lastAttempt = Date.now()
    }
  }
  const tick = async () => {
    if ((await untilDue()) <= 0 && !stop.signal.aborted) await runOnce()
    if (stop.signal.aborted) return
    timer = setTimeout(() => void tick(), Math.max(0, await untilDue()))
    timer.unref()
  }
  timer = setTimeout(() => void tick(), everyMs)
  timer.unref()
  return {
    close: () => {
      stop.abort()
      clearTimeout(timer)
    },
  }
}

/** When the current build of `indexesDir` was made (its manifest's `createdAt`), or undefined without one. */
export async function currentBuildCreatedAt(indexesDir: string): Promise<number | undefined> {
  const buildId = await readCurrent(indexesDir)
  if (!buildId) return undefined
  const manifest = JSON.parse(await readFile(join(indexesDir, buildId, 'manifest.json'), 'utf8')) as { createdAt?: string }
  const at = manifest.createdAt ? Date.parse(manifest.createdAt) : Number.NaN
  return Number.isNaN(at) ? undefined : at
}
