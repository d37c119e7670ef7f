// A clock the fault tests move by hand while real sockets stay on real time: the controller's timers
// (backoff, Retry-After, fetch timeout, wait deadlines) fire only on `advance`, and its wall clock
// (`now`) can jump by hours without any timer noticing, as a phone's clock does when the user resets it.
// It keeps the platform's rule for delays past 2^31 - 1 ms: they overflow and fire after 1 ms, as in Node
// (browsers fire them at once), so a test sees what such a timer really does.
import type { Clock } from '../../src/index.ts'

interface Timer {
  id: number
  /** On the monotonic line, which `jump` never moves. */
  dueAt: number
  delayMs: number
  callback: () => void
}

/** The longest delay setTimeout honours; a longer one overflows. */
export const MAX_TIMER_MS = 2_147_483_647

export interface VirtualClock extends Clock {
  /** The wall clock, epoch ms: hand it to the controller as `now`. */
  now(): number
  /** Moves both clocks by `ms`, firing every timer that comes due on the way, in order. */
  advance(ms: number): void
  /** Moves the wall clock only: timers keep their monotonic due times. */
  jump(ms: number): void
  /** Time left (ms) on each pending timer, in the order they were set. */
  pending(): number[]
  /** Every delay ever handed to setTimeout, as asked (before any overflow), in order. */
  readonly requested: number[]
}

export function createVirtualClock(startAt = Date.UTC(2026, 0, 1)): VirtualClock {
  let wall = startAt
  let monotonic = 0
  let nextId = 1
  const timers = new Map<number, Timer>()
  const requested: number[] = []

  function nextDue(limit: number): Timer | undefined {
    let next: Timer | undefined
    for (const timer of timers.values()) {
      if (timer.dueAt <= limit && (next === undefined || timer.dueAt < next.dueAt)) next = timer
    }
    return next
  }

  return {
    requested,
    now: () => wall,
    setTimeout(callback, ms) {
      const id = nextId++
      const delayMs = ms > MAX_TIMER_MS ? 1 : Math.max(0, ms)
      requested.push(ms)
      timers.set(id, { id, dueAt: monotonic + delayMs, delayMs, callback })
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    advance(ms) {
      const target = monotonic + ms
      // A timer set by a callback fires in this same advance if it comes due before the target.
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        wall += timer.dueAt - monotonic
        monotonic = timer.dueAt
        timers.delete(timer.id)
        timer.callback()
      }
      wall += target - monotonic
      monotonic = target
    },
    jump(ms) {
      wall += ms
    },
    pending: () => [...timers.values()].map((t) => t.dueAt - monotonic),
  }
}
