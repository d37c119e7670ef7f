// The model suite's only window into XState's private fields, written against xstate 5.33.3 (pinned exactly in
// package.json while this file exists). XState has no public way to list the state nodes a snapshot is in, to hear
// the transitions of each microstep of a pure `transition()` call, or to see which delayed events an actor has
// scheduled; the model needs all three to take every transition and to tell XState's timers from the
// controller's. After an XState upgrade, fix this file first: nothing else in test/ touches an `_` field.
import type { AnyActorScope, AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate'

/** The state nodes (compound and atomic) a snapshot is in: `snapshot._nodes`. */
export function activeNodes(snapshot: object): AnyStateNode[] {
  return (snapshot as { _nodes: AnyStateNode[] })._nodes
}

/** The `xstate.after.*` events the states of `snapshot` wait for. */
export function delayedEventTypes(snapshot: object): string[] {
  return activeNodes(snapshot).flatMap((node) => [...node.transitions.keys()].filter((type) => type.startsWith('xstate.after.')))
}

/**
 * A view of `system` that hands each microstep's transitions to `onMicrostep`: a macrostep reports its microsteps
 * through the private `_sendInspectionEvent`, and the microstep event carries them as `_transitions`.
 */
export function listenToMicrosteps(
  system: AnyActorScope['system'],
  onMicrostep: (transitions: AnyTransitionDefinition[]) => void,
): AnyActorScope['system'] {
  const view = Object.create(system) as AnyActorScope['system'] & { _sendInspectionEvent(event: InspectionEvent): void }
  view._sendInspectionEvent = (event) => {
    if (event.type === '@xstate.microstep') onMicrostep(event._transitions)
  }
  return view
}

/** The part of an actor system that holds its delayed events: `getSnapshot()._scheduledEvents`, keyed. */
export interface SchedulingSystem {
  getSnapshot(): unknown
}

/** The delayed events `system` has scheduled and not yet delivered or cancelled, by XState's key. */
export function scheduledEvents(system: SchedulingSystem): Array<[key: string, eventType: string]> {
  const { _scheduledEvents } = system.getSnapshot() as { _scheduledEvents: Record<string, { event: { type: string } }> }
  return Object.entries(_scheduledEvents).map(([key, scheduled]) => [key, scheduled.event.type])
}
