/**
 * The HTTP transport: chat API (JSON and SSE streaming), feedback, items, user deletion, health, metrics, OpenAPI,
 * the embeddable widget script and its demo page. Transport only: every turn goes to the ChatService.
 */
export { createWidgetApp, turnSchedulerOptions, type WidgetApp, type WidgetBackend, type WidgetDeps } from './app.ts'
export { type ErrorBody, STATUS_BY_CODE, toErrorResponse } from './errors.ts'
export { createSharedIdempotencyStore } from './idempotency.ts'
export { createKeyRing, DEMO_KEY, type KeyRing, type Principal } from './keys.ts'
export { renderReply } from './messages.ts'
export { openApiDocument } from './openapi.ts'
export { createRateLimiter, type RateLimiter } from './rate-limit.ts'
export { type HttpServer, type HttpServerOptions, startHttpServer } from './server.ts'
export { parseEventStream, STREAM_HEADERS, type StreamPart } from './stream.ts'
