// The wait deadline: one timer for the earliest deadline among the parked requests, instead of one each.
// The machine holds the requests and rejects them; this only tells it, with `waiter.timeout`, once the oldest
// one's deadline has passed, then sets itself for the next.
import { MAX_TIMER_MS } from '../machines/backoff.ts'
import type { Waiter } from '../machines/token.types.ts'
import type { Clock } from './options.ts'

export interface DeadlineTimer {
  /**
   * Sets the timer for the oldest parked request, unless it is set. `latest`: the deadline of a request parked
   * inside a step (from onEvent), which the snapshot does not hold yet.
   */
  arm(latest?: number): void
  /** Clears the timer. */
  stop(): void
}

/**
 * `oldestParked`: the oldest request the machine holds (its deadline is the earliest). `isRunning`: false once the
 * controller stopped, when no timer is set. `timeOut`: sends `waiter.timeout` for it (nothing once stopped).
 */
export function createDeadlineTimer(
  clock: Clock,
  now: () => number,
  oldestParked: () => Waiter | undefined,
  isRunning: () => boolean,
  timeOut: (waiter: Waiter) => void,
): DeadlineTimer {
  let handle: unknown = undefined

  function arm(latest?: number): void {
    if (handle !== undefined || !isRunning()) return
    const oldest = oldestParked()
    const deadline = oldest ? oldest.deadline : latest
    if (deadline === undefined) return
    // Capped: after the wall clock jumps back by weeks, an overflowing delay would fire every millisecond.
    handle = clock.setTimeout(expireOverdue, Math.min(MAX_TIMER_MS, Math.max(0, deadline - now())))
    // Node only: a pending deadline alone should not keep a script alive.
    const unref = (handle as { unref?: () => void } | null)?.unref
    if (typeof unref === 'function') unref.call(handle)
  }

  function expireOverdue(): void {
    handle = undefined
    const at = now()
    // The oldest parked waiter is pending: the machine rejects it and prunes settled ones from the head.
    for (let oldest = oldestParked(); oldest && oldest.deadline <= at; oldest = oldestParked()) {
      timeOut(oldest)
      // Still the oldest: the controller stopped (onEvent heard the rejection), or a clock that calls back inside
      // a step got the event queued. Never spin: arm() tries again on the next turn, if still running.
      if (oldestParked() === oldest) break
    }
    arm()
  }

  function stop(): void {
    if (handle !== undefined) clock.clearTimeout(handle)
    handle = undefined
  }

  return { arm, stop }
}
