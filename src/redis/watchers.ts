// Who hears an announced version: `watch` listeners and `waitForChange` waiters. Pub/sub is at-most-once, so while
// the subscription is down (connecting, reconnecting, refused) the version counter is polled every pollIntervalMs.
import type { AbortSignalLike } from '../abort.ts'

declare function setTimeout(callback: () => void, ms: number): unknown
declare function clearTimeout(handle: unknown): void

export interface Watchers {
  /** A version announced on the channel, or found by the poll. */
  announce(version: number): void
  /** Called as an acquire starts: an announcement after it wakes the next wait at once (it may have been missed). */
  mark(): void
  wait(ms: number, signal: AbortSignalLike): Promise<void>
  add(listener: (version: number) => void): () => void
  /** Polls while `live()` says the subscription is down. */
  start(live: () => boolean): void
  stop(): void
}

export function createWatchers(pollIntervalMs: number, readVersion: () => Promise<number>): Watchers {
  let listeners: Array<(version: number) => void> = []
  let waiters: Array<() => void> = []
  let announcements = 0
  let marked = 0
  let highest = 0
  let timer: unknown
  let stopped = false

  function announce(version: number): void {
    if (!Number.isInteger(version) || version < 1) return
    if (version > highest) highest = version
    announcements += 1
    const woken = waiters
    waiters = []
    for (const wake of woken) wake()
    for (const listener of listeners.slice()) listener(version)
  }

  function poll(live: () => boolean): void {
    if (stopped) return
    timer = setTimeout(() => {
      // Only what pub/sub would have said: a version above the highest heard. Redis down too: try next time.
      const due = !live() && (listeners.length > 0 || waiters.length > 0)
      const read = due ? readVersion().then((version) => (version > highest ? announce(version) : undefined)) : Promise.resolve()
      read.then(undefined, ignore).then(() => poll(live))
    }, pollIntervalMs)
  }

  return {
    announce,
    mark() {
      marked = announcements
    },
    wait(ms, signal) {
      if (announcements !== marked || signal.aborted) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timeout)
          signal.removeEventListener('abort', done)
          waiters = waiters.filter((waiter) => waiter !== done)
          resolve()
        }
        const timeout = setTimeout(done, ms)
        signal.addEventListener('abort', done)
        waiters.push(done)
      })
    },
    add(listener) {
      listeners.push(listener)
      return () => {
        listeners = listeners.filter((other) => other !== listener)
      }
    },
    start(live) {
      poll(live)
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      const woken = waiters
      waiters = []
      for (const wake of woken) wake()
    },
  }
}

function ignore(): void {}
