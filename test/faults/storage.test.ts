// Storage that fails while tokens come from the real loopback server: writes that throw (a full uni
// storage) keep the token in memory and report storage.failed; reads that throw, or hand back garbage, are
// removed and ignored and the token is fetched. Both with uniStorage() over the uni shim (the global `uni`,
// as in an app) and with a custom async storage. Every request settles; none is lost.
import { describe, expect, it, onTestFinished } from 'vitest'
import { uniStorage, type TokenStorage } from '../../src/index.ts'
import { installUniShim } from '../helpers/uni-shim.ts'
import { isToken, ledger, useFaultRig } from './fault-rig.ts'
import { createVirtualClock } from '../helpers/virtual-clock.ts'

const rig = useFaultRig()

const KEY = 'painless-token'
const N = 5

/** Replaces storage calls of the global `uni` for the rest of the test; the rest of the shim stays. */
function breakUni(overrides: Partial<Pick<typeof rig.shim, 'getStorageSync' | 'setStorageSync' | 'removeStorageSync'>>) {
  onTestFinished(installUniShim({ ...rig.shim, ...overrides }))
}

const fullStorage = () => {
  // What uni throws when the 10 MB limit is reached; the message quotes nothing secret here, but might.
  throw new Error('setStorageSync:fail exceed max size 10MB')
}

/** Sends `n` requests through `send` and awaits every outcome. */
async function burst(n: number, send: () => Promise<unknown>) {
  const requests = ledger()
  for (let i = 0; i < n; i++) requests.track(send())
  return { requests, outcomes: await requests.settle() }
}

const fulfilledValues = (outcomes: PromiseSettledResult<unknown>[]) => outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined))

describe('uniStorage over the uni shim: writes that throw', () => {
  it('keeps the fetched token in memory, serves every request with it, and reports storage.failed without the message', async () => {
    breakUni({ setStorageSync: fullStorage })
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: uniStorage() })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())
    const again = await tokens.getToken()

    const served = fulfilledValues(outcomes)
    expect(served.every(isToken)).toBe(true)
    expect(new Set([...served, again]).size).toBe(1)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'set', error: 'Error' }])
    expect(JSON.stringify(events.list)).not.toContain('exceed')
    expect(rig.shim.storage.has(KEY)).toBe(false)
    expect(server.calls('/token')).toBe(1)
  })

  it('keeps serving across refreshes while every write fails, reporting each one', async () => {
    breakUni({ setStorageSync: fullStorage })
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: uniStorage() })

    const first = await tokens.getToken()
    tokens.invalidate(first)
    const { requests, outcomes } = await burst(N, () => tokens.getToken())

    const served = fulfilledValues(outcomes)
    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    expect(served[0] === first).toBe(false)
    requests.expectNothingLost(tokens, events)
    expect(events.count('storage.failed')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })

  it('serves luch-request requests over HTTP while storage is full', async () => {
    breakUni({ setStorageSync: fullStorage })
    const server = await rig.startServer()
    const { http, tokens, events } = rig.luchClient(server, { storage: uniStorage() })

    const { requests, outcomes } = await burst(N, () => http.get('/api/echo'))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    requests.expectNothingLost(tokens, events)
    expect(events.count('storage.failed')).toBe(1)
    expect(server.calls('/api/echo')).toBe(N)
  })
})

