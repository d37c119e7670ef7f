// The two ways a coordinated attempt fails that a single process never sees. Both fail one attempt; the machine's
// retry rules apply, and requests that run out of attempts reject with REFRESH_FAILED whose `cause` is one of these.
import { TokenError } from '../errors.ts'

/**
 * `COORDINATOR_UNAVAILABLE`: the shared store did not answer within `commandTimeoutMs` (Redis down or unreachable,
 * IndexedDB refused), and `onUnavailable` is `'fail'`. `cause` is the engine's error, its message never quoting a
 * token.
 *
 * @example
 * tokens.getToken().catch((error) => error.cause?.code === 'COORDINATOR_UNAVAILABLE' && alertOps())
 */
export class CoordinatorUnavailableError extends TokenError {
  override name = 'CoordinatorUnavailableError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('COORDINATOR_UNAVAILABLE', message, options)
  }
}

/**
 * `FETCH_QUOTA_EXCEEDED`: the fleet already made `maxFetches` upstream token calls in this window; no call is made.
 * `retryAfterMs` is when the window ends (the machine waits at most `retry.maxRetryAfterMs` for it).
 *
 * @example
 * redisCoordinator(redis, { key: 'wx:token', maxFetches: 1_500, fetchWindowMs: 86_400_000 })
 */
export class FetchQuotaExceededError extends TokenError {
  override name = 'FetchQuotaExceededError'
  readonly retryAfterMs: number
  constructor(maxFetches: number, retryAfterMs: number) {
    super('FETCH_QUOTA_EXCEEDED', `the fleet made its ${maxFetches} token fetches for this window; the next in ${retryAfterMs} ms`)
    this.retryAfterMs = retryAfterMs
  }
}
