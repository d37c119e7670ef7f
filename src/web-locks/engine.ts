// The Web Locks engine: what `createCoordinator` drives in a browser. A Web Lock gives the right to refresh,
// IndexedDB holds the shared record (versioned compare-and-set), BroadcastChannel carries versions. The algorithm
// itself (adopt, else lock, fetch once, publish, release) is the driver's, in src/coordination/coordinate.ts.
import { AbortedError } from '../errors.ts'
import { sharedRecord } from '../coordination/coordinate.ts'
import type { AcquireOutcome, AcquireRequest, CoordinationEngine, PublishedGrant, SharedRecord } from '../coordination/types.ts'
import type { BrowserApis } from './browser.types.ts'
import { createAnnouncer } from './channel.ts'
import { waitForLock, type HeldLock } from './lock.ts'
import { openSharedStore, type StoredToken } from './store.ts'

/** The names one coordinator uses; tabs that share `name` share a token. */
export interface WebLocksNames {
  readonly lockName: string
  readonly dbName: string
  readonly channelName: string
}

export function webLocksEngine(apis: BrowserApis, names: WebLocksNames): CoordinationEngine {
  const store = openSharedStore(apis.indexedDB, names.dbName)
  const announcer = createAnnouncer(apis.openChannel, names.channelName)

  return {
    kind: 'web-locks',
    check(fetchTimeoutMs) {
      // The steal deadline is derived from it (lock.ts); a controller always has a finite positive one.
      if (!(fetchTimeoutMs > 0) || fetchTimeoutMs === Infinity)
        throw new TypeError('webLocksCoordinator: the controller needs a finite fetchTimeoutMs (a frozen holder is stolen from after it)')
    },
    async read() {
      const stored = await store.read()
      if (stored === undefined) return null
      const record = toRecord(stored)
      return record.remainingMs > 0 ? record : null
    },
    async acquire(request: AcquireRequest): Promise<AcquireOutcome> {
      const { signal, knownVersion } = request
      const held = await waitForLock({ locks: apis.locks, lockName: names.lockName, store, signal, fetchTimeoutMs: request.fetchTimeoutMs })
      let stored: StoredToken | undefined
      try {
        stored = await store.enter({ id: held.id, since: Date.now() })
      } catch (error) {
        release(held)
        throw error
      }
      // The lock lasts one attempt at most: if the attempt ends (timeout, clear, stop, an adopted token) before the
      // driver has the lock in hand, or while it fetches, the lock goes with it. A second release is a no-op.
      const onAbort = () => release(held)
      if (signal.aborted || held.lost) {
        release(held)
        if (signal.aborted) throw new AbortedError(signal.reason)
        // Stolen between the grant and our stamp: the thief refreshes; ask again.
        return { kind: 'busy', waitMs: 0 }
      }
      signal.addEventListener('abort', onAbort)
      // Someone refreshed while we waited: no fetch, adopt theirs.
      if (stored !== undefined && stored.version > knownVersion) {
        signal.removeEventListener('abort', onAbort)
        release(held)
        return { kind: 'shared', record: toRecord(stored) }
      }
      return { kind: 'acquired', lock: held, version: stored ? stored.version : 0, record: stored ? toRecord(stored) : null }
    },
    async publish(_lock, expectedVersion, grant: PublishedGrant) {
      const { written, stored } = await store.publish(expectedVersion, grant, Date.now())
      // After `complete` only: a tab woken by the message, or next on the lock, reads what we wrote.
      if (written && stored) announcer.announce(stored.version)
      return { written, record: stored ? toRecord(stored) : null }
    },
    async release(lock) {
      release(lock as HeldLock)
    },
    waitForChange: (ms, signal) => announcer.waitForChange(ms, signal),
    watch: (listener) => announcer.watch(listener),
    async close() {
      announcer.close()
      store.close()
    },
  }

  // Ends the lock's callback at once; the stamp is removed afterwards (only if still ours: the next holder may
  // already have written its own).
  function release(held: HeldLock): void {
    if (held.release()) store.leave(held.id).then(undefined, () => undefined)
  }
}

/** A stored token as the driver reads it: ms left, computed now, never below 0. */
function toRecord(stored: StoredToken): SharedRecord {
  return sharedRecord({
    version: stored.version,
    accessToken: stored.accessToken,
    refreshToken: stored.refreshToken,
    remainingMs: stored.expiresAt === Infinity ? Infinity : Math.max(0, stored.expiresAt - Date.now()),
    lifetimeMs: stored.lifetimeMs,
  })
}
