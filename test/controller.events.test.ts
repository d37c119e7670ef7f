// What the controller tells observers: onEvent's refresh and request events, and what `inspect`
// receives (a function or an observer), with every token redacted from snapshots and events.
import type { InspectionEvent } from 'xstate'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenControllerEvent } from '../src/index.ts'
import { fakeFetch, minimalSignal, settle } from './helpers/fake-fetch.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('onEvent', () => {
  it('reports refresh.started with its reason, request.parked, refresh.succeeded and request.released', async () => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, onEvent: (e) => events.push(e) })

    const requests = [tokens.getToken(), tokens.getToken()]
    fetch.last().grant('token-A')
    await Promise.all(requests)

    // Emitted machine events are delivered after the transition's own actions, so refresh.succeeded
    // may come after the releases: only the order that follows from causality is fixed.
    const types = events.map((e) => e.type)
    expect(types.slice(0, 3)).toEqual(['refresh.started', 'request.parked', 'request.parked'])
    expect(types.slice(3).sort()).toEqual(['refresh.succeeded', 'request.released', 'request.released'])
    expect(events[0]).toMatchObject({ reason: 'missing' })
    expect(events.filter((e) => e.type === 'request.parked').map((e) => e.queueSize)).toEqual([1, 2])
    expect(events.find((e) => e.type === 'refresh.succeeded')).toMatchObject({ attempts: 1, released: 2 })
  })

  it('reports request.rejected with the code for timed-out and aborted requests', async () => {
    const events: TokenControllerEvent[] = []
    const tokens = createTokenController({
      fetchToken: fakeFetch().fetchToken,
      waitTimeoutMs: 1_000,
      fetchTimeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    })
    const signal = minimalSignal()
    void tokens.getToken({ signal }).catch(() => undefined)
    void tokens.getToken().catch(() => undefined)

    signal.abort()
    await vi.advanceTimersByTimeAsync(1_000)

    expect(events.filter((e) => e.type === 'request.rejected').map((e) => e.code)).toEqual(['ABORTED', 'WAIT_TIMEOUT'])
  })

  it('reports each reason a cycle can start with', async () => {
    const at = { now: 0 }
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.grant(`token-${fetch.count}`, 60))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, now: () => at.now, leewayMs: 0, onEvent: (e) => events.push(e) })

    await tokens.getToken()
    at.now = 60_000
    const expired = await tokens.getToken()
    tokens.invalidate(expired)
    await settle()
    await tokens.refresh()

    expect(events.filter((e) => e.type === 'refresh.started').map((e) => e.reason)).toEqual(['missing', 'expired', 'invalidated', 'forced'])
  })

  it('keeps working when onEvent throws', async () => {
    const fetch = fakeFetch()
    const onEvent = vi.fn(() => {
      throw new Error('listener bug')
    })
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, onEvent, retry: { attempts: 2, baseDelayMs: 0 } })

    const requests = [tokens.getToken(), tokens.getToken()]
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)
    fetch.last().grant('token-A')

    expect(await Promise.all(requests)).toEqual(['token-A', 'token-A'])
    expect(onEvent).toHaveBeenCalled()
    expect(tokens.state).toBe('valid')
    tokens.clear()
    tokens.stop()
  })
})

describe('inspect', () => {
  // Runs a whole cycle with a retry, a refresh token, an invalidation, an abort and a clear.
  async function fullCycle(inspect: ((event: InspectionEvent) => void) | { next: (event: InspectionEvent) => void }) {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, inspect, retry: { attempts: 2, baseDelayMs: 0 } })
    const signal = minimalSignal()
    const first = [tokens.getToken(), tokens.getToken()]
    void tokens.getToken({ signal }).catch(() => undefined)
    signal.abort()
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)
    fetch.last().grant('access-secret-1', 3600, { refresh_token: 'refresh-secret-1' })
    await Promise.all(first)
    tokens.invalidate('access-secret-1')
    const second = tokens.getToken()
    fetch.last().grant('access-secret-2', 3600, { refresh_token: 'refresh-secret-2' })
    await second
    tokens.clear()
    tokens.stop()
    return tokens
  }

  it('delivers inspection events to a function and to an observer with next()', async () => {
    const asFunction: InspectionEvent[] = []
    const asObserver: InspectionEvent[] = []

    await fullCycle((e) => asFunction.push(e))
    await fullCycle({ next: (e) => asObserver.push(e) })

    expect(asFunction.length).toBeGreaterThan(10)
    expect(asObserver.map((e) => e.type)).toEqual(asFunction.map((e) => e.type))
  })

  it('never shows the access or the refresh token in any snapshot, event or actorRef.getSnapshot()', async () => {
    const seen: string[] = []
    const events: InspectionEvent[] = []

    await fullCycle((e) => {
      events.push(e)
      // XState itself refuses getSnapshot() while the actor is being created.
      if (e.type !== '@xstate.actor') seen.push(JSON.stringify(e.actorRef.getSnapshot()))
      if ('snapshot' in e) seen.push(JSON.stringify(e.snapshot))
      if ('event' in e) seen.push(JSON.stringify(e.event))
      if (e.type === '@xstate.action') seen.push(JSON.stringify(e.action))
    })

    expect(events.some((e) => e.type === '@xstate.event' && e.event.type === 'fetch.succeeded')).toBe(true)
    for (const text of seen) {
      expect(text).not.toContain('access-secret')
      expect(text).not.toContain('refresh-secret')
    }
    const contexts = events.flatMap((e) => ('snapshot' in e ? [(e.snapshot as { context?: Record<string, unknown> }).context] : []))
    expect(contexts).toContainEqual(expect.objectContaining({ accessToken: '[redacted]', refreshToken: '[redacted]' }))
  })

  it('sees a snapshot for every transition of a refresh cycle with a retry', async () => {
    const values: string[] = []
    const fetch = fakeFetch()
    const tokens = createTokenController({
      fetchToken: fetch.fetchToken,
      retry: { attempts: 2, baseDelayMs: 0 },
      inspect: (e) => {
        // Only the machine's snapshots have a value; the fetch actor's have none.
        if (e.type === '@xstate.snapshot' && 'value' in e.snapshot) {
          const value = JSON.stringify((e.snapshot as { value: unknown }).value)
          if (values[values.length - 1] !== value) values.push(value)
        }
      },
    })

    const request = tokens.getToken()
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(1)
    fetch.last().grant('token-A')
    await request
    tokens.stop()

    expect(values).toEqual([
      '{"idle":"hydrating"}',
      '{"idle":"empty"}',
      '{"refreshing":"fetching"}',
      '{"refreshing":"waitingToRetry"}',
      '{"refreshing":"fetching"}',
      '"valid"',
    ])
  })

  it('reads the live actor through tokens.actor without redaction for the app itself', async () => {
    const fetch = fakeFetch((call) => call.grant('token-A'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, inspect: () => undefined })

    await tokens.getToken()

    expect(tokens.actor.getSnapshot().context.generation).toBe(1)
    expect(tokens.actor.getSnapshot().value).toBe('valid')
  })
})
