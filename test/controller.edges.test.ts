// The controller's rarer paths: stop() from onEvent or inspect in the middle of hydration, clear() or a
// request's own step, storage failures nobody listens to, and the deadline timer of an actor stopped from
// outside. In each, nothing reaches a stopped actor and every request still settles.
import type { InspectionEvent } from 'xstate'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenController, type TokenControllerEvent, type TokenStorage } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.useRealTimers()
})

/** Records the type of every event sent to the actor, also one sent after it stopped. */
function eventsSent() {
  const types: string[] = []
  const inspect = (event: InspectionEvent) => {
    if (event.type === '@xstate.event' && !event.event.type.startsWith('xstate.')) types.push(event.event.type)
  }
  return { types, inspect }
}

/** Storage whose get resolves later with `raw`, and whose remove throws. */
function troubledStorage(raw: unknown): TokenStorage & { finishRead(): void } {
  let finish: () => void = () => undefined
  return {
    get: () => new Promise((resolve) => (finish = () => resolve(raw))),
    set: () => undefined,
    remove: () => {
      throw new Error('quota')
    },
    finishRead: () => finish(),
  }
}

describe('stop() from onEvent while storage fails', () => {
  it('sends no token.hydrated when onEvent stops the controller on a failed remove of garbage', async () => {
    const storage = troubledStorage('{not json')
    const sent = eventsSent()
    const tokens: TokenController = createTokenController({
      fetchToken: fakeFetch().fetchToken,
      storage,
      inspect: sent.inspect,
      onEvent: (event) => event.type === 'storage.failed' && tokens.stop(),
    })
    const parked = track(tokens.getToken())

    storage.finishRead()
    await settle()

    expect(parked.reason).toMatchObject({ code: 'STOPPED' })
    expect(sent.types).not.toContain('token.hydrated')
    expect(tokens.actor.getSnapshot().status).toBe('stopped')
  })

  // Storage is emptied on the machine's token.cleared, after the clear: onEvent hears the failed remove then.
  it('sends nothing after token.clear when onEvent stops the controller on the failed remove of clear()', async () => {
    const fetch = fakeFetch()
    const sent = eventsSent()
    const storage: TokenStorage = {
      get: () => null,
      set: () => undefined,
      remove: () => {
        throw new Error('quota')
      },
    }
    const tokens: TokenController = createTokenController({
      fetchToken: fetch.fetchToken,
      storage,
      inspect: sent.inspect,
      onEvent: (event) => event.type === 'storage.failed' && tokens.stop(),
    })
    const parked = track(tokens.getToken())

    tokens.clear()
    await settle()

    expect(parked.reason).toMatchObject({ code: 'STOPPED' })
    expect(sent.types.slice(-2)).toEqual(['token.clear', 'token.stop'])
    expect(tokens.actor.getSnapshot().status).toBe('stopped')
    // clear() dropped the running fetch; the new cycle's fetch never ran, as stop() came within the same step.
    expect(fetch.count).toBe(1)
    expect(fetch.calls[0]!.signal.aborted).toBe(true)
  })
})

describe('storage failures', () => {
  it('keeps working when storage.set throws and nobody listens', async () => {
    const storage: TokenStorage = {
      get: () => null,
      set: () => {
        throw new Error('quota')
      },
      remove: () => undefined,
    }
    const tokens = createTokenController({ fetchToken: fakeFetch((call) => call.grant('token-A')).fetchToken, storage })

    await expect(tokens.getToken()).resolves.toBe('token-A')
    tokens.stop()
  })

  it('names a thrown value that is not an Error by its type in storage.failed', async () => {
    const events: TokenControllerEvent[] = []
    const storage: TokenStorage = {
      get: () => null,
      set: () => {
        throw 'quota'
      },
      remove: () => undefined,
    }
    const tokens = createTokenController({
      fetchToken: fakeFetch((call) => call.grant('token-A')).fetchToken,
      storage,
      onEvent: (event) => events.push(event),
    })

    await tokens.getToken()

    expect(events).toContainEqual({ type: 'storage.failed', operation: 'set', error: 'string' })
    tokens.stop()
  })
})

describe('stop() from inspect inside the step that parks a request', () => {
  it('rejects that request with STOPPED and starts no fetch', async () => {
    const fetch = fakeFetch()
    let tokens: TokenController | undefined
    const inspect = (event: InspectionEvent) => {
      // The first emit is refresh.started's, run while the actor is mid-step (inspect hears actions as they run).
      if (event.type === '@xstate.action' && event.action.type === 'xstate.emit') tokens?.stop()
    }
    tokens = createTokenController({ fetchToken: fetch.fetchToken, inspect })
    await settle()

    const request = track(tokens.getToken())
    await settle()

    expect(request.reason).toMatchObject({ code: 'STOPPED' })
    expect(fetch.count).toBe(0)
    expect(tokens.state).not.toBe('valid')
  })
})

describe('the deadline timer of an actor stopped from outside', () => {
  it('rejects parked requests with STOPPED and sends the actor nothing when tokens.actor was stopped directly', async () => {
    const sent = eventsSent()
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, waitTimeoutMs: 100, inspect: sent.inspect })
    const request = track(tokens.getToken())
    await settle()

    tokens.actor.stop()
    await vi.advanceTimersByTimeAsync(100)

    expect(sent.types).not.toContain('waiter.timeout')
    // stop() was bypassed, yet the parked request does not hang: the actor's end settles it.
    expect(request.reason).toMatchObject({ code: 'STOPPED' })
  })
})

