import type {
  CandidateSource,
  CollabScorer,
  Embedder,
  FacetConstraint,
  Item,
  ItemId,
  Logger,
  VectorIndex,
} from '../core/index.ts'
import type { FactMeanings } from './facts.ts'
import type { LexicalTables, SearchWords } from './lexical.ts'

/** Hard filters. Items that fail them are never candidates. */
export interface Constraints {
  /** Item must have at least one (catalogue category names, case-insensitive). */
  includeCategories: string[]
  /** Item must have none (case-insensitive). */
  excludeCategories: string[]
  /**
   * Item must meet every group, that is have at least one category of each: `[['Romance'], ['Comedy']]` for "a
   * romantic comedy". Comes with `includeCategories`, which then lists the same categories.
   */
  categoryGroups?: string[][]
  /**
   * Names the item's title, description or tags must each contain, as whole words, case-insensitive: a person the
   * catalogue names ("Tom Hanks" is a MovieLens tag), asked for with "anything with Tom Hanks".
   */
  mentions?: string[]
  /** Inclusive year bounds; an item without a year fails when either is set. */
  yearMin?: number
  yearMax?: number
  /** Extra metadata constraints, e.g. `{ field: 'runtime', max: 100 }`; an item lacking the field fails. */
  metadata?: { field: string; min?: number; max?: number; equals?: string | number | boolean }[]
  /** Catalogue fields asked for, refused or bounded ("not GTK", "under 100 MB"); every one must hold. */
  facets?: FacetConstraint[]
}

export interface RecommendRequest {
  /**
   * What the person asked for in words, most recent last; weight > 0 pulls, weight < 0 pushes away
   * ("less violent" → `{ text: 'violent', weight: -0.5 }`). The chat layer sets the weights (recent ones weigh more).
   * `filtered`: words of the text that a category or field filter of the request already carries ("thriller" of
   * "political thriller"): embedded with the rest, but not searched as the wish's words unless nothing else is left.
   * `contrast`: the wish changes the anchors it is said beside ("like Jaws but with another animal"). `implied`: the
   * text is what the search reads for the person's words, not their words ("sappy romance love story" for "not too
   * cheesy"): it pushes the ranking, but refuses no fact by name. `lean`: categories a critique leans toward
   * ("funnier" → Comedy): the items in them score `categoryLean` × the wish's weight (at most 1).
   */
  preferences: { text: string; weight: number; filtered?: string[]; contrast?: true; implied?: true; lean?: string[] }[]
  /** Items liked in this conversation. */
  liked: ItemId[]
  /** Extra pulls towards items ("more like the second one"), with their weight (a liked item weighs 1). */
  anchors?: { id: ItemId; weight: number }[]
  disliked: ItemId[]
  /** The user's stored likes from earlier conversations (collaborative fold-in only, weaker). */
  history: ItemId[]
  constraints: Constraints
  /** Never return these: shown, rejected, disliked, seen, "not X". Liked, anchor, disliked and history items are never returned either. */
  exclude: ReadonlySet<ItemId>
  /** How many results (1–100). */
  k: number
  /**
   * Items proposed from outside the recommender (the LLM's titles for the wish, grounded to the catalogue), best
   * first, each with its part (0–1): they join the candidate pool when they pass the filters and score
   * `llmProposal` × part. At most {@link MAX_PROPOSED} are read.
   */
  proposed?: { id: ItemId; part: number }[]
}

/** Proposed items read per request. */
export const MAX_PROPOSED = 50

/**
 * The parts a total was blended from. `semantic`, `collaborative` and `popularity` are normalised within the
 * candidate pool (z-scores with a floor on the scale, clipped to ±6); `obscurity` is 0 or a negative penalty;
 * `total` = Σ weight × part. `*Raw` keys carry the unnormalised values (cosine, model score, ln(popularity / max + 0.001)).
 */
export interface ScoreParts {
  semantic: number
  collaborative: number
  popularity: number
  total: number
  [k: string]: number
}

