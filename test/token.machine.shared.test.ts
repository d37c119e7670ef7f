// The token machine and another instance's token (`token.shared`, issue 18): taken from any state when newer than the
// version held and fresh by this machine's leeway, answering whoever is parked; the same version arriving twice (the
// push and the waiter's own re-read) is taken once; an older or stale one is ignored. The held version survives a 401.
import { describe, expect, it, vi } from 'vitest'
import type { SharedTokenGrant } from '../machines/token.types.ts'
import { LoginRequiredError } from '../src/errors.ts'
import { createGrant } from '../src/grant.ts'
import {
  HOUR_MS,
  NOW,
  SECRET,
  accessTokenNo,
  grantNo,
  refreshTokenNo,
  startEmpty,
  startMachine,
  startValid,
  useMachineHarness,
  type MachineHarness,
} from './helpers/token-machine.ts'

useMachineHarness()

const sharedTokenNo = (version: number): string => `shared-${SECRET}-v${version}`
const sharedRefreshNo = (version: number): string => `shared-refresh-${SECRET}-v${version}`

/** Shared version `version`, issued at NOW and fresh for an hour unless told otherwise, with a refresh token. */
function sharedGrant(
  version: number,
  options: { expiresAt?: number; receivedAt?: number; refreshToken?: string | null } = {},
): SharedTokenGrant {
  const refreshToken = options.refreshToken === null ? undefined : (options.refreshToken ?? sharedRefreshNo(version))
  const grant = createGrant(sharedTokenNo(version), options.expiresAt ?? NOW + HOUR_MS, refreshToken)
  return Object.assign(grant, { version, receivedAt: options.receivedAt ?? NOW })
}

function share(h: MachineHarness, grant: SharedTokenGrant, at = NOW): void {
  h.send({ type: 'token.shared', grant, at })
}

/** The shared token is held, with its version, and a request gets it at once. */
function expectHolding(h: MachineHarness, version: number, at = NOW): void {
  expect(h.state).toBe('valid')
  expect(h.context).toMatchObject({ accessToken: sharedTokenNo(version), sharedVersion: version })
  expect(h.get(at).token).toBe(sharedTokenNo(version))
}

