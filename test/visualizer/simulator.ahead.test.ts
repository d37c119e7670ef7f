// Refresh-ahead, the app's visibility and the network in the page's simulator, without the page: the real
// controller against the fake endpoint on a virtual clock. Which requests waited for a token is counted per request
// (servedAtOnce / servedAfterWait), and the transitions the chart flashes are the ones the machine took.
import { describe, expect, it } from 'vitest'
import { tokenMachine } from '../../machines/token.machine.ts'
import { allTransitions, extractGraph, transitionId, type TransitionLike } from '../../visualizer/src/diagram/graph.ts'
import { SIM_ACTIONS } from '../../visualizer/src/sim/actions.ts'
import { DEFAULT_KNOBS, KNOB_SPECS, knobsFromQuery, type Knobs } from '../../visualizer/src/sim/knobs.ts'
import { createSimulator, type Simulator } from '../../visualizer/src/sim/simulator.ts'

function run(overrides: Partial<Knobs>) {
  const knobs = { ...DEFAULT_KNOBS, ...overrides }
  const states: string[] = []
  const transitions: string[] = []
  const started: string[] = []
  const events: Array<{ type: string; [field: string]: unknown }> = []
  const sim = createSimulator(() => knobs, {
    onState: (value, taken) => {
      states.push(JSON.stringify(value))
      transitions.push(...taken)
    },
    onEvent: (event) => {
      events.push(event)
      if (event.type === 'refresh.started') started.push(String(event.reason))
    },
  })
  return { sim, states, transitions, started, events, knobs }
}

const drawn = new Set(allTransitions(extractGraph(tokenMachine)).map((t) => t.id))
const RETRY_TIMER = 'refreshing.waitingToRetry|xstate.after.retryBackoff.token.refreshing.waitingToRetry'
const state = (sim: Simulator) => JSON.stringify(sim.controller.actor.getSnapshot().value)

describe('refresh-ahead in the simulator', () => {
  it('refreshes in the background as each token reaches its soft window: after the first token, no request waits', async () => {
    const { sim, started, transitions, events } = run({})
    await sim.advance(1_000, 1e6)
    // Only the requests before the very first token waited.
    const waitedAtStart = sim.counters.servedAfterWait ?? 0
    expect(waitedAtStart).toBeGreaterThan(0)
    expect(sim.counters.parked).toBe(waitedAtStart)

    await sim.advance(30_000, 1e6)
    expect(sim.counters.servedAfterWait).toBe(waitedAtStart)
    expect(sim.counters.parked).toBe(waitedAtStart)
    expect(sim.counters.servedAtOnce).toBeGreaterThan(1_400)
    // A 10 s token with a 5 s soft window: one background refresh about every 5 s.
    expect(started.slice(1).length).toBeGreaterThanOrEqual(5)
    expect(started.slice(1).every((reason) => reason === 'ahead')).toBe(true)
    expect(events.filter((e) => e.type === 'refresh.succeeded' && e.reason === 'ahead').every((e) => e.released === 0)).toBe(true)
    // The adapter's fast path sends token.ahead: that edge flashes.
    expect(transitions).toContain('valid|token.ahead|0')
    expect(drawn.has('valid|token.ahead|0')).toBe(true)
    expect(sim.counters.REFRESH_FAILED).toBe(0)
    sim.stop()
  })

  it('with refreshAheadMs 0 requests wait at every expiry, as before refresh-ahead', async () => {
    const { sim, started } = run({ refreshAheadMs: 0 })
    await sim.advance(1_000, 1e6)
    const waitedAtStart = sim.counters.servedAfterWait ?? 0
    await sim.advance(30_000, 1e6)
    // One refresh per 8 s of freshness, each with requests parked behind it.
    expect(started.slice(1).length).toBeGreaterThanOrEqual(3)
    expect(started.slice(1).every((reason) => reason === 'expired')).toBe(true)
    expect(sim.counters.servedAfterWait).toBeGreaterThan(waitedAtStart + 3 * 5)
    expect(sim.counters.parked).toBe(sim.counters.servedAfterWait)
    sim.stop()
  })

  it('rests after a failed background cycle nobody waited for, still handing out the token, until the hard window', async () => {
    const { sim, states, transitions, events, knobs } = run({ retryBaseDelayMs: 50 })
    await sim.advance(1_000, 1e6)
    const waitedAtStart = sim.counters.servedAfterWait ?? 0
    knobs.failureRate = 1
    // The soft window opens at ~5.3 s; three attempts fail by ~6.3 s; the hard window opens at ~8.3 s.
    await sim.advance(6_500, 1e6)
    expect(states.at(-1)).toBe('{"refreshing":"resting"}')
    expect(transitions).toContain('refreshing.fetching|fetch.failed|2')
    expect(drawn.has('refreshing.fetching|fetch.failed|2')).toBe(true)
    expect(events.find((e) => e.type === 'refresh.failed')).toMatchObject({ reason: 'ahead', attempts: 3, rejected: 0 })
    expect(sim.counters.servedAfterWait).toBe(waitedAtStart)
    expect(sim.counters.REFRESH_FAILED).toBe(0)
    sim.stop()
  })
})

