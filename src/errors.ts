// Every way a request can fail. `code` is public API: add codes, never rename one.
// Callers branch on `code`, which survives two bundled copies of this library; `instanceof` does not.

/**
 * The stable `code` of every {@link TokenError}: branch on it, not on `instanceof` (two bundled copies of the library
 * have two `TokenError` classes, but the same codes). Codes are added, never renamed.
 *
 * @example
 * function explain(code: TokenErrorCode): string {
 *   return code === 'REFRESH_FAILED' ? 'please sign in again' : 'try again'
 * }
 */
export type TokenErrorCode =
  | 'REFRESH_FAILED'
  | 'WAIT_TIMEOUT'
  | 'QUEUE_FULL'
  | 'ABORTED'
  | 'STOPPED'
  | 'INVALID_TOKEN_RESPONSE'
  | 'FETCH_TIMEOUT'
  | 'INSECURE_URL'
  | 'LOGIN_REQUIRED'
  | 'COORDINATOR_UNAVAILABLE'
  | 'FETCH_QUOTA_EXCEEDED'

/**
 * The base class of every error painless-token rejects with. Branch on `code` ({@link TokenErrorCode}).
 * `cause`, where there is one, is set by hand (older mini-program engines ignore Error's `cause` option).
 *
 * @example
 * try {
 *   await tokens.getToken()
 * } catch (error) {
 *   if (isTokenError(error) && error.code === 'REFRESH_FAILED') showLogin()
 * }
 */
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

/**
 * `REFRESH_FAILED`: the refresh cycle ran out of attempts (`retry.attempts`, default 3). `cause` is the last
 * attempt's error (often an {@link InvalidTokenResponseError} or {@link FetchTimeoutError}); `attempts` is how many ran.
 * Every request parked in that cycle rejects with it; the next request starts a new cycle.
 *
 * @example
 * tokens.getToken().catch((error) => {
 *   if (error instanceof TokenRefreshError) console.warn(`gave up after ${error.attempts} attempts`, error.cause)
 * })
 */
export class TokenRefreshError extends TokenError {
  override name = 'TokenRefreshError'
  readonly attempts: number

  constructor(attempts: number, cause: unknown) {
    super('REFRESH_FAILED', `token refresh failed after ${attempts} attempt(s)`, { cause })
    this.attempts = attempts
  }
}

/**
 * `WAIT_TIMEOUT`: a parked request waited longer than `waitTimeoutMs` (default 30 s). It leaves the queue; the
 * shared refresh goes on for the others.
 *
 * @example
 * const tokens = createTokenController({ fetchToken, waitTimeoutMs: 5_000 })
 * tokens.getToken().catch((error) => error.code === 'WAIT_TIMEOUT' && showRetryButton())
 */
export class WaitTimeoutError extends TokenError {
  override name = 'WaitTimeoutError'
  constructor(waitTimeoutMs: number) {
    super('WAIT_TIMEOUT', `no token within ${waitTimeoutMs} ms`)
  }
}

/**
 * `QUEUE_FULL`: `maxQueue` requests (default 10,000) were already parked; this one rejects at once.
 *
 * @example
 * const tokens = createTokenController({ fetchToken, maxQueue: 100 })
 * tokens.getToken().catch((error) => error.code === 'QUEUE_FULL' && console.warn('too many requests waiting'))
 */
export class QueueFullError extends TokenError {
  override name = 'QueueFullError'
  constructor(maxQueue: number) {
    super('QUEUE_FULL', `${maxQueue} requests are already waiting for a token`)
  }
}

/**
 * `ABORTED`: the request's signal aborted before it got a token. `cause` is the signal's reason. The shared
 * refresh is not cancelled.
 *
 * @example
 * const pending = tokens.getToken({ signal: controller.signal }) // any AbortSignal-like object
 * controller.abort()
 * await pending.catch((error) => error.code) // 'ABORTED'
 */
export class AbortedError extends TokenError {
  override name = 'AbortedError'
  constructor(reason?: unknown) {
    super('ABORTED', 'the request was aborted while waiting for a token', { cause: reason })
  }
}

/**
 * `STOPPED`: the controller was stopped (`tokens.stop()`); parked and later requests reject with it.
 *
 * @example
 * tokens.stop()
 * await tokens.getToken().catch((error) => error.code) // 'STOPPED'
 */
export class StoppedError extends TokenError {
  override name = 'StoppedError'
  constructor() {
    super('STOPPED', 'the token controller is stopped')
  }
}

