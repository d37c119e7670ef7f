// The page: the generated diagram, the simulator driving the real controller, counters, chart, timeline,
// and trace replay. Query parameters: any knob (`?failureRate=1&speed=100`), `autostart=0`, `trace=<url>`.
import { tokenMachine } from '../../machines/token.machine.ts'
import { TOKEN_ERROR_CODES } from '../../src/index.ts'
import { activePaths, allTransitions, extractGraph } from './diagram/graph.ts'
import { layoutGraph } from './diagram/layout.ts'
import { renderSvg } from './diagram/svg.ts'
import { SIM_ACTIONS } from './sim/actions.ts'
import { COUNTER_NAMES } from './sim/counters.ts'
import { knobsFromQuery } from './sim/knobs.ts'
import { createSimulator, type Simulator } from './sim/simulator.ts'
import './style.css'
import { parseTrace, type Trace } from './trace/format.ts'
import { frameAt } from './trace/player.ts'
import { mountActions } from './ui/actions-view.ts'
import { mountChart } from './ui/chart-view.ts'
import { mountControls } from './ui/controls-view.ts'
import { mountCounters } from './ui/counters-view.ts'
import { mountDiagram } from './ui/diagram-view.ts'
import { mountTimeline } from './ui/timeline-view.ts'
import { tokenWindows } from './ui/token-windows.ts'

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T
const params = new URLSearchParams(location.search)
const knobs = knobsFromQuery(location.search)
const graph = extractGraph(tokenMachine)
// Top to bottom, not docs/token-machine.svg's left to right: left to right is over five times wider than
// tall, so scaled to a panel its text would shrink to a few pixels; top to bottom is nearly square.
const PAGE_LAYOUT = { 'elk.direction': 'DOWN' }
const diagram = mountDiagram(byId('diagram'), renderSvg(await layoutGraph(graph, PAGE_LAYOUT)))
const updateCounters = mountCounters(byId('counters'), [...COUNTER_NAMES, ...TOKEN_ERROR_CODES])
const timeline = mountTimeline(byId('timeline'), byId('token-bar'))
const chart = mountChart(byId('chart'))
const status = byId('status')
const modeBadge = byId('mode')

let mode: 'simulator' | 'replay' = 'simulator'
let sim: Simulator | undefined
let running = false
let busy = false

const hooks = {
  onState(value: unknown, transitions: string[]) {
    if (mode !== 'simulator') return
    diagram.showState(value)
    diagram.flash(transitions)
  },
  onEvent(event: { type: string; [field: string]: unknown }, at: number) {
    // Per-request events come by the thousand under load: the counters show them, the timeline does not.
    if (mode === 'simulator' && !event.type.startsWith('request.')) timeline.add(at, event)
  },
}

mountControls(byId('controls'), knobs, (spec) => {
  if (spec.restarts && sim) sim.restart()
})

function setMode(next: typeof mode): void {
  mode = next
  modeBadge.dataset.mode = next
  modeBadge.textContent = next === 'simulator' ? 'simulator' : 'trace replay'
  // A trace has no token context: no bar.
  if (next === 'replay') timeline.showToken(undefined, 0)
}

function start(): void {
  if (mode === 'replay') {
    setMode('simulator')
    replay.playing = false
    timeline.clear()
  }
  if (!sim) {
    sim = createSimulator(() => knobs, hooks)
  } else if (sim.controller.actor.getSnapshot().status !== 'active') {
    sim.restart()
  }
  diagram.showState(sim.controller.actor.getSnapshot().value)
  running = true
}

byId('start').addEventListener('click', start)
byId('pause').addEventListener('click', () => {
  running = false
  replay.playing = false
})
mountActions(byId('actions'), SIM_ACTIONS, (action) => {
  if (!sim || mode !== 'simulator') return
  void action.run(sim)
  if (action.event) timeline.add(sim.elapsed(), { type: action.event })
})

