// Refresh-ahead, keepFresh and the app/network lifecycle through the controller (issue 17): the options, the soft
// window's arithmetic, the background cycle (single flight, failure, rest, 401), the keep-fresh timer, and what
// setAppVisible / setOnline change. Time moves only on the virtual clock, handed over as both `now` and `clock`.
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTokenController, type TokenControllerEvent, type TokenControllerOptions } from '../src/index.ts'
import { fakeFetch, track } from './helpers/fake-fetch.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const AHEAD = 5 * MINUTE // the default refreshAheadMs
const LEEWAY = 30 * SECOND // the default leewayMs

/** Lets fetch answers and promise callbacks run; the virtual clock does not move. */
const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** A controller on a virtual clock with a hand-answered fetchToken and every onEvent recorded. */
function setup(options: Partial<TokenControllerOptions> = {}) {
  const clock = createVirtualClock()
  const fetch = fakeFetch()
  const events: TokenControllerEvent[] = []
  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    clock,
    now: clock.now,
    onEvent: (event) => events.push(event),
    ...options,
    retry: { jitter: false, ...options.retry },
  })
  onTestFinished(() => tokens.stop())
  const of = (type: string) => events.filter((e) => e.type === type)
  /** Fetches the first token: `expiresInS` seconds from now. Returns its expiresAt. */
  async function hold(accessToken = 'token-A', expiresInS = 2 * 3600): Promise<number> {
    const first = tokens.getToken()
    fetch.last().grant(accessToken, expiresInS)
    expect(await first).toBe(accessToken)
    return clock.now() + expiresInS * SECOND
  }
  /** Moves the clock (firing due timers) to `at`, epoch ms. */
  const moveTo = (at: number) => clock.advance(at - clock.now())
  return { clock, fetch, events, tokens, of, hold, moveTo }
}

describe('options', () => {
  const fetchToken = async () => ({ access_token: 'token-A', expires_in: 60 })

  it.each([
    ['a negative refreshAheadMs', { refreshAheadMs: -1 }],
    ['a NaN refreshAheadMs', { refreshAheadMs: NaN }],
    ['a string refreshAheadMs', { refreshAheadMs: '300000' }],
    ['a null refreshAheadMs', { refreshAheadMs: null }],
  ])('refuses %s with a TypeError naming it', (_, bad) => {
    expect(() => createTokenController({ fetchToken, ...(bad as object) })).toThrow(TypeError)
    expect(() => createTokenController({ fetchToken, ...(bad as object) })).toThrow(/refreshAheadMs/)
  })

  it.each([
    ['a string keepFresh', { keepFresh: 'yes' }],
    ['a number keepFresh', { keepFresh: 1 }],
    ['a null keepFresh', { keepFresh: null }],
  ])('refuses %s with a TypeError naming it', (_, bad) => {
    expect(() => createTokenController({ fetchToken, ...(bad as object) })).toThrow(TypeError)
    expect(() => createTokenController({ fetchToken, ...(bad as object) })).toThrow(/keepFresh/)
  })

  it('accepts refreshAheadMs 0 and any larger number, keepFresh true and false', () => {
    for (const options of [{ refreshAheadMs: 0 }, { refreshAheadMs: 600_000 }, { keepFresh: true }, { keepFresh: false }]) {
      createTokenController({ fetchToken, ...options }).stop()
    }
  })
})

