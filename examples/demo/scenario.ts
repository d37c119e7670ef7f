// The story the demo tells, in six phases scaled to --duration: a cold start, steady load across token
// expiries, a server-side revocation, a flaky token endpoint, an endpoint that is down (one full failure),
// and recovery. Each phase changes the server, keeps bursts coming, and waits for the event it is about.
import type { TokenServer } from '../../test/helpers/token-server.ts'
import type { EventHub } from './events.ts'
import type { Load } from './load.ts'
import type { Timeline } from './timeline.ts'

/** Everything time-related, derived from --duration so that a short run still shows every phase. */
export interface Plan {
  durationMs: number
  concurrency: number
  /** Time between bursts. */
  tickMs: number
  /** Lifetime of issued tokens; several expire during the run. */
  ttlMs: number
  leewayMs: number
  attempts: number
  baseDelayMs: number
}

export function planFor(durationMs: number, concurrency: number): Plan {
  const ttlMs = clamp(Math.round((durationMs * 0.15) / 50) * 50, 800, 2_000)
  return {
    durationMs,
    concurrency,
    tickMs: clamp(Math.round(durationMs / 40), 50, 250),
    ttlMs,
    // A quarter of the lifetime: a busy event loop delays a response by that much before the token is
    // stale at the server (expires_in counts from when the response is read, the server from issuing).
    leewayMs: Math.round(ttlMs / 4 / 10) * 10,
    attempts: 3,
    baseDelayMs: clamp(Math.round(durationMs / 32 / 10) * 10, 50, 400),
  }
}

export interface ScenarioParts {
  plan: Plan
  server: TokenServer
  load: Load
  timeline: Timeline
  events: EventHub
}

/** What the story was meant to show and did not (an empty list: all of it happened). */
export type Missed = string[]

export async function runScenario({ plan, server, load, timeline, events }: ScenarioParts): Promise<Missed> {
  const missed: Missed = []
  const at = (fraction: number) => fraction * plan.durationMs
  // Long enough for the next expiry plus every backoff: past it, a phase gives up and says so.
  const patienceMs = 2 * plan.ttlMs + 8 * plan.baseDelayMs + 2_000
  let mark = tallies()

  function tallies() {
    return {
      sent: load.tally.sent,
      ok: load.tally.ok,
      parked: timeline.tally.parked,
      unauthorized: load.tally.unauthorized,
      fetches: server.calls('/token'),
      refreshFailed: timeline.tally.rejected.get('REFRESH_FAILED') ?? 0,
    }
  }

  /** Bursts every tick until `untilMs` has passed and `done()` holds; false if it gave up waiting. */
  async function keepLoad(untilMs: number, done: () => boolean = () => true): Promise<boolean> {
    const giveUpAt = Math.max(untilMs, timeline.elapsed()) + patienceMs
    while (timeline.elapsed() < untilMs || !done()) {
      if (timeline.elapsed() >= giveUpAt) return false
      load.burst()
      await sleep(plan.tickMs)
    }
    return true
  }

  function expectSeen(what: string, happened: boolean): void {
    if (happened) return
    missed.push(what)
    timeline.note(`(${what} did not happen in time)`)
  }

  /** Waits for this phase's requests, then prints what they came to. */
  async function endPhase(): Promise<void> {
    if (!(await load.drain(5_000))) timeline.note(`${load.inFlight} requests still unsettled`)
    const now = tallies()
    const parts = [`${now.sent - mark.sent} requests`, `${now.ok - mark.ok} ok`, `${now.parked - mark.parked} waited for a token`]
    const unauthorized = now.unauthorized - mark.unauthorized
    if (unauthorized > 0) parts.push(`${unauthorized} answered 401 and were replayed`)
    const refreshFailed = now.refreshFailed - mark.refreshFailed
    if (refreshFailed > 0) parts.push(`${refreshFailed} rejected REFRESH_FAILED`)
    const fetches = now.fetches - mark.fetches
    parts.push(`${fetches} token fetch${fetches === 1 ? '' : 'es'}`)
    timeline.result(parts.join(' · '))
    mark = now
  }

  timeline.phase(1, `cold start: ${plan.concurrency} requests at once, no token yet`)
  load.burst()
  await endPhase()

  timeline.phase(2, `steady load: ${plan.concurrency} requests every ${plan.tickMs} ms; tokens live ${seconds(plan.ttlMs)}`)
  // Ends while the token has life left, so phase 3's first burst carries it and meets a 401, not an expiry.
  await keepLoad(at(0.3), () => timeline.tally.expiresAt - plan.leewayMs - Date.now() > 3 * plan.tickMs)
  await endPhase()

  timeline.phase(3, 'the server revokes every token it issued (password change, key rotation)')
  const invalidated = events.seen((e) => e.type === 'token.invalidated')
  server.revokeAll()
  timeline.note('server: all issued tokens revoked')
  expectSeen('a 401 invalidation', await keepLoad(at(0.45), invalidated))
  await endPhase()

  timeline.phase(4, 'the token endpoint turns flaky: two 500s, then a token')
  const retried = events.seen((e) => e.type === 'refresh.succeeded' && Number(e.attempts) > 1)
  server.setTokenBehaviour({ tokenStatus: 500, failTimes: 2 })
  timeline.note('server: /token will fail twice; the current token still works until it expires')
  expectSeen('a refresh that succeeded after retries', await keepLoad(at(0.6), retried))
  server.setTokenBehaviour({ tokenStatus: undefined, failTimes: undefined })
  await endPhase()

  timeline.phase(5, 'the token endpoint goes down: every call answers 500')
  const failed = events.seen((e) => e.type === 'refresh.failed')
  server.setTokenBehaviour({ tokenStatus: 500 })
  timeline.note(`server: /token answers 500; after ${plan.attempts} attempts the parked requests are rejected`)
  // Stops at the failure: the app stops sending then (one full failure, not one per burst).
  expectSeen('a refresh failure', await keepLoad(0, failed))
  await endPhase()
  timeline.note('load paused: the app shows "network error, tap to retry"')
  await sleep(Math.max(2 * plan.tickMs, at(0.8) - timeline.elapsed()))

  timeline.phase(6, 'the endpoint is back: the next request starts a new refresh cycle')
  const recovered = events.seen((e) => e.type === 'refresh.succeeded')
  server.setTokenBehaviour({ tokenStatus: undefined })
  timeline.note('server: /token works again')
  expectSeen('a recovery from failed', await keepLoad(Math.max(at(1), timeline.elapsed() + 3 * plan.tickMs), recovered))
  await endPhase()
  return missed
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : ms % 100 === 0 ? 1 : 2)} s`
}
