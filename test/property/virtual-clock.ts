// A clock whose time moves only when fast-check's scheduler says so: every timer the controller
// (and XState through it) sets becomes a scheduled task. Releasing it moves time to its deadline and
// fires every timer due by then in deadline order, so the scheduler may make a timer late, or make it
// land at the same instant as an answer, but never fires a later deadline before an earlier one.
// The wall clock (`now`) can also jump, as a phone's clock does, without moving the timers.
import type fc from 'fast-check'

interface Timer {
  readonly id: number
  readonly at: number
  readonly callback: () => void
}

export interface VirtualClock {
  /** Epoch ms, as the controller's `now`. */
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  /** Time passes by `ms`, firing what falls due on the way. */
  advance(ms: number): void
  /** The wall clock jumps by `ms` (back or forth): `now()` moves, timers keep their durations. */
  jump(ms: number): void
  /** Timers set and not yet fired or cleared. */
  readonly pending: number
}

export const EPOCH = 1_700_000_000_000

export function virtualClock(scheduler: fc.Scheduler, start = EPOCH): VirtualClock {
  // Timers run on `time`, monotonic; `now()` is the wall clock, which may jump by `offset`.
  let time = start
  let offset = 0
  let nextId = 1
  const timers = new Map<number, Timer>()

  function fireUntil(until: number): void {
    for (;;) {
      let due: Timer | undefined
      for (const timer of timers.values()) {
        if (timer.at <= until && (due === undefined || timer.at < due.at || (timer.at === due.at && timer.id < due.id))) due = timer
      }
      if (due === undefined) break
      timers.delete(due.id)
      time = Math.max(time, due.at)
      due.callback()
    }
    time = Math.max(time, until)
  }

  return {
    now: () => time + offset,
    setTimeout(callback, ms) {
      const timer: Timer = { id: nextId++, at: time + Math.max(0, ms), callback }
      timers.set(timer.id, timer)
      // A cleared timer's task does nothing: time moves only for timers that fire, or by advance().
      void scheduler.schedule(Promise.resolve(), `timer ${ms} ms`).then(() => {
        if (timers.has(timer.id)) fireUntil(timer.at)
      })
      return timer.id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      fireUntil(time + ms)
    },
    jump(ms) {
      offset += ms
    },
    get pending() {
      return timers.size
    },
  }
}
