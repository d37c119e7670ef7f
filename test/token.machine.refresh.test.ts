// The token machine's main path: a request with no fresh token parks and starts one fetch; its
// success stores the token and releases every parked request with it, in arrival order.
import { describe, expect, it } from 'vitest'
import { accessTokenNo, grantNo, HOUR_MS, NOW, refreshTokenNo, startEmpty, startValid, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: starting a refresh', () => {
  it('parks a request in idle.empty and starts a refresh for the missing token', () => {
    const h = startEmpty()

    const waiter = h.get()

    expect(h.state).toBe('refreshing.fetching')
    expect(waiter.settled).toBe(false)
    expect(h.queueSize).toBe(1)
    expect(h.calls).toHaveLength(1)
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
    expect(h.emitted).toEqual([{ type: 'refresh.started', reason: 'missing', queueSize: 1 }])
  })

  it('starts a forced refresh on token.refresh in idle.empty', () => {
    const h = startEmpty()

    h.refresh()

    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'forced' })
    expect(h.emittedOf('refresh.started')).toEqual([{ type: 'refresh.started', reason: 'forced', queueSize: 1 }])
  })

  it('answers a request in valid with a fresh token at once, sending nothing and fetching nothing', () => {
    const h = startValid()
    const before = h.emitted.length

    const waiter = h.get(NOW + 1000)

    expect(waiter.token).toBe(accessTokenNo(1))
    expect(h.state).toBe('valid')
    expect(h.queueSize).toBe(0)
    expect(h.calls).toHaveLength(0)
    expect(h.emitted).toHaveLength(before)
  })

  it('treats a token as stale at exactly expiresAt - leewayMs', () => {
    const h = startValid({ leewayMs: 30_000 })
    const expiresAt = NOW + HOUR_MS

    const justFresh = h.get(expiresAt - 30_001)
    expect(justFresh.token).toBe(accessTokenNo(1))

    const stale = h.get(expiresAt - 30_000)
    expect(stale.settled).toBe(false)
    expect(h.state).toBe('refreshing.fetching')
  })

  it('parks a request in valid whose token aged past the leeway and refreshes with reason expired', () => {
    const h = startValid()

    const waiter = h.get(NOW + HOUR_MS)

    expect(waiter.settled).toBe(false)
    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toMatchObject({ attempt: 1, reason: 'expired' })
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
    expect(h.emittedOf('refresh.started')).toEqual([{ type: 'refresh.started', reason: 'expired', queueSize: 1 }])
  })

  it('forces a refresh on token.refresh in valid, even with a fresh token', () => {
    const h = startValid()

    const waiter = h.refresh()

    expect(waiter.settled).toBe(false)
    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toMatchObject({ attempt: 1, reason: 'forced' })
  })

  it('parks later requests and refreshes behind the running fetch: one fetch in flight', () => {
    const h = startEmpty()
    h.get()

    const more = [h.get(), h.refresh(), h.get()]

    expect(h.calls).toHaveLength(1)
    expect(h.queueSize).toBe(4)
    expect(more.every((w) => !w.settled)).toBe(true)
    expect(h.emittedOf('refresh.started')).toHaveLength(1)
  })
})

describe('token machine: a successful fetch', () => {
  it('enters valid and releases every parked request with the token, in arrival order', () => {
    const h = startEmpty()
    const waiters = [h.get(), h.get(), h.refresh(), h.get()]

    h.fetch.succeed(grantNo(1))

    expect(h.state).toBe('valid')
    expect(waiters.map((w) => w.token)).toEqual(waiters.map(() => accessTokenNo(1)))
    expect(h.settledOrder).toEqual(waiters.map((w) => w.id))
    expect(waiters.every((w) => w.settleCalls === 1)).toBe(true)
    expect(h.queueSize).toBe(0)
  })

  it('stores the token and its expiry and increments the generation', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)

    h.fetch.succeed(grantNo(2, { expiresAt: NOW + 2 * HOUR_MS }))

    expect(h.context).toMatchObject({ accessToken: accessTokenNo(2), expiresAt: NOW + 2 * HOUR_MS, generation: 2 })
  })

  it('emits refresh.succeeded with reason, attempts, generation, expiry and the count released', () => {
    const h = startEmpty()
    h.get()
    h.get()

    h.fetch.succeed(grantNo(1))

    expect(h.emittedOf('refresh.succeeded')).toEqual([
      { type: 'refresh.succeeded', reason: 'missing', attempts: 1, generation: 1, expiresAt: NOW + HOUR_MS, released: 2 },
    ])
  })

  it('stops the fetch actor once it answered', () => {
    const h = startEmpty()
    h.get()
    const call = h.fetch

    call.succeed(grantNo(1))

    expect(call.stopped).toBe(true)
  })

  it('answers from the new token afterwards without fetching again', () => {
    const h = startEmpty()
    h.get()
    h.fetch.succeed(grantNo(1))

    const later = h.get(NOW + 1000)

    expect(later.token).toBe(accessTokenNo(1))
    expect(h.calls).toHaveLength(1)
  })

  it('releases a token that already sits inside the leeway, and the next request refreshes again', () => {
    const h = startEmpty({ leewayMs: 30_000 })
    const waiter = h.get()

    h.fetch.succeed(grantNo(1, { expiresAt: NOW + 10_000 }))

    expect(waiter.token).toBe(accessTokenNo(1))
    expect(h.state).toBe('valid')

    const next = h.get(NOW)
    expect(next.settled).toBe(false)
    expect(h.calls).toHaveLength(2)
    expect(h.fetch.input.reason).toBe('expired')
  })

  it('keeps the previous refresh token when the grant carries none', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)

    h.fetch.succeed(grantNo(2))

    expect(h.context.refreshToken).toBe(refreshTokenNo(1))
    h.get(NOW + 3 * HOUR_MS)
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
  })

  it('replaces the refresh token when the grant rotates it', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)

    h.fetch.succeed(grantNo(2, { refreshToken: refreshTokenNo(2) }))

    expect(h.context.refreshToken).toBe(refreshTokenNo(2))
    h.get(NOW + 3 * HOUR_MS)
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(2))
  })

  it('gives fetchToken no refresh token when none was ever granted', () => {
    const h = startEmpty()

    h.get()

    expect('refreshToken' in h.fetch.input).toBe(false)
  })

  it('does not resolve a parked request again that settled on its own before the release', () => {
    const h = startEmpty()
    const [first, aborted, last] = [h.get(), h.get(), h.get()]
    h.abort(aborted)

    h.fetch.succeed(grantNo(1))

    expect(first.token).toBe(accessTokenNo(1))
    expect(last.token).toBe(accessTokenNo(1))
    expect(aborted.token).toBeUndefined()
    expect(aborted.settleCalls).toBe(1)
    expect(h.emittedOf('refresh.succeeded')[0]?.released).toBe(2)
  })
})
