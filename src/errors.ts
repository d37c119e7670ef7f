// Every way a request can fail. `code` is public API: add codes, never rename one.
// Callers branch on `code`, which survives two bundled copies of this library; `instanceof` does not.

export type TokenErrorCode =
  | 'REFRESH_FAILED'
  | 'WAIT_TIMEOUT'
  | 'QUEUE_FULL'
  | 'ABORTED'
  | 'STOPPED'
  | 'INVALID_TOKEN_RESPONSE'
  | 'FETCH_TIMEOUT'
  | 'INSECURE_URL'

/** The base class of every error painless-token rejects with. Branch on `code`. */
export class TokenError extends Error {
  override name = 'TokenError'
  readonly code: TokenErrorCode

  constructor(code: TokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message)
    this.code = code
    // Set by hand: older mini-program engines ignore Error's `cause` option.
    if (options && 'cause' in options) (this as { cause?: unknown }).cause = options.cause
    // Down-levelled class fields can lose the prototype chain on old engines; restore it.
    Object.setPrototypeOf(this, new.target.prototype)
  }
}

/** The refresh cycle ran out of attempts. `cause` is the last attempt's error. */
export class TokenRefreshError extends TokenError {
  override name = 'TokenRefreshError'
  readonly attempts: number

  constructor(attempts: number, cause: unknown) {
    super('REFRESH_FAILED', `token refresh failed after ${attempts} attempt(s)`, { cause })
    this.attempts = attempts
  }
}

/** A parked request waited longer than `waitTimeoutMs`. */
export class WaitTimeoutError extends TokenError {
  override name = 'WaitTimeoutError'
  constructor(waitTimeoutMs: number) {
    super('WAIT_TIMEOUT', `no token within ${waitTimeoutMs} ms`)
  }
}

/** `maxQueue` requests were already parked. */
export class QueueFullError extends TokenError {
  override name = 'QueueFullError'
  constructor(maxQueue: number) {
    super('QUEUE_FULL', `${maxQueue} requests are already waiting for a token`)
  }
}

/** The request's signal aborted before it got a token. `cause` is the signal's reason. */
export class AbortedError extends TokenError {
  override name = 'AbortedError'
  constructor(reason?: unknown) {
    super('ABORTED', 'the request was aborted while waiting for a token', { cause: reason })
  }
}

/** The controller was stopped. */
export class StoppedError extends TokenError {
  override name = 'StoppedError'
  constructor() {
    super('STOPPED', 'the token controller is stopped')
  }
}

/** `fetchToken` resolved with something that is not a usable token. Retried; seen as a `cause`. */
export class InvalidTokenResponseError extends TokenError {
  override name = 'InvalidTokenResponseError'
  constructor(problem: string) {
    super('INVALID_TOKEN_RESPONSE', `invalid token response: ${problem}`)
  }
}

/** One `fetchToken` attempt took longer than `fetchTimeoutMs`. Retried; seen as a `cause`. */
export class FetchTimeoutError extends TokenError {
  override name = 'FetchTimeoutError'
  constructor(fetchTimeoutMs: number) {
    super('FETCH_TIMEOUT', `token fetch took longer than ${fetchTimeoutMs} ms`)
  }
}

/** An `http://` URL where https is required (mini-programs only allow https). Nothing was sent. */
export class InsecureUrlError extends TokenError {
  override name = 'InsecureUrlError'
  constructor(origin: string) {
    super('INSECURE_URL', `refusing to send a token over plain http to ${origin}; use https`)
  }
}

/** True for any painless-token error, also one thrown by another bundled copy of the library. */
export function isTokenError(error: unknown): error is TokenError {
  if (error instanceof TokenError) return true
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return error instanceof Error && typeof code === 'string' && TOKEN_ERROR_CODES.indexOf(code as TokenErrorCode) !== -1
}

export const TOKEN_ERROR_CODES: readonly TokenErrorCode[] = [
  'REFRESH_FAILED',
  'WAIT_TIMEOUT',
  'QUEUE_FULL',
  'ABORTED',
  'STOPPED',
  'INVALID_TOKEN_RESPONSE',
  'FETCH_TIMEOUT',
  'INSECURE_URL',
]
