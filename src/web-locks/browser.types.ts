// The slices of Web Locks, IndexedDB and BroadcastChannel that painless-token/web-locks uses. src/ compiles without
// the DOM library (mini-programs have none), so they are declared here, as narrowly as the engine reads them.
import type { AbortSignalLike } from '../abort.ts'

/** `navigator.locks`: a lock is held until the promise the callback returns settles. */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignalLike; steal?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
}

export interface IdbRequestLike<T> {
  readonly result: T
  readonly error: { readonly name: string } | null
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}

export interface IdbOpenRequestLike extends IdbRequestLike<IdbDatabaseLike> {
  onupgradeneeded: (() => void) | null
  onblocked: (() => void) | null
}

export interface IdbFactoryLike {
  open(name: string, version: number): IdbOpenRequestLike
}

export interface IdbObjectStoreLike {
  get(key: string): IdbRequestLike<unknown>
  put(value: unknown, key: string): unknown
  delete(key: string): unknown
}

export interface IdbTransactionLike {
  readonly error: { readonly name: string } | null
  objectStore(name: string): IdbObjectStoreLike
  abort(): void
  oncomplete: (() => void) | null
  onerror: (() => void) | null
  onabort: (() => void) | null
}

export interface IdbDatabaseLike {
  readonly objectStoreNames: { contains(name: string): boolean }
  createObjectStore(name: string): unknown
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransactionLike
  close(): void
  onversionchange: (() => void) | null
}

export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: { readonly data: unknown }) => void) | null
}

/** The three browser APIs the engine needs, found at construction. */
export interface BrowserApis {
  readonly locks: LockManagerLike
  readonly indexedDB: IdbFactoryLike
  readonly openChannel: (name: string) => BroadcastChannelLike
}
