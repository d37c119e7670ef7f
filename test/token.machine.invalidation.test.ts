// The token machine on a 401: an invalidation names a token by generation, and only the current
// token's rejection leaves valid; a late 401 for an older token must not start a second refresh.
import { describe, expect, it } from 'vitest'
import { accessTokenNo, grantNo, HOUR_MS, NOW, refreshTokenNo, startEmpty, startValid, useMachineHarness } from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: invalidation in valid', () => {
  it('refreshes with reason invalidated when the current generation is invalidated', () => {
    const h = startValid()

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(1)
    expect(h.fetch.input).toMatchObject({ attempt: 1, reason: 'invalidated' })
    expect(h.fetch.input.refreshToken).toBe(refreshTokenNo(1))
  })

  it('emits token.invalidated with the generation, then refresh.started with queueSize 0', () => {
    const h = startValid()

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.emitted.slice(1)).toEqual([
      { type: 'token.invalidated', generation: 1 },
      { type: 'refresh.started', reason: 'invalidated', queueSize: 0 },
    ])
  })

  it('never hands the rejected token to a request that arrives during the refresh', () => {
    const h = startValid()
    h.send({ type: 'token.invalidate', generation: 1 })

    const waiter = h.get(NOW + 1000)

    expect(waiter.settled).toBe(false)
    expect(h.context.accessToken).toBeNull()
    h.fetch.succeed(grantNo(2))
    expect(waiter.token).toBe(accessTokenNo(2))
    expect(h.context.generation).toBe(2)
  })

  it('ignores an invalidation of an older generation: no refresh, the token stays', () => {
    const h = startEmpty()
    h.get()
    h.fetch.succeed(grantNo(1))
    h.get(NOW + 2 * HOUR_MS)
    h.fetch.succeed(grantNo(2, { expiresAt: NOW + 3 * HOUR_MS }))
    const emittedBefore = h.emitted.length

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.state).toBe('valid')
    expect(h.calls).toHaveLength(2)
    expect(h.context.accessToken).toBe(accessTokenNo(2))
    expect(h.emitted).toHaveLength(emittedBefore)
    expect(h.get(NOW + 2 * HOUR_MS).token).toBe(accessTokenNo(2))
  })

  it('ignores the generation the controller sends for a token it does not hold (-1)', () => {
    const h = startValid()

    h.send({ type: 'token.invalidate', generation: -1 })

    expect(h.state).toBe('valid')
    expect(h.calls).toHaveLength(0)
  })

  it('refreshes once for a burst of 401s on the same token', () => {
    const h = startValid()

    for (let i = 0; i < 5; i++) h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.calls).toHaveLength(1)
    expect(h.emittedOf('token.invalidated')).toHaveLength(1)
  })
})

describe('token machine: invalidation elsewhere', () => {
  it('ignores an invalidation of the previous token while its refresh is running: no second fetch', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.state).toBe('refreshing.fetching')
    expect(h.calls).toHaveLength(1)
    expect(h.emittedOf('token.invalidated')).toEqual([])
  })

  it('ignores a late 401 for the token just replaced: the new token stays valid', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)
    h.fetch.succeed(grantNo(2, { expiresAt: NOW + 3 * HOUR_MS }))

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.state).toBe('valid')
    expect(h.calls).toHaveLength(1)
  })

  it('ignores an invalidation while waiting to retry', () => {
    const h = startValid()
    h.get(NOW + HOUR_MS)
    h.fetch.fail(new Error('down'))

    h.send({ type: 'token.invalidate', generation: 1 })

    expect(h.state).toBe('refreshing.waitingToRetry')
    expect(h.calls).toHaveLength(1)
  })

  it('ignores an invalidation in idle.empty and in failed', () => {
    const h = startEmpty({ retry: { attempts: 1 } })

    h.send({ type: 'token.invalidate', generation: 0 })
    expect(h.state).toBe('idle.empty')

    h.get()
    h.fetch.fail(new Error('down'))
    h.send({ type: 'token.invalidate', generation: 0 })
    expect(h.state).toBe('failed.retryable')
    expect(h.calls).toHaveLength(1)
  })
})
