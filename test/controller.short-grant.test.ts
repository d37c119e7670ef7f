// A grant that lives no longer than leewayMs would be stale on arrival and fetched again by every request.
// Such a grant uses half its lifetime as its leeway, reported once through onEvent as `leeway.shortened`;
// a longer grant keeps leewayMs. Lifetime counts from when the fetch answer arrived; a grant read back from
// storage keeps leewayMs (its first lifetime is not stored).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenControllerEvent, type TokenStorage } from '../src/index.ts'
import { fakeFetch, settle } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

function controllerAt(at: { now: number }, options: { leewayMs?: number; storage?: TokenStorage } = {}) {
  const events: TokenControllerEvent[] = []
  const fetch = fakeFetch()
  const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, onEvent: (e) => events.push(e), ...options })
  return { tokens, fetch, events }
}

describe('a grant no longer than leewayMs', () => {
  it('is fresh for half its lifetime (expires_in 20 with the default 30 s leeway): no fetch per request', async () => {
    const at = { now: 1_000_000 }
    const { tokens, fetch } = controllerAt(at)
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-short', 20)
    expect(await first).toBe('token-short')

    at.now += 9_999
    expect(tokens.currentToken()).toBe('token-short')
    expect(await tokens.getToken()).toBe('token-short')
    expect(fetch.count).toBe(1)

    at.now += 1
    expect(tokens.currentToken()).toBeUndefined()
    void tokens.getToken().catch(() => undefined)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    tokens.stop()
  })

  it('counts a grant exactly as long as leewayMs as short: expires_in 30 with a 30 s leeway is fresh for 15 s', async () => {
    const at = { now: 1_000_000 }
    const { tokens, fetch, events } = controllerAt(at)
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-30', 30)
    await first

    at.now += 14_999
    expect(tokens.currentToken()).toBe('token-30')
    at.now += 1
    expect(tokens.currentToken()).toBeUndefined()
    expect(events.filter((event) => event.type === 'leeway.shortened')).toEqual([
      { type: 'leeway.shortened', generation: 1, leewayMs: 15_000 },
    ])
    tokens.stop()
  })

  it('is reported once through onEvent as leeway.shortened, with no token in it', async () => {
    const at = { now: 1_000_000 }
    const { tokens, fetch, events } = controllerAt(at)
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-short', 20)
    await first
    await tokens.getToken()
    await tokens.getToken()

    const shortened = events.filter((event) => event.type === 'leeway.shortened')
    expect(shortened).toEqual([{ type: 'leeway.shortened', generation: 1, leewayMs: 10_000 }])
    tokens.stop()
  })

  it('keeps leewayMs for a stored grant, whose first lifetime storage does not keep: 20 s left refreshes at once', async () => {
    const at = { now: 1_000_000 }
    const stored = JSON.stringify({ accessToken: 'token-stored', expiresAt: at.now + 20_000 })
    const storage: TokenStorage = { get: () => stored, set: () => undefined, remove: () => undefined }
    const { tokens, fetch, events } = controllerAt(at, { storage })

    expect(tokens.currentToken()).toBeUndefined()
    const request = tokens.getToken()
    await settle()
    expect(fetch.count).toBe(1)
    fetch.last().grant('token-new', 3_600)
    expect(await request).toBe('token-new')
    expect(events.filter((event) => event.type === 'leeway.shortened')).toHaveLength(0)
    tokens.stop()
  })
})

describe('a grant longer than leewayMs', () => {
  it('keeps leewayMs: a 40 s grant with a 30 s leeway is fresh for 10 s, and nothing is reported', async () => {
    const at = { now: 1_000_000 }
    const { tokens, fetch, events } = controllerAt(at)
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-40', 40)
    await first

    at.now += 9_999
    expect(tokens.currentToken()).toBe('token-40')
    at.now += 1
    expect(tokens.currentToken()).toBeUndefined()
    expect(events.some((event) => event.type === 'leeway.shortened')).toBe(false)
    tokens.stop()
  })
})
