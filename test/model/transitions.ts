// Every state node and every transition of the token machine, read from its definition: what the model
// suite must visit and take. A transition is one candidate of a handler (source, event, guard, target),
// so a new handler, `after` delay or guarded branch joins the list, and fails the suite until a path takes it.
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate'
import { tokenMachine } from '../../machines/token.machine.ts'

/** The root and all its descendants, in document order. */
export function allStateNodes(node: AnyStateNode = tokenMachine.root): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child))]
}

/** Every candidate of every handler (`on`, `after`, `always`), named by `transitionName`. */
export function allTransitions(): string[] {
  return allStateNodes().flatMap((node) => candidatesOf(node).map(transitionName))
}

function candidatesOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])]
}

/**
 * `token.valid · token.get [isFresh] → (stays)`. The guard is named, an unguarded candidate after a
 * guarded one is `else`, and the position tells two candidates with the same guard apart.
 */
export function transitionName(transition: AnyTransitionDefinition): string {
  const siblings =
    transition.eventType === '' ? (transition.source.always ?? []) : (transition.source.transitions.get(transition.eventType) ?? [])
  const index = siblings.indexOf(transition)
  if (index === -1) throw new Error(`a transition on ${transition.eventType} is not in ${transition.source.id}'s definition`)
  const guard = guardName(transition.guard) ?? (siblings.length > 1 ? 'else' : undefined)
  const event = transition.eventType === '' ? 'always' : transition.eventType
  const target = transition.target?.map((node) => node.id).join(', ') ?? '(stays)'
  const reenter = transition.reenter ? ' (re-entered)' : ''
  return `${transition.source.id} · ${event} #${index + 1}${guard ? ` [${guard}]` : ''} → ${target}${reenter}`
}

function guardName(guard: AnyTransitionDefinition['guard']): string | undefined {
  if (guard === undefined) return undefined
  if (typeof guard === 'string') return guard
  if (typeof guard === 'function') return guard.name || '(inline guard)'
  return (guard as { type: string }).type
}
