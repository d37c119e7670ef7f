import { describe, expect, it } from 'vitest'
import {
  AbortedError,
  FetchTimeoutError,
  InsecureUrlError,
  InvalidTokenResponseError,
  isTokenError,
  LoginRequiredError,
  QueueFullError,
  StoppedError,
  TOKEN_ERROR_CODES,
  TokenError,
  TokenRefreshError,
  WaitTimeoutError,
} from '../src/index.ts'

describe('the error classes', () => {
  const cases: Array<[TokenError, string, string]> = [
    [new TokenRefreshError(3, new Error('500')), 'REFRESH_FAILED', 'TokenRefreshError'],
    [new WaitTimeoutError(30_000), 'WAIT_TIMEOUT', 'WaitTimeoutError'],
    [new QueueFullError(10), 'QUEUE_FULL', 'QueueFullError'],
    [new AbortedError('left'), 'ABORTED', 'AbortedError'],
    [new StoppedError(), 'STOPPED', 'StoppedError'],
    [new InvalidTokenResponseError('no token'), 'INVALID_TOKEN_RESPONSE', 'InvalidTokenResponseError'],
    [new FetchTimeoutError(10_000), 'FETCH_TIMEOUT', 'FetchTimeoutError'],
    [new InsecureUrlError('http://example.com'), 'INSECURE_URL', 'InsecureUrlError'],
    [new LoginRequiredError(), 'LOGIN_REQUIRED', 'LoginRequiredError'],
  ]

  it.each(cases)('%s carries its stable code and name and is a TokenError and an Error', (error, code, name) => {
    expect(error.code).toBe(code)
    expect(error.name).toBe(name)
    expect(error).toBeInstanceOf(TokenError)
    expect(error).toBeInstanceOf(Error)
    expect(isTokenError(error)).toBe(true)
  })

  it('lists every code exactly once', () => {
    expect([...TOKEN_ERROR_CODES].sort()).toEqual(cases.map(([, code]) => code).sort())
  })

  it('keeps the cause and the attempt count of a failed refresh', () => {
    const cause = new Error('token endpoint answered 500')
    const error = new TokenRefreshError(3, cause)
    expect(error.cause).toBe(cause)
    expect(error.attempts).toBe(3)
    expect(error.message).toBe('token refresh failed after 3 attempt(s)')
  })

  it('says a login is required, in its own words or the default, with the cause it is given', () => {
    const cause = new Error('invalid_grant')
    expect(new LoginRequiredError().message).toBe('login required: the session is over')
    expect(new LoginRequiredError('sign in first', { cause })).toMatchObject({ message: 'sign in first', cause })
  })

  it('sets no cause when none is given', () => {
    expect('cause' in new StoppedError()).toBe(false)
    expect(new AbortedError().cause).toBeUndefined()
  })
})

describe('isTokenError', () => {
  it('recognises an error from another bundled copy by its code', () => {
    const foreign = Object.assign(new Error('token refresh failed'), { name: 'TokenRefreshError', code: 'REFRESH_FAILED' })
    expect(isTokenError(foreign)).toBe(true)
  })

  it('refuses errors with other codes, plain objects and non-errors', () => {
    expect(isTokenError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false)
    expect(isTokenError({ code: 'STOPPED', message: 'not an Error' })).toBe(false)
    expect(isTokenError(new Error('plain'))).toBe(false)
    expect(isTokenError(null)).toBe(false)
    expect(isTokenError('STOPPED')).toBe(false)
  })
})
