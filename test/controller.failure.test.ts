// Failed refreshes: attempts, the exact backoff schedule, jitter, Retry-After, what parked requests
// are rejected with, recovery from `failed`, and malformed token responses.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, TokenRefreshError, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

class NetworkError extends Error {
  code = 'E_NETWORK'
  constructor(readonly retryAfterMs?: number) {
    super('network down')
  }
}

describe('retries', () => {
  it('waits exactly min(maxDelayMs, baseDelayMs * 2^(n-1)) after failed attempt n without jitter', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 250, jitter: false },
    })
    void tokens.getToken().catch(() => undefined)

    for (const [attempt, delay] of [
      [1, 100],
      [2, 200],
      [3, 250],
      [4, 250],
    ] as const) {
      expect(fetch.count).toBe(attempt)
      fetch.last().fail(new NetworkError())
      await settle()
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(fetch.count).toBe(attempt)
      await vi.advanceTimersByTimeAsync(1)
      expect(fetch.count).toBe(attempt + 1)
      expect(fetch.last().attempt).toBe(attempt + 1)
    }
  })

  it('makes retry.attempts attempts in total, then rejects every parked request with REFRESH_FAILED carrying the last error', async () => {
    const errors: Error[] = []
    const fetch = fakeFetch((call) => call.fail(errors[errors.push(new NetworkError()) - 1]))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 4, baseDelayMs: 10, jitter: false } })

    const outcomes = Array.from({ length: 3 }, () => track(tokens.getToken()))
    await vi.advanceTimersByTimeAsync(10_000)

    expect(fetch.count).toBe(4)
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected')
      expect(outcome.reason).toBeInstanceOf(TokenRefreshError)
      expect(outcome.reason).toMatchObject({ code: 'REFRESH_FAILED', attempts: 4 })
    }
    for (const outcome of outcomes) expect((outcome.reason as TokenRefreshError).cause).toBe(errors[3])
    expect(tokens.state).toBe('failed')
    expect(tokens.queueSize).toBe(0)
  })

  it('starts a new cycle from failed on the next request, which can succeed', async () => {
    let failing = true
    const fetch = fakeFetch((call) => (failing ? call.fail(new NetworkError()) : call.grant('token-A')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 2, baseDelayMs: 10, jitter: false } })
    const first = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(100)
    expect(first.status).toBe('rejected')
    expect(tokens.state).toBe('failed')

    failing = false
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(3)
    expect(fetch.last().attempt).toBe(1)
    expect(tokens.state).toBe('valid')
  })

  it('keeps the first delay within baseDelayMs with jitter on, scaled by Math.random()', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { baseDelayMs: 400 }, onEvent: (e) => events.push(e) })
    void tokens.getToken().catch(() => undefined)

    fetch.last().fail(new NetworkError())
    await settle()
    await vi.advanceTimersByTimeAsync(199)
    expect(fetch.count).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch.count).toBe(2)
    expect(events.find((e) => e.type === 'refresh.retrying')).toMatchObject({ delayMs: 200 })
  })

  it('never waits longer than baseDelayMs after the first failure, whatever Math.random() returns', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999)
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.fail(new NetworkError()))
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 2, baseDelayMs: 400 },
      onEvent: (e) => events.push(e),
    })
    void tokens.getToken().catch(() => undefined)
    await settle()

    const retrying = events.find((e) => e.type === 'refresh.retrying')
    expect(retrying?.delayMs).toBeLessThanOrEqual(400)
    await vi.advanceTimersByTimeAsync(400)
    expect(fetch.count).toBe(2)
  })

  it('honours an error’s retryAfterMs over the computed backoff', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { baseDelayMs: 100, jitter: false },
      onEvent: (e) => events.push(e),
    })
    void tokens.getToken().catch(() => undefined)

    fetch.last().fail(new NetworkError(5_000))
    await settle()
    await vi.advanceTimersByTimeAsync(4_999)
    expect(fetch.count).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch.count).toBe(2)
    expect(events.find((e) => e.type === 'refresh.retrying')).toMatchObject({ delayMs: 5_000 })
  })

  it('reports refresh.retrying for each retried attempt and refresh.failed once per cycle', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.fail(new NetworkError()))
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 3, baseDelayMs: 100, jitter: false },
      onEvent: (e) => events.push(e),
    })

    await Promise.allSettled([tokens.getToken(), tokens.getToken(), vi.advanceTimersByTimeAsync(1_000)])

    expect(events.filter((e) => e.type === 'refresh.retrying')).toEqual([
      expect.objectContaining({ attempt: 1, delayMs: 100, code: 'E_NETWORK' }),
      expect.objectContaining({ attempt: 2, delayMs: 200, code: 'E_NETWORK' }),
    ])
    expect(events.filter((e) => e.type === 'refresh.failed')).toEqual([expect.objectContaining({ reason: 'missing', attempts: 3 })])
  })

  it('gives a retried error without a code the code FETCH_FAILED', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.fail(new Error('plain')))
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 2, baseDelayMs: 0 },
      onEvent: (e) => events.push(e),
    })

    await Promise.allSettled([tokens.getToken(), vi.advanceTimersByTimeAsync(10)])

    expect(events.find((e) => e.type === 'refresh.retrying')).toMatchObject({ code: 'FETCH_FAILED' })
  })
})

