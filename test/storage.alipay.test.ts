// myStorage: Alipay's `{ key, data }` storage calls under the TokenStorage shape, and its typed errors.
import { afterEach, describe, expect, it } from 'vitest'
import { createTokenController } from '../src/index.ts'
import { myStorage } from '../src/entries/alipay.ts'

const global = globalThis as { my?: unknown }
afterEach(() => void delete global.my)

function fakeMy() {
  const map = new Map<string, unknown>()
  return {
    map,
    getStorageSync: ({ key }: { key: string }) => ({ data: map.has(key) ? map.get(key) : null }),
    setStorageSync: ({ key, data }: { key: string; data: unknown }) => void map.set(key, data),
    removeStorageSync: ({ key }: { key: string }) => void map.delete(key),
  }
}

describe('myStorage', () => {
  it('sets with { key, data }, reads back the data, and removes by { key }', () => {
    const my = fakeMy()
    const storage = myStorage(my)

    storage.set('token', 'abc')
    expect(my.map.get('token')).toBe('abc')
    expect(storage.get('token')).toBe('abc')
    storage.remove('token')
    expect(storage.get('token')).toBeNull()
  })

  it('uses the global `my`, looked up at call time, and reads a missing answer as nothing', () => {
    const storage = myStorage()
    global.my = { ...fakeMy(), getStorageSync: () => undefined }

    expect(storage.get('token')).toBeUndefined()
  })

  it('throws a TypeError without a `my`, and for an object without the three calls', () => {
    expect(() => myStorage().get('token')).toThrow(
      new TypeError('myStorage: no global `my` here; pass a my-like object or use another storage'),
    )
    expect(() => myStorage({} as never)).toThrow(TypeError)
    const my = fakeMy()
    const withoutGet = { setStorageSync: my.setStorageSync, removeStorageSync: my.removeStorageSync }
    expect(() => myStorage(withoutGet as never)).toThrow(
      new TypeError('myStorage: `myApi` must have getStorage, setStorage and removeStorage (or their Sync forms)'),
    )
  })
})

/** Only Alipay's asynchronous calls, answering on a later tick as the platform does; `failing` makes every call fail. */
function asyncOnlyMy(failing = false) {
  const map = new Map<string, unknown>()
  type Options = { key: string; data?: unknown; success?: (result?: unknown) => void; fail?: (error: unknown) => void }
  const later = (options: Options, answer: () => unknown) =>
    setTimeout(() => (failing ? options.fail?.({ error: 12, errorMessage: 'storage failed' }) : options.success?.(answer())))
  return {
    map,
    getStorage: (options: Options) => later(options, () => ({ data: map.has(options.key) ? map.get(options.key) : null })),
    setStorage: (options: Options) => later(options, () => void map.set(options.key, options.data)),
    removeStorage: (options: Options) => later(options, () => void map.delete(options.key)),
  }
}

describe('myStorage over my.getStorage / setStorage / removeStorage (no Sync forms)', () => {
  it('sets with { key, data }, reads back the data and removes by { key }, each as a promise', async () => {
    const my = asyncOnlyMy()
    const storage = myStorage(my)

    await expect(storage.set('token', 'abc')).resolves.toBeUndefined()
    expect(my.map.get('token')).toBe('abc')
    await expect(storage.get('token')).resolves.toBe('abc')
    await expect(storage.remove('token')).resolves.toBeUndefined()
    await expect(storage.get('token')).resolves.toBeNull()
  })

  it("rejects with the platform's fail result", async () => {
    const storage = myStorage(asyncOnlyMy(true))

    await expect(storage.get('token')).rejects.toEqual({ error: 12, errorMessage: 'storage failed' })
    await expect(storage.set('token', 'abc')).rejects.toEqual({ error: 12, errorMessage: 'storage failed' })
    await expect(storage.remove('token')).rejects.toEqual({ error: 12, errorMessage: 'storage failed' })
  })

  it('keeps the token across a restart of the controller', async () => {
    const my = asyncOnlyMy()
    let fetches = 0
    const fetchToken = async () => ({ access_token: `token-${++fetches}`, expires_in: 3600 })
    const first = createTokenController({ fetchToken, storage: myStorage(my) })
    await expect(first.getToken()).resolves.toBe('token-1')
    await new Promise((resolve) => setTimeout(resolve, 5))
    first.stop()

    const second = createTokenController({ fetchToken, storage: myStorage(my) })
    await expect(second.getToken()).resolves.toBe('token-1')
    expect(fetches).toBe(1)
    second.stop()
  })
})
