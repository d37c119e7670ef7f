// Every counterexample the property suites found, kept for good: each replays its `{ seed, path }`
// (fast-check jumps straight to the shrunk case), and the bug behind it is also spelled out as a plain
// test. A `{ seed, path }` replays the same case only while arbitraries.ts generates the same values:
// after changing an arbitrary, find the case again with that seed and update the path.
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenController } from '../../src/index.ts'
import { fakeFetch, settle, track } from '../helpers/fake-fetch.ts'
import { controllerProperty } from './controller.properties.ts'

interface Regression {
  bug: string
  seed: number
  path: string
}

const CONTROLLER_REGRESSIONS: Regression[] = [
  // stop() from inside onEvent('refresh.started'), while the actor is mid-step: token.stop was only queued,
  // actor.stop() cleared the queue, so the request being parked was never rejected (it hung) and the
  // step went on to start a fetch after stop().
  { bug: 'stop() from onEvent mid-step strands the request being parked and starts a fetch', seed: 21, path: '53:0:0:0:0:0:0:1:1:1:1' },
  // The same, through hydration: the stored read finishes, a refresh starts for the parked request, and
  // onEvent('refresh.started') stops the controller.
  { bug: 'stop() from onEvent after an async hydration strands the parked request', seed: 23, path: '67:0:0:0:0:1:1:1:1:1:1' },
  // stop() from onEvent('request.rejected') as a parked request times out: the controller went on to send
  // waiter.timeout to the stopped actor (XState's development build prints such events).
  {
    bug: 'a wait timeout whose onEvent stops the controller sends waiter.timeout to the stopped actor',
    seed: 51,
    path: '309:0:1:1:1:1:3:3:3:3:4:3:4:3',
  },
  // The same for an abort: waiter.abort sent to the stopped actor.
  {
    bug: 'an abort whose onEvent stops the controller sends waiter.abort to the stopped actor',
    seed: 53,
    path: '314:0:0:1:0:0:0:2:0:2:1:0:0:1:0:5:32:12:12:12:12:12:12:28:49:49',
  },
]

describe('counterexamples found by the controller property, replayed', () => {
  for (const { bug, seed, path } of CONTROLLER_REGRESSIONS) {
    it(`no longer fails: ${bug}`, async () => {
      await fc.assert(controllerProperty(), { seed, path, endOnFailure: true })
    })
  }
})

describe('stop() called from inside onEvent', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.restoreAllMocks()
    vi.useRealTimers()
  })

  /** A controller whose onEvent stops it the first time `type` comes, recording what reaches the actor after. */
  function stoppingOn(type: string, options: { waitTimeoutMs?: number } = {}) {
    const fetch = fakeFetch()
    const sentAfterStop: string[] = []
    let stopped = false
    const tokens: TokenController = createTokenController({
      fetchToken: fetch.fetchToken,
      ...options,
      onEvent: (event) => {
        if (event.type !== type || stopped) return
        stopped = true
        tokens.stop()
      },
    })
    const send = tokens.actor.send.bind(tokens.actor)
    tokens.actor.send = (event) => {
      if (tokens.actor.getSnapshot().status !== 'active') sentAfterStop.push(event.type)
      send(event)
    }
    return { tokens, fetch, sentAfterStop }
  }

  it('rejects the request that started the refresh with STOPPED and starts no fetch', async () => {
    const { tokens, fetch } = stoppingOn('refresh.started')

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(60_000)

    expect(request.status).toBe('rejected')
    expect(request.reason).toMatchObject({ code: 'STOPPED' })
    expect(fetch.count).toBe(0)
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'STOPPED' })
  })

  it('rejects the waiting requests when onEvent stops it after an async storage read', async () => {
    let finishRead!: (value: unknown) => void
    const fetch = fakeFetch()
    let stopped = false
    const tokens: TokenController = createTokenController({
      fetchToken: fetch.fetchToken,
      storage: { get: () => new Promise((resolve) => (finishRead = resolve)), set: () => {}, remove: () => {} },
      onEvent: (event) => {
        if (event.type === 'refresh.started' && !stopped) {
          stopped = true
          tokens.stop()
        }
      },
    })
    const requests = [track(tokens.getToken()), track(tokens.getToken())]

    finishRead(null)
    await vi.advanceTimersByTimeAsync(60_000)

    for (const request of requests) expect(request.reason).toMatchObject({ code: 'STOPPED' })
    expect(fetch.count).toBe(0)
  })

  it('sends nothing to the stopped actor when the stop comes from a wait timeout', async () => {
    const { tokens, sentAfterStop } = stoppingOn('request.rejected', { waitTimeoutMs: 1_000 })
    const requests = [track(tokens.getToken()), track(tokens.getToken())]

    await vi.advanceTimersByTimeAsync(1_000)
    await settle()

    expect(requests.map((r) => (r.reason as { code?: string } | undefined)?.code)).toEqual(['WAIT_TIMEOUT', 'STOPPED'])
    expect(sentAfterStop).toEqual([])
  })

  it('sends nothing to the stopped actor when the stop comes from an abort', async () => {
    const { tokens, sentAfterStop } = stoppingOn('request.rejected')
    const controller = new AbortController()
    const aborted = track(tokens.getToken({ signal: controller.signal }))

    controller.abort()
    await settle()

    expect(aborted.reason).toMatchObject({ code: 'ABORTED' })
    expect(sentAfterStop).toEqual([])
  })
})

