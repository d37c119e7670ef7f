// TokenStorage over uni-app's synchronous storage. The global `uni` is looked up at call time, so creating
// one is safe anywhere; using it where `uni` does not exist throws a TypeError.
import type { TokenStorage } from './types.ts'

/**
 * The three `uni` storage calls this uses.
 *
 * @example
 * uniStorage(uni) // the global `uni` is the default
 */
export interface UniStorageApi {
  getStorageSync(key: string): unknown
  setStorageSync(key: string, data: unknown): void
  removeStorageSync(key: string): void
}

// Module-local: src has no platform types, and only uni-app defines `uni`.
declare const uni: UniStorageApi | undefined

/**
 * A `TokenStorage` over `uni.getStorageSync` / `setStorageSync` / `removeStorageSync`. A missing key reads
 * as `''` (what uni returns). Pass `uniApi` to use another object; by default the global `uni`.
 *
 * @example
 * const storage = uniStorage()
 * storage.set('token', 'abc')
 * storage.get('token') // 'abc'
 */
export function uniStorage(uniApi?: UniStorageApi): TokenStorage {
  if (uniApi !== undefined && !isStorageApi(uniApi)) {
    throw new TypeError('uniStorage: `uniApi` must have getStorageSync, setStorageSync and removeStorageSync')
  }
  const api = (): UniStorageApi => {
    if (uniApi) return uniApi
    if (typeof uni !== 'undefined' && isStorageApi(uni)) return uni
    throw new TypeError('uniStorage: no global `uni` here; pass a uni-like object or use another storage')
  }
  return {
    get: (key) => api().getStorageSync(key),
    set: (key, value) => api().setStorageSync(key, value),
    remove: (key) => api().removeStorageSync(key),
  }
}

function isStorageApi(value: unknown): value is UniStorageApi {
  const api = value as UniStorageApi | null
  return (
    typeof api === 'object' &&
    api !== null &&
    typeof api.getStorageSync === 'function' &&
    typeof api.setStorageSync === 'function' &&
    typeof api.removeStorageSync === 'function'
  )
}
