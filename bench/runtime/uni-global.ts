// The one `uni` global every contender sees during a bench: `request` goes to whichever transport the
// running cell selected, storage is a plain Map. The seed also calls `setStorage` and `showToast`.
import type { UniRequestOptions, UniRequestTask } from '../../test/helpers/uni-shim.ts'

export type UniRequest = (options: UniRequestOptions) => UniRequestTask

export interface BenchUni {
  request: UniRequest
  getStorageSync(key: string): unknown
  setStorageSync(key: string, value: unknown): void
  removeStorageSync(key: string): void
  setStorage(options: { key: string; data: unknown; success?: () => void; complete?: () => void }): void
  showToast(options: unknown): void
}

const storage = new Map<string, unknown>()
let current: UniRequest = () => {
  throw new Error('bench: no transport selected (call useTransport first)')
}

const benchUni: BenchUni = {
  // Looked up at call time: luch-request reads `uni.request` on every dispatch. uni's dataType defaults
  // to 'json' (the seed relies on it); luch-request always passes one, so it pays no copy here.
  request: (options) => current(options.dataType === undefined ? { ...options, dataType: 'json' } : options),
  // uni answers '' for a key it does not hold.
  getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key, value) => void storage.set(key, value),
  removeStorageSync: (key) => void storage.delete(key),
  // Asynchronous like the real one: the callbacks run after the call returns.
  setStorage: ({ key, data, success, complete }) => {
    storage.set(key, data)
    queueMicrotask(() => {
      success?.()
      complete?.()
    })
  },
  showToast: () => {},
}

/** Installs the bench `uni` once per process. */
export function installBenchUni(): BenchUni {
  ;(globalThis as { uni?: unknown }).uni = benchUni
  return benchUni
}

/** Routes `uni.request` to this transport until the next call. */
export function useTransport(request: UniRequest): void {
  current = request
}

/** Storage is global, like on a device: each contender instance starts from a clean one. */
export function resetUniStorage(): void {
  storage.clear()
}
