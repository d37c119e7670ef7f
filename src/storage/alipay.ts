// TokenStorage over an Alipay mini-program's synchronous storage (mini-program.ts does the work; `my`'s calls take
// `{ key, data }` objects, and a read answers `{ data }`).
import { miniProgramStorage, type MiniProgramStorageApi } from './mini-program.ts'
import type { TokenStorage } from './types.ts'

/**
 * The three `my` storage calls this uses, in Alipay's shape.
 *
 * @example
 * myStorage(my) // the global `my` is the default
 */
export interface MyStorageApi {
  getStorageSync(options: { key: string }): { data?: unknown } | undefined | void
  setStorageSync(options: { key: string; data: unknown }): unknown
  removeStorageSync(options: { key: string }): unknown
}

// Module-local: src has no platform types, and only Alipay mini-programs define `my`.
declare const my: MyStorageApi | undefined

/**
 * A `TokenStorage` over `my.getStorageSync({ key })` / `setStorageSync({ key, data })` / `removeStorageSync({ key })`.
 * Synchronous, as uniStorage and wxStorage are, so the token is read before the first request. Pass `myApi` to use
 * another object; by default the global `my`.
 *
 * @example
 * const tokens = createTokenController({ fetchToken, storage: myStorage() })
 */
export function myStorage(myApi?: MyStorageApi): TokenStorage {
  const lookUp = () => (typeof my === 'undefined' ? undefined : my)
  return miniProgramStorage('myStorage', 'my', myApi as unknown as MiniProgramStorageApi | undefined, lookUp, wxShaped)
}

// `my`'s calls with wx's shape: a key argument instead of `{ key }`, the value instead of `{ data }`.
function wxShaped(api: MiniProgramStorageApi): MiniProgramStorageApi {
  const keyed = api as unknown as MyStorageApi
  return {
    getStorageSync(key) {
      const found = keyed.getStorageSync({ key })
      return found ? found.data : undefined
    },
    setStorageSync(key, data) {
      keyed.setStorageSync({ key, data })
    },
    removeStorageSync(key) {
      keyed.removeStorageSync({ key })
    },
  }
}
