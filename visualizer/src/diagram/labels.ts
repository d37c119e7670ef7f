// How a transition reads in every picture: `event [guard] / action, action`, where the event is `after <delay>` for a
// delayed transition and `always` for an eventless one (taken as soon as its guard holds). One place, so the SVG,
// its hover text and the Mermaid file agree.
import type { GraphTransition } from './graph.ts'

export function edgeLabel(transition: GraphTransition): string {
  return transition.guard === undefined ? transition.label : `${transition.label} [${transition.guard}]`
}

export function fullLabel(transition: GraphTransition): string {
  const actions = transition.actions.length > 0 ? ` / ${transition.actions.join(', ')}` : ''
  const reenter = transition.reenter ? ' (re-enters)' : ''
  return `${edgeLabel(transition)}${actions}${reenter}`
}
