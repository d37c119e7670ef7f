// Where the token survives a restart. Sync or async, so uni/wx sync storage and web or
// async stores fit the same shape.

/**
 * A key-value store for the token. Each method may return a value or a promise.
 *
 * @example
 * // Any sync or async key-value store fits:
 * const storage: TokenStorage = {
 *   get: (key) => AsyncStorage.getItem(key),
 *   set: (key, value) => AsyncStorage.setItem(key, value),
 *   remove: (key) => AsyncStorage.removeItem(key),
 * }
 */
export interface TokenStorage {
  get(key: string): unknown | Promise<unknown>
  set(key: string, value: string): void | Promise<void>
  remove(key: string): void | Promise<void>
}
