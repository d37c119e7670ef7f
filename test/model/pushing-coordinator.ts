// The model suite's stand-in for another instance: a `coordinator` whose only other instance is the test. A test
// double of the TokenCoordinator contract, not an engine (the driver and the engines have their own suites:
// test/coordination/): a `token.shared` step hands a grant to the controller exactly as the driver does once it read
// an announced record (`host.adopt`), and each refresh attempt runs the app's fetchToken once, as the driver does in
// 'local' mode (version 0: the machine holds no shared version after it). So the model's fetch steps mean what they
// meant without a coordinator, and the controller's own wiring (adopt → token.shared, refresh → fetch) is what runs.
import type { CoordinatorHost, SharedGrant, TokenCoordinator } from '../../src/coordination/types.ts'

export interface PushingCoordinator {
  readonly coordinator: TokenCoordinator
  /** Another instance published `grant`: the controller hears it as the driver would tell it. */
  push(grant: SharedGrant): void
  /** How often the controller closed the connection (stop()). */
  readonly closed: number
}

export function pushingCoordinator(): PushingCoordinator {
  let host: CoordinatorHost | undefined
  let closed = 0
  const coordinator: TokenCoordinator = {
    connect(connected) {
      host = connected
      return {
        // Nothing is shared yet when the controller starts: hydration is storage's alone.
        read: () => Promise.resolve(null),
        refresh: (attempt) => attempt.fetch(attempt.signal, undefined).then((grant) => Object.assign(grant, { version: 0 }) as SharedGrant),
        close: () => {
          closed++
        },
      }
    },
  }
  return {
    coordinator,
    push(grant) {
      if (!host) throw new Error('pushing coordinator: the controller never connected')
      host.adopt(grant)
    },
    get closed() {
      return closed
    },
  }
}
