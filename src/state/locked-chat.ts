import { type ChatService, errorMessage, type Logger } from '../core/index.ts'
import type { TurnLocks } from './types.ts'

export interface TurnLockOptions {
  /** How long a lock is held unless renewed: a replica killed mid-turn frees its conversation after this. */
  leaseMs: number
  /** How long a turn waits for the conversation's lock before answering `unavailable` (503). */
  waitMs: number
}

/** Defaults: renewed every third of the lease, so a slow LLM turn keeps it; a crashed holder frees it in 30 s. */
export const DEFAULT_TURN_LOCK: TurnLockOptions = { leaseMs: 30_000, waitMs: 60_000 }

/**
 * The chat with a per-conversation lock around each turn and each feedback, so two replicas never change one
 * conversation's session at once (each replica's chat only serialises its own). The lease is renewed while the
 * turn runs; reads pass straight through.
 */
export function withTurnLocks(
  chat: () => ChatService,
  locks: TurnLocks,
  logger: Logger,
  options: TurnLockOptions = DEFAULT_TURN_LOCK,
): ChatService {
  // Runs `work` holding the conversation's lock, renewing its lease meanwhile.
  const holding = async <T>(conversationId: string, signal: AbortSignal | undefined, work: () => Promise<T>) => {
    const lock = await locks.acquire(`turn:${conversationId}`, { ...options, signal })
    const renewal = setInterval(() => {
      lock.renew(options.leaseMs).then(
        (held) => held || logger.warn('turn lock lost while the turn ran', { conversationId }),
        (error) => logger.warn('turn lock renewal failed', { error: errorMessage(error) }),
      )
    }, options.leaseMs / 3)
    try {
      return await work()
    } finally {
      clearInterval(renewal)
      await lock.release().catch((error) => logger.warn('turn lock release failed', { error: errorMessage(error) }))
    }
  }
  return {
    handleTurn: (input, turnOptions) =>
      holding(input.conversationId, turnOptions?.signal, () => chat().handleTurn(input, turnOptions)),
    // Feedback changes the session too: under the same lock, so a turn on another replica cannot overwrite it.
    feedback: (input) => holding(input.conversationId, undefined, () => chat().feedback(input)),
    getItem: (id) => chat().getItem(id),
    getProfile: (userId) => chat().getProfile(userId),
    removePreference: (userId, itemId) => chat().removePreference(userId, itemId),
    forgetUser: (userId) => chat().forgetUser(userId),
    close: () => chat().close(),
  }
}
