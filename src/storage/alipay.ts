// TokenStorage over an Alipay mini-program's storage. `my`'s calls take `{ key, data }` objects and a read answers
// `{ data }` (wx's take a key and answer the value). Each operation uses the synchronous call when `my` has it, so the
// token is read before the first request, and else the asynchronous one (`my.getStorage` / `setStorage` /
// `removeStorage`, with success/fail), as a promise: TokenStorage takes either.
import type { TokenStorage } from './types.ts'

type Callbacks = { success?: (result: any) => void; fail?: (error: unknown) => void }

/**
 * `my`'s storage calls, in Alipay's shape: for each of get, set and remove, the Sync call or the async one.
 *
 * @example
 * myStorage(my) // the global `my` is the default
 */
export interface MyStorageApi {
  getStorageSync?(options: { key: string }): { data?: unknown } | undefined | void
  setStorageSync?(options: { key: string; data: unknown }): unknown
  removeStorageSync?(options: { key: string }): unknown
  getStorage?(options: { key: string } & Callbacks): unknown
  setStorage?(options: { key: string; data: unknown } & Callbacks): unknown
  removeStorage?(options: { key: string } & Callbacks): unknown
}

// Module-local: src has no platform types, and only Alipay mini-programs define `my`.
declare const my: MyStorageApi | undefined

const OPERATIONS = ['getStorage', 'setStorage', 'removeStorage'] as const

/**
 * A `TokenStorage` over `my.getStorage({ key })` / `setStorage({ key, data })` / `removeStorage({ key })`, using
 * their Sync forms where `my` has them. Pass `myApi` to use another object; by default the global `my`, looked up
 * at each call. Without one (or with an object missing a call in both forms) it throws a TypeError.
 *
 * @example
 * const tokens = createTokenController({ fetchToken, storage: myStorage() })
 */
export function myStorage(myApi?: MyStorageApi): TokenStorage {
  if (myApi !== undefined && !isMyStorage(myApi)) {
    throw new TypeError('myStorage: `myApi` must have getStorage, setStorage and removeStorage (or their Sync forms)')
  }
  const api = (): MyStorageApi => {
    const found = myApi || (typeof my === 'undefined' ? undefined : my)
    if (!isMyStorage(found)) throw new TypeError('myStorage: no global `my` here; pass a my-like object or use another storage')
    return found
  }
  return {
    get: (key) => {
      const storage = api()
      if (storage.getStorageSync) return dataOf(storage.getStorageSync({ key }))
      return settled(storage, 'getStorage', { key }).then(dataOf)
    },
    set: (key, data) => {
      const storage = api()
      if (storage.setStorageSync) storage.setStorageSync({ key, data })
      else return settled(storage, 'setStorage', { key, data }).then(() => undefined)
    },
    remove: (key) => {
      const storage = api()
      if (storage.removeStorageSync) storage.removeStorageSync({ key })
      else return settled(storage, 'removeStorage', { key }).then(() => undefined)
    },
  }
}

function dataOf(found: { data?: unknown } | undefined | void): unknown {
  return found ? found.data : undefined
}

/** One async storage call as a promise: its success result, or its fail result as the rejection. */
function settled(storage: MyStorageApi, call: (typeof OPERATIONS)[number], options: { key: string; data?: unknown }): Promise<any> {
  return new Promise((resolve, reject) => {
    ;(storage[call] as (options: object) => unknown)(Object.assign({}, options, { success: resolve, fail: reject }))
  })
}

function isMyStorage(value: unknown): value is MyStorageApi {
  const api = value as { [call: string]: unknown } | null
  if (typeof api !== 'object' || api === null) return false
  for (const call of OPERATIONS) if (typeof api[call + 'Sync'] !== 'function' && typeof api[call] !== 'function') return false
  return true
}