describe('token machine: a newer, fresh shared token is taken from every state but failed.loginRequired', () => {
  it('idle.hydrating: parked requests get it, and the storage read that ends later is ignored', () => {
    const h = startMachine()
    const waiters = [h.get(), h.refresh()]

    share(h, sharedGrant(3))

    expect(waiters.map((w) => w.token)).toEqual([sharedTokenNo(3), sharedTokenNo(3)])
    h.hydrate(grantNo(1))
    expectHolding(h, 3)
    expect(h.calls).toHaveLength(0)
    expect(h.emittedOf('token.restored')).toEqual([])
  })

  it('idle.refreshQueued: the queued refresh() gets it and no fetch starts', () => {
    const h = startMachine()
    const forced = h.refresh()
    expect(h.state).toBe('idle.refreshQueued')

    share(h, sharedGrant(1))
    h.hydrate(null)

    expect(forced.token).toBe(sharedTokenNo(1))
    expectHolding(h, 1)
    expect(h.calls).toHaveLength(0)
  })

  it('idle.empty: taken with no fetch', () => {
    const h = startEmpty()

    share(h, sharedGrant(1))

    expectHolding(h, 1)
    expect(h.calls).toHaveLength(0)
  })

  it('valid: replaces the held token, with the next generation and its refresh token', () => {
    const h = startValid()

    share(h, sharedGrant(2))

    expectHolding(h, 2)
    expect(h.context).toMatchObject({ generation: 2, refreshToken: sharedRefreshNo(2), expiresAt: NOW + HOUR_MS })
  })

  it('keeps the refresh token held when the shared grant carries none (rotation is optional)', () => {
    const h = startValid()

    share(h, sharedGrant(2, { refreshToken: null }))

    expect(h.context.refreshToken).toBe(refreshTokenNo(1))
  })

  it('refreshing.fetching: the fetch actor is stopped and its late fetch.succeeded is ignored', () => {
    const h = startEmpty()
    const waiter = h.get()
    const fetch = h.fetch

    share(h, sharedGrant(1))

    expect(fetch.stopped).toBe(true)
    expect(waiter.token).toBe(sharedTokenNo(1))
    fetch.succeed(grantNo(9))
    expectHolding(h, 1)
    expect(h.context.generation).toBe(1)
    expect(h.emittedOf('refresh.succeeded')).toEqual([])
  })

  it('refreshing.fetching: the fetch timeout no longer fires', () => {
    const h = startEmpty({ fetchTimeoutMs: 1_000 })
    h.get()

    share(h, sharedGrant(1))
    vi.advanceTimersByTime(5_000)

    expectHolding(h, 1)
    expect(h.calls).toHaveLength(1)
    expect(h.emittedOf('refresh.retrying')).toEqual([])
  })

  it('refreshing.waitingToRetry: the retry never fires', () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 100 } })
    const waiter = h.get()
    h.fetch.fail(new Error('500'))
    expect(h.state).toBe('refreshing.waitingToRetry')

    share(h, sharedGrant(1))
    vi.advanceTimersByTime(60_000)

    expect(waiter.token).toBe(sharedTokenNo(1))
    expectHolding(h, 1)
    expect(h.calls).toHaveLength(1)
  })

  it('refreshing.paused (offline): taken; back online, nothing is fetched', () => {
    const h = startEmpty({ retry: { attempts: 3, baseDelayMs: 100 } })
    const waiter = h.get()
    h.fetch.fail(new Error('500'))
    h.send({ type: 'network.offline' })
    expect(h.state).toBe('refreshing.paused')

    share(h, sharedGrant(1))
    h.send({ type: 'network.online', at: NOW })

    expect(waiter.token).toBe(sharedTokenNo(1))
    expectHolding(h, 1)
    expect(h.calls).toHaveLength(1)
  })

  it('refreshing.resting (after a failed background cycle): taken, and the rest ends with it', () => {
    // A 2-hour token with 4 minutes left: inside the 5-minute soft window, outside the leeway.
    const h = startValid({ retry: { attempts: 1 }, refreshAheadMs: 300_000 }, grantNo(1, { expiresAt: NOW + 240_000 }))
    h.send({ type: 'token.ahead', at: NOW })
    h.fetch.fail(new Error('500'))
    expect(h.state).toBe('refreshing.resting')

    share(h, sharedGrant(2))
    vi.advanceTimersByTime(60_000)

    expectHolding(h, 2)
    expect(h.calls).toHaveLength(1)
  })

  it('refreshing (a background cycle still serving the old token): the cycle ends, the shared token is served', () => {
    const h = startValid({ refreshAheadMs: 300_000 }, grantNo(1, { expiresAt: NOW + 240_000 }))
    h.send({ type: 'token.ahead', at: NOW })
    const fetch = h.fetch
    expect(h.context.reason).toBe('ahead')

    share(h, sharedGrant(2))

    expect(fetch.stopped).toBe(true)
    expectHolding(h, 2)
  })

  it('failed.retryable: taken; the next request needs no cycle', () => {
    const h = startEmpty({ retry: { attempts: 1 } })
    const waiter = h.get()
    h.fetch.fail(new Error('500'))
    expect(h.state).toBe('failed.retryable')
    expect(waiter.error?.code).toBe('REFRESH_FAILED')

    share(h, sharedGrant(1))

    expectHolding(h, 1)
    expect(h.calls).toHaveLength(1)
  })

  it('failed.coolingDown: taken; requests get it instead of the cool-down refusal', () => {
    const h = startEmpty({ retry: { attempts: 1, cooldownMs: 60_000 } })
    h.get()
    h.fetch.fail(new Error('500'))
    expect(h.state).toBe('failed.coolingDown')

    share(h, sharedGrant(1))

    expectHolding(h, 1)
    vi.advanceTimersByTime(60_000)
    expect(h.state).toBe('valid')
  })

  it('emits token.adopted with generation, version, expiry and the count of parked requests it answered', () => {
    const h = startEmpty()
    h.get()
    h.get()
    h.get()

    share(h, sharedGrant(4, { expiresAt: NOW + 2 * HOUR_MS }))

    expect(h.emittedOf('token.adopted')).toEqual([
      { type: 'token.adopted', generation: 1, version: 4, expiresAt: NOW + 2 * HOUR_MS, released: 3 },
    ])
    expect(h.queueSize).toBe(0)
    expect(JSON.stringify(h.emitted)).not.toContain(SECRET)
  })

  it('emits token.adopted with released 0 when nobody waited', () => {
    const h = startValid()

    share(h, sharedGrant(2))

    expect(h.emittedOf('token.adopted')).toMatchObject([{ version: 2, generation: 2, released: 0 }])
  })
})

