// The diagram pipeline in one call: machine → graph → elkjs layout → SVG string (and the Mermaid text).
import type { AnyStateMachine } from 'xstate'
import { extractGraph } from './graph.ts'
import { layoutGraph } from './layout.ts'
import { toMermaid } from './mermaid.ts'
import { renderSvg } from './svg.ts'

export async function diagramSvg(machine: AnyStateMachine): Promise<string> {
  return renderSvg(await layoutGraph(extractGraph(machine)))
}

export function diagramMermaid(machine: AnyStateMachine): string {
  return toMermaid(extractGraph(machine))
}
