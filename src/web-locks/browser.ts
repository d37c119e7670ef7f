// Finds Web Locks, IndexedDB and BroadcastChannel at construction, behind typeof: a browser without one of them
// gets a TypeError naming what is missing, never a silent fallback to localStorage (the issue measured that
// localStorage behind a lock hands stale tokens to the next holder).
import type { BroadcastChannelLike, BrowserApis, IdbFactoryLike, LockManagerLike } from './browser.types.ts'

declare const navigator: { readonly locks?: LockManagerLike } | undefined
declare const indexedDB: IdbFactoryLike | undefined
declare const BroadcastChannel: (new (name: string) => BroadcastChannelLike) | undefined

/** The browser's APIs, or a TypeError listing each one this runtime lacks. */
export function browserApis(): BrowserApis {
  const locks = typeof navigator === 'object' && navigator !== null ? navigator.locks : undefined
  const idb = typeof indexedDB === 'object' && indexedDB !== null ? indexedDB : undefined
  const Channel = typeof BroadcastChannel === 'function' ? BroadcastChannel : undefined
  const missing: string[] = []
  if (!locks || typeof locks.request !== 'function') missing.push('navigator.locks (Web Locks)')
  if (!idb || typeof idb.open !== 'function') missing.push('indexedDB')
  if (!Channel) missing.push('BroadcastChannel')
  if (!locks || !idb || !Channel || missing.length > 0) {
    throw new TypeError(
      `webLocksCoordinator: this runtime lacks ${missing.join(', ')}; Web Locks, IndexedDB and BroadcastChannel are all required (there is no localStorage fallback)`,
    )
  }
  return { locks, indexedDB: idb, openChannel: (name) => new Channel(name) }
}