export interface Evidence {
  /** Positive preference texts the item's vector is close to (cosine), best first. */
  matchedPreferences: { text: string; similarity: number }[]
  /** Liked or anchor items it resembles (cosine of item vectors), with what they share. */
  similarTo: { item: Item; similarity: number; sharedCategories: string[]; sharedTags: string[] }[]
  /** "People who liked X also liked this": X is a liked, anchor or history item whose fold-in ranks this item high. */
  alsoLikedBy?: { item: Item }[]
  /** Requested categories it has, spelled as in the item. */
  categoryFit: string[]
  /** e.g. "from 1994, in the 1990s you asked for". */
  yearFit?: string
  /** Metadata bounds it meets, e.g. "95 minutes long, within the 100 you asked for". */
  metadataFit?: string[]
  /** Where it names what `mentions` asked for, e.g. `tagged "tom hanks"`, "its description names Tom Hanks". */
  mentionFit?: string[]
  /** Where it uses a wish's rare words, e.g. `its description says "Christmas"`, `tagged "heist"` (at most 2). */
  keywordFit?: string[]
  /** A short phrase from its description close to a stated preference. */
  descriptionPhrase?: string
  /**
   * Positive preference texts it is closer to than most of the catalogue (at least as close as its closest quarter),
   * closest first: less than a match (`matchedPreferences`), but true of a pick nothing else explains.
   */
  nearWishes?: string[]
  /** Share of catalogue items less popular than this one, in [0, 1] (0.99: more popular than 99% of items). */
  popularityPercentile?: number
}

export interface Recommendation {
  item: Item
  parts: ScoreParts
  evidence: Evidence
}

export interface Recommender {
  /**
   * Ranked, filtered, diversified recommendations, at most `k`. Throws `input.invalid` for a malformed request
   * (k out of range, non-finite weights), `embed.failed` when the preference texts cannot be embedded.
   */
  recommend(request: RecommendRequest): Promise<Recommendation[]>
  /** Nearest items by text vector (for "more like X"), filtered; never X itself. Throws `not_found` for an unknown or unindexed id. */
  similarItems(id: ItemId, k: number, filter?: (id: ItemId) => boolean): Recommendation[]
  /** The weights in use (defaults merged with overrides). */
  readonly weights: Readonly<BlendWeights>
  close(): Promise<void>
}

/**
 * Blend weights and knobs; defaults and how they were tuned: {@link DEFAULT_WEIGHTS} in recommender.ts.
 * The total is `semantic·zSem + collaborative·zCollab + popularity·zPop + preferenceMatch·zPref +
 * likedSimilarity·zLiked + categoryOverlap·zCategories + tagOverlap·zTags + recency·[recent] + described·[described] +
 * keywordMatch·share + llmProposal·proposal + obscurity penalty`, z-scores taken within the candidate pool; recent and described are 0 or 1,
 * share is the share (0–1) of a wish's rare words the item uses.
 */
