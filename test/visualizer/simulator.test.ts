// The page's simulator without the page: the real controller against the fake endpoint and API on a
// virtual clock. Simulated minutes run in milliseconds, with no real timer.
import { describe, expect, it } from 'vitest'
import { tokenMachine } from '../../machines/token.machine.ts'
import { allTransitions, extractGraph } from '../../visualizer/src/diagram/graph.ts'
import { SIM_ACTIONS } from '../../visualizer/src/sim/actions.ts'
import { DEFAULT_KNOBS, knobsFromQuery, type Knobs } from '../../visualizer/src/sim/knobs.ts'
import { createSimulator } from '../../visualizer/src/sim/simulator.ts'
import { createVirtualClock } from '../../visualizer/src/sim/virtual-clock.ts'

function run(overrides: Partial<Knobs>) {
  const knobs = { ...DEFAULT_KNOBS, ...overrides }
  const states: string[] = []
  const transitions: string[] = []
  const events: string[] = []
  const sim = createSimulator(() => knobs, {
    onState: (value, taken) => {
      states.push(JSON.stringify(value))
      transitions.push(...taken)
    },
    onEvent: (event) => events.push(JSON.stringify(event)),
  })
  return { sim, states, transitions, events, knobs }
}

const drawn = new Set(allTransitions(extractGraph(tokenMachine)).map((t) => t.id))

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

  it('logs in with setGrant: valid at once through session.set, then refreshes with the refresh token', async () => {
    const { sim, states, transitions } = run({ ttlMs: 5_000, leewayMs: 1_000 })
    await sim.advance(1_000, 1e6)
    // Before a login the simulator is a client-credential app: no refresh token, as before sessions existed.
    expect(sim.server.refreshGrants).toBe(0)
    transitions.length = 0
    sim.logIn()
    expect(states.at(-1)).toBe('"valid"')
    expect(transitions).toEqual(['|session.set|0'])
    expect(drawn.has('|session.set|0')).toBe(true)
    expect(sim.counters.sessionsStarted).toBe(1)
    await sim.advance(10_000, 1e6)
    expect(sim.server.refreshGrants).toBeGreaterThanOrEqual(2)
    expect(sim.counters.answered).toBeGreaterThan(400)
    expect(sim.counters).toMatchObject({ REFRESH_FAILED: 0, LOGIN_REQUIRED: 0 })
    sim.stop()
  })

  it('logs out into failed.loginRequired: revoked once, onLoginRequired once, requests refused with no fetch', async () => {
    const { sim, states, transitions } = run({})
    await sim.advance(1_000, 1e6)
    sim.logIn()
    transitions.length = 0
    const loggedOut = sim.logOut()
    expect(states.at(-1)).toBe('{"failed":"loginRequired"}')
    expect(transitions).toEqual(['|session.logout|0'])
    await sim.advance(100, 1e6)
    await loggedOut
    expect(sim.counters.revocations).toBe(1)
    expect(sim.server.revocations).toBe(1)

    const fetches = sim.counters.fetchAttempts
    await sim.advance(2_000, 1e6)
    expect(sim.counters.fetchAttempts).toBe(fetches)
    expect(sim.counters.LOGIN_REQUIRED).toBeGreaterThan(50)
    expect(sim.counters.loginRequired).toBe(1)

    // Logged out already: nothing held to revoke, no second loss; the inner self-transition is taken.
    transitions.length = 0
    await sim.logOut()
    expect(transitions).toEqual(['failed.loginRequired|session.logout|0'])
    expect(drawn.has('failed.loginRequired|session.logout|0')).toBe(true)
    expect(sim.counters.revocations).toBe(1)
    expect(sim.counters.loginRequired).toBe(1)

    sim.logIn()
    const answered = sim.counters.answered ?? 0
    await sim.advance(1_000, 1e6)
    expect(states.at(-1)).toBe('"valid"')
    expect(sim.counters.answered).toBeGreaterThan(answered)
    sim.stop()
  })

  it('reaches failed.loginRequired at the next refresh once the server refuses the refresh token, and fetches no more', async () => {
    const { sim, states, transitions, events } = run({ ttlMs: 3_000, leewayMs: 1_000, retryBaseDelayMs: 10 })
    await sim.advance(500, 1e6)
    sim.logIn()
    sim.refuseRefreshTokens()
    const fetches = sim.counters.fetchAttempts ?? 0
    await sim.advance(10_000, 1e6)
    expect(states).toContain('{"failed":"loginRequired"}')
    expect(states.at(-1)).toBe('{"failed":"loginRequired"}')
    expect(transitions).toContain('refreshing.fetching|fetch.failed|0')
    // invalid_grant is not retried: one fetch, one loss, however many requests came after.
    expect(sim.counters.fetchAttempts).toBe(fetches + 1)
    expect(sim.counters.loginRequired).toBe(1)
    expect(sim.counters.LOGIN_REQUIRED).toBeGreaterThan(100)
    expect(events.filter((e) => e.includes('"session.lost"'))).toEqual(['{"type":"session.lost","reason":"rejected"}'])
    for (const token of sim.server.issued) expect(events.join('\n')).not.toContain(token)
    sim.stop()
  })

  it('cools down after a failed cycle with cooldownMs: failed.coolingDown, requests refused without a new cycle', async () => {
    const { sim, states } = run({ failureRate: 1, retryBaseDelayMs: 10, cooldownMs: 5_000 })
    await sim.advance(3_000, 1e6)
    expect(states).toContain('{"failed":"coolingDown"}')
    expect(sim.counters.refreshFailures).toBe(1)
    expect(sim.counters.fetchAttempts).toBe(DEFAULT_KNOBS.retryAttempts)
    expect(sim.counters.REFRESH_FAILED).toBeGreaterThan(50)
    sim.stop()
  })

  it('offers each button once, by a unique name', () => {
    const names = SIM_ACTIONS.map((a) => a.name)
    expect(names).toEqual(expect.arrayContaining(['revoke', 'refuse-refresh', 'log-in', 'log-out', 'clear', 'stop']))
    expect(new Set(names).size).toBe(names.length)
  })

  it('takes knobs from the URL, clamped to their ranges', () => {
    expect(knobsFromQuery('?failureRate=1&speed=1000&rate=abc')).toMatchObject({ failureRate: 1, speed: 100, rate: DEFAULT_KNOBS.rate })
    expect(knobsFromQuery('?cooldownMs=4000')).toMatchObject({ cooldownMs: 4_000 })
    expect(DEFAULT_KNOBS.cooldownMs).toBe(0)
  })
})
