// The controller and its storage: hydration (sync and async), corrupt or foreign values, failing
// reads and writes, when and what is written, and the storage key.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenController, memoryStorage, type TokenControllerEvent, type TokenStorage } from '../src/index.ts'
import { fakeFetch, settle, track } from './helpers/fake-fetch.ts'

const KEY = 'painless-token'
const HOUR = 3_600_000

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

// A memory storage already holding `value` under the default key, with spied methods.
function storageWith(value: unknown, key = KEY) {
  const data = new Map<string, unknown>([[key, value]])
  return {
    data,
    get: vi.fn((k: string) => data.get(k)),
    set: vi.fn((k: string, v: string) => void data.set(k, v)),
    remove: vi.fn((k: string) => void data.delete(k)),
  }
}

// A storage whose read answers when the test says so.
function slowStorage() {
  let answer!: (value: unknown) => void
  const storage = storageWith(undefined)
  storage.get.mockImplementation(() => new Promise((resolve) => (answer = resolve)) as never)
  return { storage, answer: (value: unknown) => answer(value) }
}

const stored = (accessToken: string, expiresAt: number, refreshToken?: string) =>
  JSON.stringify(refreshToken === undefined ? { accessToken, expiresAt } : { accessToken, expiresAt, refreshToken })

describe('hydration', () => {
  it('answers from a fresh stored token without any fetch', async () => {
    const fetch = fakeFetch()
    const events: TokenControllerEvent[] = []
    const storage = storageWith(stored('token-stored', Date.now() + HOUR))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, onEvent: (e) => events.push(e) })

    expect(tokens.state).toBe('valid')
    expect(await tokens.getToken()).toBe('token-stored')
    expect(fetch.count).toBe(0)
    expect(events.map((e) => e.type)).toContain('token.restored')
    expect(storage.get).toHaveBeenCalledTimes(1)
  })

  it('fetches on the first request for an expired stored token, handing over its refresh token', async () => {
    const fetch = fakeFetch()
    const storage = storageWith(stored('token-stale', Date.now() - 1_000, 'refresh-stored'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, leewayMs: 10_000 })
    expect(tokens.state).toBe('idle')
    expect(fetch.count).toBe(0)

    const request = tokens.getToken()
    expect(fetch.count).toBe(1)
    expect(fetch.last().refreshToken).toBe('refresh-stored')
    fetch.last().grant('token-new')

    expect(await request).toBe('token-new')
    expect(storage.data.get(KEY)).toBe(stored('token-new', Date.now() + HOUR, 'refresh-stored'))
  })

  it('makes requests that arrive before an async read finishes wait for it, then answers them with the stored token', async () => {
    const fetch = fakeFetch()
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const early = [track(tokens.getToken()), track(tokens.getToken())]
    expect(tokens.state).toBe('idle')
    expect(tokens.queueSize).toBe(2)

    answer(stored('token-stored', Date.now() + HOUR))
    await settle()

    expect(early.map((r) => r.value)).toEqual(['token-stored', 'token-stored'])
    expect(fetch.count).toBe(0)
    expect(tokens.state).toBe('valid')
  })

  it('starts one fetch for the waiting requests when the async read finds nothing usable', async () => {
    const fetch = fakeFetch()
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const early = [tokens.getToken(), tokens.getToken()]
    expect(fetch.count).toBe(0)

    answer(stored('token-stale', Date.now() - 1, 'refresh-stored'))
    await settle()
    expect(fetch.count).toBe(1)
    expect(fetch.last().refreshToken).toBe('refresh-stored')
    fetch.last().grant('token-new')

    expect(await Promise.all(early)).toEqual(['token-new', 'token-new'])
  })

  it('stays idle after an async read of an empty storage until a request comes', async () => {
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    answer(undefined)
    await settle()

    expect(tokens.state).toBe('idle')
    expect(fetch.count).toBe(0)
    expect(await tokens.getToken()).toBe('token-new')
  })

  it('does not restore a token read asynchronously after clear() was called', async () => {
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    tokens.clear()
    answer(stored('token-logged-out', Date.now() + HOUR))
    await settle()

    expect(tokens.state).toBe('idle')
    expect(await tokens.getToken()).toBe('token-new')
  })

  // Regression: clear() during the read sent the machine to idle.empty with the requests still
  // parked and no fetch, so they waited until WAIT_TIMEOUT.
  it('starts a new cycle at once for requests parked during an async read when clear() is called', async () => {
    const fetch = fakeFetch()
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const parked = [tokens.getToken(), tokens.getToken()]

    tokens.clear()
    expect(fetch.count).toBe(1)
    expect(fetch.last().reason).toBe('missing')
    answer(stored('token-logged-out', Date.now() + HOUR))
    fetch.last().grant('token-new')

    expect(await Promise.all(parked)).toEqual(['token-new', 'token-new'])
  })

  // Regression: refresh() before the read finished started a fetch at once, without the stored
  // refresh token, and the read's result was then dropped.
  it('hands the stored refresh token to a refresh() called before an async read finishes', async () => {
    const fetch = fakeFetch()
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const forced = tokens.refresh()

    answer(stored('token-stale', Date.now() - 1, 'refresh-stored'))
    await settle()

    expect(fetch.count).toBe(1)
    expect(fetch.last()).toMatchObject({ reason: 'forced', refreshToken: 'refresh-stored' })
    fetch.last().grant('token-new')
    expect(await forced).toBe('token-new')
  })

  it.each([
    ['corrupt JSON', '{"accessToken":'],
    ['a JSON string', '"token-x"'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['foreign JSON', '{"token":"token-x","ttl":5}'],
    ['an expiry that is not a number', JSON.stringify({ accessToken: 'token-x', expiresAt: 'tomorrow' })],
    ['an empty access token', JSON.stringify({ accessToken: '', expiresAt: 9e12 })],
    ['a non-string refresh token', JSON.stringify({ accessToken: 'token-x', expiresAt: 9e12, refreshToken: 7 })],
    ['a number', 42],
    ['an object instead of its JSON', { accessToken: 'token-x', expiresAt: 9e12 }],
  ])('removes and ignores %s under its key, never throwing', async (_name, value) => {
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const storage = storageWith(value)

    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    expect(storage.remove).toHaveBeenCalledWith(KEY)
    expect(tokens.state).toBe('idle')
    expect(await tokens.getToken()).toBe('token-new')
    expect(fetch.count).toBe(1)
    expect(fetch.last().refreshToken).toBeUndefined()
  })

  it('keeps and uses a stored token with keys this version does not know: another version of the app wrote it', async () => {
    const fetch = fakeFetch()
    const storage = storageWith(JSON.stringify({ accessToken: 'token-x', expiresAt: Date.now() + HOUR, user: 'u', v: 2 }))

    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    expect(storage.remove).not.toHaveBeenCalled()
    expect(tokens.state).toBe('valid')
    expect(await tokens.getToken()).toBe('token-x')
    expect(fetch.count).toBe(0)
  })

  it('removes a corrupt value read asynchronously too', async () => {
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const { storage, answer } = slowStorage()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const request = tokens.getToken()

    answer('not json at all')

    expect(await request).toBe('token-new')
    expect(storage.remove).toHaveBeenCalledWith(KEY)
  })

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
  ])('treats %s as an empty storage and removes nothing', (_name, value) => {
    const storage = storageWith(value)

    createTokenController({ fetchToken: fakeFetch().fetchToken, storage })

    expect(storage.remove).not.toHaveBeenCalled()
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('disk gone')
      },
    ],
    ['rejects', () => Promise.reject(new Error('disk gone'))],
  ])('treats a storage.get that %s as empty and reports storage.failed', async (_name, get) => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const storage = { ...storageWith(undefined), get: vi.fn(get) }

    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, onEvent: (e) => events.push(e) })
    const request = tokens.getToken()

    expect(await request).toBe('token-new')
    expect(events).toContainEqual(expect.objectContaining({ type: 'storage.failed', operation: 'get' }))
  })
})

