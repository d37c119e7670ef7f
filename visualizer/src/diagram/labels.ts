// How a transition reads in every picture: `event [guard] / action, action`. One place, so the SVG, its
// hover text and the Mermaid file agree.
import type { GraphTransition } from './graph.ts'

export function edgeLabel(transition: GraphTransition): string {
  return transition.guard === undefined ? transition.label : `${transition.label} [${transition.guard}]`
}

export function fullLabel(transition: GraphTransition): string {
  const actions = transition.actions.length > 0 ? ` / ${transition.actions.join(', ')}` : ''
  const reenter = transition.reenter ? ' (re-enters)' : ''
  return `${edgeLabel(transition)}${actions}${reenter}`
}
