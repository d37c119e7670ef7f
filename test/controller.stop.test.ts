// stop(): parked and later requests reject with STOPPED, the running fetch is aborted, nothing is
// sent to the stopped actor (XState's development build would print it), and every method stays safe.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest'
import { createTokenController, memoryStorage } from '../src/index.ts'
import { fakeFetch, minimalSignal, settle, track } from './helpers/fake-fetch.ts'

let warn: MockInstance
let error: MockInstance
beforeEach(() => {
  vi.useFakeTimers()
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  error = vi.spyOn(console, 'error').mockImplementation(() => undefined)
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('stop()', () => {
  it('rejects parked requests with STOPPED and aborts the running fetch’s signal', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const parked = [track(tokens.getToken()), track(tokens.refresh())]

    tokens.stop()
    await settle()

    for (const request of parked) expect(request.reason).toMatchObject({ code: 'STOPPED' })
    expect(fetch.last().signal.aborted).toBe(true)
    expect(tokens.queueSize).toBe(0)
  })

  it('gives each parked request its own STOPPED error object, also when stopped from onEvent mid-step', async () => {
    const fetch = fakeFetch()
    let tokens!: ReturnType<typeof createTokenController>
    tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      onEvent: (event) => {
        if (event.type === 'request.parked' && event.queueSize === 3) tokens.stop()
      },
    })
    const parked = [tokens.getToken(), tokens.getToken(), tokens.refresh()]

    const errors = await Promise.all(parked.map((request) => request.catch((error: unknown) => error)))

    for (const error of errors) expect(error).toMatchObject({ code: 'STOPPED' })
    expect(new Set(errors).size).toBe(3)
  })

  it('gives each request refused after a failed cycle its own REFRESH_FAILED error object', async () => {
    const fetch = fakeFetch((call) => call.fail(new Error('down')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })

    const errors = await Promise.all([tokens.getToken(), tokens.getToken()].map((request) => request.catch((error: unknown) => error)))

    for (const error of errors) expect(error).toMatchObject({ code: 'REFRESH_FAILED' })
    expect(errors[0]).not.toBe(errors[1])
    tokens.stop()
  })

  it('rejects later getToken and refresh calls with STOPPED and starts no fetch', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    await tokens.getToken()

    tokens.stop()

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'STOPPED' })
    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'STOPPED' })
    expect(fetch.count).toBe(1)
  })

  it('is harmless twice, and makes invalidate and clear do nothing without throwing', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A'))
    const storage = memoryStorage()
    const remove = vi.spyOn(storage, 'remove')
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const token = await tokens.getToken()

    tokens.stop()
    expect(() => {
      tokens.stop()
      tokens.invalidate(token)
      tokens.invalidate('garbage')
      tokens.clear()
    }).not.toThrow()
    await vi.advanceTimersByTimeAsync(60_000)

    expect(fetch.count).toBe(1)
    expect(remove).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('ignores a fetch that answers after stop, and prints no XState warning', async () => {
    const fetch = fakeFetch()
    const storage = memoryStorage()
    const set = vi.spyOn(storage, 'set')
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, onEvent: () => undefined })
    const parked = track(tokens.getToken())

    tokens.stop()
    fetch.last().grant('token-late')
    await settle()
    await vi.advanceTimersByTimeAsync(60_000)

    expect(parked.reason).toMatchObject({ code: 'STOPPED' })
    expect(set).not.toHaveBeenCalled()
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('ignores a fetch that fails after stop', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    void tokens.getToken().catch(() => undefined)

    tokens.stop()
    fetch.last().fail(new Error('late failure'))
    await vi.advanceTimersByTimeAsync(60_000)

    expect(fetch.count).toBe(1)
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('cancels a pending backoff: no retry after stop', async () => {
    const fetch = fakeFetch((call) => call.fail(new Error('down')))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 5, baseDelayMs: 100, jitter: false } })
    void tokens.getToken().catch(() => undefined)
    await settle()

    tokens.stop()
    await vi.advanceTimersByTimeAsync(60_000)

    expect(fetch.count).toBe(1)
    expect(warn).not.toHaveBeenCalled()
  })

  it('leaves no wait deadline to fire, and an abort after stop sends nothing', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, waitTimeoutMs: 1_000 })
    const signal = minimalSignal()
    const parked = track(tokens.getToken({ signal }))

    tokens.stop()
    signal.abort('after stop')
    await vi.advanceTimersByTimeAsync(5_000)

    expect(parked.reason).toMatchObject({ code: 'STOPPED' })
    expect(signal.listeners).toBe(0)
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('stops while an async storage read is still pending, and ignores its answer', async () => {
    let answer!: (value: unknown) => void
    const storage = {
      get: () => new Promise((resolve) => (answer = resolve)),
      set: vi.fn(),
      remove: vi.fn(),
    }
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const parked = track(tokens.getToken())

    tokens.stop()
    answer(JSON.stringify({ accessToken: 'token-stored', expiresAt: Date.now() + 3_600_000 }))
    await settle()

    expect(parked.reason).toMatchObject({ code: 'STOPPED' })
    expect(fetch.count).toBe(0)
    expect(warn).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('reports the stopped actor through tokens.actor, whose development build would warn about a late event', () => {
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken })

    tokens.stop()
    expect(tokens.actor.getSnapshot().status).toBe('stopped')

    // The guard the tests above rely on: a stray send after stop() is what the console spy catches.
    tokens.actor.send({ type: 'token.clear' })
    expect(warn).toHaveBeenCalled()
  })
})

describe('queueSize after stop', () => {
  it('is 0 once the actor was stopped from outside mid-refresh, since every parked request was rejected', async () => {
    const tokens = createTokenController({ fetchToken: () => new Promise(() => undefined) })
    const parked = [tokens.getToken(), tokens.getToken(), tokens.getToken()]
    for (const p of parked) p.catch(() => undefined)
    await Promise.resolve()
    expect(tokens.queueSize).toBe(3)

    tokens.actor.stop()

    const outcomes = await Promise.allSettled(parked)
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    expect(tokens.queueSize).toBe(0)
  })
})
