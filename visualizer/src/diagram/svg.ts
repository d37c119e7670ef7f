// Renders a laid-out machine as an SVG string: a pure function of the layout, used by the page and by
// `npm run diagram`. Hooks for the page and tests: `data-state` (dotted path) on each state,
// `data-transition` (+ `data-event`, the XState event type) on each transition, a <title> for hovering.
import type { DiagramLayout, EdgeLine, StateBox } from './layout.ts'
import { fullLabel } from './labels.ts'
import { FONT, LINE_HEIGHT, TEXT_SIZE, TITLE_SIZE, escapeXml, num } from './text.ts'

// Standalone colours (docs/token-machine.svg has no page around it); the page's CSS adds highlighting.
const STYLE = `
.diagram { font-family: ${FONT}; font-size: ${TEXT_SIZE}px; }
.diagram .state > rect { fill: #ffffff; stroke: #64748b; stroke-width: 1.2; }
.diagram .state.compound > rect { fill: #f8fafc; }
.diagram .state.machine > rect { fill: #f1f5f9; stroke-dasharray: 4 3; }
.diagram .state .title { font-size: ${TITLE_SIZE}px; font-weight: 700; fill: #0f172a; }
.diagram .state .note { fill: #475569; }
.diagram .internal { fill: #334155; }
.diagram .edge path { fill: none; stroke: #475569; stroke-width: 1.3; }
.diagram .edge text { fill: #1e293b; }
.diagram .edge .label-bg { fill: #ffffff; fill-opacity: 0.85; }
.diagram .initial circle { fill: #0f172a; }
.diagram .initial path { fill: none; stroke: #0f172a; stroke-width: 1.2; }
.diagram .arrow { fill: #475569; }
`

export function renderSvg(layout: DiagramLayout): string {
  const width = num(layout.width)
  const height = num(layout.height)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="token machine state diagram">`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
  ]
  // Outer states first, so children paint on top of their parents.
  const states = [...layout.states].sort((a, b) => depth(a) - depth(b) || a.state.path.localeCompare(b.state.path))
  for (const box of states) parts.push(stateSvg(box))
  for (const initial of layout.initials) {
    parts.push(
      `<g class="initial" data-initial="${escapeXml(initial.parent)}"><circle cx="${num(initial.x)}" cy="${num(initial.y)}" r="5"/>` +
        `<path d="${pathData(initial.points)}" marker-end="url(#arrow)"/></g>`,
    )
  }
  for (const edge of [...layout.edges].sort((a, b) => a.transition.id.localeCompare(b.transition.id))) parts.push(edgeSvg(edge))
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

function depth(box: StateBox): number {
  return box.state.path === '' ? 0 : box.state.path.split('.').length
}

function stateSvg(box: StateBox): string {
  const { state } = box
  const isRoot = state.path === ''
  const classes = ['state', state.children.length > 0 ? 'compound' : 'atomic', ...(isRoot ? ['machine'] : [])].join(' ')
  const hooks = isRoot ? 'data-machine-root="true"' : `data-state="${escapeXml(state.path)}" data-state-key="${escapeXml(state.key)}"`
  const title = isRoot ? 'token (machine)' : state.key
  const rows: string[] = [`<text class="title" x="${num(box.x + 12)}" y="${num(box.y + 18)}">${escapeXml(title)}</text>`]
  let y = box.y + 18 + LINE_HEIGHT + 2
  for (const note of box.notes) {
    rows.push(`<text class="note" x="${num(box.x + 12)}" y="${num(y)}">${escapeXml(note)}</text>`)
    y += LINE_HEIGHT
  }
  for (const { transition, text } of box.internal) {
    rows.push(
      `<text class="transition internal" data-transition="${escapeXml(transition.id)}" data-event="${escapeXml(transition.eventType)}" ` +
        `x="${num(box.x + 12)}" y="${num(y)}"><title>${escapeXml(`${text} (no target: actions only)`)}</title>${escapeXml(text)}</text>`,
    )
    y += LINE_HEIGHT
  }
  return (
    `<g class="${classes}" ${hooks} data-type="${state.type}">` +
    `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="8"/>` +
    rows.join('') +
    '</g>'
  )
}

function edgeSvg(edge: EdgeLine): string {
  const t = edge.transition
  const { label } = edge
  return (
    `<g class="transition edge" data-transition="${escapeXml(t.id)}" data-event="${escapeXml(t.eventType)}" ` +
    `data-source="${escapeXml(t.source)}" data-target="${escapeXml(t.target ?? '')}">` +
    `<title>${escapeXml(`${t.source} → ${t.target}: ${fullLabel(t)}`)}</title>` +
    `<path d="${pathData(edge.points)}" marker-end="url(#arrow)"/>` +
    `<rect class="label-bg" x="${num(label.x)}" y="${num(label.y)}" width="${num(label.width)}" height="${num(label.height)}" rx="3"/>` +
    `<text x="${num(label.x)}" y="${num(label.y + label.height - 4)}">${escapeXml(label.text)}</text>` +
    '</g>'
  )
}

function pathData(points: ReadonlyArray<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x)},${num(p.y)}`).join(' ')
}