describe('token machine: a shared token that is not newer, or not fresh, is ignored', () => {
  it('failed.loginRequired: ignored, even newer and fresh (only a login leaves; a signed-out tab stays out)', () => {
    const h = startEmpty()
    h.get()
    h.fetch.fail(new LoginRequiredError('refresh token refused'))
    expect(h.state).toBe('failed.loginRequired')

    share(h, sharedGrant(1))

    expect(h.state).toBe('failed.loginRequired')
    expect(h.context).toMatchObject({ accessToken: null, refreshToken: null, sharedVersion: 0 })
    expect(h.get().error?.code).toBe('LOGIN_REQUIRED')
    expect(h.emittedOf('token.adopted')).toEqual([])
  })

  it('failed.loginRequired after logout: ignored; a login (setGrant) then a newer shared token is taken', () => {
    const h = startValid()
    h.send({ type: 'session.logout' })

    share(h, sharedGrant(1))
    expect(h.state).toBe('failed.loginRequired')
    h.send({ type: 'session.set', grant: grantNo(2), at: NOW })
    share(h, sharedGrant(2))

    expectHolding(h, 2)
  })

  it('takes the same version once: the push and the re-read deliver one token', () => {
    const h = startEmpty()
    share(h, sharedGrant(3))
    const emitted = h.emitted.length

    share(h, sharedGrant(3))

    expect(h.emitted).toHaveLength(emitted)
    expect(h.context.generation).toBe(1)
    expectHolding(h, 3)
  })

  it("takes the waiter's own re-read (fetch.succeeded at version 3), then ignores the push of version 3", () => {
    const h = startEmpty()
    const waiter = h.get()
    h.fetch.succeed(Object.assign(createGrant(sharedTokenNo(3), NOW + HOUR_MS), { version: 3 }))
    expect(waiter.token).toBe(sharedTokenNo(3))
    const emitted = h.emitted.length

    share(h, sharedGrant(3))

    expect(h.emitted).toHaveLength(emitted)
    expect(h.context).toMatchObject({ generation: 1, sharedVersion: 3 })
  })

  it('takes the push of version 3, then ignores the re-read that the stopped fetch actor sends late', () => {
    const h = startEmpty()
    const waiter = h.get()
    const fetch = h.fetch

    share(h, sharedGrant(3))
    fetch.succeed(Object.assign(createGrant(sharedTokenNo(3), NOW + HOUR_MS), { version: 3 }))

    expect(waiter.token).toBe(sharedTokenNo(3))
    expect(h.context).toMatchObject({ generation: 1, sharedVersion: 3 })
    expect(h.emittedOf('refresh.succeeded')).toEqual([])
  })

  it('ignores an older version: the token held stays, parked requests keep waiting', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))
    h.send({ type: 'token.invalidate', generation: 1 })
    const waiter = h.get()

    share(h, sharedGrant(4))

    expect(h.state).toBe('refreshing.fetching')
    expect(waiter.settled).toBe(false)
    expect(h.context.sharedVersion).toBe(5)
    expect(h.emittedOf('token.adopted')).toHaveLength(1)
  })

  it('ignores an older version in valid', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))

    share(h, sharedGrant(2))

    expectHolding(h, 5)
  })

  it('ignores a newer token inside the leeway: parked requests keep waiting for the fetch', () => {
    const h = startEmpty({ leewayMs: 30_000 })
    const waiter = h.get()
    // Issued 50 s ago for 60 s: 10 s left, inside the 30 s leeway (a 60 s token keeps the whole leeway).
    share(h, sharedGrant(1, { receivedAt: NOW - 50_000, expiresAt: NOW + 10_000 }))

    expect(h.state).toBe('refreshing.fetching')
    expect(waiter.settled).toBe(false)
    expect(h.fetch.stopped).toBe(false)
    expect(h.context.sharedVersion).toBe(0)
    expect(h.emittedOf('token.adopted')).toEqual([])
  })

  it('ignores a newer token that has expired', () => {
    const h = startValid()

    share(h, sharedGrant(2, { receivedAt: NOW - 2 * HOUR_MS, expiresAt: NOW - HOUR_MS }))

    expect(h.context).toMatchObject({ accessToken: accessTokenNo(1), sharedVersion: 0 })
  })

  it('after ignoring a stale version 2, takes the fresh version 3 the fleet publishes next', () => {
    const h = startValid()
    share(h, sharedGrant(2, { receivedAt: NOW - 2 * HOUR_MS, expiresAt: NOW + 1_000 }))

    share(h, sharedGrant(3))

    expectHolding(h, 3)
  })
})