// Issue 17, found by the lifecycle and controller properties (invariant 8: no request waits while a usable token is
// held; invariant 9: no fetch while hidden that nobody waits for), fixed in the machine and src/keep-fresh.ts.
describe('bugs found by the properties (issue 17)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A controller holding a 1-hour token, now inside its 5-minute soft window (60 s left of it before the leeway). */
  async function insideTheSoftWindow(options: { cooldownMs?: number } = {}) {
    const fetch = fakeFetch()
    const tokens: TokenController = createTokenController({
      fetchToken: fetch.fetchToken,
      leewayMs: 30_000,
      refreshAheadMs: 300_000,
      retry: { attempts: 1, cooldownMs: options.cooldownMs ?? 0 },
    })
    await tokens.ready()
    tokens.setGrant({ access_token: 'held', expires_in: 3_600, refresh_token: 'r' })
    await vi.advanceTimersByTimeAsync(3_600_000 - 300_000 + 1_000)
    return { tokens, fetch }
  }

  // Was: a background cycle that fails with a refresh() parked behind it goes to failed.* like any cycle, and the
  // still-fresh token is no longer handed out: the next getToken() parks for a new cycle (reason 'expired').
  it('a failed background cycle with a refresh() parked still hands out the fresh token', async () => {
    const { tokens, fetch } = await insideTheSoftWindow()
    await expect(tokens.getToken()).resolves.toBe('held') // starts the background refresh
    const forced = track(tokens.refresh())
    fetch.last().fail(new Error('token endpoint: 503'))
    await settle()
    expect(forced.reason).toMatchObject({ code: 'REFRESH_FAILED' })

    const next = track(tokens.getToken())
    await settle()
    expect(next).toMatchObject({ status: 'fulfilled', value: 'held' })
    expect(tokens.queueSize).toBe(0)
    tokens.stop()
  })

  // Was: the same with a cool-down: the request that did not wait is refused with REFRESH_FAILED while the token
  // is fresh ("a background refresh that fails never rejects a request that did not wait").
  it('a failed background cycle with a refresh() parked does not refuse later requests in the cool-down', async () => {
    const { tokens, fetch } = await insideTheSoftWindow({ cooldownMs: 60_000 })
    await expect(tokens.getToken()).resolves.toBe('held')
    const forced = track(tokens.refresh())
    fetch.last().fail(new Error('token endpoint: 503'))
    await settle()
    expect(forced.reason).toMatchObject({ code: 'REFRESH_FAILED' })

    await expect(tokens.getToken()).resolves.toBe('held')
    tokens.stop()
  })

  // Was (older than issue 17, same rule): a forced refresh that fails while the held token is fresh leaves it
  // unserved the same way.
  it('a failed refresh() leaves the fresh token served', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })
    await tokens.ready()
    tokens.setGrant({ access_token: 'held', expires_in: 3_600, refresh_token: 'r' })
    const forced = track(tokens.refresh())
    fetch.last().fail(new Error('token endpoint: 503'))
    await settle()
    expect(forced.reason).toMatchObject({ code: 'REFRESH_FAILED' })

    const next = track(tokens.getToken())
    await settle()
    expect(next).toMatchObject({ status: 'fulfilled', value: 'held' })
    tokens.stop()
  })

  // Was (src/keep-fresh.ts, found reading it for the model suite's 30-day tokens): the keep-fresh timer is capped at
  // the longest timer (2^31 - 1 ms, 24.8 days); for a token whose soft window starts later it fires early, the machine
  // refuses token.ahead (not due yet), and the timer is never set again for that token: no background refresh.
  it('keepFresh refreshes a 30-day token at the start of its soft window', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, keepFresh: true, refreshAheadMs: 300_000 })
    await tokens.ready()
    tokens.setGrant({ access_token: 'held', expires_in: 30 * 86_400, refresh_token: 'r' })
    await vi.advanceTimersByTimeAsync(30 * 86_400_000 - 300_000 + 1_000)
    expect(fetch.count).toBe(1)
    expect(fetch.last().reason).toBe('ahead')
    tokens.stop()
  })

  // Was (minor): a refresh() made while storage is still read queues a forced cycle (idle.refreshQueued) that
  // starts when the read ends even if that refresh() timed out meanwhile: a fetch nobody waits for, even while the
  // app is hidden.
  it('a refresh() that timed out during hydration starts no fetch once storage is read (hidden)', async () => {
    let finishRead!: (value: unknown) => void
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      waitTimeoutMs: 1_000,
      storage: { get: () => new Promise((resolve) => (finishRead = resolve)), set: () => {}, remove: () => {} },
    })
    tokens.setAppVisible(false)
    const forced = track(tokens.refresh())
    await vi.advanceTimersByTimeAsync(1_000)
    expect(forced.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })

    finishRead(null)
    await settle()
    expect(fetch.count).toBe(0)
    tokens.stop()
  })
})