describe('writing', () => {
  it('writes exactly the JSON string { accessToken, expiresAt } under the key', async () => {
    const storage = storageWith(undefined)
    const fetch = fakeFetch((call) => call.respond({ accessToken: 'token-new', expiresAt: 9_000_000_000_000 }))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })

    await tokens.getToken()

    expect(storage.set).toHaveBeenCalledTimes(1)
    expect(storage.set).toHaveBeenCalledWith(KEY, '{"accessToken":"token-new","expiresAt":9000000000000}')
  })

  it('writes the new token before the parked requests see it', async () => {
    const storage = storageWith(undefined)
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage })
    const seenInStorage: unknown[] = []
    const requests = [1, 2, 3].map(() => tokens.getToken().then(() => seenInStorage.push(storage.data.get(KEY))))

    fetch.last().grant('token-new')
    await Promise.all(requests)

    expect(seenInStorage).toHaveLength(3)
    for (const value of seenInStorage) expect(JSON.parse(value as string)).toMatchObject({ accessToken: 'token-new' })
  })

  it.each([
    [
      'throws',
      () => {
        throw new Error('quota exceeded')
      },
    ],
    ['rejects', () => Promise.reject(new Error('quota exceeded'))],
  ])('keeps the token in memory and reports storage.failed when set %s', async (_name, set) => {
    const events: TokenControllerEvent[] = []
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const storage = { ...storageWith(undefined), set: vi.fn(set) }
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, onEvent: (e) => events.push(e) })

    const first = await Promise.all([tokens.getToken(), tokens.getToken()])
    await settle()

    expect(first).toEqual(['token-new', 'token-new'])
    expect(await tokens.getToken()).toBe('token-new')
    expect(fetch.count).toBe(1)
    expect(tokens.state).toBe('valid')
    expect(events).toContainEqual(expect.objectContaining({ type: 'storage.failed', operation: 'set' }))
  })

  it('never quotes a failing storage error’s message, which could hold the value it failed to write', async () => {
    const events: TokenControllerEvent[] = []
    const storage: TokenStorage = {
      get: () => undefined,
      set: (_key, value) => {
        throw new Error(`cannot write ${value}`)
      },
      remove: () => undefined,
    }
    const tokens = createTokenController({
      fetchToken: fakeFetch((call) => call.grant('token-secret-value')).fetchToken,
      storage,
      onEvent: (e) => events.push(e),
    })

    await tokens.getToken()

    expect(events.some((e) => e.type === 'storage.failed')).toBe(true)
    expect(JSON.stringify(events)).not.toContain('token-secret-value')
  })

  it('reports a failing remove on clear() without throwing', () => {
    const events: TokenControllerEvent[] = []
    const storage = { ...storageWith(undefined), remove: vi.fn(() => Promise.reject(new Error('locked'))) }
    const tokens = createTokenController({ fetchToken: fakeFetch().fetchToken, storage, onEvent: (e) => events.push(e) })

    expect(() => tokens.clear()).not.toThrow()
    return settle().then(() => {
      expect(events).toContainEqual(expect.objectContaining({ type: 'storage.failed', operation: 'remove' }))
    })
  })
})

