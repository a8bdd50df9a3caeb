/** Runs tasks one after another per key (a conversation), tasks of different keys side by side. */
export interface KeyedQueue {
  /** Runs `fn` once every earlier task of `key` has settled; a failed task does not stop the next. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>
  /** Keys with a task running or waiting. */
  readonly size: number
  /** Settles once every task queued so far has settled (whatever its outcome). */
  settled(): Promise<void>
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const next = (tails.get(key) ?? Promise.resolve()).catch(() => {}).then(fn)
      tails.set(key, next)
      const forget = () => {
        if (tails.get(key) === next) tails.delete(key)
      }
      next.then(forget, forget)
      return next
    },
    get size() {
      return tails.size
    },
    settled: async () => {
      await Promise.allSettled([...tails.values()])
    },
  }
}

/**
 * Resolves after the event loop has run once (I/O and timers included), so long work cut into slices lets
 * requests that arrived meanwhile through (a microtask would not).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
