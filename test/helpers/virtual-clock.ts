// The one clock of the test suite: hand it to the controller as `now` and `clock`, and time moves only when the test
// says so. Two lines: timers run on a monotonic line, `now()` is the wall clock, which `jump` moves alone (a phone's
// clock reset by its user). Delays past 2^31 - 1 ms overflow and fire after 1 ms, as in Node.
import type fc from 'fast-check'
import type { Clock } from '../../src/index.ts'

/** The longest delay setTimeout honours; a longer one overflows. */
export const MAX_TIMER_MS = 2_147_483_647

export interface VirtualTimer {
  readonly id: number
  /** The delay asked for, before any overflow. */
  readonly delayMs: number
  /** When it comes due, epoch ms on the monotonic line (the wall clock's time until a `jump`). */
  readonly dueAt: number
  readonly callback: () => void
}

export interface VirtualClockOptions {
  /** The wall clock at the start, epoch ms. Default: 2026-01-01T00:00:00Z. */
  start?: number
  /**
   * fast-check's scheduler: each timer also becomes a scheduled task, and releasing it moves time to the
   * timer's due time, firing everything due by then in order. The scheduler may make a timer late, or land it
   * at the same instant as an answer, but never fires a later deadline before an earlier one.
   */
  scheduler?: fc.Scheduler
  /** Called as each timer is set (the model suite tells XState's timers from the controller's here). */
  onSet?: (timer: VirtualTimer) => void
  /** What setTimeout hands back instead of the timer's id (`() => undefined`: a platform with no handle). */
  handle?: (id: number) => unknown
}

export interface VirtualClock extends Clock {
  /** The wall clock, epoch ms: hand it to the controller as `now` (it needs no `this`). */
  now(): number
  /**
   * Moves both lines by `ms`, firing every timer that comes due on the way, in due order (a timer set by a
   * callback fires in the same call if it comes due in time). `{ fire: false }` fires nothing: overdue timers
   * wait for `fire`.
   */
  advance(ms: number, options?: { fire?: boolean }): void
  /** Moves the wall clock only: timers keep their due times. */
  jump(ms: number): void
  /**
   * Fires the pending timers set for `delayMs` (or those `match` picks), soonest first, whatever else is due: time
   * moves to each one's due time if that is later. Throws if none matches.
   */
  fire(match: number | ((timer: VirtualTimer) => boolean)): VirtualTimer[]
  /** Pending timers (set, not fired or cleared), soonest first. */
  timers(): VirtualTimer[]
  /** Time left (ms) on each pending timer, soonest first. */
  pending(): number[]
  /** Every delay ever handed to setTimeout, as asked (before any overflow), in order. */
  readonly requested: number[]
}

/** A clock that moves only when the test says so: `advance`, `jump`, `fire`, or fast-check's `scheduler`. */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const { start = Date.UTC(2026, 0, 1), scheduler, onSet, handle } = options
  // Both lines start at `start`; `jump` opens an offset between them.
  let monotonic = start
  let offset = 0
  let nextId = 1
  const live = new Map<number, VirtualTimer>()
  const handles = new Map<unknown, number>()
  const requested: number[] = []

  const soonestFirst = (a: VirtualTimer, b: VirtualTimer) => a.dueAt - b.dueAt || a.id - b.id
  const timers = () => [...live.values()].sort(soonestFirst)

  function run(timer: VirtualTimer): void {
    live.delete(timer.id)
    monotonic = Math.max(monotonic, timer.dueAt)
    timer.callback()
  }

  function runUntil(until: number): void {
    for (let [due] = timers(); due && due.dueAt <= until; [due] = timers()) run(due)
    monotonic = Math.max(monotonic, until)
  }

  return {
    requested,
    now: () => monotonic + offset,
    setTimeout(callback, ms) {
      const timer: VirtualTimer = { id: nextId++, delayMs: ms, dueAt: monotonic + (ms > MAX_TIMER_MS ? 1 : Math.max(0, ms)), callback }
      requested.push(ms)
      live.set(timer.id, timer)
      onSet?.(timer)
      if (scheduler) {
        // A cleared timer's task does nothing: time moves only for timers that fire, or by advance().
        void scheduler.schedule(Promise.resolve(), `timer ${ms} ms`).then(() => {
          if (live.has(timer.id)) runUntil(timer.dueAt)
        })
      }
      if (!handle) return timer.id
      const given = handle(timer.id)
      if (typeof given === 'object' && given !== null) handles.set(given, timer.id)
      return given
    },
    clearTimeout(given) {
      // With a custom handle, only an object one (not undefined, say) identifies its timer.
      live.delete((handle ? handles.get(given) : given) as number)
    },
    advance(ms, { fire = true } = {}) {
      if (fire) runUntil(monotonic + ms)
      else monotonic += ms
    },
    jump(ms) {
      offset += ms
    },
    fire(match) {
      const matches = typeof match === 'number' ? (timer: VirtualTimer) => timer.delayMs === match : match
      const due = timers().filter(matches)
      if (due.length === 0) throw new Error(`virtual clock: no pending timer matches ${String(match)}`)
      // A callback may clear a later match: that one stays unfired.
      for (const timer of due) if (live.has(timer.id)) run(timer)
      return due
    },
    timers,
    pending: () => timers().map((timer) => timer.dueAt - monotonic),
  }
}
