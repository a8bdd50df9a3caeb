/**
 * The work a Slack bot runs after acknowledging a delivery: tracked, in order per conversation, and stopped in two
 * ways. `drain` lets running work finish until a deadline, then aborts `cutoff` so what is left apologises;
 * `close` aborts `closing` so what is left stops silently.
 */
export interface WorkTracker {
  /** Runs `work` after the previous work of the same key. Ignored once closing. */
  spawn(key: string, work: () => Promise<void>): void
  /** True from the start of a drain: new turns should apologise at once instead of starting. */
  readonly draining: boolean
  /** Aborted when a drain's deadline passes. */
  readonly cutoff: AbortSignal
  /** Aborted by close(). */
  readonly closing: AbortSignal
  /**
   * Waits up to `deadlineMs` for all work (including work spawned meanwhile); then aborts `cutoff` and waits up to
   * `graceMs` more for the apologies. Resolves with the number of tasks still unfinished. Idempotent.
   */
  drain(deadlineMs: number, graceMs: number): Promise<{ unfinished: number }>
  /** Aborts `closing` and waits for every task. Idempotent. */
  close(): Promise<void>
}

export function createWorkTracker(onError: (error: unknown) => void): WorkTracker {
  const tasks = new Set<Promise<void>>()
  const queues = new Map<string, Promise<void>>()
  const cutoff = new AbortController()
  const closing = new AbortController()
  let draining = false
  let drained: Promise<{ unfinished: number }> | undefined
  let closed: Promise<void> | undefined

  /** True when every task ended before `ms`; tasks spawned while waiting are waited for too. */
  const settleWithin = async (ms: number): Promise<boolean> => {
    const timer = delay(ms)
    try {
      while (tasks.size > 0) {
        const outcome = await Promise.race([Promise.allSettled([...tasks]).then(() => 'settled' as const), timer.elapsed])
        if (outcome === 'elapsed') return false
      }
      return true
    } finally {
      timer.cancel()
    }
  }

  return {
    spawn(key, work) {
      if (closing.signal.aborted) return
      const previous = queues.get(key) ?? Promise.resolve()
      const task = previous
        .then(work)
        .catch(onError)
        .finally(() => {
          tasks.delete(task)
          if (queues.get(key) === task) queues.delete(key)
        })
      tasks.add(task)
      queues.set(key, task)
    },
    get draining() {
      return draining
    },
    cutoff: cutoff.signal,
    closing: closing.signal,
    drain(deadlineMs, graceMs) {
      drained ??= (async () => {
        draining = true
        if (!(await settleWithin(Math.max(0, deadlineMs)))) {
          cutoff.abort()
          await settleWithin(Math.max(0, graceMs))
        }
        return { unfinished: tasks.size }
      })()
      return drained
    },
    close() {
      closed ??= (async () => {
        closing.abort()
        await Promise.allSettled([...tasks])
      })()
      return closed
    },
  }
}

function delay(ms: number): { elapsed: Promise<'elapsed'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined
  const elapsed = new Promise<'elapsed'>((resolve) => {
    timer = setTimeout(() => resolve('elapsed'), ms)
  })
  return { elapsed, cancel: () => clearTimeout(timer) }
}