// The simulator's heartbeat: each frame moves simulated time by the real time passed times the speed.
let lastFrame = performance.now()
let lastSample = -Infinity
async function frame(now: number): Promise<void> {
  const realMs = Math.min(100, now - lastFrame)
  lastFrame = now
  if (mode === 'simulator' && sim && running && !busy) {
    busy = true
    try {
      await sim.advance(realMs * knobs.speed, 4000)
    } finally {
      busy = false
    }
    const elapsed = sim.elapsed()
    if (elapsed - lastSample >= 100) {
      lastSample = elapsed
      chart.push(elapsed / 1000, sim.controller.queueSize)
    }
    updateCounters(sim.counters)
    const snapshot = sim.controller.actor.getSnapshot()
    // From the snapshot, never currentToken(): that would hand out a token and ask for a background refresh.
    timeline.showToken(snapshot.status === 'active' ? tokenWindows(snapshot.context) : undefined, sim.clock.now())
    status.dataset.app = sim.visible ? 'shown' : 'hidden'
    status.dataset.network = sim.online ? 'online' : 'offline'
    status.textContent =
      `${snapshot.status === 'active' ? activePaths(snapshot.value).at(-1) : 'stopped'} · queue ${sim.controller.queueSize} · ` +
      `app ${status.dataset.app} · ${status.dataset.network} · ` +
      `simulated ${(elapsed / 1000).toFixed(1)} s · tokens issued ${sim.server.issued.length} (latest token #${snapshot.context.generation})`
  } else if (mode === 'replay' && replay.trace) {
    if (replay.playing) {
      // Never skip a state: stop at the next state change so each one is on screen for a frame at least.
      const until = replay.position + realMs * replay.speed
      const next = replay.trace.entries.find((e) => e.kind === 'state' && e.at > replay.position)
      seek(Math.min(replay.trace.durationMs, next && next.at < until ? next.at : until), true)
    }
  }
  chart.render()
  requestAnimationFrame((t) => void frame(t))
}
requestAnimationFrame((t) => void frame(t))

// Trace replay: the diagram and counters follow the scrubber; playing moves it at the trace's own pace.
const replay = { trace: undefined as Trace | undefined, position: 0, playing: false, speed: 1 }
const scrubber = byId<HTMLInputElement>('trace-scrubber')
const playButton = byId<HTMLButtonElement>('trace-play')
const traceTime = byId('trace-time')

function seek(to: number, continuing: boolean): void {
  const trace = replay.trace as Trace
  const from = continuing ? replay.position : -1
  const f = frameAt(trace, from, to)
  replay.position = to
  if (!continuing) timeline.clear()
  let previous = continuing ? frameAt(trace, -1, from).value : undefined
  for (const entry of continuing ? f.passed : f.passed.slice(-200)) {
    if (entry.kind === 'event') {
      if (!entry.event.type.startsWith('request.')) timeline.add(entry.at, entry.event)
    } else {
      if (previous !== undefined) diagram.flash(transitionsBetween(previous, entry.value))
      previous = entry.value
    }
  }
  diagram.showState(f.value)
  updateCounters(f.counters)
  scrubber.value = String(Math.round(to))
  traceTime.textContent = `${(to / 1000).toFixed(2)} / ${(trace.durationMs / 1000).toFixed(2)} s · ${trace.source}`
  if (to >= trace.durationMs && replay.playing) {
    replay.playing = false
    playButton.textContent = 'play'
  }
}

// A trace has state values, not transitions: flash those that lead from the old states to the new.
function transitionsBetween(from: unknown, to: unknown): string[] {
  const left = new Set(activePaths(from))
  const entered = new Set(activePaths(to))
  return allTransitions(graph)
    .filter((t) => t.target !== undefined && left.has(t.source) && entered.has(t.target) && !left.has(t.target))
    .map((t) => t.id)
}

function loadTrace(text: string): void {
  let trace: Trace
  try {
    trace = parseTrace(text)
  } catch (error) {
    traceTime.textContent = (error as Error).message
    return
  }
  running = false
  setMode('replay')
  replay.trace = trace
  scrubber.max = String(Math.ceil(trace.durationMs))
  scrubber.disabled = false
  playButton.disabled = false
  seek(0, false)
  replay.playing = true
  playButton.textContent = 'pause'
}

playButton.addEventListener('click', () => {
  if (!replay.trace) return
  if (replay.position >= replay.trace.durationMs) seek(0, false)
  replay.playing = !replay.playing
  playButton.textContent = replay.playing ? 'pause' : 'play'
})
scrubber.addEventListener('input', () => {
  if (replay.trace) seek(Number(scrubber.value), false)
})
byId<HTMLInputElement>('trace-file').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0]
  if (file) loadTrace(await file.text())
})
const dropZone = document.body
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault()
  byId('diagram').classList.add('drop')
})
dropZone.addEventListener('dragleave', () => byId('diagram').classList.remove('drop'))
dropZone.addEventListener('drop', async (event) => {
  event.preventDefault()
  byId('diagram').classList.remove('drop')
  const file = event.dataTransfer?.files[0]
  if (file) loadTrace(await file.text())
})

// For tests and curious developers: the tokens the simulated server issued (they must never be in the DOM).
Object.assign(window, { __visualizer: { issuedTokens: () => [...(sim?.server.issued ?? [])] } })

const traceUrl = params.get('trace')
if (traceUrl) {
  fetch(traceUrl)
    .then((response) => (response.ok ? response.text() : Promise.reject(new Error(`${response.status} ${response.statusText}`))))
    .then(loadTrace, (error: Error) => (traceTime.textContent = `could not load ${traceUrl}: ${error.message}`))
} else if (params.get('autostart') !== '0') {
  start()
}
