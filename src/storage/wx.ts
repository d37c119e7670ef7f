// TokenStorage over a WeChat mini-program's synchronous storage (mini-program.ts does the work).
import { miniProgramStorage, type MiniProgramStorageApi } from './mini-program.ts'
import type { TokenStorage } from './types.ts'

/**
 * The three `wx` storage calls this uses.
 *
 * @example
 * wxStorage(wx) // the global `wx` is the default
 */
export type WxStorageApi = MiniProgramStorageApi

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
  return miniProgramStorage('wxStorage', 'wx', wxApi, () => (typeof wx === 'undefined' ? undefined : wx))
}
