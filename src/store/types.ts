import type { FacetConstraint, Interaction, ItemId, UserId } from '../core/index.ts'

/** Hard filters a session has asked for. Structurally the recommender's `Constraints`. */
export interface SessionConstraints {
  includeCategories: string[]
  excludeCategories: string[]
  categoryGroups?: string[][]
  mentions?: string[]
  yearMin?: number
  yearMax?: number
  metadata?: { field: string; min?: number; max?: number; equals?: string | number | boolean }[]
  /** Catalogue fields asked for, refused or bounded ("not GTK", "under 100 MB"); refusals hold on later turns. */
  facets?: FacetConstraint[]
}

/** A free-text wish, with the turn it was said in (recent ones weigh more) and its sign. */
export interface SessionPreference {
  text: string
  /** > 0 pulls toward, < 0 pushes away ("less violent"). Magnitude before recency decay. */
  weight: number
  turn: number
  /** Words of the text a category or field filter of the same message carries: not searched as the wish's words. */
  filtered?: string[]
  /** The person's own words when `text` is what the search reads for them (a critique: "gentler"): what replies quote. */
  said?: string
  /** Said as a change to a title the person wants more like ("like Jaws but with another animal"). */
  contrast?: true
  /** The catalogue's categories a critique leans toward ("funnier" → Comedy). */
  lean?: string[]
  /** The last turn a message that only critiqued kept this wish in the request it changed: it weighs as if said then. */
  kept?: number
}

/** An anchor ("more like the second one"): an item to steer toward, with the turn it was asked in. */
export interface SessionAnchor {
  id: ItemId
  weight: number
  turn: number
}

/** A question the assistant asked and is waiting an answer to ("Alien (1979) or Aliens (1986)?"). */
export interface PendingClarification {
  /** The candidate items, in the order they were offered. */
  candidates: ItemId[]
  /** What to do with the chosen item. */
  intent: 'like' | 'dislike' | 'seen' | 'anchor'
  /** What the person typed, for the reply. */
  mention: string
  turn: number
}

/** Everything one conversation has established so far. */
export interface SessionState {
  conversationId: string
  userId: UserId
  /** Number of turns handled so far. */
  turn: number
  liked: ItemId[]
  disliked: ItemId[]
  seen: ItemId[]
  /** "Not that one", not_interested: never shown again in this conversation. */
  rejected: ItemId[]
  anchors: SessionAnchor[]
  constraints: SessionConstraints
  preferences: SessionPreference[]
  /** Every item shown in this conversation, in order. */
  shown: ItemId[]
  /** The items of the last reply, in their displayed order ("the second one"). */
  lastShown: ItemId[]
  /** The item the person last talked about ("more like that"). */
  focus?: ItemId
  pending?: PendingClarification
  /** Milliseconds since the epoch. */
  createdAt: number
  updatedAt: number
}

/** A user's likes and dislikes across conversations (item ids, most recent first). */
export interface StoredProfile {
  userId: UserId
  likes: ItemId[]
  dislikes: ItemId[]
}

/** One recorded event; becomes training data at the next rebuild. */
export interface StoredInteraction extends Interaction {
  event: string
  timestamp: number
  conversationId?: string
}

/** What every store accepts besides where its data lives. */
export interface StoreOptions {
  /** Sessions not written for this long are never loaded again and are deleted by the sweep; 0 (default): never expire. */
  sessionTtlMs?: number
  /** How often the sweep deletes expired sessions; default one hour. */
  sweepEveryMs?: number
}

/**
 * Persistence for sessions, profiles, feedback and interactions. Every method may throw `store.failed`.
 * Implementations: SQLite (`createSqliteStore`), PostgreSQL (`createPostgresStore`) and in-memory
 * (`createMemoryStore`); one contract test suite runs against each.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres' | 'memory'
  /** The session, unless there is none or it expired (older than the time to live). */
  getSession(conversationId: string): Promise<SessionState | undefined>
  /**
   * Saves the session and records its user as a participant of the conversation. Ignored when the user was
   * forgotten after the session was created (a turn that began before the forget).
   */
  saveSession(state: SessionState): Promise<void>
  deleteSession(conversationId: string): Promise<void>
  getProfile(userId: UserId): Promise<StoredProfile>
  /**
   * Sets the stored opinion of a user on an item (a like replaces a dislike and the other way round). `since`
   * (ms): when the session it comes from began (`SessionState.createdAt`); ignored when the user was forgotten
   * after that, so a turn that was under way during the forget cannot write them back.
   */
  setPreference(userId: UserId, itemId: ItemId, kind: 'like' | 'dislike', since?: number): Promise<void>
  removePreference(userId: UserId, itemId: ItemId): Promise<void>
  /** Records an event; ignored when its user was forgotten after `since` (as for `setPreference`). */
  recordInteraction(interaction: StoredInteraction, since?: number): Promise<void>
  /** All recorded interactions, oldest first, for the next training run. */
  exportInteractions(): Promise<StoredInteraction[]>
  /**
   * Deletes every trace of a user: the session of every conversation they took part in (whoever spoke last),
   * their profile and their interactions. Remembers only a hash of the id and the time (`now`, ms), so writes of
   * turns that began earlier are dropped.
   */
  forgetUser(userId: UserId, now?: number): Promise<void>
  /** Deletes the sessions past their time to live; returns how many. The store also runs it periodically. */
  sweepExpiredSessions(now?: number): Promise<number>
  close(): Promise<void>
}

export function emptySession(conversationId: string, userId: UserId, now = Date.now()): SessionState {
  return {
    conversationId,
    userId,
    turn: 0,
    liked: [],
    disliked: [],
    seen: [],
    rejected: [],
    anchors: [],
    constraints: { includeCategories: [], excludeCategories: [] },
    preferences: [],
    shown: [],
    lastShown: [],
    createdAt: now,
    updatedAt: now,
  }
}
