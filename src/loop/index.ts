/**
 * The learning loop: what people do in the running service (feedback, accepted recommendations, events) flows
 * back into training, and what is shown is measured per variant.
 */

/** The events API's body (`{ events: [...] }`, up to 1,000) and the recorder that stores them. */
export {
  createEventRecorder,
  DISLIKE_RATING,
  type EventRecorder,
  eventsBodySchema,
  type ItemEvent,
  itemEventSchema,
  LIKE_RATING,
  MAX_EVENTS_PER_CALL,
  opinionOf,
} from './events.ts'
/** The impression log (SQLite, or PostgreSQL with a postgres:// store) and what counts as a like and as an accepted recommendation. */
export {
  ACCEPT_KINDS,
  type ImpressionLog,
  type ItemCounts,
  LIKE_KINDS,
  type Outcome,
  openConfiguredImpressionLog,
  openImpressionLog,
  openPostgresImpressionLog,
  type ShownItems,
  type VariantCounts,
} from './impressions.ts'
/** Impressions and outcomes per A/B variant around the chat service, with /metrics counters and a retention sweep. */
export { type LearningLoop, type LoopInsights, openLearningLoop } from './learning-loop.ts'
/** Opening an item (`POST /v1/conversations/{id}/opened`): an `open` interaction and outcome. */
export { createOpenRecorder, type OpenedItem, type OpenRecorder } from './opens.ts'
/** `concierge report`: per-variant rates with Wilson intervals and z-tests against the control. */
export { type AbReport, buildAbReport, type Comparison, formatAbReport, type Rate, type VariantReport } from './report.ts'
/** Wilson intervals and the two-proportion z-test of `concierge report`. */
export { normalCdf, twoProportionTest, wilsonInterval } from './stats.ts'
/** The catalogue plus the store's interactions, for a rebuild to train on; and reading them from the store. */
export {
  type CatalogWithStore,
  readStoreInteractions,
  STORE_USER_PREFIX,
  withStoreInteractions,
} from './training.ts'
/** One chat per distinct variant overrides (blend, candidate sources, LLM on/off), routing each user to theirs. */
export { createVariantChat } from './variant-chat.ts'
/** Sticky variant assignment by a hash of the user id. */
export { assignVariant, DEFAULT_VARIANT, type VariantConfig, type VariantOverrides } from './variants.ts'