describe('the soft window, through the controller', () => {
  it('starts 5 minutes before expiry for a 2-hour token, not a millisecond sooner', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold('token-A', 2 * 3600)

    moveTo(expiresAt - AHEAD - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')

    moveTo(expiresAt - AHEAD)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('follows refreshAheadMs: 10 minutes asks 10 minutes ahead', async () => {
    const { tokens, fetch, hold, moveTo } = setup({ refreshAheadMs: 10 * MINUTE })
    const expiresAt = await hold('token-A', 2 * 3600)

    moveTo(expiresAt - 10 * MINUTE - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    moveTo(expiresAt - 10 * MINUTE)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
  })

  it('is half the lifetime for a 6-minute token (3 minutes), not refreshAheadMs', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold('token-A', 6 * 60)

    moveTo(expiresAt - 3 * MINUTE - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    moveTo(expiresAt - 3 * MINUTE)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('is only the leeway for a 60 s token with a 30 s leeway: no background fetch, requests park at 30 s as before', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold('token-A', 60)

    moveTo(expiresAt - LEEWAY - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')

    moveTo(expiresAt - LEEWAY)
    expect(tokens.currentToken()).toBeUndefined()
    const late = tokens.getToken()
    expect(of('request.parked')).toHaveLength(2)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    fetch.last().grant('token-B', 60)
    expect(await late).toBe('token-B')
    expect(of('refresh.started').map((e) => e.reason)).toEqual(['missing', 'expired'])
  })

  it('is the shortened leeway for a 20 s token with a 30 s leeway: no background fetch, parks after 10 s', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold('token-A', 20)

    moveTo(expiresAt - 10 * SECOND - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)

    moveTo(expiresAt - 10 * SECOND)
    expect(tokens.currentToken()).toBeUndefined()
    void tokens.getToken().catch(() => undefined)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    expect(of('refresh.started').map((e) => e.reason)).not.toContain('ahead')
  })

  it('is refreshAheadMs for a token read back from storage (its lifetime is unknown)', async () => {
    const clock = createVirtualClock()
    const expiresAt = clock.now() + 6 * MINUTE
    const data = new Map([['painless-token', JSON.stringify({ accessToken: 'token-stored', expiresAt })]])
    const storage = { get: (k: string) => data.get(k), set: (k: string, v: string) => void data.set(k, v), remove: () => undefined }
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, clock, now: clock.now, storage })
    onTestFinished(() => tokens.stop())
    expect(tokens.state).toBe('valid')

    // Were its lifetime taken as the 6 minutes left, the window would be 3 minutes: it is the full 5.
    clock.advance(expiresAt - AHEAD - 1 - clock.now())
    expect(tokens.currentToken()).toBe('token-stored')
    expect(fetch.count).toBe(0)
    clock.advance(1)
    expect(tokens.currentToken()).toBe('token-stored')
    expect(fetch.count).toBe(1)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('never opens for a token that never expires (defaultLifetimeMs: Infinity)', async () => {
    const { tokens, fetch, clock } = setup({ defaultLifetimeMs: Infinity, keepFresh: true })
    const first = tokens.getToken()
    fetch.last().respond({ access_token: 'token-forever' })
    expect(await first).toBe('token-forever')

    clock.advance(10 * 365 * 24 * HOUR)
    expect(tokens.currentToken()).toBe('token-forever')
    expect(await tokens.getToken()).toBe('token-forever')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
  })
})

describe('the fast path inside the soft window', () => {
  it('currentToken() returns the held token and starts the background refresh in the same tick', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)

    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
    expect(tokens.state).toBe('refreshing')
    expect(of('refresh.started').map((e) => e.reason)).toEqual(['missing', 'ahead'])
  })

  it('sends the machine nothing outside the soft window: the fast path stays event-free', async () => {
    const events: string[] = []
    // Events sent to the actors (XState's own xstate.* ones, an invoked fetch's init, left out).
    const { tokens, hold, moveTo } = setup({
      inspect: (event) => event.type === '@xstate.event' && !event.event.type.startsWith('xstate.') && events.push(event.event.type),
    })
    const expiresAt = await hold()
    moveTo(expiresAt - AHEAD - 1)
    events.length = 0

    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(events).toEqual([])
    moveTo(expiresAt - AHEAD)
    expect(tokens.currentToken()).toBe('token-A')
    expect(events).toEqual(['token.ahead'])
  })

  it('getToken() resolves with the held token, without waiting for the background refresh it started in the same tick', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)

    const request = track(tokens.getToken())
    expect(fetch.count).toBe(2)
    await flush()
    expect(request).toMatchObject({ status: 'fulfilled', value: 'token-A' })
    expect(fetch.last().done).toBe(false)
    expect(of('request.parked')).toHaveLength(1) // the first request only, before any token was held
  })

  it('runs one background fetch for a burst, with reason ahead; every request gets the held token, then the new one', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    const parkedBefore = of('request.parked').length

    const burst = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? tokens.getToken() : Promise.resolve(tokens.currentToken())))
    expect(await Promise.all(burst)).toEqual(burst.map(() => 'token-A'))
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
    expect(of('request.parked')).toHaveLength(parkedBefore)

    fetch.last().grant('token-B')
    await flush()
    expect(tokens.state).toBe('valid')
    expect(tokens.currentToken()).toBe('token-B')
    expect(await tokens.getToken()).toBe('token-B')
    expect(of('refresh.succeeded').at(-1)).toMatchObject({ reason: 'ahead', released: 0 })
    expect(fetch.count).toBe(2)
  })

  it('with refreshAheadMs: 0 starts nothing before the leeway', async () => {
    const { tokens, fetch, hold, moveTo } = setup({ refreshAheadMs: 0 })
    const expiresAt = await hold()
    moveTo(expiresAt - LEEWAY - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
  })

  it('is refused while offline: the held token, no fetch', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    tokens.setOnline(false)
    moveTo(expiresAt - 4 * MINUTE)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
  })
})

