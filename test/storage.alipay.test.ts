// myStorage: Alipay's `{ key, data }` storage calls under the TokenStorage shape, and its typed errors.
import { afterEach, describe, expect, it } from 'vitest'
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
  })
})