describe('uniStorage over the uni shim: reads that return garbage', () => {
  const garbage: Array<[string, unknown]> = [
    ['text that is not JSON', 'hello'],
    ['truncated JSON', '{"accessToken": "'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['an expiry that is not a number', JSON.stringify({ accessToken: 'stored-x', expiresAt: 'tomorrow' })],
    ['an empty access token', JSON.stringify({ accessToken: '', expiresAt: Date.now() + 3_600_000 })],
    // uni stores objects as they are: ours is always a JSON string, so an object is someone else's.
    ['an object rather than a string', { accessToken: 'stored-x', expiresAt: Date.now() + 3_600_000 }],
    ['a number rather than a string', 42],
    ['a boolean', true],
  ]

  it.each(garbage)('removes %s at start, fetches a token and stores it in its place', async (_, value) => {
    rig.shim.storage.set(KEY, value)
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: uniStorage() })
    expect(rig.shim.storage.has(KEY)).toBe(false)

    const { requests, outcomes } = await burst(N, () => tokens.getToken())

    const served = fulfilledValues(outcomes)
    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    requests.expectNothingLost(tokens, events)
    expect(events.count('storage.failed')).toBe(0)
    expect(events.of('refresh.started')).toEqual([expect.objectContaining({ reason: 'missing' })])
    const stored = JSON.parse(rig.shim.storage.get(KEY) as string) as { accessToken: string; expiresAt: number }
    expect(Object.keys(stored).sort()).toEqual(['accessToken', 'expiresAt'])
    expect(stored.accessToken === served[0]).toBe(true)
    expect(server.calls('/token')).toBe(1)
  })

  it('reports a read that throws as storage.failed, then fetches', async () => {
    breakUni({
      getStorageSync: () => {
        throw new Error('getStorageSync:fail')
      },
    })
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: uniStorage() })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())

    expect(fulfilledValues(outcomes).every(isToken)).toBe(true)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'get', error: 'Error' }])
    expect(server.calls('/token')).toBe(1)
  })

  it('reports a removal that throws as storage.failed and goes on: the garbage is overwritten by the next token', async () => {
    rig.shim.storage.set(KEY, 'garbage')
    breakUni({
      removeStorageSync: () => {
        throw new Error('removeStorageSync:fail')
      },
    })
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: uniStorage() })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())

    expect(fulfilledValues(outcomes).every(isToken)).toBe(true)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'remove', error: 'Error' }])
    expect(JSON.parse(rig.shim.storage.get(KEY) as string)).toHaveProperty('accessToken')
  })

  it('serves a well-formed stored token the server never issued, and replaces it after the 401 with one refresh', async () => {
    // Garbage that parses: our own shape, but the server does not know the token (another backend, a reset DB).
    rig.shim.storage.set(KEY, JSON.stringify({ accessToken: 'token-from-another-server-0000', expiresAt: Date.now() + 3_600_000 }))
    const server = await rig.startServer()
    const { http, tokens, events } = rig.luchClient(server, { storage: uniStorage() })

    const { requests, outcomes } = await burst(N, () => http.get('/api/echo'))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    requests.expectNothingLost(tokens, events)
    expect(events.of('refresh.started')).toEqual([expect.objectContaining({ reason: 'invalidated' })])
    expect(server.calls('/token')).toBe(1)
    expect(server.calls('/api/echo')).toBe(2 * N) // each sent with the stored token, refused, replayed once
  })
})

/** A Map-backed storage whose methods each return a promise; a test swaps in how each one behaves. */
function asyncStorage(initial?: string) {
  const data = new Map<string, string>()
  if (initial !== undefined) data.set(KEY, initial)
  const calls = { get: 0, set: 0, remove: 0 }
  const storage = {
    data,
    calls,
    get: (key: string): Promise<unknown> => Promise.resolve(data.get(key)),
    set: (key: string, value: string): Promise<void> => Promise.resolve(void data.set(key, value)),
    remove: (key: string): Promise<void> => Promise.resolve(void data.delete(key)),
  }
  const counted: TokenStorage = {
    get: (key) => (calls.get++, storage.get(key)),
    set: (key, value) => (calls.set++, storage.set(key, value)),
    remove: (key) => (calls.remove++, storage.remove(key)),
  }
  return { storage, counted }
}

