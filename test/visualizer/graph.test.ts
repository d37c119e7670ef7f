// The diagram's data comes from the real tokenMachine: every state and every transition of the
// definition, walked here independently of the extraction, must be in the graph with its guard and delay.
import { describe, expect, it } from 'vitest'
import { tokenMachine } from '../../machines/token.machine.ts'
import { activePaths, allStates, allTransitions, extractGraph } from '../../visualizer/src/diagram/graph.ts'

type Node = { path: string[]; states: Record<string, Node>; transitions: Map<string, Array<{ target?: Array<{ path: string[] }> }>> }

function definitionTransitions(node: Node): Array<{ source: string; eventType: string; target: string | undefined }> {
  const own = [...node.transitions].flatMap(([eventType, candidates]) =>
    candidates.map((t) => ({ source: node.path.join('.'), eventType, target: t.target?.[0]?.path.join('.') })),
  )
  return [...own, ...Object.values(node.states).flatMap(definitionTransitions)]
}

describe('extractGraph(tokenMachine)', () => {
  const graph = extractGraph(tokenMachine)

  it('has the four top-level states and their children, by dotted path', () => {
    expect(graph.root.children.map((s) => s.path)).toEqual(['idle', 'valid', 'refreshing', 'failed'])
    expect(allStates(graph).map((s) => s.path)).toEqual(
      expect.arrayContaining(['idle.hydrating', 'idle.refreshQueued', 'idle.empty', 'refreshing.fetching', 'refreshing.waitingToRetry']),
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
      expect.objectContaining({ label: 'after retryBackoff', target: 'refreshing.fetching', actions: [] }),
    ])
    expect(allTransitions(graph)).toContainEqual(
      expect.objectContaining({
        source: 'valid',
        eventType: 'token.invalidate',
        guard: 'isCurrentToken',
        actions: ['emitTokenInvalidated', 'forgetAccessToken', 'startCycle'],
      }),
    )
  })

  it('marks the initial child of each compound state', () => {
    expect(graph.root.initial).toBe('idle')
    expect(allStates(graph).find((s) => s.path === 'refreshing')?.initial).toBe('refreshing.fetching')
  })
})

describe('activePaths', () => {
  it('lists a nested value as its parent and its child', () => {
    expect(activePaths({ refreshing: 'fetching' })).toEqual(['refreshing', 'refreshing.fetching'])
    expect(activePaths('valid')).toEqual(['valid'])
  })
})
