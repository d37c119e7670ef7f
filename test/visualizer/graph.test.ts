// The diagram's data comes from the real tokenMachine: every state and every transition of the
// definition, walked here independently of the extraction, must be in the graph with its guard and delay.
import { describe, expect, it } from 'vitest'
import { createActor } from 'xstate'
import { tokenMachine } from '../../machines/token.machine.ts'
import type { Waiter } from '../../machines/token.types.ts'
import {
  activePaths,
  allStates,
  allTransitions,
  extractGraph,
  transitionId,
  type TransitionLike,
} from '../../visualizer/src/diagram/graph.ts'

type Candidate = { eventType: string; target?: Array<{ path: string[] }> }
type Node = { path: string[]; states: Record<string, Node>; transitions: Map<string, Candidate[]>; always?: Candidate[] }

// XState keeps eventless (`always`) transitions apart from the others, with the event type ''.
function definitionTransitions(node: Node): Array<{ source: string; eventType: string; target: string | undefined }> {
  const candidates = [...[...node.transitions.values()].flat(), ...(node.always ?? [])]
  const own = candidates.map((t) => ({ source: node.path.join('.'), eventType: t.eventType, target: t.target?.[0]?.path.join('.') }))
  return [...own, ...Object.values(node.states).flatMap(definitionTransitions)]
}

describe('extractGraph(tokenMachine)', () => {
  const graph = extractGraph(tokenMachine)

  it('has the four top-level states and their children, by dotted path', () => {
    expect(graph.root.children.map((s) => s.path)).toEqual(['idle', 'valid', 'refreshing', 'failed'])
    expect(allStates(graph).map((s) => s.path)).toEqual(
      expect.arrayContaining([
        'idle.hydrating',
        'idle.refreshQueued',
        'idle.empty',
        'refreshing.fetching',
        'refreshing.waitingToRetry',
        'refreshing.paused',
        'refreshing.resting',
      ]),
    )
  })

  it('holds every transition of the definition, with the same source, event and target', () => {
    const expected = definitionTransitions(tokenMachine.root as unknown as Node)
    const actual = allTransitions(graph).map((t) => ({ source: t.source, eventType: t.eventType, target: t.target }))
    expect(actual).toEqual(expected)
    expect(new Set(allTransitions(graph).map((t) => t.id)).size).toBe(expected.length)
  })

  it('names guards, delays, actions, entry actions and invoked actors', () => {
    const fetching = allStates(graph).find((s) => s.path === 'refreshing.fetching')
    expect(fetching?.invoke).toEqual(['fetchToken'])
    expect(fetching?.entry).toEqual(['countAttempt'])
    expect(fetching?.transitions).toContainEqual(
      expect.objectContaining({
        label: 'after fetchTimeout',
        delay: 'fetchTimeout',
        guard: 'hasAttemptsLeft',
        target: 'refreshing.waitingToRetry',
      }),
    )
    const retry = allStates(graph).find((s) => s.path === 'refreshing.waitingToRetry')
    expect(retry?.transitions).toEqual([
      expect.objectContaining({ label: 'network.offline', target: 'refreshing.paused', actions: ['markOffline'] }),
      expect.objectContaining({ label: 'after retryBackoff', guard: 'mayRetry', target: 'refreshing.fetching', actions: [] }),
      expect.objectContaining({ label: 'after retryBackoff', delay: 'retryBackoff', target: 'refreshing.paused', actions: [] }),
    ])
    expect(retry?.transitions[2]).not.toHaveProperty('guard')
    expect(allTransitions(graph)).toContainEqual(
      expect.objectContaining({
        source: 'valid',
        eventType: 'token.invalidate',
        guard: 'isCurrentToken',
        actions: ['emitTokenInvalidated', 'forgetAccessToken', 'startCycle'],
      }),
    )
  })

  it('names the refresh-ahead guards and the rest after a failed background cycle', () => {
    const guards = new Set(allTransitions(graph).map((t) => t.guard))
    for (const guard of [
      'canRefreshAhead',
      'isServableAndDueAhead',
      'isServingAhead',
      'isTokenServedAhead',
      'mayRetry',
      'isUnattendedAhead',
    ])
      expect(guards).toContain(guard)
    expect(allTransitions(graph)).toContainEqual(
      expect.objectContaining({
        source: 'valid',
        eventType: 'token.get',
        guard: 'isServableAndDueAhead',
        actions: ['answerWaiter', 'startCycle'],
        target: 'refreshing',
      }),
    )
    expect(allTransitions(graph)).toContainEqual(
      expect.objectContaining({ source: 'valid', eventType: 'token.ahead', guard: 'canRefreshAhead', target: 'refreshing' }),
    )
    // A 401 for the token a background cycle still hands out: no target, the running cycle goes on.
    const servedAhead = allTransitions(graph).find((t) => t.guard === 'isTokenServedAhead')
    expect(servedAhead).toMatchObject({
      source: 'refreshing',
      eventType: 'token.invalidate',
      actions: ['emitTokenInvalidated', 'forgetAccessToken'],
    })
    expect(servedAhead).not.toHaveProperty('target')
    expect(allTransitions(graph)).toContainEqual(
      expect.objectContaining({
        source: 'refreshing.fetching',
        eventType: 'fetch.failed',
        guard: 'isUnattendedAhead',
        target: 'refreshing.resting',
        actions: ['recordError', 'emitRefreshFailed', 'planAheadRest'],
      }),
    )
    const resting = allStates(graph).find((s) => s.path === 'refreshing.resting')
    expect(resting?.transitions).toContainEqual(
      expect.objectContaining({ label: 'after aheadRest', delay: 'aheadRest', target: 'valid', actions: [] }),
    )
    expect(resting?.transitions).toContainEqual(
      expect.objectContaining({ eventType: 'token.get', guard: 'isServingAhead', actions: ['answerWaiter'] }),
    )
  })

  it("labels an eventless (always) transition \"always\", with XState's event type ''", () => {
    const paused = allStates(graph).find((s) => s.path === 'refreshing.paused')
    expect(paused?.transitions).toEqual([
      {
        id: 'refreshing.paused||0',
        source: 'refreshing.paused',
        label: 'always',
        eventType: '',
        guard: 'mayRetry',
        actions: [],
        target: 'refreshing.fetching',
        reenter: false,
      },
    ])
  })

  it('marks the initial child of each compound state', () => {
    expect(graph.root.initial).toBe('idle')
    expect(allStates(graph).find((s) => s.path === 'refreshing')?.initial).toBe('refreshing.fetching')
  })
})

