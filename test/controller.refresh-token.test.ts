// Refresh tokens (user-login flows with rotating refresh tokens): kept from a grant, handed to the
// next fetchToken, kept when a grant has none, persisted, and never in an event.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, memoryStorage, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, settle } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const KEY = 'painless-token'

describe('refreshToken', () => {
  it('hands the last grant’s refresh token to the next fetchToken after an invalidation', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const first = tokens.getToken()
    expect(fetch.last().refreshToken).toBeUndefined()
    fetch.last().grant('token-1', 3600, { refresh_token: 'refresh-1' })
    await first

    tokens.invalidate('token-1')

    expect(fetch.last()).toMatchObject({ reason: 'invalidated', refreshToken: 'refresh-1' })
  })

  it('hands it over when the token expired, and accepts the camelCase refreshToken field', async () => {
    const at = { now: 0 }
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, leewayMs: 0 })
    const first = tokens.getToken()
    fetch.last().respond({ accessToken: 'token-1', expiresIn: 60, refreshToken: 'refresh-1' })
    await first

    at.now = 60_000
    void tokens.getToken()

    expect(fetch.last()).toMatchObject({ reason: 'expired', refreshToken: 'refresh-1' })
  })

  it('keeps the previous refresh token when a grant has none, and replaces it when a grant has one', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const first = tokens.getToken()
    fetch.last().grant('token-1', 3600, { refresh_token: 'refresh-1' })
    await first

    tokens.invalidate('token-1')
    fetch.last().grant('token-2') // no rotation
    await settle()
    tokens.invalidate('token-2')
    expect(fetch.last().refreshToken).toBe('refresh-1')

    fetch.last().grant('token-3', 3600, { refresh_token: 'refresh-2' })
    await settle()
    tokens.invalidate('token-3')
    expect(fetch.last().refreshToken).toBe('refresh-2')
  })

  it('hands the same refresh token to every retry of a cycle', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 3, baseDelayMs: 0 } })
    const first = tokens.getToken()
    fetch.last().grant('token-1', 3600, { refresh_token: 'refresh-1' })
    await first

    tokens.invalidate('token-1')
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)

    expect(fetch.calls.slice(1).map((c) => [c.attempt, c.refreshToken])).toEqual([
      [1, 'refresh-1'],
      [2, 'refresh-1'],
    ])
  })

  it('persists it with the access token in storage', async () => {
    const storage = memoryStorage()
    const fetch = fakeFetch((call) => call.respond({ accessToken: 'token-1', expiresAt: 9_000_000_000_000, refreshToken: 'refresh-1' }))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    await tokens.getToken()

    expect(JSON.parse(storage.get(KEY) as string)).toEqual({
      accessToken: 'token-1',
      expiresAt: 9_000_000_000_000,
      refreshToken: 'refresh-1',
    })
  })

  it('forgets it on clear(): the next fetch gets none', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const first = tokens.getToken()
    fetch.last().grant('token-1', 3600, { refresh_token: 'refresh-1' })
    await first

    tokens.clear()
    void tokens.getToken()

    expect(fetch.last()).toMatchObject({ reason: 'missing', refreshToken: undefined })
  })

  it('puts neither the access nor the refresh token in any onEvent event', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      onEvent: (e) => events.push(e),
      retry: { attempts: 2, baseDelayMs: 0 },
    })
    const first = tokens.getToken()
    fetch.last().grant('access-secret-1', 3600, { refresh_token: 'refresh-secret-1' })
    await first
    tokens.invalidate('access-secret-1')
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)
    fetch.last().grant('access-secret-2', 3600, { refresh_token: 'refresh-secret-2' })
    await settle()
    tokens.refresh().catch(() => undefined)
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)
    fetch.last().fail(new Error('down again'))
    await settle()
    tokens.clear()

    const types = new Set(events.map((e) => e.type))
    for (const type of [
      'refresh.started',
      'refresh.succeeded',
      'refresh.retrying',
      'refresh.failed',
      'token.invalidated',
      'token.cleared',
    ]) {
      expect(types).toContain(type)
    }
    const text = JSON.stringify(events)
    for (const secret of ['access-secret', 'refresh-secret']) expect(text).not.toContain(secret)
  })
})