describe('a background refresh that fails', () => {
  const retry = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 }

  it('keeps handing out the held token, rejects nobody, reports reason ahead, then rests before the next cycle', async () => {
    const { tokens, fetch, hold, moveTo, clock, of } = setup({ retry })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    const answers: Array<Promise<string | undefined>> = [Promise.resolve(tokens.currentToken())]
    expect(fetch.count).toBe(2)

    for (let attempt = 1; attempt <= 3; attempt++) {
      fetch.last().fail(new Error('token server down'))
      await flush()
      answers.push(tokens.getToken(), Promise.resolve(tokens.currentToken()))
      if (attempt < 3) clock.fire((timer) => timer.delayMs === 100 * 2 ** (attempt - 1))
    }
    expect(fetch.count).toBe(4)
    expect(await Promise.all(answers)).toEqual(answers.map(() => 'token-A'))
    expect(of('request.rejected')).toEqual([])
    expect(of('refresh.retrying').map((e) => [e.reason, e.attempt])).toEqual([
      ['ahead', 1],
      ['ahead', 2],
    ])
    expect(of('refresh.failed')).toEqual([expect.objectContaining({ reason: 'ahead', attempts: 3, rejected: 0 })])

    // Resting: retry.maxDelayMs (1 s) before a request in the soft window may start another cycle.
    clock.advance(999)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(4)
    clock.advance(1)
    expect(tokens.state).toBe('valid')
    expect(fetch.count).toBe(4)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(5)
    expect(fetch.last()).toMatchObject({ reason: 'ahead', attempt: 1 })
  })

  it.each([
    ['retry.maxDelayMs', { maxDelayMs: 4_000 }, undefined, 4_000],
    ['retry.cooldownMs', { maxDelayMs: 1_000, cooldownMs: 7_000 }, undefined, 7_000],
    ["the server's Retry-After", { maxDelayMs: 1_000 }, 9_000, 9_000],
  ])('rests for the longest of maxDelayMs, cooldownMs and Retry-After: %s', async (_, retryOptions, retryAfterMs, restMs) => {
    const { tokens, fetch, hold, moveTo, clock, of } = setup({ retry: { attempts: 1, ...retryOptions } })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    tokens.currentToken()
    expect(fetch.count).toBe(2)
    fetch.last().fail(Object.assign(new Error('busy'), retryAfterMs === undefined ? {} : { retryAfterMs }))
    await flush()
    expect(of('refresh.failed')).toEqual([expect.objectContaining({ reason: 'ahead', rejected: 0 })])

    clock.advance(restMs - 1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
    clock.advance(1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(3)
  })

  it('starts a cycle at once for a request inside the leeway while resting, and that request waits for it', async () => {
    const { tokens, fetch, hold, moveTo, clock } = setup({ retry: { attempts: 1, maxDelayMs: 60_000 } })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    tokens.currentToken()
    fetch.last().fail(new Error('down'))
    await flush()
    expect(fetch.count).toBe(2)

    clock.jump(4 * MINUTE - 10 * SECOND) // the wall clock only: the rest's timer stays pending
    expect(tokens.currentToken()).toBeUndefined()
    const late = track(tokens.getToken())
    expect(fetch.count).toBe(3)
    expect(fetch.last().reason).toBe('expired')
    await flush()
    expect(late.status).toBe('pending')
    fetch.last().grant('token-B')
    await flush()
    expect(late).toMatchObject({ status: 'fulfilled', value: 'token-B' })
  })

  it('parks requests that arrive inside the leeway during the failing cycle, and rejects them REFRESH_FAILED when it fails', async () => {
    const { tokens, fetch, hold, moveTo, clock, of } = setup({ retry })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    const early = tokens.getToken()
    fetch.last().fail(new Error('down'))
    await flush()
    expect(await early).toBe('token-A')

    clock.jump(4 * MINUTE - 10 * SECOND) // inside the leeway; the backoff timer has not fired
    expect(tokens.currentToken()).toBeUndefined()
    const late = tokens.getToken().catch((error: unknown) => error)
    expect(of('request.parked').length).toBe(2)
    expect(tokens.queueSize).toBe(1)

    clock.fire(100)
    fetch.last().fail(new Error('down'))
    await flush()
    clock.fire(200)
    fetch.last().fail(new Error('down'))
    await flush()
    expect(await late).toMatchObject({ code: 'REFRESH_FAILED', attempts: 3 })
    expect(of('refresh.failed')).toEqual([expect.objectContaining({ reason: 'ahead', rejected: 1 })])
  })
})

describe('a 401 for the token a background refresh still hands out', () => {
  it('stops handing it out: later requests park for the new token, and no second fetch starts', async () => {
    const { tokens, fetch, hold, moveTo, of } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)

    tokens.invalidate('token-A')
    expect(of('token.invalidated')).toHaveLength(1)
    expect(tokens.currentToken()).toBeUndefined()
    const later = track(tokens.getToken())
    expect(of('request.parked')).toHaveLength(2)
    await flush()
    expect(later.status).toBe('pending')
    expect(fetch.count).toBe(2)

    fetch.last().grant('token-B')
    await flush()
    expect(later).toMatchObject({ status: 'fulfilled', value: 'token-B' })
    expect(of('refresh.succeeded').at(-1)).toMatchObject({ reason: 'ahead', released: 1 })
  })

  it('then fails like any cycle if nobody waits: failed, no token held, and the next request starts a cycle (missing)', async () => {
    const { tokens, fetch, hold, moveTo, clock } = setup({ retry: { attempts: 1 } })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    expect(tokens.currentToken()).toBe('token-A')
    tokens.invalidate('token-A')

    fetch.last().fail(new Error('token endpoint: 503'))
    await flush()
    expect(tokens.actor.getSnapshot().value).toEqual({ failed: 'retryable' })
    clock.advance(HOUR) // no rest ends in valid without a token
    expect(tokens.state).toBe('failed')
    void tokens.getToken().catch(() => undefined)
    expect(fetch.last().reason).toBe('missing')
  })

  it('ignores a 401 for an older token', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    tokens.currentToken()
    tokens.invalidate('token-older')
    expect(tokens.currentToken()).toBe('token-A')
    expect(fetch.count).toBe(2)
  })
})

