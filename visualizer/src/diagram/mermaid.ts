// The machine graph as a Mermaid `stateDiagram-v2`, for the README (GitHub renders it). Transitions sit in
// the innermost composite block that holds both ends; a transition without a target is drawn as a loop on
// its state, and the root's own (they apply in every state) are listed as comments.
import { allStates, type GraphState, type GraphTransition, type MachineGraph } from './graph.ts'
import { fullLabel } from './labels.ts'

export function toMermaid(graph: MachineGraph): string {
  const states = allStates(graph)
  const keys = new Map<string, number>()
  for (const state of states) keys.set(state.key, (keys.get(state.key) ?? 0) + 1)
  // Mermaid ids are global: a state's key when unique, its path with underscores when not.
  const idOf = (path: string) => {
    const state = states.find((s) => s.path === path) as GraphState
    return keys.get(state.key) === 1 ? state.key : path.replace(/\./g, '_')
  }
  const lines = [`%% Generated from machines/token.machine.ts by \`npm run diagram\`: do not edit by hand.`, 'stateDiagram-v2']
  for (const transition of graph.root.transitions) lines.push(`  %% in every state: ${fullLabel(transition)}`)
  const scopeOf = new Map<string, GraphTransition[]>()
  for (const state of states) {
    for (const transition of state.transitions) {
      if (state.path === '') continue
      const scope = commonScope(transition.source, transition.target ?? transition.source)
      scopeOf.set(scope, [...(scopeOf.get(scope) ?? []), transition])
    }
  }

  const emit = (state: GraphState, indent: string) => {
    if (state.initial !== undefined) lines.push(`${indent}[*] --> ${idOf(state.initial)}`)
    for (const child of state.children) {
      if (child.children.length === 0) continue
      lines.push(`${indent}state ${idOf(child.path)} {`)
      emit(child, `${indent}  `)
      lines.push(`${indent}}`)
    }
    for (const transition of scopeOf.get(state.path) ?? []) {
      const target = transition.target ?? transition.source
      lines.push(`${indent}${idOf(transition.source)} --> ${idOf(target)}: ${mermaidText(fullLabel(transition))}`)
    }
  }
  emit(graph.root, '  ')
  return `${lines.join('\n')}\n`
}

// The innermost composite that contains both ends (a compound state's own loop belongs to its parent).
function commonScope(source: string, target: string): string {
  const a = source.split('.')
  const b = target.split('.')
  const shared: string[] = []
  for (let i = 0; i < Math.min(a.length, b.length) - 1 && a[i] === b[i]; i++) shared.push(a[i] as string)
  // idle → idle.empty: the composite itself is an end, so the edge sits outside it.
  if (source === target || target.startsWith(`${source}.`) || source.startsWith(`${target}.`)) {
    const outer = (source.length < target.length ? source : target).split('.')
    return outer.slice(0, -1).join('.')
  }
  return shared.join('.')
}

// `:` ends a Mermaid label and `;` a statement: swap them for look-alikes.
function mermaidText(text: string): string {
  return text.replace(/:/g, '꞉').replace(/;/g, ',')
}