/**
 * `INVALID_TOKEN_RESPONSE`: `fetchToken` resolved with no string `accessToken`, no usable expiry, or an expiry in
 * the past. That attempt counts as failed and is retried; callers see it as the `cause` of a {@link TokenRefreshError}.
 * The message never quotes a token.
 *
 * @example
 * tokens.getToken().catch((error) => {
 *   if (error.code === 'REFRESH_FAILED' && error.cause?.code === 'INVALID_TOKEN_RESPONSE') reportServerBug(error.cause)
 * })
 */
export class InvalidTokenResponseError extends TokenError {
  override name = 'InvalidTokenResponseError'
  constructor(problem: string) {
    super('INVALID_TOKEN_RESPONSE', `invalid token response: ${problem}`)
  }
}

/**
 * `LOGIN_REQUIRED`: the session is over and only a login brings it back. `fetchToken` throws it (or any error
 * `isLoginRequired` recognises: OAuth `invalid_grant` by default) when the refresh token is refused; it is not
 * retried. Parked and later requests reject with it, starting no fetch, until `setGrant()` or `clear()`; so do
 * requests after `logout()`. `cause`: the `LoginRequiredError` the refresh ended with (the one `fetchToken` threw, or
 * one holding the error `isLoginRequired` recognised as its own `cause`); none after `logout()`.
 *
 * @example
 * fetchToken: async ({ refreshToken }) => {
 *   if (!refreshToken) throw new LoginRequiredError('no refresh token: sign in first')
 *   return api.refresh(refreshToken)
 * }
 * tokens.getToken().catch((error) => error.code === 'LOGIN_REQUIRED' && uni.reLaunch({ url: '/pages/login/login' }))
 */
export class LoginRequiredError extends TokenError {
  override name = 'LoginRequiredError'
  constructor(message = 'login required: the session is over', options?: { cause?: unknown }) {
    super('LOGIN_REQUIRED', message, options)
  }
}

/**
 * `FETCH_TIMEOUT`: one `fetchToken` attempt took longer than `fetchTimeoutMs` (default 10 s); its signal was
 * aborted. Retried; callers see it as the `cause` of a {@link TokenRefreshError}.
 *
 * @example
 * const tokens = createTokenController({ fetchToken, fetchTimeoutMs: 3_000 })
 * tokens.getToken().catch((error) => error.cause?.code === 'FETCH_TIMEOUT' && showSlowNetworkHint())
 */
export class FetchTimeoutError extends TokenError {
  override name = 'FetchTimeoutError'
  constructor(fetchTimeoutMs: number) {
    super('FETCH_TIMEOUT', `token fetch took longer than ${fetchTimeoutMs} ms`)
  }
}

/**
 * `INSECURE_URL`: an adapter refused to send a token to an `http://` URL (`requireHttps`, default on except for
 * `localhost` / `127.0.0.1`; mini-programs only allow https anyway). Nothing was sent.
 *
 * @example
 * await http.get('http://api.example.com/me').catch((error) => error.code) // 'INSECURE_URL'
 */
export class InsecureUrlError extends TokenError {
  override name = 'InsecureUrlError'
  constructor(origin: string) {
    super('INSECURE_URL', `refusing to send a token over plain http to ${origin}; use https`)
  }
}

/**
 * True for any painless-token error, also one thrown by another bundled copy of the library (checked by `code`).
 *
 * @example
 * catch (error) {
 *   if (isTokenError(error)) track(error.code)
 *   else throw error
 * }
 */
export function isTokenError(error: unknown): error is TokenError {
  if (error instanceof TokenError) return true
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return error instanceof Error && typeof code === 'string' && TOKEN_ERROR_CODES.indexOf(code as TokenErrorCode) !== -1
}

/**
 * Every {@link TokenErrorCode}: a list to validate a code read from a log or another copy of the library.
 *
 * @example
 * TOKEN_ERROR_CODES.includes(error.code) // a painless-token error code?
 */
export const TOKEN_ERROR_CODES: readonly TokenErrorCode[] = [
  'REFRESH_FAILED',
  'WAIT_TIMEOUT',
  'QUEUE_FULL',
  'ABORTED',
  'STOPPED',
  'INVALID_TOKEN_RESPONSE',
  'FETCH_TIMEOUT',
  'INSECURE_URL',
  'LOGIN_REQUIRED',
]