describe('keepFresh', () => {
  /** The pending timers due at `at`. */
  const timersAt = (clock: ReturnType<typeof createVirtualClock>, at: number) => clock.timers().filter((timer) => timer.dueAt === at)

  it('is off by default: nothing starts without a request', async () => {
    const { fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    moveTo(expiresAt + HOUR)
    expect(fetch.count).toBe(1)
  })

  it('refreshes at the start of the soft window with no request, one timer each time, across several expiries', async () => {
    const { tokens, fetch, hold, clock, of } = setup({ keepFresh: true })
    let expiresAt = await hold('token-0')

    for (let n = 1; n <= 4; n++) {
      const startsAt = expiresAt - AHEAD
      expect(timersAt(clock, startsAt)).toHaveLength(1)
      clock.advance(startsAt - 1 - clock.now())
      expect(fetch.count).toBe(n)
      clock.advance(1)
      expect(fetch.count).toBe(n + 1)
      expect(fetch.last().reason).toBe('ahead')
      expect(timersAt(clock, startsAt)).toHaveLength(0)
      fetch.last().grant(`token-${n}`, 2 * 3600)
      await flush()
      expect(tokens.state).toBe('valid')
      expiresAt = clock.now() + 2 * HOUR
    }
    expect(tokens.currentToken()).toBe('token-4')
    expect(of('request.parked')).toHaveLength(1)
    expect(of('refresh.started').map((e) => e.reason)).toEqual(['missing', 'ahead', 'ahead', 'ahead', 'ahead'])
  })

  it('sets exactly one timer beyond the requests’ own', async () => {
    const plain = setup()
    await plain.hold()
    const fresh = setup({ keepFresh: true })
    const expiresAt = await fresh.hold()
    expect(fresh.clock.timers().length).toBe(plain.clock.timers().length + 1)
    expect(timersAt(fresh.clock, expiresAt - AHEAD)).toHaveLength(1)
  })

  it.each([
    ['stop()', (tokens: ReturnType<typeof setup>['tokens']) => tokens.stop()],
    ['clear()', (tokens: ReturnType<typeof setup>['tokens']) => tokens.clear()],
    ['logout()', (tokens: ReturnType<typeof setup>['tokens']) => void tokens.logout()],
  ])('is cancelled by %s: no fetch afterwards', async (_, cancel) => {
    const { tokens, fetch, hold, clock } = setup({ keepFresh: true })
    const expiresAt = await hold()
    expect(timersAt(clock, expiresAt - AHEAD)).toHaveLength(1)

    cancel(tokens)
    expect(timersAt(clock, expiresAt - AHEAD)).toHaveLength(0)
    clock.advance(3 * HOUR)
    await flush()
    expect(fetch.count).toBe(1)
  })

  it('starts nothing while the app is hidden; the fast path starts nothing either', async () => {
    const { tokens, fetch, hold, clock } = setup({ keepFresh: true })
    const expiresAt = await hold()
    tokens.setAppVisible(false)

    clock.advance(expiresAt - 4 * MINUTE - clock.now())
    expect(fetch.count).toBe(1)
    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
  })

  // A timer that fires before now() reaches the soft window (Node's setTimeout can fire 1 ms early against
  // Date.now(); the wall clock set back) is set again for what is left, not spent on a token.ahead the machine refuses.
  it('still refreshes when its timer fires a millisecond before the soft window (wall clock behind)', async () => {
    const { fetch, hold, clock } = setup({ keepFresh: true })
    const expiresAt = await hold()
    clock.jump(-1) // the wall clock 1 ms behind the timers' line
    clock.advance(expiresAt - AHEAD - clock.now() - 1)
    expect(fetch.count).toBe(1)

    clock.advance(2) // the timer set again for the millisecond left
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  // The delay is cut to MAX_TIMER_MS (~24.8 days) for a longer-lived token: that timer fires early and is set again.
  it('refreshes a 30-day token at the start of its soft window (a delay past 2^31-1 ms)', async () => {
    const { fetch, hold, clock } = setup({ keepFresh: true })
    const expiresAt = await hold('token-A', 30 * 24 * 3600)
    clock.advance(expiresAt - AHEAD - clock.now())
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })

  it('refreshes a token read back from storage at the start of its soft window', async () => {
    const clock = createVirtualClock()
    const expiresAt = clock.now() + HOUR
    const data = new Map([['painless-token', JSON.stringify({ accessToken: 'token-stored', expiresAt })]])
    const storage = { get: (k: string) => data.get(k), set: (k: string, v: string) => void data.set(k, v), remove: () => undefined }
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, clock, now: clock.now, storage, keepFresh: true })
    onTestFinished(() => tokens.stop())

    clock.advance(HOUR - AHEAD - 1)
    expect(fetch.count).toBe(0)
    clock.advance(1)
    expect(fetch.count).toBe(1)
    expect(fetch.last().reason).toBe('ahead')
    expect(tokens.currentToken()).toBe('token-stored')
  })

  it('starts nothing while offline', async () => {
    const { tokens, fetch, hold, clock } = setup({ keepFresh: true })
    const expiresAt = await hold()
    tokens.setOnline(false)
    clock.advance(expiresAt - 4 * MINUTE - clock.now())
    expect(fetch.count).toBe(1)
    tokens.setOnline(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
  })
})

describe('setAppVisible', () => {
  it('shown inside the soft window: refreshes at once, reason ahead, the held token still handed out', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    tokens.setAppVisible(false)
    moveTo(expiresAt - 4 * MINUTE)
    expect(fetch.count).toBe(1)

    tokens.setAppVisible(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('ahead')
    expect(tokens.currentToken()).toBe('token-A')
  })

  it('shown after expiry: refreshes at once, before any request asks', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    tokens.setAppVisible(false)
    moveTo(expiresAt + HOUR)
    expect(fetch.count).toBe(1)

    tokens.setAppVisible(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().reason).toBe('expired')
    const request = tokens.getToken()
    fetch.last().grant('token-B')
    expect(await request).toBe('token-B')
    expect(fetch.count).toBe(2)
  })

  it('shown after expiry, the refresh failing: failed (no rest, which only a background cycle takes)', async () => {
    const { tokens, fetch, hold, moveTo } = setup({ retry: { attempts: 1 } })
    const expiresAt = await hold()
    tokens.setAppVisible(false)
    moveTo(expiresAt + HOUR)
    tokens.setAppVisible(true)
    expect(fetch.last().reason).toBe('expired')

    fetch.last().fail(new Error('token endpoint: 503'))
    await flush()
    expect(tokens.actor.getSnapshot().value).toEqual({ failed: 'retryable' })
  })

  it('shown before the soft window: starts nothing', async () => {
    const { tokens, fetch, hold, moveTo } = setup()
    const expiresAt = await hold()
    tokens.setAppVisible(false)
    moveTo(expiresAt - AHEAD - 1)
    tokens.setAppVisible(true)
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
  })

  it('hidden with a parked request: its cycle still runs and retries', async () => {
    const { tokens, fetch, clock } = setup({ retry: { baseDelayMs: 100 } })
    tokens.setAppVisible(false)
    const request = tokens.getToken()
    expect(fetch.count).toBe(1)

    fetch.last().fail(new Error('down'))
    await flush()
    clock.fire(100)
    expect(fetch.count).toBe(2)
    expect(fetch.last().attempt).toBe(2)
    fetch.last().grant('token-A')
    expect(await request).toBe('token-A')
  })

  it('hidden with nobody parked: a background retry waits for the app to show, then fires at once with the next attempt', async () => {
    const { tokens, fetch, hold, moveTo, clock } = setup({ retry: { baseDelayMs: 100 } })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    tokens.currentToken()
    fetch.last().fail(new Error('down'))
    await flush()
    tokens.setAppVisible(false)

    clock.advance(10 * SECOND)
    expect(fetch.count).toBe(2)
    expect(tokens.currentToken()).toBe('token-A')
    tokens.setAppVisible(true)
    expect(fetch.count).toBe(3)
    expect(fetch.last()).toMatchObject({ reason: 'ahead', attempt: 2 })
  })
})

describe('a paused background retry', () => {
  it('fires at once for a request that parks inside the leeway while the app is hidden', async () => {
    const { tokens, fetch, hold, moveTo, clock } = setup({ retry: { baseDelayMs: 100 } })
    const expiresAt = await hold()
    moveTo(expiresAt - 4 * MINUTE)
    tokens.currentToken()
    fetch.last().fail(new Error('down'))
    await flush()
    tokens.setAppVisible(false)
    clock.advance(1_000)
    expect(fetch.count).toBe(2)

    clock.jump(4 * MINUTE - 10 * SECOND)
    const late = tokens.getToken()
    expect(fetch.count).toBe(3)
    expect(fetch.last().attempt).toBe(2)
    fetch.last().grant('token-B')
    expect(await late).toBe('token-B')
  })
})

describe('setOnline', () => {
  it('offline: a retry due after a failed attempt does not fire and spends no attempt; online fires it at once', async () => {
    const { tokens, fetch, clock } = setup({ retry: { baseDelayMs: 100 } })
    const request = tokens.getToken()
    fetch.last().fail(new Error('down'))
    await flush()
    tokens.setOnline(false)

    clock.advance(100)
    expect(fetch.count).toBe(1)
    clock.advance(10 * SECOND)
    expect(fetch.count).toBe(1)

    tokens.setOnline(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().attempt).toBe(2)
    fetch.last().grant('token-A')
    expect(await request).toBe('token-A')
  })

  it('offline when the backoff ends (not before): the retry waits, and fires on online', async () => {
    const { tokens, fetch, clock } = setup({ retry: { baseDelayMs: 100 } })
    tokens.setOnline(false)
    const request = tokens.getToken()
    expect(fetch.count).toBe(1) // a parked request's first attempt is not held back
    fetch.last().fail(new Error('down'))
    await flush()

    clock.advance(5 * SECOND)
    expect(fetch.count).toBe(1)
    tokens.setOnline(true)
    expect(fetch.count).toBe(2)
    expect(fetch.last().attempt).toBe(2)
    fetch.last().grant('token-A')
    expect(await request).toBe('token-A')
  })

  it('offline: parked requests still reject WAIT_TIMEOUT at waitTimeoutMs', async () => {
    const { tokens, fetch, clock, of } = setup({ retry: { baseDelayMs: 100 }, waitTimeoutMs: 5_000 })
    const request = track(tokens.getToken())
    fetch.last().fail(new Error('down'))
    await flush()
    tokens.setOnline(false)

    clock.advance(4_999)
    await flush()
    expect(request.status).toBe('pending')
    clock.advance(1)
    await flush()
    expect(request).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: 'WAIT_TIMEOUT' }) })
    expect(of('request.rejected').map((e) => e.code)).toEqual(['WAIT_TIMEOUT'])
    expect(fetch.count).toBe(1)

    tokens.setOnline(true)
    expect(fetch.count).toBe(2)
  })
})
