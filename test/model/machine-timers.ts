// Which of the virtual clock's timers are XState's: a model path may let a wait deadline pass while a fetch
// timeout is pending, or the other way round, and one clock sweeping time cannot order both ways, so each timer
// fires by name, never by sweep. XState records a delayed event in its system before it calls setTimeout: that
// is how a timer gets its owner.
import { createVirtualClock, type VirtualClock, type VirtualTimer } from '../helpers/virtual-clock.ts'
import { scheduledEvents, type SchedulingSystem } from './xstate-internals.ts'

export interface OwnedTimer extends VirtualTimer {
  /** `machine`: a delayed event of XState's scheduler; `controller`: the controller's own wait deadline. */
  readonly owner: 'machine' | 'controller'
  /** For a machine timer: the delayed event's type, e.g. `xstate.after.retryBackoff.token.refreshing.waitingToRetry`. */
  readonly event: string | undefined
  /** XState's key for a machine timer, so a re-entered state's timer is told apart from a fired one. */
  readonly key: string | undefined
}

export interface MachineTimers {
  /** The one virtual clock: hand it to the controller as `now` and `clock`. */
  readonly clock: VirtualClock
  watch(system: SchedulingSystem): void
  pending(): OwnedTimer[]
  /** Fires the one pending machine timer for `event`, at its due time. */
  fireMachineTimer(event: string): OwnedTimer
  /** Moves the clock to `until` and fires the controller's timers due by then, as often as they re-arm. */
  passDeadline(until: number): number
}

type Owner = Pick<OwnedTimer, 'owner' | 'event' | 'key'>

export function machineTimers(start: number): MachineTimers {
  let system: SchedulingSystem | undefined
  const owners = new Map<number, Owner>()
  const clock = createVirtualClock({ start, onSet: (timer) => owners.set(timer.id, ownerOf()) })
  const pending = (): OwnedTimer[] => clock.timers().map((timer) => ({ ...timer, ...owners.get(timer.id)! }))

  function ownerOf(): Owner {
    if (!system) throw new Error('machine timers: a timer was set before watch(system)')
    const claimed = new Set(pending().map((timer) => timer.key))
    const fresh = scheduledEvents(system).filter(([key]) => !claimed.has(key))
    if (fresh.length > 1) throw new Error(`machine timers: ${fresh.length} delayed events scheduled at once`)
    const [entry] = fresh
    return entry ? { owner: 'machine', event: entry[1], key: entry[0] } : { owner: 'controller', event: undefined, key: undefined }
  }

  return {
    clock,
    watch(watched) {
      system = watched
    },
    pending,
    fireMachineTimer(event) {
      const machine = pending().filter((timer) => timer.owner === 'machine')
      const timer = machine.find((candidate) => candidate.event === event)
      if (!timer || machine.length !== 1) {
        throw new Error(`machine timers: expected one machine timer for ${event}, found ${JSON.stringify(machine.map((t) => t.event))}`)
      }
      clock.fire((candidate) => candidate.id === timer.id)
      return timer
    },
    passDeadline(until) {
      clock.advance(Math.max(0, until - clock.now()), { fire: false })
      let fired = 0
      for (;;) {
        const [first] = pending().filter((timer) => timer.owner === 'controller' && timer.dueAt <= clock.now())
        if (!first) return fired
        if (++fired > 100) throw new Error('machine timers: the deadline timer keeps re-arming at the same instant')
        clock.fire((candidate) => candidate.id === first.id)
      }
    },
  }
}
