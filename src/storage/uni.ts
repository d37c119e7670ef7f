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
  return miniProgramStorage('uniStorage', 'uni', uniApi, () => (typeof uni === 'undefined' ? undefined : uni))
}