describe('storageKey', () => {
  it('reads and writes under the given key only', async () => {
    const storage = storageWith(stored('token-stored', Date.now() + HOUR), 'my-app:token')
    storage.data.set(KEY, stored('token-default-key', Date.now() + HOUR))
    const fetch = fakeFetch((call) => call.grant('token-new'))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, storage, storageKey: 'my-app:token' })

    expect(await tokens.getToken()).toBe('token-stored')
    await tokens.refresh()

    expect(storage.get).toHaveBeenCalledWith('my-app:token')
    expect(storage.set).toHaveBeenCalledWith('my-app:token', expect.stringContaining('token-new'))
    expect(storage.data.get(KEY)).toBe(stored('token-default-key', Date.now() + HOUR))
    tokens.clear()
    expect(storage.remove).toHaveBeenCalledWith('my-app:token')
    expect(storage.data.has(KEY)).toBe(true)
  })

  it('works with the shipped memoryStorage across two controllers, like an app restart', async () => {
    const storage = memoryStorage()
    const first = createTokenController({ fetchToken: fakeFetch((call) => call.grant('token-1')).fetchToken, storage })
    await first.getToken()
    first.stop()

    const fetch = fakeFetch()
    const second = createTokenController({ fetchToken: fetch.fetchToken, storage })

    expect(await second.getToken()).toBe('token-1')
    expect(fetch.count).toBe(0)
  })
})
