import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../core/index.ts'
import type { AcquireOptions, TurnLock } from './types.ts'

const FIRST_PAUSE_MS = 5
const LONGEST_PAUSE_MS = 250

/**
 * Retries `tryAcquire` until it yields a lock or `waitMs` has passed. Pauses double from 5 ms up to 250 ms and are
 * jittered (half to full length), so waiters on one conversation do not retry in step.
 */
export async function acquireWithBackoff(
  key: string,
  options: AcquireOptions,
  tryAcquire: (key: string, leaseMs: number) => Promise<TurnLock | undefined>,
): Promise<TurnLock> {
  const deadline = Date.now() + options.waitMs
  let pause = FIRST_PAUSE_MS
  for (;;) {
    options.signal?.throwIfAborted()
    const lock = await tryAcquire(key, options.leaseMs)
    if (lock) return lock
    const left = deadline - Date.now()
    if (left <= 0) {
      throw new AppError('unavailable', `The conversation ${key} is busy with another turn; try again shortly`, {
        details: { reason: 'lock_timeout', waitedMs: options.waitMs },
      })
    }
    const jittered = pause * (0.5 + Math.random() / 2)
    await sleep(Math.min(jittered, left), undefined, options.signal ? { signal: options.signal } : undefined)
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS)
  }
}
