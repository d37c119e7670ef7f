// currentToken(): the synchronous read adapters use for the fast path. It answers only with a token that is
// fresh by the clock, and never starts a refresh or parks anything.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController } from '../src/index.ts'
import { fakeFetch, settle } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('currentToken()', () => {
  it('is undefined before any token and starts no fetch', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    await settle()

    expect(tokens.currentToken()).toBeUndefined()
    expect(fetch.count).toBe(0)
    expect(tokens.queueSize).toBe(0)
  })

  it('returns the token while it is fresh, and undefined once the clock passes expiry minus leeway', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A', 60))
    // No refresh ahead: inside the soft window currentToken() would also start a background fetch.
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, leewayMs: 10_000, refreshAheadMs: 0 })
    await tokens.getToken()

    expect(tokens.currentToken()).toBe('token-A')
    vi.advanceTimersByTime(49_000)
    expect(tokens.currentToken()).toBe('token-A')
    vi.advanceTimersByTime(1_001)
    expect(tokens.currentToken()).toBeUndefined()
    expect(fetch.count).toBe(1)
  })

  it('is undefined while refreshing, after an invalidation and after stop', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const first = tokens.getToken()
    expect(tokens.currentToken()).toBeUndefined()
    fetch.last().grant('token-A')
    await first

    tokens.invalidate('token-A')
    expect(tokens.currentToken()).toBeUndefined()
    fetch.last().grant('token-B')
    await settle()
    expect(tokens.currentToken()).toBe('token-B')

    tokens.stop()
    expect(tokens.currentToken()).toBeUndefined()
  })
})

describe('now()', () => {
  it('reads the injected clock, so adapters share the controller’s notion of time', () => {
    let at = 1_000
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, now: () => at })
    expect(tokens.now()).toBe(1_000)
    at = 5_000
    expect(tokens.now()).toBe(5_000)
  })
})
