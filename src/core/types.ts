/** Domain types shared by every capability. Library types never appear here. */

export type ItemId = string
export type UserId = string

/** One catalogue entry, whatever the source format. */
export interface Item {
  id: ItemId
  title: string
  /** Free text (plot overview, product description). May be empty when tags or categories carry the text. */
  description: string
  /** Free-form tags (MovieLens user tags aggregated per movie), most frequent first. */
  tags: string[]
  /** Closed-vocabulary categories (MovieLens genres), as written in the catalogue. */
  categories: string[]
  year?: number
  imageUrl?: string
  /** Any extra catalogue fields, kept as they came (imdbId, tmdbId, runtime, …). */
  metadata: Record<string, string | number | boolean | null>
}

/** What a user did with an item. Implicit feedback is derived from it by collab/. */
export interface Interaction {
  userId: UserId
  itemId: ItemId
  /** Explicit rating when the source has one (MovieLens: 0.5–5). */
  rating?: number
  /** Event type for event logs: view, click, like, dislike, purchase, seen, not_interested… */
  event?: string
  /** Seconds since the epoch. */
  timestamp?: number
}

/** A loaded, validated catalogue. */
export interface Catalog {
  /** Short name of the dataset (ml-latest-small, ml-100k, or the folder name of a generic catalogue). */
  name: string
  items: Item[]
  interactions: Interaction[]
  /** Stable hash over items and interactions: same data, same fingerprint. */
  fingerprint: string
}

/** Turns text into vectors. Implementations live in embed/. */
export interface Embedder {
  /** Identifies model and pooling, e.g. `use-lite@1` or `transformers:Xenova/all-MiniLM-L6-v2`. Recorded in manifests. */
  readonly id: string
  readonly dimension: number
  /** Embeds texts in batches; returns one unit-length vector per text, in order. */
  embed(texts: readonly string[], options?: { onProgress?: (done: number, total: number) => void }): Promise<Float32Array[]>
  close(): Promise<void>
}

export interface SearchHit {
  id: ItemId
  /** Cosine similarity, higher is closer. */
  score: number
}

/** Nearest-neighbour search over item vectors. Implementations live in index/. */
export interface VectorIndex {
  readonly kind: 'hnsw' | 'exact'
  readonly dimension: number
  readonly size: number
  /** Up to k items closest to the query that pass the filter, best first. */
  search(query: Float32Array, k: number, filter?: (id: ItemId) => boolean): SearchHit[]
  /** The stored vector of an item, or undefined when the item is not indexed. */
  vector(id: ItemId): Float32Array | undefined
  has(id: ItemId): boolean
  close(): Promise<void>
}

/** Scores every item for a set of liked items (fold-in). Implementations live in collab/. */
export interface CollabScorer {
  readonly name: string
  /** The item ids the model knows, in score order. */
  readonly itemIds: readonly ItemId[]
  /** One score per entry of `itemIds`; higher is better. Unknown ids in `liked` are ignored. */
  score(liked: readonly ItemId[]): Float32Array
  close(): Promise<void>
}

export type FeedbackKind = 'like' | 'dislike' | 'seen' | 'not_interested'

/**
 * Where the recommender's candidates come from (src/recommend/candidates.ts), by the names an A/B variant can switch
 * off: the vector search, the collaborative model's best, the items using a wish's rare words, the lexical (BM25)
 * search, the items holding the facts a wish's words vote for, the LLM's grounded title proposals, and the most
 * popular items.
 */
export const CANDIDATE_SOURCES = ['semantic', 'collaborative', 'keywords', 'lexical', 'facts', 'proposals', 'popular'] as const
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number]

export interface ReplyItem {
  id: ItemId
  title: string
  year?: number
  imageUrl?: string
  categories: string[]
  /** One or two sentences, built only from evidence. */
  explanation: string
  /** The parts the final score was blended from (semantic, collaborative, popularity, …) and the total. */
  scoreParts: Record<string, number>
}

export interface Reply {
  text: string
  items: ReplyItem[]
  /** Short follow-ups a person can click or type ("something lighter?"). */
  suggestions: string[]
  /** The A/B variant the reply was made in (set by the learning loop). */
  variant?: string
  /**
   * Items the message asked for more like ("more like the second one", "more like Heat"), for the learning loop's
   * `more_like_this` outcomes. Not part of what front ends show.
   */
  moreLike?: ItemId[]
}

export interface TurnInput {
  conversationId: string
  userId: UserId
  text: string
}

export interface FeedbackInput {
  conversationId: string
  userId: UserId
  itemId: ItemId
  kind: FeedbackKind
}

export interface UserProfile {
  userId: UserId
  likes: Item[]
  dislikes: Item[]
}

/**
 * The transport-free chat service. Slack, the HTTP API and the CLI only carry messages to it.
 */
export interface ChatService {
  /** Handles one user message. `onText` receives the reply text in parts as it is ready (streaming). */
  handleTurn(input: TurnInput, options?: { onText?: (part: string) => void; signal?: AbortSignal }): Promise<Reply>
  /** Records feedback on an item; the session changes at once. */
  feedback(input: FeedbackInput): Promise<void>
  getItem(id: ItemId): Item | undefined
  getProfile(userId: UserId): Promise<UserProfile>
  /** Removes a like or dislike from the user's stored profile. */
  removePreference(userId: UserId, itemId: ItemId): Promise<void>
  /** Deletes every session, feedback and interaction of a user. */
  forgetUser(userId: UserId): Promise<void>
  close(): Promise<void>
}

/**
 * A constraint on one catalogue field read from the conversation: values asked for or refused on a categorical
 * field (`{ field: 'toolkit', exclude: ['gtk'] }` for "not GTK"; values compare case-insensitively), or bounds on a
 * numeric one (`{ field: 'installed_size_kb', max: 102400 }` for "under 100 MB"; inclusive, in the field's unit).
 * Field `categories` and `tags` name the item's own lists; any other name is a metadata field.
 */
export type FacetConstraint =
  | {
      field: string
      include?: string[]
      exclude?: string[]
      /**
       * With `include`: items that do not declare the field pass too. For fields nearly every item declares (Debian's
       * `interface`, 87%), a missing value is an omission; for the others (`toolkit`, 47%) it says the item has none.
       */
      orMissing?: boolean
    }
  | { field: string; min?: number; max?: number }

/** A field of the catalogue that can be asked for or refused by value (categories, tags, `interface`, `toolkit`). */
export interface CategoricalFacet {
  kind: 'categorical'
  field: string
  /** Its values as spelled in the catalogue, most frequent first, with how many items carry each. */
  values: { value: string; count: number }[]
  /** Items that have the field at all. */
  itemCount: number
}

/** A numeric field of the catalogue that can be bounded (year, runtime, price, installed_size_kb). */
export interface NumericFacet {
  kind: 'numeric'
  field: string
  min: number
  max: number
  /** Items that have the field at all. */
  itemCount: number
}

/** A field of the catalogue the chat can filter on, read from the items (never listed in code). */
export type Facet = CategoricalFacet | NumericFacet
