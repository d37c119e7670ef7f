// Options: a bad one is a TypeError naming it at construction, boundaries that are allowed, and the
// `clock` option, which receives every timer (backoff, fetch timeout, wait deadline).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenControllerOptions } from '../src/index.ts'
import { fakeFetch, settle } from './helpers/fake-fetch.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

const fetchToken = async () => ({ access_token: 'token-A', expires_in: 60 })
const storage = () => ({ get: () => undefined, set: () => undefined, remove: () => undefined })

describe('option checks', () => {
  const bad: Array<[string, RegExp, unknown]> = [
    ['no options at all', /options/, undefined],
    ['options that are not an object', /options/, 'fetchToken'],
    ['a missing fetchToken', /fetchToken/, {}],
    ['a fetchToken that is not a function', /fetchToken/, { fetchToken: 'https://example.test/token' }],
    ['a negative leewayMs', /leewayMs/, { fetchToken, leewayMs: -1 }],
    ['a NaN leewayMs', /leewayMs/, { fetchToken, leewayMs: NaN }],
    ['a string leewayMs', /leewayMs/, { fetchToken, leewayMs: '30000' }],
    ['retry.attempts 0', /retry\.attempts/, { fetchToken, retry: { attempts: 0 } }],
    ['a non-integer retry.attempts', /retry\.attempts/, { fetchToken, retry: { attempts: 1.5 } }],
    ['a negative retry.attempts', /retry\.attempts/, { fetchToken, retry: { attempts: -3 } }],
    ['an infinite retry.attempts', /retry\.attempts/, { fetchToken, retry: { attempts: Infinity } }],
    ['a negative retry.baseDelayMs', /retry\.baseDelayMs/, { fetchToken, retry: { baseDelayMs: -1 } }],
    ['a retry.maxDelayMs past 2^31-1', /retry\.maxDelayMs/, { fetchToken, retry: { maxDelayMs: 2 ** 31 } }],
    ['a non-boolean retry.jitter', /retry\.jitter/, { fetchToken, retry: { jitter: 'yes' } }],
    ['a negative retry.maxRetryAfterMs', /retry\.maxRetryAfterMs/, { fetchToken, retry: { maxRetryAfterMs: -1 } }],
    ['a retry.maxRetryAfterMs past 2^31-1', /retry\.maxRetryAfterMs/, { fetchToken, retry: { maxRetryAfterMs: 2 ** 31 } }],
    ['a string retry.maxRetryAfterMs', /retry\.maxRetryAfterMs/, { fetchToken, retry: { maxRetryAfterMs: '60000' } }],
    ['fetchTimeoutMs 0', /fetchTimeoutMs/, { fetchToken, fetchTimeoutMs: 0 }],
    ['a negative fetchTimeoutMs', /fetchTimeoutMs/, { fetchToken, fetchTimeoutMs: -5 }],
    ['a negative waitTimeoutMs', /waitTimeoutMs/, { fetchToken, waitTimeoutMs: -1 }],
    ['a waitTimeoutMs past 2^31-1', /waitTimeoutMs/, { fetchToken, waitTimeoutMs: 2 ** 31 }],
    ['an infinite waitTimeoutMs', /waitTimeoutMs/, { fetchToken, waitTimeoutMs: Infinity }],
    ['maxQueue 0', /maxQueue/, { fetchToken, maxQueue: 0 }],
    ['a non-integer maxQueue', /maxQueue/, { fetchToken, maxQueue: 2.5 }],
    ['a storage without remove', /storage/, { fetchToken, storage: { get: () => undefined, set: () => undefined } }],
    ['a storage that is a string', /storage/, { fetchToken, storage: 'localStorage' }],
    ['an empty storageKey', /storageKey/, { fetchToken, storageKey: '' }],
    ['a numeric storageKey', /storageKey/, { fetchToken, storageKey: 7 }],
    ['a now that is not a function', /now/, { fetchToken, now: 1_700_000_000_000 }],
    ['a clock without clearTimeout', /clock/, { fetchToken, clock: { setTimeout } }],
    ['an inspect that is a string', /inspect/, { fetchToken, inspect: 'ws://localhost' }],
    ['an inspect observer without next', /inspect/, { fetchToken, inspect: { error: () => undefined } }],
    ['a null storage', /storage/, { fetchToken, storage: null }],
    ['a null clock', /clock/, { fetchToken, clock: null }],
    ['a null leewayMs', /leewayMs/, { fetchToken, leewayMs: null }],
    ['a null retry', /retry/, { fetchToken, retry: null }],
    ['an onEvent that is not a function', /onEvent/, { fetchToken, onEvent: true }],
  ]

  it.each(bad)('refuses %s with a TypeError naming it', (_name, names, options) => {
    expect(() => createTokenController(options as TokenControllerOptions)).toThrow(TypeError)
    expect(() => createTokenController(options as TokenControllerOptions)).toThrow(names)
  })

  it('reads nothing from storage when an option is bad', () => {
    const get = vi.fn()

    expect(() => createTokenController({ fetchToken, storage: { ...storage(), get }, maxQueue: 0 })).toThrow(TypeError)
    expect(get).not.toHaveBeenCalled()
  })

  it.each<[string, Partial<TokenControllerOptions>]>([
    ['leewayMs 0', { leewayMs: 0 }],
    ['retry.attempts 1', { retry: { attempts: 1 } }],
    ['retry.baseDelayMs 0 and maxDelayMs 0', { retry: { baseDelayMs: 0, maxDelayMs: 0 } }],
    ['retry.jitter false', { retry: { jitter: false } }],
    ['retry.maxRetryAfterMs 0', { retry: { maxRetryAfterMs: 0 } }],
    ['waitTimeoutMs 2^31-1', { waitTimeoutMs: 2 ** 31 - 1 }],
    ['fetchTimeoutMs 1', { fetchTimeoutMs: 1 }],
    ['maxQueue 1', { maxQueue: 1 }],
    ['an inspect observer with next', { inspect: { next: () => undefined } }],
    ['a custom storage and key', { storage: storage(), storageKey: 'app:token' }],
  ])('accepts %s', (_name, options) => {
    const tokens = createTokenController({ fetchToken, ...options })

    expect(tokens.state).toBe('idle')
    tokens.stop()
  })
})

