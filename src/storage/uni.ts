// TokenStorage over uni-app's synchronous storage (mini-program.ts does the work).
import { miniProgramStorage, type MiniProgramStorageApi } from './mini-program.ts'
import type { TokenStorage } from './types.ts'

/**
 * The three `uni` storage calls this uses.
 *
 * @example
 * uniStorage(uni) // the global `uni` is the default
 */
export type UniStorageApi = MiniProgramStorageApi

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
  return miniProgramStorage('uniStorage', 'uni', uniApi, globalUniStorage)
}

// uni-app's H5 build leaves the global `uni` an empty object and rewrites each `uni.xxx` written in the code (ours
// in node_modules too) into an import of that API: the global's own properties hold no storage there. So the
// default reaches it through member calls written out, which every platform's build understands.
function globalUniStorage(): UniStorageApi | undefined {
  if (typeof uni === 'undefined' || typeof uni.getStorageSync !== 'function') return undefined
  return {
    getStorageSync: (key) => uni!.getStorageSync(key),
    setStorageSync: (key, data) => uni!.setStorageSync(key, data),
    removeStorageSync: (key) => uni!.removeStorageSync(key),
  }
}
