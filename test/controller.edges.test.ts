// The controller's rarer paths: stop() from onEvent or inspect in the middle of hydration, clear() or a
// request's own step, storage failures nobody listens to, and the deadline timer of an actor stopped from
// outside. In each, nothing reaches a stopped actor and every request still settles.
import type { InspectionEvent } from 'xstate'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenController, type TokenControllerEvent, type TokenStorage } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

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

  it('sends no token.clear when onEvent stops the controller on the failed remove of clear()', async () => {
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
    expect(sent.types).not.toContain('token.clear')
    // clear() with a request parked would start a new cycle: a second fetch. Stopped, there is none.
    expect(fetch.count).toBe(1)
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
  it('sends no waiter.timeout to the actor when tokens.actor was stopped directly', async () => {
    const sent = eventsSent()
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, waitTimeoutMs: 100, inspect: sent.inspect })
    const request = track(tokens.getToken())
    await settle()

    tokens.actor.stop()
    await vi.advanceTimersByTimeAsync(100)

    expect(sent.types).not.toContain('waiter.timeout')
    // Nobody answers it any more: stopping the actor itself bypasses stop(), which is what settles requests.
    expect(request.status).toBe('pending')
  })
})
