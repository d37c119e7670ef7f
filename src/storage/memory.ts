// An in-memory TokenStorage: the default when nothing should outlive the page, and the one tests use.
import type { TokenStorage } from './types.ts'

/**
 * A `TokenStorage` backed by a `Map`. A missing key reads as `undefined`; nothing survives a restart.
 *
 * @example
 * const storage = memoryStorage()
 * storage.set('token', 'abc')
 * storage.get('token') // 'abc'
 */
export function memoryStorage(): TokenStorage {
  const values = new Map<string, string>()
  return {
    get: (key) => values.get(key),
    set: (key, value) => {
      values.set(key, value)
    },
    remove: (key) => {
      values.delete(key)
    },
  }
}
