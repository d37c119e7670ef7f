// The diagram on the page: the generated SVG, the active states marked `data-active="true"`, and the
// transitions just taken flashed. Hovering an edge shows its guard and actions (the SVG's <title>).
import { activePaths } from '../diagram/graph.ts'

export interface DiagramView {
  showState(value: unknown): void
  flash(transitionIds: readonly string[]): void
}

export function mountDiagram(container: HTMLElement, svg: string): DiagramView {
  container.innerHTML = svg
  const root = container.querySelector('svg') as SVGSVGElement
  // Fit the width of the panel; the layout's own size stays the viewBox.
  root.removeAttribute('width')
  root.removeAttribute('height')
  const states = Array.from(root.querySelectorAll<SVGGElement>('[data-state]'))
  const transitions = new Map<string, SVGElement>()
  for (const element of Array.from(root.querySelectorAll<SVGElement>('[data-transition]')))
    transitions.set(element.dataset.transition as string, element)
  let shown = ''
  const flashing = new Map<SVGElement, number>()

  return {
    showState(value) {
      const key = JSON.stringify(value)
      if (key === shown) return
      shown = key
      const active = new Set(activePaths(value))
      for (const element of states) {
        if (active.has(element.dataset.state as string)) element.setAttribute('data-active', 'true')
        else element.removeAttribute('data-active')
      }
    },
    flash(ids) {
      for (const id of ids) {
        const element = transitions.get(id)
        if (!element) continue
        clearTimeout(flashing.get(element))
        element.classList.add('flash')
        flashing.set(
          element,
          window.setTimeout(() => element.classList.remove('flash'), 700),
        )
      }
    },
  }
}