describe('malformed token responses', () => {
  const cases: Array<[string, (call: ReturnType<ReturnType<typeof fakeFetch>['last']>) => void]> = [
    ['no access token', (call) => call.respond({ expires_in: 60 })],
    ['an empty access token', (call) => call.respond({ access_token: '', expires_in: 60 })],
    ['a non-string access token', (call) => call.respond({ access_token: 12345, expires_in: 60 })],
    ['no expiry', (call) => call.respond({ access_token: 'token-bad' })],
    ['a non-numeric expires_in', (call) => call.respond({ access_token: 'token-bad', expires_in: 'soon' })],
    ['an expiry in the past', (call) => call.respond({ accessToken: 'token-bad', expiresAt: 1 })],
    ['a zero lifetime', (call) => call.respond({ access_token: 'token-bad', expires_in: 0 })],
    ['null', (call) => call.respond(null)],
    ['undefined', (call) => call.respond(undefined)],
    ['a string', (call) => call.respond('token-bad')],
    ['a number', (call) => call.respond(42)],
  ]

  it.each(cases)('fails the attempt on %s with cause INVALID_TOKEN_RESPONSE and retries', async (_name, answer) => {
    const fetch = fakeFetch((call) => (call.attempt === 1 ? answer(call) : call.grant('token-good')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 2, baseDelayMs: 0 } })

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(1)

    expect(fetch.count).toBe(2)
    expect(request).toMatchObject({ status: 'fulfilled', value: 'token-good' })
  })

  it.each(cases)('rejects with REFRESH_FAILED whose cause is INVALID_TOKEN_RESPONSE when %s is the last answer', async (_name, answer) => {
    const fetch = fakeFetch(answer)
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })

    const error = await tokens.getToken().catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1, cause: { code: 'INVALID_TOKEN_RESPONSE' } })
    expect(String((error as Error & { cause: Error }).cause.message)).not.toContain('token-bad')
  })

  it('fails the attempt when fetchToken throws inside, and retries with the thrown error as the cause', async () => {
    const thrown = new Error('inside')
    let calls = 0
    const tokens = createTokenController({
      fetchToken: async () => {
        calls++
        throw thrown
      },
      retry: { attempts: 2, baseDelayMs: 0 },
    })

    const outcome = tokens.getToken().catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(1)

    expect(calls).toBe(2)
    expect(await outcome).toMatchObject({ code: 'REFRESH_FAILED', attempts: 2, cause: thrown })
  })

  it('fails the attempt when fetchToken throws synchronously, and retries without breaking the controller', async () => {
    let calls = 0
    const tokens = createTokenController({
      fetchToken: () => {
        calls++
        if (calls < 3) throw new TypeError('sync')
        return { access_token: 'token-good', expires_in: 60 }
      },
      retry: { attempts: 3, baseDelayMs: 0 },
    })

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(1)

    expect(calls).toBe(3)
    expect(request).toMatchObject({ status: 'fulfilled', value: 'token-good' })
  })

  it('accepts a plain (non-promise) token object from fetchToken', async () => {
    const tokens = createTokenController({ fetchToken: () => ({ accessToken: 'token-sync', expiresIn: 60 }) })

    expect(await tokens.getToken()).toBe('token-sync')
  })
})
