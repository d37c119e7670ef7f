// The token machine when fetches fail or hang: backoff between attempts (or the server's
// Retry-After), the fetch timeout, and failed with every parked request rejected once attempts run out.
import { describe, expect, it, vi } from 'vitest'
import { InvalidTokenResponseError, TokenError, TokenRefreshError } from '../src/errors.ts'
import { accessTokenNo, grantNo, HOUR_MS, NOW, refreshTokenNo, startEmpty, startValid, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: retrying', () => {
  it('waits exactly the backoff delay after a failed attempt, then fetches attempt 2', async () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000 } })
    h.get()
    const first = h.fetch

    first.fail(new Error('down'))

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(first.stopped).toBe(true)
    await vi.advanceTimersByTimeAsync(299)
    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(h.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(2)
    expect(h.fetch.input).toEqual({ attempt: 2, reason: 'missing' })
  })

  it('doubles the delay after each failed attempt', async () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000 } })
    h.get()
    h.fetch.fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(300)

    h.fetch.fail(new Error('down'))

    await vi.advanceTimersByTimeAsync(599)
    expect(h.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(h.fetch.input.attempt).toBe(3)
  })

  it('caps the delay at maxDelayMs', async () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 500 } })
    h.get()
    h.fetch.fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(300)

    h.fetch.fail(new Error('down'))

    expect(h.emittedOf('refresh.retrying').map((e) => e.delayMs)).toEqual([300, 500])
    await vi.advanceTimersByTimeAsync(500)
    expect(h.calls).toHaveLength(3)
  })

  it('scales the delay by the injected jitter source', async () => {
    const h = startEmpty({ retry: { attempts: 2, baseDelayMs: 400, maxDelayMs: 10_000 }, random: () => 0.25 })
    h.get()

    h.fetch.fail(new Error('down'))

    expect(h.emittedOf('refresh.retrying')[0]?.delayMs).toBe(100)
    await vi.advanceTimersByTimeAsync(100)
    expect(h.calls).toHaveLength(2)
  })

  it("waits the error's retryAfterMs instead of the backoff, even past maxDelayMs", async () => {
    const h = startEmpty({ retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 1000 } })
    h.get()

    h.fetch.fail(Object.assign(new Error('busy'), { retryAfterMs: 5000 }))

    expect(h.emittedOf('refresh.retrying')[0]?.delayMs).toBe(5000)
    await vi.advanceTimersByTimeAsync(4999)
    expect(h.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(h.calls).toHaveLength(2)
  })

  it.each([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['a string', '5000'],
  ])('ignores a retryAfterMs that is %s and waits the backoff', async (_, retryAfterMs) => {
    const h = startEmpty({ retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 10_000 } })
    h.get()

    h.fetch.fail({ retryAfterMs })

    expect(h.emittedOf('refresh.retrying')[0]?.delayMs).toBe(300)
    await vi.advanceTimersByTimeAsync(300)
    expect(h.calls).toHaveLength(2)
  })

  it("emits refresh.retrying with the attempt, the delay and the error's code", () => {
    const h = startEmpty()
    h.get()

    h.fetch.fail(new InvalidTokenResponseError('no string accessToken / access_token'))

    expect(h.emittedOf('refresh.retrying')).toEqual([
      { type: 'refresh.retrying', reason: 'missing', attempt: 1, delayMs: 300, code: 'INVALID_TOKEN_RESPONSE' },
    ])
  })

  it('reports FETCH_FAILED as the code of an error that has none', () => {
    const h = startEmpty()
    h.get()

    h.fetch.fail(new Error('socket hang up'))

    expect(h.emittedOf('refresh.retrying')[0]?.code).toBe('FETCH_FAILED')
  })

  it('parks requests that arrive while waiting to retry, fetches nothing extra, and releases them all', async () => {
    const h = startValid()
    const first = h.get(NOW + HOUR_MS)
    h.fetch.fail(new Error('down'))

    const second = h.get(NOW + HOUR_MS)
    const forced = h.refresh(NOW + HOUR_MS)
    expect(h.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(300)
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
    h.fetch.succeed(grantNo(2))

    expect([first, second, forced].map((w) => w.token)).toEqual([accessTokenNo(2), accessTokenNo(2), accessTokenNo(2)])
    expect(h.settledOrder).toEqual([first.id, second.id, forced.id])
    expect(h.emittedOf('refresh.succeeded')[0]).toMatchObject({ reason: 'expired', attempts: 2, released: 3 })
  })
})