describe('token machine: receivedAt travels with the shared token', () => {
  it('judges a short token by its whole lifetime: 20 s issued 8 s ago keeps a 10 s leeway, like the publisher', () => {
    const h = startEmpty({ leewayMs: 30_000 })

    share(h, sharedGrant(1, { receivedAt: NOW - 8_000, expiresAt: NOW + 12_000 }))

    expect(h.context.receivedAt).toBe(NOW - 8_000)
    expect(h.emittedOf('leeway.shortened')).toEqual([{ type: 'leeway.shortened', generation: 1, leewayMs: 10_000 }])
    // Fresh until expiresAt - 10 s = NOW + 2 s; at NOW + 3 s a request starts a refresh.
    expect(h.get(NOW + 1_000).token).toBe(sharedTokenNo(1))
    const late = h.get(NOW + 3_000)
    expect(late.settled).toBe(false)
    expect(h.state).toBe('refreshing.fetching')
  })

  it('opens the soft window where the publisher would: a 2-hour token with 4 minutes left is due ahead', () => {
    const h = startEmpty({ refreshAheadMs: 300_000 })

    share(h, sharedGrant(1, { receivedAt: NOW - 2 * HOUR_MS + 240_000, expiresAt: NOW + 240_000 }))
    const waiter = h.get()

    // Answered at once, and one background refresh starts (had it counted from `at`, the token would look 4 minutes
    // long, its soft window 2 minutes: no refresh yet).
    expect(waiter.token).toBe(sharedTokenNo(1))
    expect(h.state).toBe('refreshing.fetching')
    expect(h.fetch.input).toMatchObject({ reason: 'ahead', knownVersion: 1 })
  })

  it('refuses a token that looks fresh from `at` but is stale by its own lifetime (issued 50 s ago for 60 s)', () => {
    const h = startValid({ leewayMs: 30_000 })

    share(h, sharedGrant(2, { receivedAt: NOW - 50_000, expiresAt: NOW + 10_000 }))

    expect(h.context.accessToken).toBe(accessTokenNo(1))
  })
})

describe('token machine: sharedVersion', () => {
  it('is 0 before any shared token, and the fetch input names no knownVersion then', () => {
    const h = startEmpty()
    h.get()

    expect(h.context.sharedVersion).toBe(0)
    expect(h.fetch.input).not.toHaveProperty('knownVersion')
  })

  it('is kept after a 401 (forgetAccessToken) and handed to the fetch actor as knownVersion', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.context).toMatchObject({ accessToken: null, sharedVersion: 5 })
    expect(h.fetch.input).toMatchObject({ reason: 'invalidated', knownVersion: 5 })
  })

  it('after a 401, refuses the refused token re-announced at its version, and takes the next one', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))
    h.send({ type: 'token.invalidate', generation: 1 })
    const waiter = h.get()

    share(h, sharedGrant(5))
    expect(waiter.settled).toBe(false)
    share(h, sharedGrant(6))

    expect(waiter.token).toBe(sharedTokenNo(6))
    expectHolding(h, 6)
  })

  it('follows the version of a coordinated fetch, and each retry is told the same knownVersion', () => {
    const h = startEmpty({ retry: { attempts: 2, baseDelayMs: 10 } })
    share(h, sharedGrant(5))
    h.send({ type: 'token.invalidate', generation: 1 })
    h.fetch.fail(new Error('500'))
    vi.advanceTimersByTime(10)

    expect(h.calls.map((call) => call.input.knownVersion)).toEqual([5, 5])
    h.fetch.succeed(Object.assign(grantNo(2), { version: 6 }))
    expect(h.context.sharedVersion).toBe(6)
  })

  it('keeps the version held after a fetch that names none (a floor: the record the store still holds is not newer)', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))
    h.send({ type: 'token.invalidate', generation: 1 })

    h.fetch.succeed(grantNo(2))

    expect(h.context.sharedVersion).toBe(5)
  })

  it('keeps the version held after a login (setGrant): a record from before the login is never taken for newer', () => {
    const h = startEmpty()
    share(h, sharedGrant(5))
    h.send({ type: 'session.logout' })
    h.send({ type: 'session.set', grant: grantNo(3), at: NOW })

    expect(h.context.sharedVersion).toBe(5)
  })
})
