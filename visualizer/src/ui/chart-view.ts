// Queue size over simulated time, drawn by uPlot (no hand-written charting). Keeps the last few minutes.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

const MAX_POINTS = 1200

export interface ChartView {
  push(seconds: number, queueSize: number): void
  reset(): void
  render(): void
}

export function mountChart(container: HTMLElement): ChartView {
  const xs: number[] = []
  const ys: number[] = []
  let dirty = false
  const plot = new uPlot(
    {
      width: Math.max(280, container.clientWidth || 420),
      height: 180,
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: 'simulated s' }, { label: 'parked' }],
      series: [{}, { label: 'queue size', stroke: '#d97706', fill: 'rgba(217,119,6,0.15)', width: 1.5 }],
    },
    [xs, ys],
    container,
  )
  // The panel's width changes with the window (one column or two): the chart follows it.
  new ResizeObserver(() => {
    const width = Math.max(280, container.clientWidth)
    if (width !== plot.width) plot.setSize({ width, height: 180 })
  }).observe(container)
  return {
    push(seconds, queueSize) {
      xs.push(seconds)
      ys.push(queueSize)
      if (xs.length > MAX_POINTS) {
        xs.shift()
        ys.shift()
      }
      dirty = true
    },
    reset() {
      xs.length = 0
      ys.length = 0
      dirty = true
    },
    render() {
      if (!dirty) return
      dirty = false
      plot.setData([xs, ys])
    },
  }
}