describe('a custom clock', () => {
  it('parks and times out requests with a clock whose setTimeout returns no handle, as some platforms do', async () => {
    const clock = createVirtualClock({ handle: () => undefined })
    let now = 1_000
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, clock, now: () => now, waitTimeoutMs: 100 })
    const request = track(tokens.getToken())

    now += 100
    clock.fire(100)
    await settle()

    expect(request.reason).toMatchObject({ code: 'WAIT_TIMEOUT' })
    tokens.stop()
  })

  it('does nothing, and returns, when a deadline timer its clock could not cancel fires after stop()', async () => {
    const clock = createVirtualClock({ handle: () => undefined })
    let now = 1_000
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, clock, now: () => now, waitTimeoutMs: 100 })
    const request = track(tokens.getToken())
    tokens.stop()
    await settle()

    now += 100
    clock.fire(100)
    await settle()

    // Reaching this line is the test: a stopped controller's queue is never pruned, so a late timer that
    // walked it would spin on the same settled waiter forever.
    expect(request.reason).toMatchObject({ code: 'STOPPED' })
  })

  it('unrefs the deadline timer where the handle can be, so a parked request alone does not keep Node alive', () => {
    const unref = vi.fn()
    const clock = createVirtualClock({ handle: () => ({ unref }) })
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, clock, waitTimeoutMs: 100 })

    void tokens.getToken().catch(() => undefined)

    expect(unref).toHaveBeenCalledTimes(1)
    tokens.stop()
  })
})

describe('a forced refresh of a fresh token', () => {
  it('offers no current token while it runs, and the new one after', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-A')
    await first

    const forced = tokens.refresh()

    expect(tokens.currentToken()).toBeUndefined()
    fetch.last().grant('token-B')
    await expect(forced).resolves.toBe('token-B')
    expect(tokens.currentToken()).toBe('token-B')
    tokens.stop()
  })

  it('that failed leaves the old token, still fresh: the next request gets it at once and starts no cycle', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 1 } })
    const first = tokens.getToken()
    await settle()
    fetch.last().grant('token-A')
    await first
    const forced = track(tokens.refresh())
    fetch.last().fail(new Error('down'))
    await settle()
    expect(forced.reason).toMatchObject({ code: 'REFRESH_FAILED' })

    const fetches = fetch.count
    expect(tokens.currentToken()).toBe('token-A')
    await expect(tokens.getToken()).resolves.toBe('token-A')
    expect(fetch.count).toBe(fetches)
    expect(tokens.state).toBe('failed')
    tokens.stop()
  })
})

describe('an abandoned fetch', () => {
  it('aborts its signal with ABORTED saying why', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, fetchTimeoutMs: 1_000, retry: { attempts: 1 } })
    void tokens.getToken().catch(() => undefined)
    await settle()

    await vi.advanceTimersByTimeAsync(1_000)

    expect(fetch.calls[0]?.signal.aborted).toBe(true)
    expect(fetch.calls[0]?.signal.reason).toMatchObject({ code: 'ABORTED', cause: expect.stringContaining('abandoned') })
    tokens.stop()
  })
})

describe('a fetch that answered', () => {
  it('keeps its signal unaborted after a token or a failure: only an abandoned fetch is aborted', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { attempts: 2, baseDelayMs: 10 } })
    const request = tokens.getToken()
    await settle()
    fetch.last().fail(new Error('down'))
    await vi.advanceTimersByTimeAsync(10)
    fetch.last().grant('token-A')

    await expect(request).resolves.toBe('token-A')
    expect(fetch.calls.map((call) => call.signal.aborted)).toEqual([false, false])
    tokens.stop()
  })
})

describe('storage.get throwing with nobody listening', () => {
  it('starts with no token and fetches one', async () => {
    const storage: TokenStorage = {
      get: () => {
        throw new Error('denied')
      },
      set: () => undefined,
      remove: () => undefined,
    }
    const tokens = createTokenController({ fetchToken: fakeFetch((call) => call.grant('token-A')).fetchToken, storage })

    await expect(tokens.getToken()).resolves.toBe('token-A')
    tokens.stop()
  })
})

describe('a request refused at once', () => {
  it('reports no request.parked for a request rejected with QUEUE_FULL', async () => {
    const events: TokenControllerEvent[] = []
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, maxQueue: 1, onEvent: (event) => events.push(event) })
    void tokens.getToken().catch(() => undefined)
    await settle()

    const refused = track(tokens.getToken())
    await settle()

    expect(refused.reason).toMatchObject({ code: 'QUEUE_FULL' })
    expect(events.filter((event) => event.type === 'request.parked')).toHaveLength(1)
    tokens.stop()
  })
})

describe('an actor stopped from outside', () => {
  it('rejects later getToken calls with STOPPED', async () => {
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken })
    await settle()

    tokens.actor.stop()

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'STOPPED' })
    await expect(tokens.refresh()).rejects.toMatchObject({ code: 'STOPPED' })
  })
})
