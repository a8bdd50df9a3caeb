import { AppError, type ErrorCode, isAppError, type Logger } from '../core/index.ts'

/**
 * The one table from error codes to HTTP statuses. Exhaustive: a new code in core fails typecheck here until it
 * has a status.
 */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  'config.invalid': 500,
  'data.not_found': 503,
  'data.download_failed': 503,
  'data.checksum_mismatch': 503,
  'catalog.invalid_row': 500,
  'catalog.invalid': 500,
  'embed.unavailable': 503,
  'embed.failed': 500,
  'index.not_found': 503,
  'index.incompatible': 503,
  'index.corrupt': 503,
  'build.failed': 503,
  'collab.not_found': 503,
  'collab.incompatible': 503,
  'collab.backend_unavailable': 503,
  'collab.training_failed': 500,
  'store.failed': 503,
  'llm.failed': 502,
  'input.invalid': 400,
  'input.too_large': 413,
  'auth.unauthorized': 401,
  'auth.origin_refused': 403,
  'rate.limited': 429,
  not_found: 404,
  unavailable: 503,
  internal: 500,
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId?: string; details?: Record<string, unknown> }
}

/** Details keys that are safe and useful to a client (never paths, reasons or causes). */
const CLIENT_DETAILS = new Set(['issues', 'retryAfterSeconds', 'limitBytes', 'field'])

/**
 * The status and body for any thrown value. Client errors (4xx) keep their message and safe details; server errors
 * get a generic message so that no internals (paths, library messages, stack traces) leave the process.
 */
export function toErrorResponse(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  const appError = isAppError(error) ? error : new AppError('internal', 'Unexpected error', { cause: error })
  const status = STATUS_BY_CODE[appError.code]
  const message = status < 500 ? appError.message : serverMessage(status)
  const details = status < 500 ? pickDetails(appError.details) : undefined
  return {
    status,
    body: { error: { code: appError.code, message, ...(requestId ? { requestId } : {}), ...(details ? { details } : {}) } },
  }
}

/**
 * Logs a failed request or turn: faults (5xx) as errors, refusals (4xx, and 503 `unavailable`: no build yet, load
 * shed, shutting down, which are states the service reports rather than faults) at info.
 */
export function logFailure(log: Logger, what: string, error: unknown): void {
  const { status, body } = toErrorResponse(error)
  if (status >= 500 && body.error.code !== 'unavailable') {
    log.error(`${what} failed`, { code: body.error.code, error: error instanceof Error ? error.message : String(error) })
  } else {
    log.info(`${what} refused`, { code: body.error.code })
  }
}

function serverMessage(status: number): string {
  if (status === 503) return 'The service is not available right now; try again shortly.'
  if (status === 502) return 'An upstream service failed; try again.'
  return 'Something went wrong on our side; try again.'
}

function pickDetails(details: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(details)) if (CLIENT_DETAILS.has(k)) out[k] = v
  return Object.keys(out).length ? out : undefined
}
