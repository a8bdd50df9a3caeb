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
/** The catalogue plus the store's interactions, for a rebuild to train on; and reading them from the store. */
export {
  type CatalogWithStore,
  readStoreInteractions,
  STORE_USER_PREFIX,
  withStoreInteractions,
} from './training.ts'
