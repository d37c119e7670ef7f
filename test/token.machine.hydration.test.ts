// The token machine while storage is read (idle.hydrating): requests wait without a fetch, and the
// stored token decides between valid, a refresh for the waiting requests, and idle.empty.
import { describe, expect, it } from 'vitest'
import { accessTokenNo, grantNo, HOUR_MS, NOW, refreshTokenNo, startMachine, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: hydrating', () => {
  it('starts in idle.hydrating with no token and nothing fetched', () => {
    const h = startMachine()

    expect(h.state).toBe('idle.hydrating')
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, expiresAt: 0, generation: 0 })
    expect(h.calls).toHaveLength(0)
  })

  it('parks requests that arrive before hydration without starting a fetch', () => {
    const h = startMachine()

    const waiters = [h.get(), h.get(), h.get()]

    expect(h.state).toBe('idle.hydrating')
    expect(h.queueSize).toBe(3)
    expect(h.calls).toHaveLength(0)
    expect(waiters.every((w) => !w.settled)).toBe(true)
    expect(h.emitted).toEqual([])
  })

  it('enters valid with a fresh stored token and releases the parked requests in arrival order', () => {
    const h = startMachine()
    const waiters = [h.get(), h.get(), h.get()]

    h.hydrate(grantNo(1))

    expect(h.state).toBe('valid')
    expect(h.calls).toHaveLength(0)
    expect(waiters.map((w) => w.token)).toEqual([accessTokenNo(1), accessTokenNo(1), accessTokenNo(1)])
    expect(h.settledOrder).toEqual(waiters.map((w) => w.id))
    expect(h.queueSize).toBe(0)
    expect(h.context).toMatchObject({ accessToken: accessTokenNo(1), expiresAt: NOW + HOUR_MS, generation: 1 })
  })

  it('emits token.restored with the generation and expiry, not the token', () => {
    const h = startMachine()

    h.hydrate(grantNo(1))

    expect(h.emitted).toEqual([{ type: 'token.restored', generation: 1, expiresAt: NOW + HOUR_MS }])
  })

  it('keeps the stored refresh token of a fresh grant', () => {
    const h = startMachine()

    h.hydrate(grantNo(1, { refreshToken: refreshTokenNo(1) }))

    expect(h.context.refreshToken).toBe(refreshTokenNo(1))
  })

  it('keeps leewayMs for a stored token (its first lifetime is unknown): 30 s left with a 30 s leeway refreshes', () => {
    const h = startMachine({ leewayMs: 30_000 })
    const waiter = h.get()

    h.hydrate(grantNo(1, { expiresAt: NOW + 30_000 }), NOW)

    expect(h.state).toBe('refreshing.fetching')
    expect(waiter.settled).toBe(false)
    expect(h.emittedOf('leeway.shortened')).toEqual([])
  })

  it('serves a stored token that is fresh by leewayMs, and shortens nothing', () => {
    const h = startMachine({ leewayMs: 30_000 })
    const waiter = h.get()

    h.hydrate(grantNo(1, { expiresAt: NOW + 30_001 }), NOW)

    expect(h.state).toBe('valid')
    expect(waiter.token).toBe(accessTokenNo(1))
    expect(h.emittedOf('leeway.shortened')).toEqual([])
    expect(h.get(NOW).token).toBe(accessTokenNo(1))
    expect(h.get(NOW + 1).settled).toBe(false)
  })

  it('judges freshness by the time on the hydration event: a token expiring at that instant refreshes', () => {
    const h = startMachine({ leewayMs: 30_000 })
    h.get()

    h.hydrate(grantNo(1, { expiresAt: NOW }), NOW)

    expect(h.state).toBe('refreshing.fetching')
  })

  it('refreshes for the parked requests when the stored token is stale, handing fetchToken its refresh token', () => {
    const h = startMachine()
    const waiter = h.get()

    h.hydrate(grantNo(1, { expiresAt: NOW - 1, refreshToken: refreshTokenNo(1) }))

    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(1)
    expect(h.fetch.input.attempt).toBe(1)
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
    expect(['missing', 'expired']).toContain(h.fetch.input.reason)
    expect(h.context.accessToken).toBeNull()
    expect(waiter.settled).toBe(false)
    expect(h.emittedOf('refresh.started')).toEqual([{ type: 'refresh.started', reason: h.fetch.input.reason, queueSize: 1 }])
  })

  it('hands fetchToken the refresh token non-enumerably', () => {
    const h = startMachine()
    h.get()

    h.hydrate(grantNo(1, { expiresAt: NOW - 1, refreshToken: refreshTokenNo(1) }))

    expect(Object.keys(h.fetch.input)).not.toContain('refreshToken')
    expect(JSON.stringify(h.fetch.input)).not.toContain(refreshTokenNo(1))
  })

  it('releases the parked requests with the fetched token after a stale hydration', () => {
    const h = startMachine()
    const waiters = [h.get(), h.get()]
    h.hydrate(grantNo(1, { expiresAt: NOW - 1 }))

    h.fetch.succeed(grantNo(2))

    expect(h.state).toBe('valid')
    expect(waiters.map((w) => w.token)).toEqual([accessTokenNo(2), accessTokenNo(2)])
    expect(h.settledOrder).toEqual(waiters.map((w) => w.id))
  })

  it('enters idle.empty on a stale stored token when nobody waits, and keeps its refresh token for later', () => {
    const h = startMachine()

    h.hydrate(grantNo(1, { expiresAt: NOW - 1, refreshToken: refreshTokenNo(1) }))

    expect(h.state).toBe('idle.empty')
    expect(h.calls).toHaveLength(0)
    expect(h.context.accessToken).toBeNull()

    h.get()

    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
  })

  it('enters idle.empty when storage held no token, and fetches nothing', () => {
    const h = startMachine()

    h.hydrate(null)

    expect(h.state).toBe('idle.empty')
    expect(h.calls).toHaveLength(0)
    expect(h.emitted).toEqual([])
  })

  it('refreshes for the parked requests when storage held no token', () => {
    const h = startMachine()
    h.get()

    h.hydrate(null)

    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
  })

  it('drops a request aborted during hydration and releases only the others', () => {
    const h = startMachine()
    const [first, aborted, last] = [h.get(), h.get(), h.get()]

    h.abort(aborted)
    expect(h.queueSize).toBe(2)
    h.hydrate(grantNo(1))

    expect([first.token, last.token]).toEqual([accessTokenNo(1), accessTokenNo(1)])
    expect(aborted.error?.code).toBe('ABORTED')
    expect(aborted.settleCalls).toBe(1)
  })

  it('rejects with QUEUE_FULL once maxQueue requests are parked, starting nothing', () => {
    const h = startMachine({ maxQueue: 2 })
    const parked = [h.get(), h.get()]

    const refused = h.get()
    const refusedRefresh = h.refresh()

    expect(refused.error).toMatchObject({ code: 'QUEUE_FULL' })
    expect(refusedRefresh.error).toMatchObject({ code: 'QUEUE_FULL' })
    expect(parked.every((w) => !w.settled)).toBe(true)
    expect(h.queueSize).toBe(2)
    expect(h.state).toBe('idle.hydrating')
    expect(h.calls).toHaveLength(0)
  })

  // "With an async storage, requests that arrive before the read finishes wait for it": a forced
  // refresh too, or it runs without the stored refresh token (rotating refresh tokens are lost).
  it('holds a forced refresh until hydration, then refreshes with the stored refresh token', () => {
    const h = startMachine()
    const waiter = h.refresh()

    expect(h.state).toMatch(/^idle\./)
    expect(h.calls).toHaveLength(0)
    expect(h.queueSize).toBe(1)

    h.hydrate(grantNo(1, { refreshToken: refreshTokenNo(1) }))

    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toMatchObject({ attempt: 1, reason: 'forced' })
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
    h.fetch.succeed(grantNo(2))
    expect(waiter.token).toBe(accessTokenNo(2))
  })
})

describe('token machine: clear during hydration', () => {
  it('enters idle.empty and ignores the hydration result that arrives afterwards', () => {
    const h = startMachine()

    h.send({ type: 'token.clear' })
    h.hydrate(grantNo(1, { refreshToken: refreshTokenNo(1) }))

    expect(h.state).toBe('idle.empty')
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, generation: 0 })
    expect(h.emittedOf('token.cleared')).toHaveLength(1)
  })

  it('starts a new cycle for requests parked before the clear, rather than stranding them', () => {
    const h = startMachine()
    const waiter = h.get()

    h.send({ type: 'token.clear' })

    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toEqual({ attempt: 1, reason: 'missing' })
    h.fetch.succeed(grantNo(2))
    expect(waiter.token).toBe(accessTokenNo(2))
  })
})