describe('token machine: running out of attempts', () => {
  async function failEveryAttempt(h: ReturnType<typeof startEmpty>, errors: unknown[]): Promise<void> {
    for (const [i, error] of errors.entries()) {
      h.fetch.fail(error)
      if (i < errors.length - 1) await vi.runOnlyPendingTimersAsync()
    }
  }

  it('enters failed and rejects every parked request with REFRESH_FAILED carrying attempts and the last cause', async () => {
    const h = startEmpty({ retry: { attempts: 3 } })
    const waiters = [h.get(), h.get(), h.refresh()]
    const last = new Error('third')

    await failEveryAttempt(h, [new Error('first'), new Error('second'), last])

    expect(h.state).toBe('failed.retryable')
    expect(h.calls).toHaveLength(3)
    for (const w of waiters) {
      expect(w.error).toBeInstanceOf(TokenRefreshError)
      expect(w.error).toBeInstanceOf(TokenError)
      expect(w.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 3 })
      expect(w.error?.cause).toBe(last)
    }
    expect(h.settledOrder).toEqual(waiters.map((w) => w.id))
    expect(h.queueSize).toBe(0)
  })

  it('gives each parked request its own REFRESH_FAILED error object, all with the same cause', async () => {
    const h = startEmpty({ retry: { attempts: 1 } })
    const [a, b] = [h.get(), h.get()]
    const cause = new Error('down')

    h.fetch.fail(cause)

    expect(a.error).toBeInstanceOf(TokenRefreshError)
    expect(b.error).toBeInstanceOf(TokenRefreshError)
    expect(a.error).not.toBe(b.error)
    expect([a.error?.cause, b.error?.cause]).toEqual([cause, cause])
  })

  it('emits refresh.failed once, with reason, attempts, code and the count rejected', async () => {
    const h = startEmpty({ retry: { attempts: 2 } })
    h.get()
    h.get()

    await failEveryAttempt(h, [new Error('a'), new InvalidTokenResponseError('the expiry is already in the past')])

    expect(h.emittedOf('refresh.retrying')).toHaveLength(1)
    expect(h.emittedOf('refresh.failed')).toEqual([
      { type: 'refresh.failed', reason: 'missing', attempts: 2, code: 'INVALID_TOKEN_RESPONSE', rejected: 2 },
    ])
  })

  it('fails at once with a single attempt, without waiting', () => {
    const h = startEmpty({ retry: { attempts: 1 } })
    const waiter = h.get()

    h.fetch.fail(new Error('down'))

    expect(h.state).toBe('failed.retryable')
    expect(waiter.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1 })
    expect(h.emittedOf('refresh.retrying')).toEqual([])
  })

  it('starts a new cycle from failed on the next request, with the attempt count reset', async () => {
    const h = startEmpty({ retry: { attempts: 2 } })
    h.get()
    await failEveryAttempt(h, [new Error('a'), new Error('b')])

    const waiter = h.get()

    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(3)
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
    expect(h.emittedOf('refresh.started')).toHaveLength(2)
    h.fetch.fail(new Error('c'))
    expect(h.state).toBe('refreshing.waitingToRetry')
    await vi.runOnlyPendingTimersAsync()
    h.fetch.succeed(grantNo(1))
    expect(waiter.token).toBe(accessTokenNo(1))
    expect(h.emittedOf('refresh.succeeded')[0]?.attempts).toBe(2)
  })

  it('starts a forced cycle from failed on token.refresh', () => {
    const h = startEmpty({ retry: { attempts: 1 } })
    h.get()
    h.fetch.fail(new Error('down'))

    h.refresh()

    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'forced' })
  })
})

describe('token machine: fetch timeout', () => {
  it('abandons an attempt after exactly fetchTimeoutMs and retries with FETCH_TIMEOUT as the error', async () => {
    const h = startEmpty({ fetchTimeoutMs: 5000 })
    h.get()
    const hung = h.fetch

    await vi.advanceTimersByTimeAsync(4999)
    expect(h.state).toBe('refreshing.fetching')
    await vi.advanceTimersByTimeAsync(1)

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(hung.stopped).toBe(true)
    expect(h.context.lastError).toMatchObject({ code: 'FETCH_TIMEOUT' })
    expect(h.emittedOf('refresh.retrying')).toEqual([
      { type: 'refresh.retrying', reason: 'missing', attempt: 1, delayMs: 300, code: 'FETCH_TIMEOUT' },
    ])
  })

  it('ignores the answer of an attempt that timed out', async () => {
    const h = startEmpty({ fetchTimeoutMs: 5000 })
    const waiter = h.get()
    const hung = h.fetch
    await vi.advanceTimersByTimeAsync(5000)

    hung.succeed(grantNo(1))

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(h.context.accessToken).toBeNull()
    expect(waiter.settled).toBe(false)
  })

  it('gives each attempt its own timeout', async () => {
    const h = startEmpty({ fetchTimeoutMs: 5000 })
    h.get()
    await vi.advanceTimersByTimeAsync(5000 + 300)
    expect(h.fetch.input.attempt).toBe(2)

    await vi.advanceTimersByTimeAsync(4999)
    expect(h.state).toBe('refreshing.fetching')
    await vi.advanceTimersByTimeAsync(1)
    expect(h.state).toBe('refreshing.waitingToRetry')
  })

  it('rejects the parked requests with a FETCH_TIMEOUT cause when the last attempt times out', async () => {
    const h = startEmpty({ fetchTimeoutMs: 5000, retry: { attempts: 1 } })
    const waiter = h.get()

    await vi.advanceTimersByTimeAsync(5000)

    expect(h.state).toBe('failed.retryable')
    expect(waiter.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1, cause: { code: 'FETCH_TIMEOUT' } })
    expect(h.emittedOf('refresh.failed')[0]).toMatchObject({ attempts: 1, code: 'FETCH_TIMEOUT' })
  })

  it('cancels the timeout when the fetch answers in time', async () => {
    const h = startEmpty({ fetchTimeoutMs: 5000 })
    h.get()
    await vi.advanceTimersByTimeAsync(4999)

    h.fetch.succeed(grantNo(1))
    await vi.advanceTimersByTimeAsync(10_000)

    expect(h.state).toBe('valid')
    expect(h.calls).toHaveLength(1)
    expect(h.emittedOf('refresh.retrying')).toEqual([])
  })
})
