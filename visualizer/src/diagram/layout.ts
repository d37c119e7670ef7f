// Lays the machine graph out with elkjs (layered, orthogonal edges, nested states inside their parents).
// The same code runs in the page and in `npm run diagram` under Node; the result is absolute coordinates.
import ELK from 'elkjs/lib/elk.bundled.js'
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api'
import type { GraphState, GraphTransition, MachineGraph } from './graph.ts'
import { edgeLabel, fullLabel } from './labels.ts'
import { LINE_HEIGHT, TEXT_SIZE, TITLE_SIZE, textWidth } from './text.ts'

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export interface StateBox extends Box {
  state: GraphState
  /** Lines under the title: entry actions, invoked actors. */
  notes: string[]
  /** Transitions without a target, listed inside the state with their label. */
  internal: Array<{ transition: GraphTransition; text: string }>
}

export interface EdgeLine {
  transition: GraphTransition
  points: Array<{ x: number; y: number }>
  label: Box & { text: string }
}

export interface InitialMarker {
  /** The compound state whose initial child it points at. */
  parent: string
  x: number
  y: number
  points: Array<{ x: number; y: number }>
}

export interface DiagramLayout {
  width: number
  height: number
  states: StateBox[]
  edges: EdgeLine[]
  initials: InitialMarker[]
}

const PAD = 12
const TITLE_HEIGHT = 24
const INITIAL_SIZE = 10

const nodeId = (path: string) => `s:${path}`
const initialId = (path: string) => `i:${path}`

/**
 * `overrides` replace ELK options on the diagram and on every compound state (ELK reads spacing from the
 * node whose children it places): the page asks for a squarer picture than docs/token-machine.svg, which
 * `npm run diagram` lays out with the defaults (CI compares that file byte for byte).
 */
export async function layoutGraph(graph: MachineGraph, overrides: Record<string, string> = {}): Promise<DiagramLayout> {
  const boxes = new Map<string, Omit<StateBox, keyof Box>>()
  const edges: ElkExtendedEdge[] = []
  const transitions = new Map<string, GraphTransition>()

  const toElk = (state: GraphState): ElkNode => {
    const notes = [...state.entry.map((a) => `entry / ${a}`), ...state.invoke.map((src) => `invoke ${src}`)]
    const internal = state.transitions
      .filter((t) => t.target === undefined)
      .map((transition) => ({ transition, text: fullLabel(transition) }))
    boxes.set(state.path, { state, notes, internal })
    for (const transition of state.transitions) {
      if (transition.target === undefined) continue
      transitions.set(transition.id, transition)
      const text = edgeLabel(transition)
      edges.push({
        id: `e:${transition.id}`,
        sources: [nodeId(transition.source)],
        targets: [nodeId(transition.target)],
        labels: [{ text, width: textWidth(text), height: LINE_HEIGHT }],
      })
    }
    const title = state.path === '' ? `${graph.id} (machine)` : state.key
    const lines = [...notes, ...internal.map((i) => i.text)]
    const textHeight = TITLE_HEIGHT + lines.length * LINE_HEIGHT
    const minWidth = Math.max(textWidth(title, TITLE_SIZE), ...lines.map((l) => textWidth(l, TEXT_SIZE))) + 2 * PAD
    if (state.children.length === 0) {
      return { id: nodeId(state.path), width: Math.max(minWidth, 110), height: Math.max(textHeight + PAD, 44) }
    }
    const children: ElkNode[] = state.children.map(toElk)
    if (state.initial !== undefined) {
      children.unshift({ id: initialId(state.path), width: INITIAL_SIZE, height: INITIAL_SIZE })
      edges.push({ id: `ie:${state.path}`, sources: [initialId(state.path)], targets: [nodeId(state.initial)] })
    }
    return {
      id: nodeId(state.path),
      children,
      layoutOptions: {
        'elk.padding': `[top=${textHeight + PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${minWidth}, ${textHeight + PAD})`,
        ...overrides,
      },
    }
  }

  const top: ElkNode = {
    id: 'diagram',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '18',
      'elk.spacing.edgeEdge': '12',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
      ...overrides,
    },
    children: [toElk(graph.root)],
    edges,
  }

  const result = await new ELK().layout(top)

  // Absolute positions: ELK gives each node relative to its parent, each edge relative to its container.
  const absolute = new Map<string, { x: number; y: number }>([['diagram', { x: 0, y: 0 }]])
  const states: StateBox[] = []
  const initials: InitialMarker[] = []
  const place = (node: ElkNode, parent: { x: number; y: number }) => {
    const at = { x: parent.x + (node.x ?? 0), y: parent.y + (node.y ?? 0) }
    absolute.set(node.id, at)
    if (node.id.startsWith('s:')) {
      const box = boxes.get(node.id.slice(2)) as Omit<StateBox, keyof Box>
      states.push({ ...box, x: at.x, y: at.y, width: node.width ?? 0, height: node.height ?? 0 })
    } else if (node.id.startsWith('i:')) {
      initials.push({ parent: node.id.slice(2), x: at.x + INITIAL_SIZE / 2, y: at.y + INITIAL_SIZE / 2, points: [] })
    }
    for (const child of node.children ?? []) place(child, at)
  }
  for (const child of result.children ?? []) place(child, { x: 0, y: 0 })

  const lines: EdgeLine[] = []
  const collect = (node: ElkNode) => {
    for (const edge of node.edges ?? []) {
      const offset = absolute.get(edge.container ?? node.id) ?? { x: 0, y: 0 }
      const points = (edge.sections ?? [])
        .flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint])
        .map((p) => ({ x: p.x + offset.x, y: p.y + offset.y }))
      if (edge.id.startsWith('ie:')) {
        const marker = initials.find((m) => m.parent === edge.id.slice(3))
        if (marker) marker.points = points
        continue
      }
      const label = edge.labels?.[0]
      lines.push({
        transition: transitions.get(edge.id.slice(2)) as GraphTransition,
        points,
        label: {
          text: label?.text ?? '',
          x: (label?.x ?? 0) + offset.x,
          y: (label?.y ?? 0) + offset.y,
          width: label?.width ?? 0,
          height: label?.height ?? 0,
        },
      })
    }
    for (const child of node.children ?? []) collect(child)
  }
  collect(result)

  return { width: result.width ?? 0, height: result.height ?? 0, states, edges: lines, initials }
}
