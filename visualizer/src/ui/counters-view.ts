// The counters panel: one row per counter, `data-counter="<name>"` on the number (error codes by code).
import { COUNTER_LABELS, type Counters } from '../sim/counters.ts'

export function mountCounters(container: HTMLElement, names: readonly string[]): (counters: Counters) => void {
  container.innerHTML = ''
  const cells = new Map<string, HTMLElement>()
  for (const name of names) {
    const row = document.createElement('div')
    row.className = 'counter'
    const label = document.createElement('span')
    label.className = 'counter-label'
    label.textContent = COUNTER_LABELS[name] ?? `rejected ${name}`
    const value = document.createElement('span')
    value.className = 'counter-value'
    value.dataset.counter = name
    value.textContent = '0'
    row.append(label, value)
    container.append(row)
    cells.set(name, value)
  }
  return (counters) => {
    for (const [name, cell] of cells) {
      const text = String(counters[name] ?? 0)
      if (cell.textContent !== text) cell.textContent = text
    }
  }
}
