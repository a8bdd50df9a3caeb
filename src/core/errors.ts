/**
 * The closed set of error codes. Edges (CLI, HTTP, Slack) translate codes, never messages.
 * Add a code here when a new failure needs its own handling at an edge.
 */
export const ERROR_CODES = [
  'config.invalid',
  'data.not_found',
  'data.download_failed',
  'data.checksum_mismatch',
  'catalog.invalid_row',
  'catalog.invalid',
  'embed.unavailable',
  'embed.failed',
  'index.not_found',
  'index.incompatible',
  'index.corrupt',
  'build.failed',
  'collab.not_found',
  'collab.incompatible',
  'collab.backend_unavailable',
  'collab.training_failed',
  'store.failed',
  'llm.failed',
  'input.invalid',
  'input.too_large',
  'auth.unauthorized',
  'auth.origin_refused',
  'rate.limited',
  'not_found',
  'unavailable',
  'internal',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface AppErrorOptions {
  /** Safe to show to an operator: no secrets, no stack traces. */
  details?: Record<string, unknown>
  cause?: unknown
}

/** The one error type of the project. `code` is what callers branch on; `message` says what to do. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown>

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.details = options.details ?? {}
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code)
}

/** Wraps a foreign error where it enters the project; AppErrors pass through unchanged. */
export function wrapError(error: unknown, code: ErrorCode, message: string, details?: Record<string, unknown>): AppError {
  if (error instanceof AppError) return error
  return new AppError(code, message, { cause: error, details: { ...details, reason: errorMessage(error) } })
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
