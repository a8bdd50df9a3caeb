import { AppError } from './errors.ts'

/**
 * Admission control for chat turns: at most `maxConcurrent` run at once and `maxQueued` wait. Waiting turns are
 * served round-robin across conversations, one running turn per conversation (the chat serialises a conversation's
 * turns anyway), so a new conversation's first turn waits behind at most one turn of each other conversation, never
 * behind one busy conversation's backlog. A server makes one and gives it to every front end (widget and Slack), so
 * the cap holds for the process, not per transport.
 */
export interface TurnScheduler {
  /** Throws (before any await) what `run` would reject with if the turn cannot be queued now. */
  ensureRoom(conversationId: string): void
  /**
   * Runs `turn` when a slot is free. Rejects with `unavailable` (503; `details.retryAfterSeconds`) when the queue is
   * full or the scheduler was cancelled, `rate.limited` when this conversation already has too many turns waiting;
   * `details.shed` says which ({@link ShedReason}), so a front end can word its apology.
   * `turn` gets a signal aborted when `signal` aborts or on `cancelAll`.
   */
  run<T>(conversationId: string, turn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>
  /** Shutdown deadline: rejects every waiting and running turn with `unavailable`, aborts the running ones, admits no more. */
  cancelAll(): void
  readonly running: number
  readonly queued: number
}

/** Why a turn was refused or dropped unstarted: the queue was full, its conversation had too many waiting, or shutdown. */
export type ShedReason = 'queue_full' | 'conversation_backlog' | 'shutting_down'

/** The reason `error` is a turn the scheduler shed (refused, or cancelled before it ran), else undefined. */
export function shedReason(error: unknown): ShedReason | undefined {
  if (!(error instanceof AppError)) return undefined
  const shed = error.details.shed
  return shed === 'queue_full' || shed === 'conversation_backlog' || shed === 'shutting_down' ? shed : undefined
}

export interface TurnSchedulerOptions {
  maxConcurrent: number
  maxQueued: number
  /** Turns one conversation may have waiting (a person does not send many messages without an answer). Default 4. */
  maxQueuedPerConversation?: number
}

/** CPU time one batch of turn starts may take before the event loop reads requests again. */
const START_BATCH_MS = 5
/** Conversations remembered as started (for the newcomers' share of the queue). */
const MAX_REMEMBERED = 50_000

interface Waiting {
  start: () => void
  fail: (error: unknown) => void
}

function shuttingDown(): AppError {
  return new AppError('unavailable', 'The server is shutting down.', { details: { retryAfterSeconds: 5, shed: 'shutting_down' } })
}

export function createTurnScheduler(options: TurnSchedulerOptions): TurnScheduler {
  const perConversation = options.maxQueuedPerConversation ?? 4
  const waiting = new Map<string, Waiting[]>()
  const busy = new Set<string>()
  const inProgress = new Set<Waiting>()
  let queued = 0
  let cancelled = false
  // Conversations that had a turn admitted, oldest first, at most MAX_REMEMBERED.
  const started = new Set<string>()
  // Mean time from admission to the end of a turn (queueing included): what a client told to retry should wait.
  let averageLatencyMs = 100

  const retryAfterSeconds = () => Math.min(60, Math.max(1, Math.ceil(averageLatencyMs / 1000)))
  const refusal = (conversationId: string): AppError | undefined => {
    if (cancelled) return shuttingDown()
    if ((waiting.get(conversationId)?.length ?? 0) >= perConversation) {
      return new AppError('rate.limited', 'This conversation already has messages waiting for an answer.', {
        details: { retryAfterSeconds: retryAfterSeconds(), shed: 'conversation_backlog' },
      })
    }
    // The last quarter of the queue is kept for conversations without a turn yet: under overload a new visitor's
    // first message gets in, and the follow-ups of conversations already answered are the ones shed.
    const queueRoom = started.has(conversationId) ? Math.floor(options.maxQueued * 0.75) : options.maxQueued
    if (busy.size + queued >= options.maxConcurrent + queueRoom) {
      return new AppError('unavailable', 'Too many messages are waiting; try again shortly.', {
        details: { retryAfterSeconds: retryAfterSeconds(), shed: 'queue_full' },
      })
    }
    return undefined
  }

  // Starts the next waiting turn of the rotation (the map's order) whose conversation is not busy.
  const startNext = (): boolean => {
    if (busy.size >= options.maxConcurrent) return false
    for (const [conversationId, list] of waiting) {
      if (busy.has(conversationId)) continue
      const next = list.shift() as Waiting
      waiting.delete(conversationId)
      if (list.length > 0) waiting.set(conversationId, list)
      queued--
      next.start()
      return true
    }
    return false
  }
  // Turns start in short batches on a later turn of the event loop, never inside the request handler or the
  // promise chain of the turn that just ended: otherwise turns that hold the CPU run back to back while requests
  // that arrived meanwhile wait unread in socket buffers, unseen, so never queued fairly nor shed. This way every
  // request ready to be read is read (and queued or shed) before the next turn takes the CPU.
  let pumping = false
  const startSoon = () => {
    if (pumping) return
    pumping = true
    setImmediate(() => {
      pumping = false
      // Turns that mostly wait (I/O, workers) all start at once; a turn that held the CPU ends the batch.
      const until = performance.now() + START_BATCH_MS
      let more = true
      while (more && performance.now() < until) more = startNext()
      if (more) startSoon()
    })
  }

  const run = <T>(conversationId: string, turn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const refused = refusal(conversationId)
    if (refused) return Promise.reject(refused)
    if (signal?.aborted) return Promise.reject(signal.reason)
    const admitted = performance.now()
    started.delete(conversationId)
    started.add(conversationId)
    if (started.size > MAX_REMEMBERED) started.delete(started.values().next().value as string)
    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController()
      const onAbort = () => controller.abort(signal?.reason)
      signal?.addEventListener('abort', onAbort, { once: true })
      let settled = false
      const entry: Waiting = {
        start: () => {
          busy.add(conversationId)
          inProgress.add(entry)
          // A turn that throws instead of rejecting still frees its slot.
          new Promise<T>((ok) => ok(turn(controller.signal)))
            .then(
              (value) => finish(() => resolve(value)),
              (error: unknown) => finish(() => reject(error)),
            )
            .finally(() => {
              averageLatencyMs = 0.9 * averageLatencyMs + 0.1 * (performance.now() - admitted)
              busy.delete(conversationId)
              inProgress.delete(entry)
              // The conversation that just had a turn goes to the back of the rotation.
              const rest = waiting.get(conversationId)
              if (rest) {
                waiting.delete(conversationId)
                waiting.set(conversationId, rest)
              }
              startSoon()
            })
        },
        fail: (error) => {
          controller.abort(error)
          finish(() => reject(error))
        },
      }
      const finish = (settle: () => void) => {
        if (settled) return
        settled = true
        signal?.removeEventListener('abort', onAbort)
        settle()
      }
      const list = waiting.get(conversationId) ?? []
      list.push(entry)
      waiting.set(conversationId, list)
      queued++
      // A request that goes away while waiting leaves the queue.
      signal?.addEventListener('abort', () => dropWaiting(conversationId, entry, signal.reason), { once: true })
      startSoon()
    })
  }

  const dropWaiting = (conversationId: string, entry: Waiting, reason: unknown) => {
    const list = waiting.get(conversationId)
    const at = list?.indexOf(entry) ?? -1
    if (!list || at < 0) return
    list.splice(at, 1)
    if (list.length === 0) waiting.delete(conversationId)
    queued--
    entry.fail(reason)
  }

  return {
    ensureRoom(conversationId) {
      const refused = refusal(conversationId)
      if (refused) throw refused
    },
    run,
    cancelAll() {
      cancelled = true
      const error = shuttingDown()
      for (const list of waiting.values()) for (const entry of list) entry.fail(error)
      waiting.clear()
      queued = 0
      for (const entry of inProgress) entry.fail(error)
    },
    get running() {
      return busy.size
    },
    get queued() {
      return queued
    },
  }
}
