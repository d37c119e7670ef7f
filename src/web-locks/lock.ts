// The right to refresh: a Web Lock held for one attempt at most, and taken by force (`steal`) from a holder frozen
// past its attempt. Which waiter steals, and when, is decided through the holder's stamp in IndexedDB (store.ts).
//
// When to steal. A holder took the lock at `since` (its stamp). Its attempt is bounded by `fetchTimeoutMs` on its
// own timer, and the driver releases the lock when the attempt ends (even if fetchToken ignores its signal); so a
// live holder lets go by `since + fetchTimeoutMs`. One still holding at that time plus STEAL_GRACE_MS (room for a
// late timer) is frozen (a discarded or suspended tab, a debugger) and is stolen from. The waiter's own attempt
// also ends at its start + `fetchTimeoutMs` (the machine's timer), and it came after the holder: the deadline
// `since + fetchTimeoutMs + grace` falls inside that window unless the waiter arrived within the grace of the
// holder's start. Then the waiter's attempt times out first, and its retry (a new acquire) finds the stamp already
// stale and steals at once. Once: the steal is claimed in a readwrite transaction that replaces the stale stamp,
// so the other waiters see a fresh holder and wait for it. A steal can cost at most one extra upstream call (the
// frozen holder's, if it wakes); it cannot put an older token back, since publishing is a versioned compare-and-set.
import { AbortedError } from '../errors.ts'
import { createAbortHandle, type AbortSignalLike } from '../abort.ts'
import { CoordinatorUnavailableError } from '../coordination/errors.ts'
import type { LockManagerLike } from './browser.types.ts'
import type { HolderStamp, SharedStore } from './store.ts'
import { later } from './timer.ts'

const STEAL_GRACE_MS = 250

/** A granted Web Lock. `release()` is idempotent; `lost` turns true when another tab stole it. */
export interface HeldLock {
  readonly id: string
  readonly lost: boolean
  /** True the first time (the lock is let go now), false after. */
  release(): boolean
}

export interface LockRequest {
  readonly locks: LockManagerLike
  readonly lockName: string
  readonly store: SharedStore
  readonly signal: AbortSignalLike
  readonly fetchTimeoutMs: number
}

/** Waits for the lock (abortable by the attempt's signal), stealing it once from a holder frozen past its attempt. */
export function waitForLock(request: LockRequest): Promise<HeldLock> {
  const { locks, lockName, store, signal, fetchTimeoutMs } = request
  const id = randomId()
  const queued = createAbortHandle()
  let done = false
  let cancelCheck = () => {}
  const isStale = (stamp: HolderStamp) => Date.now() >= stamp.since + fetchTimeoutMs + STEAL_GRACE_MS

  return new Promise<HeldLock>((resolve, reject) => {
    const finish = () => {
      done = true
      cancelCheck()
      signal.removeEventListener('abort', onAbort)
    }
    const onAbort = () => {
      if (done) return
      finish()
      queued.abort(signal.reason)
      reject(new AbortedError(signal.reason))
    }
    const granted = (held: HeldLock) => {
      if (done || signal.aborted) {
        held.release()
        if (!done) onAbort()
        return
      }
      finish()
      resolve(held)
    }
    const failed = (error: unknown) => {
      if (done) return
      finish()
      reject(lockFailure(error))
    }

    // A waiter that stays queued reads the holder's stamp, and steals when it is stale.
    const check = () => {
      if (done) return
      store.holder().then((stamp) => {
        if (done) return
        if (stamp === undefined) {
          // The holder has not written its stamp yet (or the lock is free and ours is on its way): look again.
          cancelCheck = later(Math.max(50, fetchTimeoutMs / 4), check)
          return
        }
        if (!isStale(stamp)) {
          cancelCheck = later(stamp.since + fetchTimeoutMs + STEAL_GRACE_MS - Date.now(), check)
          return
        }
        store.claim(stamp.id, { id, since: Date.now() }, isStale).then((claimed) => {
          if (done) return
          if (!claimed) {
            check()
            return
          }
          // Leave the queue and take the lock; `steal` cannot be combined with a signal: granted() checks it.
          cancelCheck()
          queued.abort()
          take(locks, lockName, id, { steal: true }).then(granted, failed)
        }, stopChecking)
      }, stopChecking)
    }
    // IndexedDB failing here does not stop the wait in the queue; the holder's own bound still ends its turn.
    const stopChecking = () => undefined

    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort)
    take(locks, lockName, id, { signal: queued.signal }).then(granted, (error: unknown) => {
      // Our own abort (the attempt ended, or we left the queue to steal) is handled where it was made.
      if (!queued.signal.aborted) failed(error)
    })
    check()
  })
}

// One lock request: resolves when granted with a handle whose release() ends the callback's promise.
function take(
  locks: LockManagerLike,
  lockName: string,
  id: string,
  options: { signal?: AbortSignalLike; steal?: boolean },
): Promise<HeldLock> {
  return new Promise<HeldLock>((resolve, reject) => {
    let end = () => {}
    const held = new Promise<void>((resolveHeld) => {
      end = resolveHeld
    })
    let ended = false
    const handle = {
      id,
      lost: false,
      release: () => {
        if (ended) return false
        ended = true
        end()
        return true
      },
    }
    let grantedOnce = false
    locks
      .request(lockName, options, () => {
        grantedOnce = true
        resolve(handle)
        return held
      })
      .then(undefined, (error: unknown) => {
        // After the grant, a rejection means another tab stole the lock from us.
        if (grantedOnce) handle.lost = true
        else reject(error)
      })
  })
}

function lockFailure(error: unknown): unknown {
  if (error instanceof AbortedError || error instanceof CoordinatorUnavailableError) return error
  const name = error instanceof Error ? error.name : typeof error
  return new CoordinatorUnavailableError(`web-locks coordinator: the Web Lock request failed (${name})`, { cause: error })
}

function randomId(): string {
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2)
}
