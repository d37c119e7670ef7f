// Runs one generated path twice in lockstep: on the model (the real machine, replayed) and on the system
// (the real controller). After each step the system is checked against the model; the states it passes
// are probed with a new request where that changes nothing.
import { expect } from 'vitest'
import type { TestPath } from '@xstate/graph'
import { machineInput, type ModelConfig, type ModelEvent, type TokenSnapshot } from './model.ts'
import { createReplay, type Replay } from './replay.ts'
import { startSystem } from './system.ts'
import { allStateNodes } from './transitions.ts'

export type TokenPath = TestPath<TokenSnapshot, ModelEvent>

/** What one path did: the transitions its steps took (closing request excluded) and the nodes it visited. */
export interface PathRecord {
  steps: number
  transitions: string[]
  visited: Set<string>
}

/** Every event type the machine handles somewhere, plus the init step every path starts with. */
const EVENT_TYPES = ['xstate.init', ...new Set(allStateNodes().flatMap((node) => [...node.transitions.keys()]))]

export function replayFor(config: ModelConfig): Replay {
  const { waitTimeoutMs, leewayMs } = config.options
  return createReplay({ ...machineInput(config.options), waitTimeoutMs, leewayMs })
}

/** The model side alone: which transitions and nodes the path's steps take. */
export function replayPath(config: ModelConfig, path: TokenPath): PathRecord {
  const replay = replayFor(config)
  const transitions = path.steps.slice(1).flatMap((step) => replay.apply(step.event).transitions)
  return { steps: path.steps.length - 1, transitions, visited: replay.visited }
}

export async function runPath(config: ModelConfig, path: TokenPath, keyOf: (snapshot: TokenSnapshot) => string): Promise<PathRecord> {
  const replay = replayFor(config)
  // Only a path that pushes another instance's token needs a coordinator; the others run the controller without one.
  const system = startSystem(config.options, { coordinated: path.steps.some((step) => step.event.type === 'token.shared') })
  const transitions: string[] = []
  let performed = 0
  try {
    // The model explores the very machine configuration the controller built.
    const { retry, leewayMs, refreshAheadMs, fetchTimeoutMs, waitTimeoutMs, maxQueue } = replay.snapshot.context
    expect(system.context).toMatchObject({ retry, leewayMs, refreshAheadMs, fetchTimeoutMs, waitTimeoutMs, maxQueue })

    const step = async (event: ModelEvent): Promise<void> => {
      const before = { accessToken: replay.snapshot.context.accessToken }
      const taken = replay.apply(event)
      await system.perform(event, taken, before)
      system.check(event, replay)
      transitions.push(...taken.transitions)
    }

    const handler = async ({ event }: { event: { type: string } }) => {
      performed++
      if (event.type === 'xstate.init') system.check(undefined, replay)
      else await step(event as ModelEvent)
    }
    await path.test({
      events: Object.fromEntries(EVENT_TYPES.map((type) => [type, handler])),
      states: {
        '*': async (state) => {
          // The replay followed the path the model planned: same abstract state as the explored one.
          expect(replay.key(), 'the replay left the planned path').toBe(keyOf(state))
          await system.probe(replay)
        },
      },
    })
    expect(performed, 'every step of the path was carried out').toBe(path.steps.length)

    const record = { steps: performed - 1, transitions: [...transitions], visited: new Set(replay.visited) }

    // Closing request: what a request gets where the path ends (in idle.empty, failed or a stale valid
    // it starts a refresh, which is why only here and not at every step). Not counted as coverage.
    if (!replay.stopped) await step({ type: 'token.get', waiter: undefined as never, at: 0 })
    return record
  } finally {
    system.end()
  }
}
