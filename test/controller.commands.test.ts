// The controller's commands besides getToken: invalidate(token), refresh() and clear(), each from
// the states where a caller can reach it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, memoryStorage, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

// A controller holding token-1; later fetches wait for the test.
async function holding(options: { onEvent?: (e: TokenControllerEvent) => void; storage?: ReturnType<typeof memoryStorage> } = {}) {
  const fetch = fakeFetch((call) => call.attempt === 1 && fetch.count === 1 && call.grant('token-1'))
  const tokens = createTokenController({ fetchToken: fetch.fetchToken, ...options })
  expect(await tokens.getToken()).toBe('token-1')
  return { tokens, fetch }
}

describe('invalidate(token)', () => {
  it('refreshes once with reason invalidated when the current token is rejected, however many 401s arrive', async () => {
    const events: TokenControllerEvent[] = []
    const { tokens, fetch } = await holding({ onEvent: (e) => events.push(e) })

    for (let i = 0; i < 50; i++) tokens.invalidate('token-1')
    const next = tokens.getToken()

    expect(tokens.state).toBe('refreshing')
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('invalidated')
    fetch.last().grant('token-2')
    expect(await next).toBe('token-2')
    expect(events.filter((e) => e.type === 'token.invalidated')).toHaveLength(1)
  })

  it('ignores a 401 for an older token that arrives after the refresh finished', async () => {
    const { tokens, fetch } = await holding()
    tokens.invalidate('token-1')
    fetch.last().grant('token-2')
    await settle()

    tokens.invalidate('token-1')

    expect(tokens.state).toBe('valid')
    expect(fetch.count).toBe(2)
    expect(await tokens.getToken()).toBe('token-2')
  })

  it('ignores an invalidation while a refresh is running, even of the token being replaced', async () => {
    const { tokens, fetch } = await holding()
    const forced = tokens.refresh()

    tokens.invalidate('token-1')
    tokens.invalidate('token-1')
    fetch.last().grant('token-2')

    expect(await forced).toBe('token-2')
    expect(fetch.count).toBe(2)
    expect(tokens.state).toBe('valid')
  })

  it.each(['', 'garbage', 'token-1 ', 'Bearer token-1', 'TOKEN-1'])('ignores a token it never issued (%j)', async (garbage) => {
    const { tokens, fetch } = await holding()

    tokens.invalidate(garbage)

    expect(tokens.state).toBe('valid')
    expect(fetch.count).toBe(1)
  })

  it('does nothing when there is no token yet, or after a failed cycle', async () => {
    const fetch = fakeFetch((call) => call.fail(new Error('down')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })
    tokens.invalidate('anything')
    expect(tokens.state).toBe('idle')

    await tokens.getToken().catch(() => undefined)
    tokens.invalidate('anything')

    expect(tokens.state).toBe('failed')
    expect(fetch.count).toBe(1)
  })
})

describe('refresh()', () => {
  it('forces a fetch with reason forced from valid and resolves with the new token', async () => {
    const { tokens, fetch } = await holding()

    const forced = tokens.refresh()
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('forced')
    fetch.last().grant('token-2')

    expect(await forced).toBe('token-2')
    expect(await tokens.getToken()).toBe('token-2')
  })

  it('coalesces with a running refresh: one fetch, one token for everybody', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })

    const parked = tokens.getToken()
    const forcedA = tokens.refresh()
    const forcedB = tokens.refresh()
    fetch.last().grant('token-A')

    expect(await Promise.all([parked, forcedA, forcedB])).toEqual(['token-A', 'token-A', 'token-A'])
    expect(fetch.count).toBe(1)
  })

  it('starts a forced cycle from idle and from failed', async () => {
    let failing = true
    const fetch = fakeFetch((call) => (failing ? call.fail(new Error('down')) : call.grant('token-A')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })

    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'REFRESH_FAILED' })
    expect(fetch.last().reason).toBe('forced')
    failing = false
    expect(await tokens.refresh()).toBe('token-A')
    expect(fetch.last().reason).toBe('forced')
  })
})

describe('clear()', () => {
  it('forgets the token, removes it from storage and goes idle; the next request fetches with reason missing', async () => {
    const storage = memoryStorage()
    const events: TokenControllerEvent[] = []
    const { tokens, fetch } = await holding({ storage, onEvent: (e) => events.push(e) })
    expect(storage.get('painless-token')).toEqual(expect.any(String))

    tokens.clear()

    expect(tokens.state).toBe('idle')
    expect(storage.get('painless-token')).toBeUndefined()
    expect(events.map((e) => e.type)).toContain('token.cleared')
    const next = tokens.getToken()
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('missing')
    fetch.last().grant('token-2')
    expect(await next).toBe('token-2')
  })

  it('drops a running fetch’s result, keeps the parked requests parked and starts a new cycle for them', async () => {
    const storage = memoryStorage()
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const parked = [track(tokens.getToken()), track(tokens.getToken())]
    const first = fetch.last()

    tokens.clear()

    expect(first.signal.aborted).toBe(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().attempt).toBe(1)
    expect(tokens.state).toBe('refreshing')
    expect(tokens.queueSize).toBe(2)
    first.grant('token-old-session')
    await settle()
    expect(parked.map((p) => p.status)).toEqual(['pending', 'pending'])

    fetch.last().grant('token-2')
    await settle()
    expect(parked.map((p) => p.value)).toEqual(['token-2', 'token-2'])
    expect(storage.get('painless-token')).not.toContain('token-old-session')
    expect(fetch.maxInFlight).toBe(1)
  })

  it('during a refresh nobody waits for, aborts the fetch and goes idle without another', async () => {
    const { tokens, fetch } = await holding()
    tokens.invalidate('token-1')
    const running = fetch.last()

    tokens.clear()
    running.grant('token-dropped')
    await settle()

    expect(running.signal.aborted).toBe(true)
    expect(tokens.state).toBe('idle')
    expect(fetch.count).toBe(2)
  })

  it('during a backoff with requests parked, starts the new cycle at once', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 3, baseDelayMs: 10_000, jitter: false } })
    const parked = tokens.getToken()
    fetch.last().fail(new Error('down'))
    await settle()
    expect(fetch.count).toBe(1)

    tokens.clear()

    expect(fetch.count).toBe(2)
    expect(fetch.last().attempt).toBe(1)
    fetch.last().grant('token-A')
    expect(await parked).toBe('token-A')
  })

  it('from failed goes back to idle', async () => {
    const fetch = fakeFetch((call) => call.fail(new Error('down')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })
    await tokens.getToken().catch(() => undefined)

    tokens.clear()

    expect(tokens.state).toBe('idle')
  })
})
