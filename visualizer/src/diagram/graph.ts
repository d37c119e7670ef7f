// The machine definition as plain data: states, transitions (event, guard, actions, target), `after` delays,
// invoked actors and entry actions, read from a live XState machine's state nodes. The diagram, the Mermaid
// file and the page's highlighting all come from this, so changing the machine changes every picture.
import type { AnyStateMachine } from 'xstate'

export interface GraphTransition {
  /** Stable id: `<source path>|<XState event type>|<index among that event's candidates>`. */
  id: string
  /** Path of the state that declares it; '' for the machine's root. */
  source: string
  /** What the diagram prints: the event name, `after <delay>` for a delayed transition, `always` for an eventless one. */
  label: string
  /** XState's own event type (`xstate.after.<delay>.<id path>` for delayed ones, '' for eventless `always` ones). */
  eventType: string
  delay?: string
  guard?: string
  actions: string[]
  /** Target state path; undefined for a transition that only runs actions. */
  target?: string
  reenter: boolean
}

export interface GraphState {
  /** Dotted path from the root ('' for the root, `refreshing.fetching` for a child). */
  path: string
  key: string
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history'
  /** Path of the initial child of a compound state. */
  initial?: string
  entry: string[]
  exit: string[]
  invoke: string[]
  transitions: GraphTransition[]
  children: GraphState[]
}

export interface MachineGraph {
  id: string
  root: GraphState
}

// The subset of XState's StateNode we read: typed here so the walk does not depend on internal generics.
interface NodeLike {
  key: string
  path: string[]
  type: GraphState['type']
  states: Record<string, NodeLike>
  initial?: { target?: ReadonlyArray<{ path: string[] }> }
  entry: unknown[]
  exit: unknown[]
  invoke: ReadonlyArray<{ src: unknown }>
  after: ReadonlyArray<{ eventType: string; delay: unknown }>
  transitions: Map<string, ReadonlyArray<TransitionLike>>
  /** Eventless transitions (`always`): XState keeps them apart from `transitions`, under the event type ''. */
  always?: ReadonlyArray<TransitionLike>
}

export interface TransitionLike {
  eventType: string
  source: { path: string[]; always?: ReadonlyArray<TransitionLike> }
  target?: ReadonlyArray<{ path: string[] }>
  guard?: unknown
  actions: unknown[]
  reenter?: boolean
}

// XState's event type for an `always` transition: taken on no event, as soon as its guard holds.
const EVENTLESS = ''

export function extractGraph(machine: AnyStateMachine): MachineGraph {
  return { id: machine.id, root: walk(machine.root as unknown as NodeLike) }
}

/**
 * The id of a live transition definition (from an inspection microstep): matches `GraphTransition.id`. `candidates`
 * are the source's transitions for that event; an eventless one is looked up among the source's `always` instead.
 */
export function transitionId(transition: TransitionLike, candidates: ReadonlyArray<TransitionLike>): string {
  const among = transition.eventType === EVENTLESS ? (transition.source.always ?? candidates) : candidates
  return `${transition.source.path.join('.')}|${transition.eventType}|${among.indexOf(transition)}`
}

/** Every state, depth first, the root first. */
export function allStates(graph: MachineGraph): GraphState[] {
  const out: GraphState[] = []
  const visit = (state: GraphState) => {
    out.push(state)
    state.children.forEach(visit)
  }
  visit(graph.root)
  return out
}

export function allTransitions(graph: MachineGraph): GraphTransition[] {
  return allStates(graph).flatMap((state) => state.transitions)
}

/** The active state paths for a snapshot value: `{ refreshing: 'fetching' }` → ['refreshing', 'refreshing.fetching']. */
export function activePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value]
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    prefix + key,
    ...activePaths(child, `${prefix}${key}.`),
  ])
}

function walk(node: NodeLike): GraphState {
  const path = node.path.join('.')
  const delays = new Map(node.after.map((after) => [after.eventType, nameOf(after.delay)]))
  const transitions: GraphTransition[] = []
  const groups: Array<[string, ReadonlyArray<TransitionLike>]> = [...node.transitions]
  if (node.always !== undefined && node.always.length > 0) groups.push([EVENTLESS, node.always])
  for (const [eventType, candidates] of groups) {
    candidates.forEach((transition, index) => {
      const delay = delays.get(eventType)
      const target = transition.target?.[0]?.path.join('.')
      const guard = transition.guard === undefined ? undefined : nameOf(transition.guard)
      transitions.push({
        id: `${path}|${eventType}|${index}`,
        source: path,
        label: delay !== undefined ? `after ${delay}` : eventType === EVENTLESS ? 'always' : eventType,
        eventType,
        ...(delay === undefined ? {} : { delay }),
        ...(guard === undefined ? {} : { guard }),
        actions: transition.actions.map(nameOf),
        ...(target === undefined ? {} : { target }),
        reenter: transition.reenter === true,
      })
    })
  }
  const initial = node.initial?.target?.[0]?.path.join('.')
  return {
    path,
    key: node.key,
    type: node.type,
    ...(initial === undefined ? {} : { initial }),
    entry: named(node.entry),
    exit: named(node.exit),
    invoke: node.invoke.map((invoke) => nameOf(invoke.src)),
    transitions,
    children: Object.values(node.states).map(walk),
  }
}

// Entry/exit lists also hold XState's own built-ins (the raise that schedules an `after`): show only named ones.
function named(actions: unknown[]): string[] {
  return actions.filter((action) => typeof action !== 'function').map(nameOf)
}

// Named implementations come as strings or `{ type, params }`; an inline function shows as its name or '(inline)'.
function nameOf(thing: unknown): string {
  if (typeof thing === 'string') return thing
  if (typeof thing === 'number') return `${thing} ms`
  if (typeof thing === 'object' && thing !== null && typeof (thing as { type?: unknown }).type === 'string')
    return (thing as { type: string }).type
  if (typeof thing === 'function' && thing.name) return thing.name
  return '(inline)'
}
