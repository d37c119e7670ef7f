// The storage backends: round trips, what a missing key reads as, injected platform objects, missing globals.
import { describe, expect, it } from 'vitest'
import {
  memoryStorage,
  uniStorage,
  webStorage,
  wxStorage,
  type TokenStorage,
  type UniStorageApi,
  type WebStorageLike,
} from '../src/storage/index.ts'

// Behaves like uni/wx sync storage: a missing key reads as ''.
function fakeSyncStorage(): UniStorageApi & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    getStorageSync: (key) => (data.has(key) ? data.get(key) : ''),
    setStorageSync: (key, value) => void data.set(key, value),
    removeStorageSync: (key) => void data.delete(key),
  }
}

// Behaves like localStorage: a missing key reads as null. Methods use `this`, as real Storage does.
class FakeWebStorage implements WebStorageLike {
  readonly data = new Map<string, string>()
  getItem(key: string) {
    return this.data.has(key) ? (this.data.get(key) as string) : null
  }
  setItem(key: string, value: string) {
    this.data.set(key, String(value))
  }
  removeItem(key: string) {
    this.data.delete(key)
  }
}

// Runs `body` with a global `uni` or `wx` defined, then removes it.
function withGlobal<T>(name: 'uni' | 'wx', value: unknown, body: () => T): T {
  Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  try {
    return body()
  } finally {
    delete (globalThis as Record<string, unknown>)[name]
  }
}

async function roundTrip(storage: TokenStorage) {
  await storage.set('token', '{"accessToken":"abc"}')
  const stored = await storage.get('token')
  await storage.remove('token')
  const removed = await storage.get('token')
  return { stored, removed }
}

describe('memoryStorage', () => {
  it('returns what was set, and undefined once removed', async () => {
    expect(await roundTrip(memoryStorage())).toEqual({ stored: '{"accessToken":"abc"}', removed: undefined })
  })

  it('reads a key never set as undefined', () => {
    expect(memoryStorage().get('nothing')).toBeUndefined()
  })

  it('keeps each instance separate', () => {
    const a = memoryStorage()
    const b = memoryStorage()
    a.set('token', 'x')
    expect(b.get('token')).toBeUndefined()
  })

  it('tolerates removing a key never set', () => {
    expect(() => memoryStorage().remove('nothing')).not.toThrow()
  })
})

describe.each([
  ['uniStorage', uniStorage, 'uni'],
  ['wxStorage', wxStorage, 'wx'],
] as const)('%s', (name, create, globalName) => {
  it("returns what was set, and the platform's empty string once removed", async () => {
    const api = fakeSyncStorage()
    expect(await roundTrip(create(api))).toEqual({ stored: '{"accessToken":"abc"}', removed: '' })
    expect(api.data.size).toBe(0)
  })

  it('writes through to the api object it is given', () => {
    const api = fakeSyncStorage()
    create(api).set('token', 'abc')
    expect(api.data.get('token')).toBe('abc')
  })

  it('reads a key never set as the platform does, an empty string', () => {
    expect(create(fakeSyncStorage()).get('nothing')).toBe('')
  })

  it(`uses the global ${globalName} found at call time, not at creation`, () => {
    const storage = create()
    const api = fakeSyncStorage()
    withGlobal(globalName, api, () => storage.set('token', 'abc'))
    expect(api.data.get('token')).toBe('abc')
  })

  it(`throws a TypeError naming ${globalName} when there is no global ${globalName}`, () => {
    expect(globalName in globalThis).toBe(false)
    const storage = create()
    expect(() => storage.get('token')).toThrow(TypeError)
    expect(() => storage.set('token', 'abc')).toThrow(new RegExp(`${name}: no global \`${globalName}\``))
    expect(() => storage.remove('token')).toThrow(TypeError)
  })

  it('throws a TypeError at creation for an api object without the storage calls', () => {
    expect(() => create({ getStorageSync: () => '' } as never)).toThrow(TypeError)
    expect(() => create(null as never)).toThrow(TypeError)
  })
})

describe('webStorage', () => {
  it('returns what was set, and null once removed', async () => {
    expect(await roundTrip(webStorage(new FakeWebStorage()))).toEqual({ stored: '{"accessToken":"abc"}', removed: null })
  })

  it('calls the store as methods, so a Storage that needs `this` works', () => {
    const store = new FakeWebStorage()
    webStorage(store).set('token', 'abc')
    expect(store.data.get('token')).toBe('abc')
    expect(webStorage(store).get('token')).toBe('abc')
  })

  it('reads a key never set as null, as localStorage does', () => {
    expect(webStorage(new FakeWebStorage()).get('nothing')).toBeNull()
  })

  it('throws a TypeError naming store for something that is not a store', () => {
    expect(() => webStorage(undefined as never)).toThrow(TypeError)
    expect(() => webStorage({ getItem: () => null } as never)).toThrow(/`store`/)
  })
})