describe('a custom async storage', () => {
  it('holds requests until a slow read answers with garbage, removes it, then serves them all with one fetch', async () => {
    const { storage, counted } = asyncStorage()
    let answer: (value: unknown) => void = () => {}
    storage.get = () => new Promise((resolve) => (answer = resolve))
    const server = await rig.startServer()
    const { tokens, events, fetches } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })

    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(tokens.getToken())
    expect(tokens.queueSize).toBe(N)
    expect(fetches()).toBe(0)
    answer('{"accessToken": 12')
    const outcomes = await requests.settle()

    const served = fulfilledValues(outcomes)
    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    requests.expectNothingLost(tokens, events)
    expect(storage.calls).toMatchObject({ get: 1, remove: 1, set: 1 })
    expect(JSON.parse(storage.data.get(KEY) as string)).toHaveProperty('accessToken')
    expect(fetches()).toBe(1)
  })

  it('keeps the token in memory when the write rejects, and reports storage.failed', async () => {
    const { storage, counted } = asyncStorage()
    storage.set = () => Promise.reject(new RangeError('quota exceeded'))
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())
    await events.when('storage.failed')
    const again = await tokens.getToken()

    const served = fulfilledValues(outcomes)
    expect(served.every(isToken)).toBe(true)
    expect(new Set([...served, again]).size).toBe(1)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'set', error: 'RangeError' }])
    expect(server.calls('/token')).toBe(1)
  })

  it('does not wait for a write that never finishes', async () => {
    const { storage, counted } = asyncStorage()
    storage.set = () => new Promise<void>(() => {})
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())

    expect(fulfilledValues(outcomes).every(isToken)).toBe(true)
    requests.expectNothingLost(tokens, events)
    expect(storage.calls.set).toBe(1)
  })

  it('reports a rejected read as storage.failed and fetches for the requests that waited on it', async () => {
    const { storage, counted } = asyncStorage()
    let fail: (error: unknown) => void = () => {}
    storage.get = () => new Promise((_, reject) => (fail = reject))
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })

    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(tokens.getToken())
    fail(new TypeError('IDB closed'))
    const outcomes = await requests.settle()

    expect(fulfilledValues(outcomes).every(isToken)).toBe(true)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'get', error: 'TypeError' }])
    expect(server.calls('/token')).toBe(1)
  })

  it('reports a rejected removal of garbage as storage.failed and still fetches', async () => {
    const { storage, counted } = asyncStorage('not json')
    storage.remove = () => Promise.reject(new Error('locked'))
    const server = await rig.startServer()
    const { tokens, events } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })

    const { requests, outcomes } = await burst(N, () => tokens.getToken())
    await events.when('storage.failed')

    expect(fulfilledValues(outcomes).every(isToken)).toBe(true)
    requests.expectNothingLost(tokens, events)
    expect(events.of('storage.failed')).toEqual([{ type: 'storage.failed', operation: 'remove', error: 'Error' }])
  })

  it('ignores a read that answers after stop(): no fetch, no write', async () => {
    const { storage, counted } = asyncStorage()
    let answer: (value: unknown) => void = () => {}
    storage.get = () => new Promise((resolve) => (answer = resolve))
    const server = await rig.startServer()
    const { tokens, events, fetches } = rig.controller({ fetchToken: rig.directFetch(server), storage: counted })
    const requests = ledger()
    requests.track(tokens.getToken())

    tokens.stop()
    answer('garbage')
    const [outcome] = await requests.settle()
    await Promise.resolve()

    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    requests.expectNothingLost(tokens, events)
    expect(fetches()).toBe(0)
    expect(storage.calls).toMatchObject({ remove: 0, set: 0 })
  })

  it('times out requests by waitTimeoutMs when the read never answers: no request hangs, though no fetch starts', async () => {
    // Hydration has no deadline of its own: requests wait for the read, and each one's wait ends on time.
    const { storage, counted } = asyncStorage()
    storage.get = () => new Promise(() => {})
    const server = await rig.startServer()
    const clock = createVirtualClock()
    const { tokens, events, fetches } = rig.controller({
      fetchToken: rig.directFetch(server),
      storage: counted,
      clock,
      now: clock.now,
      waitTimeoutMs: 5_000,
    })

    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(tokens.getToken())
    clock.advance(5_000)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'WAIT_TIMEOUT' } })
    requests.expectNothingLost(tokens, events)
    expect(tokens.state).toBe('idle')
    expect(fetches()).toBe(0)
  })
})