export interface BlendWeights {
  /** Weight of the text/vector similarity part. */
  semantic: number
  /** Weight of the text part when there is no collaborative model (the text then carries personalisation alone). */
  semanticAlone: number
  /** Weight of the lexical part when there is no collaborative model (and so no popularity to break ties either). */
  lexicalAlone: number
  /** Weight of the collaborative (fold-in) part. */
  collaborative: number
  /** Weight of the popularity prior (log interactions). Carries cold start. */
  popularity: number
  /**
   * Weight of the item's closeness to the stated preference it matches best (max cosine over the positive
   * preference texts), on top of the one combined query vector `semantic` measures: one specific wish is not
   * averaged away by the others.
   */
  preferenceMatch: number
  /** Weight of the mean cosine between the item and the liked (and anchor) items. */
  likedSimilarity: number
  /** Weight of the category overlap with the liked items (best plus mean Jaccard overlap of their categories). */
  categoryOverlap: number
  /**
   * Weight of the tag overlap with the liked items (best plus mean overlap of their tags, each tag weighted by how
   * rare it is in the catalogue: "time travel" shared says more than "sequel").
   */
  tagOverlap: number
  /** Bonus (in z units) for items from the catalogue's newest `recentYears` years. */
  recency: number
  /** How many of the catalogue's newest years count as recent (2014–2018 when the newest item is from 2018). */
  recentYears: number
  /** Bonus (in z units) for items with a description: their text match is real and their reasons can quote it. */
  described: number
  /**
   * Bonus (in z units) for using a wish's rare words in the title, description or tags: the idf-weighted share of them
   * the item uses (0–1), for the best wish, times its weight. A word counts when at most 1.5% of items use it.
   */
  keywordMatch: number
  /**
   * Weight of an item's proposal part (`RecommendRequest.proposed`: the LLM's titles for the wish, 1 for its first
   * falling to 0.05 for its twentieth). 0 by default: no LLM was reachable to measure it.
   */
  llmProposal: number
  /**
   * Bonus (in z units) for the lexical match with a wish: the item's field-weighted BM25 score (title, tags incl. TMDB
   * keywords, production companies, description; word pairs such as "cold war" count twice) over the best score in
   * the catalogue for that wish (0–1), for the best wish, times its weight.
   */
  lexical: number
  /**
   * Bonus (not z-scored: 0 or 1 by the wish's weight) for matching a positive wish outright: a lexical score at least
   * half the wish's best, or a place among the catalogue's closest items to it. A tier: weighed at the specific end
   * of the blend, it puts a specific wish's matches first while the other parts order them.
   */
  wishMatch: number
  /**
   * Bonus (not z-scored: 0 or the wish's weight, at most 1) for an item in a category a positive wish leans toward
   * (a critique's direction: "funnier" → Comedy). A soft lean, not a filter: weighed about as strongly as the
   * `wishMatch` tier, it brings the wish's items in the category first and leaves the others in the running.
   */
  categoryLean: number
  /**
   * Bonus (in z units) for holding the facts (tags) a wish's words vote for, learned from the catalogue (`facts.ts`:
   * a word votes for the tags of the items whose text uses it): the item's summed votes over the best item's (0–1),
   * for the best wish, times its weight. Carries a paraphrase that shares no word with the tags ("inmates planning
   * to bust out of jail" → "prison").
   */
  factMatch: number
  /**
   * When above 0, an item also matches a wish outright (the `wishMatch` tier) when its fact score is at least this
   * share of the best item's for the wish. 0: the tier reads the lexical and semantic matches only.
   */
  wishMatchFacts: number
  /** Items holding a wish's voted facts added to the pool per positive wish (most votes, then most popular); 0: none. */
  factCandidates: number
  /**
   * How many facts a wish's meaning votes for beside its words' votes: the facts whose names (embedded by the build,
   * `fact-meanings.f32`) are closest to the wish's vector. 0: words only.
   */
  meaningFacts: number
  /**
   * Bonus (in z units) for carrying the labels (tags, categories) a wish's words vote for, learned from the catalogue
   * (`labels.ts`): the item's summed label votes over the best in the catalogue for that wish (0–1), for the best wish,
   * times its weight. 0 by default: with a collaborative model the movie demo is measured without it.
   */
  labelMatch: number
  /** Weight of the label part when there is no collaborative model (a catalogue known by its text and labels alone). */
  labelMatchAlone: number
  /**
   * How many of the lexical search's first matches for a wish also vote for labels, as one more word of it
   * (pseudo-relevance feedback); 0: the wish's words alone.
   */
  labelFeedback: number
  /** Items the lexical search adds to the pool per positive wish (its best matches), beside the vector search; 0: none. */
  lexicalCandidates: number
  /**
   * How far a specific request moves the weights of the blended parts from these (the open end) to the specific end
   * (`specific.<part>` overrides, {@link SPECIFIC_WEIGHTS}): weight = open + specificity × s × (specific − open), s in
   * [0, 1] the request's specificity. 0: one fixed blend for every request.
   */
  specificity: number
  /** How specific any positive wish counts at least (0–1), however common its words (a paraphrase is still a wish). */
  minWishSpecificity: number
  /** The share of a request's specificity that counts when the person has liked (or anchored) items: they lead then. */
  likedSpecificity: number
  /** The share that counts instead when the request has anchors ("something like Jaws") and no liked items. */
  anchorSpecificity: number
  /**
   * The share that counts instead of `anchorSpecificity` when a positive wish changes the anchors (a `contrast`
   * preference: "like Jaws but with a different animal"): what differs from the anchor is what is asked for.
   */
  contrastSpecificity: number
  /**
   * How specific a positive wish counts at least (0–1) when its words or meaning vote strongly for a fact though none
   * of its words is rare ("bloodsuckers who only come out at night" → vampire).
   */
  factSpecificity: number
  /** Penalty (in z units) for items less popular than `minPopularity` and without description, unless the text match is strong. */
  obscurity: number
  /** Popularity relative to the most popular item (0–1) under which an item counts as obscure. */
  minPopularity: number
  /** In the query vector, how much each liked item counts relative to a preference of weight 1. */
  likedWeight: number
  /** In the query vector, how much each disliked item pushes away (subtracted). */
  dislikedWeight: number
  /** In the collaborative fold-in, history is used only when this is > 0 (it is a set fold-in: history items count once). */
  historyWeight: number
  /** MMR trade-off over item vectors: 1 = relevance only, lower = more diverse. */
  mmrLambda: number
  /** How many candidates each source (vector search, collaborative, popularity) contributes. */
  candidates: number
  /** Minimum cosine for a preference text to count as matched evidence. */
  minPreferenceSimilarity: number
  /** Minimum cosine for "similar to <liked item>" evidence. */
  minItemSimilarity: number
  /**
   * Evidence must also stand out: an item matches a preference (or resembles a liked item) only when its cosine is at
   * least this many standard deviations above the mean over the candidate pool. Encoders differ in their cosine
   * ranges (USE-lite puts most movie texts at 0.6–0.8 of each other), so absolute thresholds alone say little.
   */
  evidenceZ: number
  /** Minimum cosine between a description phrase and a preference text for the phrase to be quoted. */
  minPhraseSimilarity: number
  /** Rank (within all items) under which a single liked item's fold-in counts as "people who liked X also liked it". */
  alsoLikedTopN: number
}

