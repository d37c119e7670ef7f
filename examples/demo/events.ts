// One onEvent for the controller, fanned out to whoever listens (the timeline, the scenario), plus
// "has an event like this happened yet?" flags for the scenario's phases.
import type { TokenControllerEvent } from '../../src/index.ts'

export type Listener = (event: TokenControllerEvent) => void

export interface EventHub {
  /** Pass this as the controller's `onEvent`. */
  emit: Listener
  on(listener: Listener): void
  /** A flag that turns true at the first later event that `matches`. */
  seen(matches: (event: TokenControllerEvent) => boolean): () => boolean
}

export function createEventHub(): EventHub {
  const listeners = new Set<Listener>()
  return {
    emit: (event) => {
      // A snapshot: a listener may add others while we call it.
      for (const listener of Array.from(listeners)) listener(event)
    },
    on: (listener) => void listeners.add(listener),
    seen(matches) {
      let happened = false
      const listener: Listener = (event) => {
        if (!matches(event)) return
        happened = true
        listeners.delete(listener)
      }
      listeners.add(listener)
      return () => happened
    },
  }
}
