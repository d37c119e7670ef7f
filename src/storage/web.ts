// TokenStorage over a localStorage-like object (`localStorage`, `sessionStorage`, or any getItem/setItem/removeItem).
import type { TokenStorage } from './types.ts'

/**
 * The three Web Storage calls this uses.
 *
 * @example
 * webStorage(sessionStorage) // in a browser page
 */
export interface WebStorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * A `TokenStorage` over a Web Storage object. A missing key reads as `null` (what `getItem` returns).
 * The store is passed in, never looked up, so this file touches no browser global.
 *
 * @example
 * const storage = webStorage(localStorage)
 * storage.set('token', 'abc')
 * storage.get('token') // 'abc'
 */
export function webStorage(store: WebStorageLike): TokenStorage {
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.getItem !== 'function' ||
    typeof store.setItem !== 'function' ||
    typeof store.removeItem !== 'function'
  ) {
    throw new TypeError('webStorage: `store` must have getItem, setItem and removeItem (e.g. localStorage)')
  }
  // Called as methods: real Storage objects throw "Illegal invocation" when detached from `this`.
  return {
    get: (key) => store.getItem(key),
    set: (key, value) => store.setItem(key, value),
    remove: (key) => store.removeItem(key),
  }
}