describe('the clock option', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('receives the fetch timeout and the wait deadline, and no global timer is used', async () => {
    const clock = createVirtualClock()
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, clock, fetchTimeoutMs: 7_000, waitTimeoutMs: 9_000 })

    void tokens.getToken().catch(() => undefined)

    expect(clock.pending()).toEqual([7_000, 9_000])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('receives the backoff delay, and firing it starts the next attempt', async () => {
    const clock = createVirtualClock()
    const clearTimeout = vi.spyOn(clock, 'clearTimeout')
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      clock,
      fetchTimeoutMs: 7_000,
      waitTimeoutMs: 9_000,
      retry: { baseDelayMs: 250, jitter: false },
    })
    const request = tokens.getToken()

    fetch.last().fail(new Error('down'))
    await settle()
    expect(clearTimeout).toHaveBeenCalled() // the first attempt's fetch timeout
    expect(clock.pending()).toEqual([250, 9_000])

    clock.fire(250)
    expect(fetch.count).toBe(2)
    fetch.last().grant('token-A')
    expect(await request).toBe('token-A')
  })

  it('times a fetch out when its timer fires, and a parked request out when the deadline fires', async () => {
    const clock = createVirtualClock()
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      clock,
      fetchTimeoutMs: 7_000,
      waitTimeoutMs: 9_000,
      retry: { attempts: 1 },
      // The deadline compares against now(): move it as the clock would.
      now: () => Date.now(),
    })
    const early = tokens.getToken().catch((e: unknown) => e)

    clock.fire(7_000)
    expect(fetch.last().signal.aborted).toBe(true)
    expect(await early).toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'FETCH_TIMEOUT' } })

    const late = tokens.getToken().catch((e: unknown) => e)
    vi.setSystemTime(Date.now() + 9_000)
    clock.fire(9_000)
    expect(await late).toMatchObject({ code: 'WAIT_TIMEOUT' })
  })
})
