// The token machine on clear (logout): tokens are forgotten; a running fetch's answer belongs to the
// old session and is dropped; requests still parked get a new cycle at once, others leave idle.empty.
import { describe, expect, it, vi } from 'vitest'
import { accessTokenNo, grantNo, HOUR_MS, NOW, refreshTokenNo, startEmpty, startValid, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: clear while refreshing', () => {
  it('starts a new cycle for the parked requests and stops the old fetch', () => {
    const h = startValid()
    const waiters = [h.get(NOW + HOUR_MS), h.get(NOW + HOUR_MS)]
    const old = h.fetch

    h.send({ type: 'token.clear' })

    expect(old.stopped).toBe(true)
    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(2)
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
    expect(h.queueSize).toBe(2)
    expect(waiters.every((w) => !w.settled)).toBe(true)
  })

  it('forgets the refresh token, so the new cycle is not handed the old session', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))

    h.send({ type: 'token.clear' })

    expect('refreshToken' in h.fetch.input).toBe(false)
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, expiresAt: 0 })
  })

  it("drops the old fetch's late answer and releases the parked requests with the new cycle's token", () => {
    const h = startEmpty()
    const waiter = h.get()
    const old = h.fetch
    h.send({ type: 'token.clear' })

    old.succeed(grantNo(1))

    expect(h.state).toBe('refreshing.fetching')
    expect(h.context.accessToken).toBeNull()
    expect(waiter.settled).toBe(false)
    h.fetch.succeed(grantNo(2))
    expect(waiter.token).toBe(accessTokenNo(2))
  })

  it("drops the old fetch's late failure too", () => {
    const h = startEmpty()
    h.get()
    const old = h.fetch
    h.send({ type: 'token.clear' })

    old.fail(new Error('late'))

    expect(h.state).toBe('refreshing.fetching')
    expect(h.emittedOf('refresh.retrying')).toEqual([])
  })

  it('emits token.cleared, then refresh.started for the new cycle', () => {
    const h = startEmpty()
    h.get()

    h.send({ type: 'token.clear' })

    expect(h.emitted).toEqual([
      { type: 'refresh.started', reason: 'missing', queueSize: 1 },
      { type: 'token.cleared' },
      { type: 'refresh.started', reason: 'missing', queueSize: 1 },
    ])
  })

  it('restarts the attempt count and skips the pending backoff when cleared while waiting to retry', async () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 1000 } })
    h.get()
    h.fetch.fail(new Error('down'))
    expect(h.state).toBe('refreshing.waitingToRetry')

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input.attempt).toBe(1)
    expect(h.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    // The old backoff timer must not start a third fetch.
    expect(h.calls).toHaveLength(2)
  })

  it('enters idle.empty when nobody is parked any more, stopping the fetch', () => {
    const h = startEmpty()
    const waiter = h.get()
    h.abort(waiter)
    const old = h.fetch

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('idle.empty')
    expect(old.stopped).toBe(true)
    old.succeed(grantNo(1))
    expect(h.state).toBe('idle.empty')
    expect(h.context.accessToken).toBeNull()
  })

  it('enters idle.empty on clear during an invalidation refresh, which parks nobody', () => {
    const h = startValid()
    h.send({ type: 'token.invalidate', generation: 1 })

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('idle.empty')
    expect(h.calls).toHaveLength(1)
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null })
  })
})

describe('token machine: clear elsewhere', () => {
  it('forgets both tokens in valid and enters idle.empty', () => {
    const h = startValid()

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('idle.empty')
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, expiresAt: 0 })
    expect(h.emittedOf('token.cleared')).toHaveLength(1)
  })

  it('makes the next request after a clear in valid fetch a new token with reason missing and no refresh token', () => {
    const h = startValid()
    h.send({ type: 'token.clear' })

    const waiter = h.get(NOW)

    expect(waiter.settled).toBe(false)
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
  })

  it('keeps counting generations after a clear, so a 401 for the forgotten token cannot match the next one', () => {
    const h = startValid()
    h.send({ type: 'token.clear' })
    h.get()
    h.fetch.succeed(grantNo(2))

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.context.generation).toBe(2)
    expect(h.state).toBe('valid')
  })

  it('enters idle.empty from failed', () => {
    const h = startValid({ retry: { attempts: 1 } })
    h.get(NOW + HOUR_MS)
    h.fetch.fail(new Error('down'))
    expect(h.state).toBe('failed.retryable')

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('idle.empty')
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, expiresAt: 0 })
  })

  it('stays in idle.empty on a clear there', () => {
    const h = startEmpty()

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('idle.empty')
    expect(h.calls).toHaveLength(0)
  })
})
