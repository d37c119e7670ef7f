// How a parked request stops waiting, and what that does to the shared fetch: fetch timeouts,
// wait timeouts, aborts and the queue limit. Only stop(), clear() and fetchTimeoutMs abort the fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, TokenError } from '../src/index.ts'
import { fakeFetch, minimalSignal, settle, track } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('fetchTimeoutMs', () => {
  it('fails an attempt that never settles with FETCH_TIMEOUT and aborts its signal', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, fetchTimeoutMs: 1_000, retry: { attempts: 1 } })
    const request = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(999)
    expect(fetch.last().signal.aborted).toBe(false)
    expect(request.status).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)

    expect(fetch.last().signal.aborted).toBe(true)
    expect(request.reason).toMatchObject({ code: 'REFRESH_FAILED', attempts: 1, cause: { code: 'FETCH_TIMEOUT' } })
  })

  it('retries after a timeout and ignores the abandoned attempt’s late answer', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, fetchTimeoutMs: 1_000, retry: { attempts: 2, baseDelayMs: 0 } })
    const request = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(1_001)
    expect(fetch.count).toBe(2)
    const [first, second] = fetch.calls
    first!.grant('token-late')
    await settle()
    expect(request.status).toBe('pending')
    second!.grant('token-B')
    await settle()

    expect(request).toMatchObject({ status: 'fulfilled', value: 'token-B' })
    expect(await tokens.getToken()).toBe('token-B')
    expect(fetch.maxInFlight).toBe(1)
  })
})

describe('waitTimeoutMs', () => {
  it('rejects a parked request with WAIT_TIMEOUT at its deadline without cancelling the shared fetch', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, waitTimeoutMs: 1_000, fetchTimeoutMs: 60_000 })
    const early = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(999)
    expect(early.status).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)

    expect(early.reason).toBeInstanceOf(TokenError)
    expect(early.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(tokens.queueSize).toBe(0)
    expect(tokens.state).toBe('refreshing')
    expect(fetch.last().signal.aborted).toBe(false)

    const late = tokens.getToken()
    fetch.last().grant('token-A')
    expect(await late).toBe('token-A')
    expect(fetch.count).toBe(1)
  })

  it('times out requests parked at different times at their own deadlines, on one shared timer', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, waitTimeoutMs: 1_000, fetchTimeoutMs: 60_000 })
    const a = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(300)
    const b = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(400)
    const c = track(tokens.getToken())
    // The fetch timeout and one deadline timer, however many requests wait.
    expect(vi.getTimerCount()).toBe(2)

    await vi.advanceTimersByTimeAsync(300) // t = 1000
    expect([a.status, b.status, c.status]).toEqual(['rejected', 'pending', 'pending'])
    expect(tokens.queueSize).toBe(2)
    await vi.advanceTimersByTimeAsync(299) // t = 1299
    expect(b.status).toBe('pending')
    await vi.advanceTimersByTimeAsync(1) // t = 1300
    expect([b.status, c.status]).toEqual(['rejected', 'pending'])
    await vi.advanceTimersByTimeAsync(400) // t = 1700
    expect(c.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(tokens.queueSize).toBe(0)
    expect(fetch.count).toBe(1)
    expect(fetch.last().signal.aborted).toBe(false)
  })

  it('counts the wait across retries, not per attempt', async () => {
    const fetch = fakeFetch((call) => call.fail(new Error('down')))
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      waitTimeoutMs: 500,
      retry: { attempts: 10, baseDelayMs: 100, jitter: false },
    })
    const request = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(500)

    expect(request.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
    expect(tokens.state).toBe('refreshing')
  })
})

