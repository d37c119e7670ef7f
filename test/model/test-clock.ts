// The controller's clock in the model suite: `now` and every timer, fired only when a model step says
// so. A model path may let a wait deadline pass while a fetch timeout is pending, or the other way
// round; one real or fake clock cannot order both ways, so each timer fires by name, never by sweep.
import type { Clock } from '../../src/index.ts'

/** The part of XState's actor system the clock reads: the delayed events it has scheduled. */
export interface SchedulingSystem {
  getSnapshot(): { _scheduledEvents: Record<string, { event: { type: string } }> }
}

export interface TestTimer {
  readonly id: number
  readonly ms: number
  readonly dueAt: number
  /** `machine`: a delayed event of XState's scheduler; `controller`: the controller's own wait deadline. */
  readonly owner: 'machine' | 'controller'
  /** For a machine timer: the delayed event's type, e.g. `xstate.after.retryBackoff.token.refreshing.waitingToRetry`. */
  readonly event: string | undefined
  readonly callback: () => void
  /** XState's key for a machine timer, so a re-entered state's timer is told apart from a fired one. */
  readonly key: string | undefined
}

export interface TestClock {
  readonly clock: Clock
  readonly now: number
  /** XState records a delayed event in its system before it calls setTimeout: that is how timers get their owner. */
  watch(system: SchedulingSystem): void
  /** Lets `ms` pass without firing anything (requests arriving a millisecond apart). */
  tick(ms: number): void
  pending(): TestTimer[]
  /** Fires the one pending machine timer for `event`, at its due time. */
  fireMachineTimer(event: string): TestTimer
  /** Moves `now` to `until` and fires the controller's timers due by then, as often as they re-arm. */
  passDeadline(until: number): number
}

export function createTestClock(start: number): TestClock {
  let now = start
  let nextId = 1
  let system: SchedulingSystem | undefined
  const timers = new Map<number, TestTimer>()

  function ownerOf(): { owner: 'machine' | 'controller'; event: string | undefined; key: string | undefined } {
    if (!system) throw new Error('test clock: a timer was set before watch(system)')
    const claimed = new Set([...timers.values()].map((timer) => timer.key))
    const fresh = Object.entries(system.getSnapshot()._scheduledEvents).filter(([key]) => !claimed.has(key))
    if (fresh.length > 1) throw new Error(`test clock: ${fresh.length} delayed events scheduled at once`)
    const [entry] = fresh
    return entry
      ? { owner: 'machine', event: entry[1].event.type, key: entry[0] }
      : { owner: 'controller', event: undefined, key: undefined }
  }

  function run(timer: TestTimer): void {
    timers.delete(timer.id)
    now = Math.max(now, timer.dueAt)
    timer.callback()
  }

  return {
    clock: {
      setTimeout(callback: () => void, ms: number): unknown {
        const id = nextId++
        timers.set(id, { id, ms, dueAt: now + ms, callback, ...ownerOf() })
        return id
      },
      clearTimeout(handle: unknown): void {
        timers.delete(handle as number)
      },
    },
    get now() {
      return now
    },
    watch(watched) {
      system = watched
    },
    tick(ms) {
      now += ms
    },
    pending() {
      return [...timers.values()]
    },
    fireMachineTimer(event) {
      const machineTimers = [...timers.values()].filter((timer) => timer.owner === 'machine')
      const timer = machineTimers.find((candidate) => candidate.event === event)
      if (!timer || machineTimers.length !== 1) {
        throw new Error(`test clock: expected one machine timer for ${event}, found ${JSON.stringify(machineTimers.map((t) => t.event))}`)
      }
      run(timer)
      return timer
    },
    passDeadline(until) {
      now = Math.max(now, until)
      let fired = 0
      for (;;) {
        const due = [...timers.values()].filter((timer) => timer.owner === 'controller' && timer.dueAt <= now)
        const [first] = due.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)
        if (!first) return fired
        if (++fired > 100) throw new Error('test clock: the deadline timer keeps re-arming at the same instant')
        run(first)
      }
    },
  }
}