describe('transitionId', () => {
  it('names the transitions a live actor takes as the graph does, the eventless one out of paused included', () => {
    const graph = extractGraph(tokenMachine)
    const known = new Set(allTransitions(graph).map((t) => t.id))
    const taken: string[] = []
    // The machine's own fetchToken fails at once ("not provided"): enough to reach a retry.
    const actor = createActor(tokenMachine, { input: { retry: { attempts: 3, baseDelayMs: 60_000 } } })
    // The simulator's lookup (visualizer/src/sim/simulator.ts): the source's candidates for the event type.
    actor.system.inspect((event) => {
      if (event.type !== '@xstate.microstep') return
      for (const t of (event as unknown as { _transitions: TransitionLike[] })._transitions) {
        const source = t.source as unknown as { transitions: Map<string, TransitionLike[]> }
        taken.push(transitionId(t, source.transitions.get(t.eventType) ?? []))
      }
    })
    actor.start()
    const waiter: Waiter = { id: 1, deadline: Infinity, settled: false, resolve: () => {}, reject: () => {} }
    actor.send({ type: 'token.hydrated', grant: null, at: 0 })
    actor.send({ type: 'token.get', waiter, at: 0 })
    actor.send({ type: 'network.offline' })
    expect(actor.getSnapshot().value).toEqual({ refreshing: 'paused' })
    actor.send({ type: 'network.online', at: 0 })
    expect(actor.getSnapshot().value).toEqual({ refreshing: 'waitingToRetry' })
    actor.stop()

    expect(taken).toContain('refreshing.waitingToRetry|network.offline|0')
    expect(taken).toContain('refreshing.paused||0')
    expect(taken.filter((id) => !known.has(id))).toEqual([])
  })
})

describe('activePaths', () => {
  it('lists a nested value as its parent and its child', () => {
    expect(activePaths({ refreshing: 'fetching' })).toEqual(['refreshing', 'refreshing.fetching'])
    expect(activePaths('valid')).toEqual(['valid'])
  })
})
