// Reading a failed attempt's error: the app's own object, which may be anything and may throw from a getter.
// The chart asks it two things (how long the server asked us to wait, what code to report); inspection gets
// a summary that cannot carry a request body, a header or a token.
// A getter that throws must not end the actor and strand the parked requests.
export function propertyOf(value: unknown, name: string): unknown {
  try {
    return (value as Record<string, unknown>)[name]
  } catch {
    // null, undefined, or a getter that throws: no such property.
  }
  return undefined
}

/**
 * The error's `retryAfterMs` (a server's Retry-After), at most `maxMs`; else undefined. `maxMs` is a timer's
 * delay: options.ts holds `retry.maxRetryAfterMs` and `waitTimeoutMs` to what a timer can hold (MAX_TIMER_MS).
 */
export function cappedRetryAfterMs(error: unknown, maxMs: number): number | undefined {
  const value = propertyOf(error, 'retryAfterMs')
  return typeof value === 'number' && value >= 0 && value < Infinity ? Math.min(value, maxMs) : undefined
}

/** The error's string `code`, else `FETCH_FAILED`. */
export function errorCode(error: unknown): string {
  const code = propertyOf(error, 'code')
  return typeof code === 'string' ? code : 'FETCH_FAILED'
}

/**
 * What an inspector may see of an error: its name, code and HTTP status, nothing else. An AxiosError's
 * `config.data` holds the refresh token or client secret it sent; its message, headers and body stay out too.
 *
 * @example
 * errorSummary(axiosError) // { name: 'AxiosError', code: 'ERR_BAD_RESPONSE', status: 500 }
 */
export function errorSummary(error: unknown): { name: string; code: string; status: number | undefined } {
  const name = propertyOf(error, 'name')
  // axios and fetch errors say `status`, luch-request and mini-program answers `statusCode`.
  const status = propertyOf(error, 'status') || propertyOf(error, 'statusCode')
  return {
    name: typeof name === 'string' ? name : typeof error,
    code: errorCode(error),
    status: typeof status === 'number' ? status : undefined,
  }
}
