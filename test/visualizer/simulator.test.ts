// The page's simulator without the page: the real controller against the fake endpoint and API on a
// virtual clock. Simulated minutes run in milliseconds, with no real timer.
import { describe, expect, it } from 'vitest'
import { DEFAULT_KNOBS, knobsFromQuery, type Knobs } from '../../visualizer/src/sim/knobs.ts'
import { createSimulator } from '../../visualizer/src/sim/simulator.ts'
import { createVirtualClock } from '../../visualizer/src/sim/virtual-clock.ts'

function run(overrides: Partial<Knobs>) {
  const knobs = { ...DEFAULT_KNOBS, ...overrides }
  const states: string[] = []
  const sim = createSimulator(() => knobs, {
    onState: (value) => states.push(JSON.stringify(value)),
    onEvent: () => {},
  })
  return { sim, states, knobs }
}

describe('createVirtualClock', () => {
  it('fires timers in time order, only up to the time it is advanced to', async () => {
    const clock = createVirtualClock(1000)
    const fired: string[] = []
    clock.setTimeout(() => fired.push('b'), 20)
    clock.setTimeout(() => fired.push('a'), 10)
    const cancelled = clock.setTimeout(() => fired.push('never'), 5)
    clock.clearTimeout(cancelled)
    await clock.advance(1015, 100)
    expect(fired).toEqual(['a'])
    expect(clock.now()).toBe(1015)
    await clock.advance(1030, 100)
    expect(fired).toEqual(['a', 'b'])
    expect(clock.pending).toBe(0)
  })
})

describe('the simulator', () => {
  it('refreshes on expiry and answers every request while the endpoint is healthy', async () => {
    const { sim, states } = run({ rate: 100, ttlMs: 5_000, leewayMs: 1_000 })
    await sim.advance(20_000, 1e6)
    expect(sim.counters.refreshes).toBeGreaterThanOrEqual(4)
    expect(sim.counters.requests).toBeGreaterThan(1_900)
    expect(states).toContain('{"refreshing":"fetching"}')
    expect(states).toContain('"valid"')
    expect(sim.counters.REFRESH_FAILED).toBe(0)
    sim.stop()
  })

  it('reaches failed and rejects parked requests with REFRESH_FAILED when every fetch fails', async () => {
    const { sim, states } = run({ failureRate: 1, retryBaseDelayMs: 10 })
    await sim.advance(5_000, 1e6)
    expect(states).toContain('{"failed":"retryable"}')
    expect(sim.counters.REFRESH_FAILED).toBeGreaterThan(0)
    sim.stop()
  })

  it('replays requests after the server revokes the token', async () => {
    const { sim } = run({ rate: 200 })
    await sim.advance(2_000, 1e6)
    sim.revoke()
    await sim.advance(2_000, 1e6)
    expect(sim.counters.replayed).toBeGreaterThan(0)
    expect(sim.counters.refreshes).toBeGreaterThanOrEqual(2)
    sim.stop()
  })

  it('takes knobs from the URL, clamped to their ranges', () => {
    expect(knobsFromQuery('?failureRate=1&speed=1000&rate=abc')).toMatchObject({ failureRate: 1, speed: 100, rate: DEFAULT_KNOBS.rate })
  })
})
