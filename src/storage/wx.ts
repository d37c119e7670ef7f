// TokenStorage over a WeChat mini-program's synchronous storage. The global `wx` is looked up at call time,
// so creating one is safe anywhere; using it where `wx` does not exist throws a TypeError.
import type { TokenStorage } from './types.ts'

/**
 * The three `wx` storage calls this uses.
 *
 * @example
 * wxStorage(wx) // the global `wx` is the default
 */
export interface WxStorageApi {
  getStorageSync(key: string): unknown
  setStorageSync(key: string, data: unknown): void
  removeStorageSync(key: string): void
}

// Module-local: src has no platform types, and only WeChat mini-programs define `wx`.
declare const wx: WxStorageApi | undefined

/**
 * A `TokenStorage` over `wx.getStorageSync` / `setStorageSync` / `removeStorageSync`. A missing key reads
 * as `''` (what wx returns). Pass `wxApi` to use another object; by default the global `wx`.
 *
 * @example
 * const storage = wxStorage()
 * storage.set('token', 'abc')
 * storage.get('token') // 'abc'
 */
export function wxStorage(wxApi?: WxStorageApi): TokenStorage {
  if (wxApi !== undefined && !isStorageApi(wxApi)) {
    throw new TypeError('wxStorage: `wxApi` must have getStorageSync, setStorageSync and removeStorageSync')
  }
  const api = (): WxStorageApi => {
    if (wxApi) return wxApi
    if (typeof wx !== 'undefined' && isStorageApi(wx)) return wx
    throw new TypeError('wxStorage: no global `wx` here; pass a wx-like object or use another storage')
  }
  return {
    get: (key) => api().getStorageSync(key),
    set: (key, value) => api().setStorageSync(key, value),
    remove: (key) => api().removeStorageSync(key),
  }
}

function isStorageApi(value: unknown): value is WxStorageApi {
  const api = value as WxStorageApi | null
  return (
    typeof api === 'object' &&
    api !== null &&
    typeof api.getStorageSync === 'function' &&
    typeof api.setStorageSync === 'function' &&
    typeof api.removeStorageSync === 'function'
  )
}
