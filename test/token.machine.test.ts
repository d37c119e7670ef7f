// The token machine is pure: without a provided fetchToken it fails loudly instead of hanging, it
// never draws randomness itself, its input has the documented defaults, and no emitted event holds a token.
import { describe, expect, it, vi } from 'vitest'
import { createActor } from 'xstate'
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS, isFresh, tokenMachine } from '../machines/token.machine.ts'
import {
  accessTokenNo,
  grantNo,
  HOUR_MS,
  NOW,
  refreshTokenNo,
  SECRET,
  startEmpty,
  startValid,
  TestWaiter,
  useMachineHarness,
} from './helpers/token-machine.ts'

useMachineHarness()

describe('token machine: no I/O of its own', () => {
  it('fails the attempt with a TypeError when fetchToken was not provided, rather than hang', () => {
    const actor = createActor(tokenMachine, { input: { retry: { attempts: 1 } } }).start()
    const waiter = new TestWaiter(1, NOW + 30_000, [])
    actor.send({ type: 'token.hydrated', grant: null, at: NOW })

    actor.send({ type: 'token.get', waiter, at: NOW })

    expect(actor.getSnapshot().value).toEqual({ failed: 'retryable' })
    expect(waiter.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1 })
    expect(waiter.error?.cause).toBeInstanceOf(TypeError)
    expect(String((waiter.error?.cause as Error | undefined)?.message)).toMatch(/fetchToken/)
    actor.stop()
  })

  it('runs the default three attempts with the default backoff before failing without fetchToken', async () => {
    const actor = createActor(tokenMachine, { input: {} }).start()
    const waiter = new TestWaiter(1, NOW + 30_000, [])
    actor.send({ type: 'token.hydrated', grant: null, at: NOW })
    actor.send({ type: 'token.get', waiter, at: NOW })

    await vi.advanceTimersByTimeAsync(299)
    expect(actor.getSnapshot().context.attempt).toBe(1)
    await vi.advanceTimersByTimeAsync(1 + 600)

    expect(actor.getSnapshot().value).toEqual({ failed: 'retryable' })
    expect(waiter.error).toMatchObject({ code: 'REFRESH_FAILED', attempts: 3 })
    actor.stop()
  })

  it('never calls Math.random: the jitter source is injected, and defaults to none', async () => {
    const random = vi.spyOn(Math, 'random')
    try {
      const h = startEmpty({ retry: { attempts: 3 } })
      h.get()
      h.fetch.fail(new Error('down'))
      await vi.advanceTimersByTimeAsync(300)
      h.fetch.fail(new Error('down'))

      expect(random).not.toHaveBeenCalled()
      expect(h.emittedOf('refresh.retrying').map((e) => e.delayMs)).toEqual([300, 600])
    } finally {
      random.mockRestore()
    }
  })

  it('starts with the documented defaults when its input sets nothing', () => {
    const actor = createActor(tokenMachine, { input: {} }).start()

    expect(actor.getSnapshot().context).toMatchObject({
      retry: { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000, cooldownMs: 0 },
      leewayMs: 30_000,
      fetchTimeoutMs: 10_000,
      waitTimeoutMs: 30_000,
      maxQueue: 10_000,
    })
    expect(DEFAULT_RETRY).toEqual({ attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000, cooldownMs: 0 })
    expect(DEFAULT_TIMEOUTS).toEqual({ leewayMs: 30_000, fetchTimeoutMs: 10_000, waitTimeoutMs: 30_000, maxQueue: 10_000 })
    actor.stop()
  })

  it('merges a partial retry policy over the defaults', () => {
    const h = startEmpty({ retry: { attempts: 5 } })

    expect(h.context.retry).toEqual({ attempts: 5, baseDelayMs: 300, maxDelayMs: 10_000, cooldownMs: 0 })
  })
})

describe('isFresh', () => {
  it('is exactly expiresAt - leewayMs > at, with no clamping', () => {
    expect(isFresh({ expiresAt: 1000, leewayMs: 100 }, 899)).toBe(true)
    expect(isFresh({ expiresAt: 1000, leewayMs: 100 }, 900)).toBe(false)
    expect(isFresh({ expiresAt: 1000, leewayMs: 0 }, 999)).toBe(true)
    expect(isFresh({ expiresAt: 1000, leewayMs: 0 }, 1000)).toBe(false)
    // A leeway longer than the lifetime makes the token stale at once.
    expect(isFresh({ expiresAt: 1000, leewayMs: 5000 }, 0)).toBe(false)
  })
})

describe('token machine: events never carry a token', () => {
  it('emits no token value through a whole life: restore, expiry, retries, invalidation, failure, clear', async () => {
    const h = startValid({ retry: { attempts: 2 } }, grantNo(1, { refreshToken: refreshTokenNo(1) }))
    h.get(NOW + HOUR_MS)
    h.fetch.fail(Object.assign(new Error(`bad ${accessTokenNo(1)}`), { code: 'HTTP_500' }))
    await vi.advanceTimersByTimeAsync(300)
    h.fetch.succeed(grantNo(2, { refreshToken: refreshTokenNo(2), expiresAt: NOW + 3 * HOUR_MS }))
    h.send({ type: 'token.invalidate', generation: 2 })
    h.fetch.fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(300)
    h.fetch.fail(new Error('down'))
    h.send({ type: 'token.clear' })

    expect(h.emitted.map((e) => e.type)).toEqual([
      'token.restored',
      'refresh.started',
      'refresh.retrying',
      'refresh.succeeded',
      'token.invalidated',
      'refresh.started',
      'refresh.retrying',
      'refresh.failed',
      'token.cleared',
    ])
    expect(JSON.stringify(h.emitted)).not.toContain(SECRET)
    for (const event of h.emitted) {
      for (const value of Object.values(event)) expect(['string', 'number']).toContain(typeof value)
    }
  })

  it('carries only the names and fields the contract lists', async () => {
    const h = startEmpty({ retry: { attempts: 2 } })
    h.get()
    h.fetch.fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(300)
    h.fetch.fail(new Error('down'))

    expect(h.emittedOf('refresh.retrying')[0]).toEqual({
      type: 'refresh.retrying',
      reason: 'missing',
      attempt: 1,
      delayMs: 300,
      code: 'FETCH_FAILED',
    })
    expect(h.emittedOf('refresh.failed')[0]).toEqual({
      type: 'refresh.failed',
      reason: 'missing',
      attempts: 2,
      code: 'FETCH_FAILED',
      rejected: 1,
    })
  })
})
