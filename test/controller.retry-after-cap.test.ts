// A server's Retry-After wins over the computed backoff, up to `retry.maxRetryAfterMs` (default: the resolved
// waitTimeoutMs): past that, no parked request could still be waiting, so a longer wait only strands the controller.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

const busy = (retryAfterMs: number) => Object.assign(new Error('429 from the token endpoint'), { retryAfterMs })

describe('Retry-After', () => {
  it('waits no longer than waitTimeoutMs by default after Retry-After: 86400, then retries', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, onEvent: (event) => events.push(event) })
    const first = track(tokens.getToken())
    await settle()
    fetch.last().fail(busy(86_400_000))
    await settle()

    expect(events.find((event) => event.type === 'refresh.retrying')).toMatchObject({ delayMs: 30_000 })
    await vi.advanceTimersByTimeAsync(29_999)
    expect(fetch.count).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch.count).toBe(2)
    fetch.last().grant('token-A')
    await settle()

    // The first request had timed out at waitTimeoutMs, at the same instant the retry was due.
    expect(first.status).toBe('rejected')
    await expect(tokens.getToken()).resolves.toBe('token-A')
    tokens.stop()
  })

  it('caps the wait at retry.maxRetryAfterMs when given, and keeps a shorter Retry-After as it is', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 3, maxRetryAfterMs: 5_000 },
      onEvent: (event) => events.push(event),
    })
    void tokens.getToken().catch(() => undefined)
    await settle()

    fetch.last().fail(busy(3_600_000))
    await settle()
    await vi.advanceTimersByTimeAsync(5_000)
    fetch.last().fail(busy(2_000))
    await settle()

    expect(events.filter((event) => event.type === 'refresh.retrying').map((event) => event.delayMs)).toEqual([5_000, 2_000])
    tokens.stop()
  })
})
