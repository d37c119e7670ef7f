// The SVG and Mermaid generated from the machine: every state and transition is in them, the output is
// byte-for-byte stable, and the committed docs/ copies and the README's Mermaid block are current.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { tokenMachine } from '../../machines/token.machine.ts'
import { allStates, allTransitions, extractGraph } from '../../visualizer/src/diagram/graph.ts'
import { diagramMermaid, diagramSvg } from '../../visualizer/src/diagram/index.ts'

const graph = extractGraph(tokenMachine)
const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')

describe('diagramSvg(tokenMachine)', () => {
  it('draws every state with data-state and every transition with data-transition and its event', async () => {
    const svg = await diagramSvg(tokenMachine)
    for (const state of allStates(graph).filter((s) => s.path !== '')) expect(svg).toContain(`data-state="${state.path}"`)
    for (const transition of allTransitions(graph)) {
      expect(svg).toContain(`data-transition="${attr(transition.id)}" data-event="${attr(transition.eventType)}"`)
    }
  })

  it('prints the same bytes on every run', async () => {
    expect(await diagramSvg(tokenMachine)).toBe(await diagramSvg(tokenMachine))
  })

  it('matches the committed docs/token-machine.svg (run `npm run diagram` after changing the machine)', async () => {
    expect(await diagramSvg(tokenMachine)).toBe(read('docs/token-machine.svg'))
  })
})

describe('diagramMermaid(tokenMachine)', () => {
  const mermaid = diagramMermaid(tokenMachine)

  it('has a line for every transition with a target, labelled with its event and guard', () => {
    for (const t of allTransitions(graph).filter((t) => t.target !== undefined && t.source !== '')) {
      const label = t.guard === undefined ? t.label : `${t.label} [${t.guard}]`
      expect(mermaid).toMatch(new RegExp(`--> \\w+: ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    }
  })

  it('matches docs/token-machine.mmd and the README block', () => {
    expect(mermaid).toBe(read('docs/token-machine.mmd'))
    expect(read('README.md')).toContain('```mermaid\n' + mermaid + '```')
  })
})
