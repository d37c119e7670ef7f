// The controller under load and at the edge of freshness: one fetch for any burst, release in
// arrival order, the exact `expiresAt - leewayMs > now()` rule, and expiry units.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a burst of requests', () => {
  it('makes 1,000 simultaneous getToken calls share one fetch and resolves them all with its token, in arrival order', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const order: number[] = []

    expect(tokens.state).toBe('idle')
    const requests = Array.from({ length: 1000 }, (_, i) => tokens.getToken().then((token) => (order.push(i), token)))
    expect(tokens.state).toBe('refreshing')
    expect(tokens.queueSize).toBe(1000)
    expect(fetch.count).toBe(1)

    fetch.last().grant('token-A')
    const results = await Promise.all(requests)

    expect(new Set(results)).toEqual(new Set(['token-A']))
    expect(order).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
    expect(tokens.queueSize).toBe(0)
  })

  it('answers from the token it holds without another fetch while the token is fresh', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    await tokens.getToken()

    const again = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()))

    expect(new Set(again)).toEqual(new Set(['token-A']))
    expect(fetch.count).toBe(1)
    expect(tokens.queueSize).toBe(0)
  })

  it('never has two fetches in flight, through retries, expiries and invalidations under steady traffic', async () => {
    let n = 0
    const fetch = fakeFetch((call) => {
      n++
      // Every third attempt fails; the others answer a beat later with a 60 s token.
      if (n % 3 === 0) setTimeout(() => call.fail(new Error('flaky')), 5)
      else setTimeout(() => call.grant(`token-${n}`, 60), 20)
    })
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      leewayMs: 10_000,
      retry: { attempts: 5, baseDelayMs: 10, jitter: false },
    })
    const outcomes: Array<Promise<unknown>> = []

    for (let tick = 0; tick < 200; tick++) {
      for (let i = 0; i < 5; i++) outcomes.push(tokens.getToken())
      if (tick % 40 === 39 && tokens.state === 'valid') {
        const current = await tokens.getToken()
        tokens.invalidate(current)
      }
      await vi.advanceTimersByTimeAsync(1_000)
      expect(fetch.inFlight).toBeLessThanOrEqual(1)
    }
    await vi.advanceTimersByTimeAsync(1_000)

    const settled = await Promise.allSettled(outcomes)
    expect(settled.every((o) => o.status === 'fulfilled')).toBe(true)
    expect(fetch.maxInFlight).toBe(1)
    expect(fetch.count).toBeGreaterThan(3)
  })

  it('counts parked requests in queueSize as they arrive and empties it on release', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const sizes: number[] = []

    for (let i = 0; i < 5; i++) {
      void tokens.getToken()
      sizes.push(tokens.queueSize)
    }
    fetch.last().grant('token-A')
    await settle()

    expect(sizes).toEqual([1, 2, 3, 4, 5])
    expect(tokens.queueSize).toBe(0)
  })

  it('goes idle → refreshing → valid, as the actor reports too', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const seen: string[] = [tokens.state]
    tokens.actor.subscribe(() => {
      const state = tokens.state
      if (seen[seen.length - 1] !== state) seen.push(state)
    })

    const request = tokens.getToken()
    fetch.last().grant('token-A')
    await request

    expect(seen).toEqual(['idle', 'refreshing', 'valid'])
  })
})

describe('freshness', () => {
  // A controller whose clock the test sets, holding a token that expires at 10 000 with 1 000 ms leeway, and no
  // refresh ahead: these are the hard window's rules (test/controller.ahead.test.ts has the soft window's).
  async function holdingToken(at: { now: number }) {
    const fetch = fakeFetch((call) => call.respond({ accessToken: `token-${fetch.count}`, expiresAt: 10_000 }))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, leewayMs: 1_000, refreshAheadMs: 0 })
    await tokens.getToken()
    return { tokens, fetch }
  }

  it('counts a token as fresh while expiresAt - leewayMs is after now', async () => {
    const at = { now: 0 }
    const { tokens, fetch } = await holdingToken(at)

    at.now = 8_999
    expect(await tokens.getToken()).toBe('token-1')
    expect(fetch.count).toBe(1)
  })

  it('refreshes once now reaches expiresAt - leewayMs exactly, with reason expired', async () => {
    const at = { now: 0 }
    const { tokens, fetch } = await holdingToken(at)

    at.now = 9_000
    const request = tokens.getToken()

    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    expect(await request).toBe('token-2')
  })

  it('serves a token that lives no longer than the leeway for half its lifetime, then refreshes with reason expired', async () => {
    const at = { now: 0 }
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, leewayMs: 60_000 })

    const parked = tokens.getToken()
    fetch.last().grant('token-short', 30)
    expect(await parked).toBe('token-short')
    expect(tokens.state).toBe('valid')
    at.now = 14_999
    expect(await tokens.getToken()).toBe('token-short')
    expect(fetch.count).toBe(1)

    at.now = 15_000
    const next = track(tokens.getToken())
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    fetch.last().grant('token-next', 3600)
    await settle()
    expect(next).toMatchObject({ status: 'fulfilled', value: 'token-next' })
  })

  it.each([
    ['expires_in as a number of seconds', { access_token: 'token-A', expires_in: 120 }],
    ['expires_in as a numeric string', { access_token: 'token-A', expires_in: '120' }],
    ['camelCase expiresIn', { accessToken: 'token-A', expiresIn: 120 }],
  ])('reads %s as seconds counted from the answer', async (_name, response) => {
    const at = { now: 5_000 }
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      now: () => at.now,
      leewayMs: 0,
      refreshAheadMs: 0,
      onEvent: (e) => events.push(e),
    })

    const request = tokens.getToken()
    at.now = 6_000 // the answer arrives a second later
    fetch.last().respond(response)
    await request

    expect(events.find((e) => e.type === 'refresh.succeeded')).toMatchObject({ expiresAt: 6_000 + 120_000 })
    at.now = 125_999
    await tokens.getToken()
    expect(fetch.count).toBe(1)
    at.now = 126_000
    void tokens.getToken()
    expect(fetch.count).toBe(2)
  })

  it('takes expiresAt as absolute epoch ms', async () => {
    const at = { now: 1_000 }
    const fetch = fakeFetch((call) => call.respond({ accessToken: 'token-A', expiresAt: 50_000 }))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, leewayMs: 0, refreshAheadMs: 0 })
    await tokens.getToken()

    at.now = 49_999
    await tokens.getToken()
    expect(fetch.count).toBe(1)
    at.now = 50_000
    void tokens.getToken()
    expect(fetch.count).toBe(2)
  })
})
