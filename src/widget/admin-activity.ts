/** One conversation as the operator page lists it. `messages` only when message text is kept (debug level). */
export interface ConversationActivity {
  conversationId: string
  turns: number
  firstAt: number
  lastAt: number
  messages?: string[]
}

export interface ConversationTracker {
  /** Whether message text is kept (the operator page shows it only at debug level). */
  readonly keepsText: boolean
  /** Notes a turn of a conversation; `text` is kept only when the tracker keeps text. */
  noteTurn(conversationId: string, text: string | undefined, at?: number): void
  /** The most recently active conversations first. */
  recent(limit: number): ConversationActivity[]
}

const MESSAGES_KEPT = 5

/** Remembers the last `capacity` conversations in memory (a restart forgets them; the store keeps the sessions). */
export function createConversationTracker(options: { capacity: number; keepText: boolean }): ConversationTracker {
  // A Map iterates in insertion order: deleting and re-adding moves a conversation to the end (most recent).
  const byId = new Map<string, ConversationActivity>()
  return {
    keepsText: options.keepText,
    noteTurn(conversationId, text, at = Date.now()) {
      const entry = byId.get(conversationId) ?? { conversationId, turns: 0, firstAt: at, lastAt: at }
      entry.turns++
      entry.lastAt = at
      if (options.keepText && text !== undefined) entry.messages = [...(entry.messages ?? []), text].slice(-MESSAGES_KEPT)
      byId.delete(conversationId)
      byId.set(conversationId, entry)
      if (byId.size > options.capacity) byId.delete(byId.keys().next().value as string)
    },
    recent: (limit) => [...byId.values()].reverse().slice(0, limit),
  }
}
