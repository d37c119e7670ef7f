// The controller when the app calls back into it from onEvent or inspect, or hands it odd objects: a signal that
// aborts mid-send, a signal with half an API, a throwing inspector, getters that throw. Every request still settles
// once, the queue count stays exact, storage follows the machine's order, and no token reaches inspect output.
import { inspect as nodeInspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, type TokenController, type TokenControllerOptions, type TokenStorage } from '../src/index.ts'

const KEY = 'painless-token'

function mapStorage() {
  const map = new Map<string, string>()
  const storage: TokenStorage = {
    get: (key) => map.get(key),
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  }
  return { map, storage }
}

/** What a promise has done so far, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const seen: { value?: T; code?: string; error?: unknown; settled: boolean } = { settled: false }
  promise.then(
    (value) => Object.assign(seen, { value, settled: true }),
    (error: { code?: string }) => Object.assign(seen, { error, code: error?.code, settled: true }),
  )
  return seen
}

const controllers: TokenController[] = []
function start(options: TokenControllerOptions): TokenController {
  const tokens = createTokenController(options)
  controllers.push(tokens)
  return tokens
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  for (const tokens of controllers.splice(0)) tokens.stop()
  vi.useRealTimers()
})

describe('the controller, called back from onEvent', () => {
  it('keeps an exact queue count when a request aborts while the step that releases it runs', async () => {
    const abortLater = new AbortController()
    let refreshed: ReturnType<typeof track<string>> | undefined
    let tokens!: TokenController
    let fetches = 0
    let answer!: (value: unknown) => void
    tokens = start({
      waitTimeoutMs: 1_000,
      fetchToken: () => (fetches++, new Promise<never>((resolve) => (answer = resolve as (value: unknown) => void))),
      onEvent: (event) => {
        if (event.type !== 'request.released' || refreshed) return
        refreshed = track(tokens.refresh())
        abortLater.abort()
      },
    })
    const first = track(tokens.getToken())
    const second = track(tokens.getToken({ signal: abortLater.signal }))
    await vi.advanceTimersByTimeAsync(0)

    answer({ accessToken: 'SECRET-1', expiresIn: 3600 })
    await vi.advanceTimersByTimeAsync(0)

    expect([first.value, second.value]).toEqual(['SECRET-1', 'SECRET-1'])
    // The abort came after the release: only the refresh() is parked, and it is counted.
    expect(tokens.queueSize).toBe(1)
    expect(tokens.actor.getSnapshot().context.parked.dead).toBe(0)
    tokens.clear()
    expect(fetches).toBe(3)
    answer({ accessToken: 'SECRET-3', expiresIn: 3600 })
    await vi.advanceTimersByTimeAsync(0)
    expect(refreshed!.value).toBe('SECRET-3')
  })

  it('leaves storage empty when onEvent logs out as the refreshed token is released', async () => {
    const { map, storage } = mapStorage()
    let tokens!: TokenController
    let cleared = false
    tokens = start({
      storage,
      fetchToken: async () => ({ accessToken: 'SECRET-A', expiresIn: 3600, refreshToken: 'SECRET-R' }),
      onEvent: (event) => {
        if (event.type === 'request.released' && !cleared) {
          cleared = true
          tokens.clear()
        }
      },
    })

    expect(await tokens.getToken()).toBe('SECRET-A')
    await vi.advanceTimersByTimeAsync(0)

    expect(tokens.state).toBe('idle')
    expect(map.has(KEY)).toBe(false)
  })

  it('starts no fetch when onEvent logs out on the WAIT_TIMEOUT of the only parked request', async () => {
    const { map, storage } = mapStorage()
    const reasons: string[] = []
    let tokens!: TokenController
    tokens = start({
      storage,
      waitTimeoutMs: 20,
      fetchToken: ({ reason }) => (reasons.push(reason), new Promise(() => undefined)),
      onEvent: (event) => {
        if (event.type === 'request.rejected' && event.code === 'WAIT_TIMEOUT') tokens.clear()
      },
    })
    const parked = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(25)

    expect(parked.code).toBe('WAIT_TIMEOUT')
    expect(reasons).toEqual(['missing'])
    expect(tokens.state).toBe('idle')
    expect(map.has(KEY)).toBe(false)
  })

  it('rejects with STOPPED a request onEvent makes just before it calls stop(): nothing is left hanging', async () => {
    let tokens!: TokenController
    let late: ReturnType<typeof track<string>> | undefined
    tokens = start({
      fetchToken: () => new Promise(() => undefined),
      waitTimeoutMs: 1_000,
      onEvent: (event) => {
        if (event.type !== 'refresh.started') return
        late = track(tokens.getToken())
        tokens.stop()
      },
    })
    const first = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(60_000)

    expect(first.code).toBe('STOPPED')
    expect(late?.code).toBe('STOPPED')
    expect(tokens.queueSize).toBe(0)
  })

  it('rejects with STOPPED a request onEvent makes on a WAIT_TIMEOUT, then stops', async () => {
    let tokens!: TokenController
    let late: ReturnType<typeof track<string>> | undefined
    tokens = start({
      fetchToken: () => new Promise(() => undefined),
      waitTimeoutMs: 20,
      onEvent: (event) => {
        if (event.type !== 'request.rejected' || late) return
        late = track(tokens.getToken())
        tokens.stop()
      },
    })
    const first = track(tokens.getToken())

    await vi.advanceTimersByTimeAsync(60_000)

    expect(first.code).toBe('WAIT_TIMEOUT')
    expect(late?.code).toBe('STOPPED')
  })

  it('gives a request parked from onEvent its own wait deadline', async () => {
    let tokens!: TokenController
    let relogin: ReturnType<typeof track<string>> | undefined
    let fetches = 0
    tokens = start({
      waitTimeoutMs: 50,
      fetchTimeoutMs: 100_000,
      fetchToken: () => (++fetches === 1 ? Promise.resolve({ accessToken: 'SECRET-1', expiresIn: 3600 }) : new Promise(() => undefined)),
      onEvent: (event) => {
        if (event.type === 'token.cleared') relogin = track(tokens.getToken())
      },
    })
    await tokens.getToken()
    await vi.advanceTimersByTimeAsync(100)

    tokens.clear()
    await vi.advanceTimersByTimeAsync(60)

    expect(relogin!.code).toBe('WAIT_TIMEOUT')
  })

  it('rejects with ABORTED a request whose signal aborts while it is being parked', async () => {
    const controller = new AbortController()
    let answer!: (value: unknown) => void
    const tokens = start({
      fetchToken: () => (
        controller.abort('navigated away'),
        new Promise<never>((resolve) => (answer = resolve as (value: unknown) => void))
      ),
    })

    const request = track(tokens.getToken({ signal: controller.signal }))
    await vi.advanceTimersByTimeAsync(0)
    answer({ accessToken: 'SECRET-1', expiresIn: 3600 })
    await vi.advanceTimersByTimeAsync(0)

    expect(request.code).toBe('ABORTED')
    expect(request.error).toMatchObject({ cause: 'navigated away' })
    expect(tokens.queueSize).toBe(0)
  })
})

describe('the controller, called back from inspect', () => {
  it('rejects with STOPPED a request whose token.get inspect answered with stop()', async () => {
    let tokens!: TokenController
    tokens = start({
      fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }),
      inspect: (event) => {
        if (event.type === '@xstate.event' && (event.event as { type: string }).type === 'token.get') tokens.stop()
      },
    })

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(0)

    expect(request.code).toBe('STOPPED')
  })

  it('keeps running when the inspector throws, and answers the parked request', async () => {
    let armed = true
    const tokens = start({
      fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }),
      inspect: (event) => {
        if (armed && event.type === '@xstate.snapshot') {
          armed = false
          throw new Error('inspector failed')
        }
      },
    })

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(0)

    expect(request.value).toBe('SECRET-1')
    expect(tokens.actor.getSnapshot().status).toBe('active')
  })

  it('shows parked requests by id only: no settled promise holding the token, even to util.inspect', async () => {
    const seen: unknown[] = []
    const tokens = start({
      fetchToken: async () => ({ accessToken: 'SECRET-ACCESS', expiresIn: 3600, refreshToken: 'SECRET-REFRESH' }),
      inspect: (event) => void seen.push(event),
    })

    await tokens.getToken()
    await vi.advanceTimersByTimeAsync(0)
    // console.log prints two levels deep; four covers a logged event's payload with room to spare.
    const printed = seen.map((event) => nodeInspect(event, { depth: 4 })).join('\n')
    const payloads = seen.map((event) => nodeInspect((event as { event?: unknown }).event, { depth: 8 })).join('\n')

    expect(payloads).toContain('waiter: { id: 1 }')
    expect(printed).not.toContain('SECRET')
    expect(payloads).not.toContain('SECRET')
  })
})

describe('the controller, handed odd objects', () => {
  it('refuses a signal without removeEventListener with a TypeError, and serves everyone else', async () => {
    const tokens = start({ fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }) })
    const halfSignal = { aborted: false, addEventListener: () => undefined } as never

    const odd = track(tokens.getToken({ signal: halfSignal }))
    const plain = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(0)

    expect(odd.error).toBeInstanceOf(TypeError)
    expect((odd.error as Error).message).toMatch(/signal/)
    expect(plain.value).toBe('SECRET-1')
  })

  it.each([
    ['null', null],
    ['a string', 'abort'],
    ['an object without addEventListener', { aborted: false, removeEventListener: () => undefined }],
  ])('refuses %s as a signal with a TypeError, never a crash', async (_name, signal) => {
    const tokens = start({ fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }) })

    const odd = track(tokens.getToken({ signal: signal as never }))
    await vi.advanceTimersByTimeAsync(0)

    expect(odd.error).toBeInstanceOf(TypeError)
    expect(tokens.queueSize).toBe(0)
  })

  it('rejects with STOPPED, even with a fresh token at hand, once its actor was stopped from outside', async () => {
    const tokens = start({ fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }) })
    await tokens.getToken()

    tokens.actor.stop()

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'STOPPED' })
    expect(tokens.currentToken()).toBeUndefined()
  })

  it('settles every request when a signal throws on removeEventListener', async () => {
    let answer!: (value: unknown) => void
    const tokens = start({ fetchToken: () => new Promise<never>((resolve) => (answer = resolve as (value: unknown) => void)) })
    const throwing = {
      aborted: false,
      addEventListener: () => undefined,
      removeEventListener: () => {
        throw new Error('not supported')
      },
    }

    const odd = track(tokens.getToken({ signal: throwing }))
    const plain = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(0)
    answer({ accessToken: 'SECRET-1', expiresIn: 3600 })
    await vi.advanceTimersByTimeAsync(0)

    expect([odd.value, plain.value]).toEqual(['SECRET-1', 'SECRET-1'])
    expect(tokens.actor.getSnapshot().status).toBe('active')
  })

  it('reads no stored token, and reports it, when storage.get answers a thenable whose then throws', async () => {
    const events: string[] = []
    const storage: TokenStorage = {
      get: () =>
        ({
          then() {
            throw new Error('bad thenable')
          },
        }) as never,
      set: () => undefined,
      remove: () => undefined,
    }

    const tokens = start({
      storage,
      fetchToken: async () => ({ accessToken: 'SECRET-1', expiresIn: 3600 }),
      onEvent: (e) => void events.push(e.type),
    })

    expect(await tokens.getToken()).toBe('SECRET-1')
    expect(events).toContain('storage.failed')
  })

  it('fails the attempt at once, not at fetchTimeoutMs, when the token response has a throwing getter', async () => {
    const tokens = start({
      fetchTimeoutMs: 60_000,
      retry: { attempts: 1 },
      fetchToken: async () =>
        ({
          get accessToken(): string {
            throw new Error('getter failed')
          },
          expiresIn: 3600,
        }) as never,
    })

    const request = track(tokens.getToken())
    await vi.advanceTimersByTimeAsync(0)

    expect(request.code).toBe('REFRESH_FAILED')
    expect((request.error as { cause?: Error }).cause?.message).toBe('getter failed')
  })

  it('settles every parked request when a fetch error has throwing code and retryAfterMs getters', async () => {
    const hostile = Object.defineProperties(new Error('down'), {
      code: {
        get: () => {
          throw new Error('no code')
        },
      },
      retryAfterMs: {
        get: () => {
          throw new Error('no retry')
        },
      },
    })
    const tokens = start({ retry: { attempts: 2, baseDelayMs: 10 }, fetchToken: () => Promise.reject(hostile) })

    const requests = [track(tokens.getToken()), track(tokens.getToken())]
    await vi.advanceTimersByTimeAsync(50)

    expect(requests.map((r) => r.code)).toEqual(['REFRESH_FAILED', 'REFRESH_FAILED'])
    expect(tokens.actor.getSnapshot().status).toBe('active')
  })
})
