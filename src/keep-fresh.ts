// keepFresh: one timer for the start of the held token's soft window, so that a background refresh starts when no
// request asks (a server holding a client-credential token). It only tells the machine, with `token.ahead`; the
// machine decides (hidden, offline, a cycle already running). Set each time the machine enters `valid` or holds a
// new token there; cleared when it leaves `valid` (clear(), logout(), a refresh) and when the controller stops.
import { MAX_TIMER_MS } from '../machines/backoff.ts'
import { softWindowOf } from '../machines/token.machine.ts'
import type { TokenContext } from '../machines/token.types.ts'
import type { Clock } from './options.ts'

export interface KeepFreshTimer {
  /** Follows the machine: call with every snapshot. */
  follow(inValid: boolean, context: TokenContext): void
  /** Clears the timer for good. */
  stop(): void
}

export function createKeepFreshTimer(clock: Clock, now: () => number, startAhead: (at: number) => void): KeepFreshTimer {
  let handle: unknown = undefined
  // The generation the timer was set for while in valid; -1: not in valid. A refusal (hidden, offline) leaves the
  // machine in valid with the same token, so the timer is not set again: app.show / network.online take over.
  let armedGeneration = -1
  let stopped = false
  let startsAt = Infinity

  function follow(inValid: boolean, context: TokenContext): void {
    if (!inValid) return clear()
    if (stopped || context.generation === armedGeneration) return
    clear()
    armedGeneration = context.generation
    startsAt = context.expiresAt - softWindowOf(context)
    // A token that never expires by time (defaultLifetimeMs: Infinity) needs no timer.
    if (!(startsAt < Infinity)) return
    arm()
  }

  function arm(): void {
    handle = clock.setTimeout(fire, Math.min(MAX_TIMER_MS, Math.max(0, startsAt - now())))
    // Node only: keep-fresh alone should not keep a script alive; a server has its listener for that.
    const unref = (handle as { unref?: () => void } | null)?.unref
    if (typeof unref === 'function') unref.call(handle)
  }

  function fire(): void {
    handle = undefined
    const at = now()
    // Early: a delay cut to MAX_TIMER_MS, a wall clock set back, a platform timer that fires a little early.
    if (at < startsAt) return arm()
    startAhead(at)
  }

  function clear(): void {
    if (handle !== undefined) clock.clearTimeout(handle)
    handle = undefined
    armedGeneration = -1
  }

  function stop(): void {
    stopped = true
    clear()
  }

  return { follow, stop }
}
