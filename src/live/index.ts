/**
 * The live catalogue: items upserted and deleted through `POST /v1/items` and `DELETE /v1/items/{id}` while
 * serving, stored beside the builds, laid over the loaded build at once and read by the next rebuild.
 */
export { type LiveCatalogue, type LiveItems, openLiveCatalogue } from './catalogue.ts'
export { LIVE_ITEMS_FILE, type LiveState, readLiveState, withLiveItems } from './log.ts'
export { overlayIndex } from './overlay-index.ts'
export { itemsBodySchema, MAX_ITEMS_PER_CALL, parseItems } from './schema.ts'
export { withLiveCatalogue } from './training.ts'