export interface RecommenderDeps {
  items: readonly Item[]
  index: VectorIndex
  embedder: Embedder
  collab?: CollabScorer
  /**
   * Popularity per item on any non-negative scale (counts, or shares from collab's `popularityScores`): only ratios
   * to the most popular item are used. Absent items count as 0.
   */
  popularity: ReadonlyMap<ItemId, number>
  /** Overrides of the defaults; `specific.<part>` keys set the specific end of the blend (see `specificity`). */
  weights?: Partial<BlendWeights> | Readonly<Record<string, number>>
  /** Candidate sources switched off (`false`) or on; unnamed ones are on. Scoring parts are not changed. */
  sources?: Readonly<Partial<Record<CandidateSource, boolean>>>
  /**
   * The lexical tables of exactly these items (`buildLexicalTables(items)`, e.g. from a build's reader thread), so
   * the recommender does not build them on this thread. Default: built here.
   */
  lexicalTables?: LexicalTables
  /** The catalogue's words for things people name otherwise, searched with a wish that names them (a profile's `searchWords`). */
  vocabulary?: readonly SearchWords[]
  /** The build's fact names embedded by its encoder: wishes then vote for facts close in meaning (`facts.ts`). */
  factMeanings?: FactMeanings
  /**
   * Awaited between the steps of building the recommender's tables (a server passes what waits until no turn is
   * running, so a turn waits behind one step, not all of them). Default: none.
   */
  pause?: () => Promise<void>
  /** Look for a description phrase matching the request (one extra embed call per request). Default true. */
  phraseEvidence?: boolean
  logger?: Logger
  /**
   * Sees every scored candidate pool (all candidates with their parts, before selection): for tuning tools that
   * fit the blend weights (`fitBlend`), not for serving.
   */
  onScored?: (pool: readonly ScoredCandidate[]) => void
}

/** A candidate as the blend scored it. */
export interface ScoredCandidate {
  id: ItemId
  parts: ScoreParts
}