describe('the app hidden and shown in the simulator', () => {
  it('starts no refresh while hidden, not even for a request inside the soft window, and refreshes at once when shown', async () => {
    const { sim, started, transitions } = run({})
    await sim.advance(1_000, 1e6)
    transitions.length = 0
    sim.setAppVisible(false)
    expect(sim.visible).toBe(false)
    expect(transitions).toEqual(['|app.hide|0'])
    expect(drawn.has('|app.hide|0')).toBe(true)
    const requests = sim.counters.requests ?? 0
    const fetches = sim.counters.fetchAttempts ?? 0

    // Inside the soft window (it opens 5 s before the 10 s token expires): the token at once, no background refresh.
    await sim.advance(5_500, 1e6)
    await expect(sim.controller.getToken()).resolves.toEqual(expect.any(String))
    await sim.advance(20_000, 1e6)
    // A hidden mini-program sends next to nothing: the load pauses, and nothing refreshes the token it no longer uses.
    expect(sim.counters.requests).toBe(requests)
    expect(sim.counters.fetchAttempts).toBe(fetches)
    expect(started).toEqual(['missing'])
    expect(state(sim)).toBe('"valid"')

    transitions.length = 0
    sim.setAppVisible(true)
    // Shown with an expired token: refreshed before the first request asks.
    expect(transitions).toEqual(['valid|app.show|0'])
    expect(drawn.has('valid|app.show|0')).toBe(true)
    expect(started).toEqual(['missing', 'expired'])
    await sim.advance(1_000, 1e6)
    expect(sim.counters.requests).toBeGreaterThan(requests)
    expect(state(sim)).toBe('"valid"')
    sim.stop()
  })
})

describe('the network offline and online in the simulator', () => {
  it('pauses the retry offline (no attempt spent) and resumes it at once when the network is back', async () => {
    const { sim, states, transitions } = run({})
    await sim.advance(1_000, 1e6)
    sim.setOnline(false)
    expect(sim.online).toBe(false)
    // The token goes stale at ~8.3 s; the fetch fails (NETWORK_DOWN), the retry's backoff ends offline: paused.
    await sim.advance(8_000, 1e6)
    expect(states.at(-1)).toBe('{"refreshing":"paused"}')
    expect(transitions).toContain(`${RETRY_TIMER}|1`)
    expect(drawn.has(`${RETRY_TIMER}|1`)).toBe(true)
    expect(sim.counters.networkFailed).toBeGreaterThan(0)
    const fetches = sim.counters.fetchAttempts ?? 0
    await sim.advance(3_000, 1e6)
    expect(sim.counters.fetchAttempts).toBe(fetches)
    expect(states.at(-1)).toBe('{"refreshing":"paused"}')

    transitions.length = 0
    sim.setOnline(true)
    // network.online sets the flag (a root transition), then paused's eventless transition fires the retry.
    const paused = tokenMachine.root.states.refreshing!.states.paused! as unknown as { always: TransitionLike[] }
    const always = transitionId(paused.always[0]!, paused.always)
    expect(always).toBe('refreshing.paused||0')
    expect(transitions).toEqual(['|network.online|0', always])
    expect(drawn.has('|network.online|0')).toBe(true)
    expect(sim.counters.fetchAttempts).toBe(fetches + 1)
    await sim.advance(1_000, 1e6)
    expect(state(sim)).toBe('"valid"')
    expect(sim.counters.released).toBeGreaterThan(0)
    sim.stop()
  })

  it('tells a restarted controller that the app is hidden or offline', () => {
    const { sim } = run({})
    sim.setAppVisible(false)
    sim.setOnline(false)
    sim.restart()
    expect(sim.controller.actor.getSnapshot().context).toMatchObject({ hidden: true, offline: true })
    sim.stop()
  })
})

describe('the refresh-ahead knob and the lifecycle buttons', () => {
  it('offers refreshAheadMs from 0 to half the longest TTL, restarting the controller, read from the URL', () => {
    const spec = KNOB_SPECS.find((s) => s.name === 'refreshAheadMs')
    const ttl = KNOB_SPECS.find((s) => s.name === 'ttlMs')
    expect(spec).toMatchObject({ min: 0, max: ttl!.max / 2, restarts: true, unit: 'ms' })
    // Its default makes a soft window of its own beside the leeway on the default token.
    expect(DEFAULT_KNOBS.refreshAheadMs).toBeGreaterThan(DEFAULT_KNOBS.leewayMs)
    expect(DEFAULT_KNOBS.refreshAheadMs).toBeLessThanOrEqual(DEFAULT_KNOBS.ttlMs / 2)
    expect(knobsFromQuery('?refreshAheadMs=0')).toMatchObject({ refreshAheadMs: 0 })
    expect(knobsFromQuery('?refreshAheadMs=999999')).toMatchObject({ refreshAheadMs: 60_000 })
  })

  it('has a button for each lifecycle call, naming the machine event it sends', () => {
    const calls: string[] = []
    const fake = {
      setAppVisible: (visible: boolean) => calls.push(`setAppVisible(${visible})`),
      setOnline: (online: boolean) => calls.push(`setOnline(${online})`),
    } as unknown as Simulator
    const lifecycle = ['app-hide', 'app-show', 'offline', 'online'].map((name) => SIM_ACTIONS.find((a) => a.name === name)!)
    for (const action of lifecycle) action.run(fake)
    expect(calls).toEqual(['setAppVisible(false)', 'setAppVisible(true)', 'setOnline(false)', 'setOnline(true)'])
    expect(lifecycle.map((a) => a.event)).toEqual(['app.hide', 'app.show', 'network.offline', 'network.online'])
    // Every event a button names is one the machine takes.
    for (const action of lifecycle) expect(allTransitions(extractGraph(tokenMachine)).some((t) => t.eventType === action.event)).toBe(true)
  })
})