describe('aborting a parked request', () => {
  it('rejects at once with ABORTED when the signal is already aborted, starting no fetch', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const controller = new AbortController()
    controller.abort('gone')

    const error = await tokens.getToken({ signal: controller.signal }).catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'ABORTED', cause: 'gone' })
    expect(fetch.count).toBe(0)
    expect(tokens.queueSize).toBe(0)
  })

  it('rejects with ABORTED and the reason as cause, leaves the queue, and lets the others resolve', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const controller = new AbortController()
    const before = tokens.getToken()
    const aborted = track(tokens.getToken({ signal: controller.signal }))
    const after = tokens.getToken()
    expect(tokens.queueSize).toBe(3)

    const reason = new Error('page closed')
    controller.abort(reason)
    await settle()

    expect(aborted.reason).toMatchObject({ code: 'ABORTED', cause: reason })
    expect(tokens.queueSize).toBe(2)
    expect(fetch.last().signal.aborted).toBe(false)
    fetch.last().grant('token-A')
    expect(await Promise.all([before, after])).toEqual(['token-A', 'token-A'])
    expect(fetch.count).toBe(1)
  })

  it('works with a minimal signal-like object and stops listening once the request settles', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const abortMe = minimalSignal()
    const keepMe = minimalSignal()
    const aborted = track(tokens.getToken({ signal: abortMe }))
    const kept = tokens.getToken({ signal: keepMe })
    expect([abortMe.listeners, keepMe.listeners]).toEqual([1, 1])

    abortMe.abort('user left')
    await settle()
    fetch.last().grant('token-A')

    expect(aborted.reason).toMatchObject({ code: 'ABORTED', cause: 'user left' })
    expect(await kept).toBe('token-A')
    expect([abortMe.listeners, keepMe.listeners]).toEqual([0, 0])
    keepMe.abort('too late')
    expect(await tokens.getToken()).toBe('token-A')
  })

  it('rejects at once for an already-aborted minimal signal', async () => {
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken })
    const signal = minimalSignal()
    signal.abort('early')

    await expect(tokens.getToken({ signal })).rejects.toMatchObject({ code: 'ABORTED', cause: 'early' })
  })

  it('still answers a fresh token even with a signal attached, and ignores a later abort', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    await tokens.getToken()
    const signal = minimalSignal()

    expect(await tokens.getToken({ signal })).toBe('token-A')
    expect(signal.listeners).toBe(0)
  })

  it('keeps the shared fetch when every parked request aborts, and the next request gets its token', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const signals = [minimalSignal(), minimalSignal()]
    const outcomes = signals.map((signal) => track(tokens.getToken({ signal })))

    for (const signal of signals) signal.abort()
    await settle()
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    expect(tokens.queueSize).toBe(0)
    expect(fetch.last().signal.aborted).toBe(false)

    const next = tokens.getToken()
    fetch.last().grant('token-A')
    expect(await next).toBe('token-A')
    expect(fetch.count).toBe(1)
  })
})

describe('maxQueue', () => {
  it('rejects the request past maxQueue with QUEUE_FULL at once, and takes requests again once there is room', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, maxQueue: 3 })
    const parked = [tokens.getToken(), tokens.getToken(), tokens.getToken()]

    const overflow = track(tokens.getToken())
    await Promise.resolve()

    expect(overflow.reason).toMatchObject({ code: 'QUEUE_FULL' })
    expect(tokens.queueSize).toBe(3)
    fetch.last().grant('token-A')
    expect(await Promise.all(parked)).toEqual(['token-A', 'token-A', 'token-A'])
    expect(await tokens.getToken()).toBe('token-A')
  })

  it('counts refresh() against maxQueue, both as a parked request and as the one turned away', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, maxQueue: 2 })
    const forced = tokens.refresh()
    const parked = tokens.getToken()

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'QUEUE_FULL' })
    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'QUEUE_FULL' })
    fetch.last().grant('token-A')
    expect(await Promise.all([forced, parked])).toEqual(['token-A', 'token-A'])
  })

  it('frees a slot when a parked request times out or aborts', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, maxQueue: 2, waitTimeoutMs: 1_000, fetchTimeoutMs: 60_000 })
    const signal = minimalSignal()
    const first = track(tokens.getToken())
    void tokens.getToken({ signal }).catch(() => undefined)

    signal.abort()
    const third = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(500)
    const fourth = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(500)
    const fifth = track(tokens.getToken())
    fetch.last().grant('token-A')
    await settle()

    expect(fourth.reason).toMatchObject({ code: 'QUEUE_FULL' })
    expect([first.reason, third.reason]).toMatchObject([{ code: 'WAIT_TIMEOUT' }, { code: 'WAIT_TIMEOUT' }])
    expect(fifth).toMatchObject({ status: 'fulfilled', value: 'token-A' })
  })

  it('lets refresh() time out with WAIT_TIMEOUT like a parked request', async () => {
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, waitTimeoutMs: 500, fetchTimeoutMs: 60_000 })
    const forced = track(tokens.refresh())

    await vi.advanceTimersByTimeAsync(500)

    expect(forced.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
  })
})
