// The story the demo tells, in six phases scaled to --duration: a cold start, steady load across token
// expiries (each token refreshed ahead, in the background: nobody waits), a server-side revocation, a flaky
// token endpoint, an endpoint that is down (a quiet background failure, then one full failure once the token
// is inside its leeway), and recovery. Each phase changes the server, keeps bursts coming, and waits for the
// event it is about.
import { DEFAULT_REFRESH_AHEAD_MS } from '../../machines/defaults.ts'
import { softWindowOf } from '../../machines/token.machine.ts'
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
  /** The soft window (refresh-ahead) of a fresh token: handed out while a background refresh runs. */
  aheadMs: number
  attempts: number
  baseDelayMs: number
}

export function planFor(durationMs: number, concurrency: number): Plan {
  const ttlMs = clamp(Math.round((durationMs * 0.15) / 50) * 50, 1_200, 2_000)
  // An eighth of the lifetime: the server accepts a token a little past its expiry (expiryGraceMs), so a busy event
  // loop costs no 401, and the soft window keeps three eighths of the lifetime to itself.
  const leewayMs = Math.round(ttlMs / 8 / 5) * 5
  return {
    durationMs,
    concurrency,
    // At most a tenth of the lifetime: a burst comes early in the soft window, so a background cycle that fails
    // (three attempts, two backoffs) still ends before the leeway, while its token is handed out.
    tickMs: clamp(Math.round(Math.min(durationMs / 40, ttlMs / 10)), 50, 250),
    ttlMs,
    leewayMs,
    // The app keeps the default refreshAheadMs (5 minutes): for these short tokens, half their lifetime.
    aheadMs: softWindowOf({ expiresAt: ttlMs, receivedAt: 0, leewayMs, refreshAheadMs: DEFAULT_REFRESH_AHEAD_MS }),
    attempts: 3,
    // Two backoffs of at most 3 × base in all: a fiftieth of the lifetime keeps them well inside the soft window.
    baseDelayMs: clamp(Math.round(ttlMs / 50 / 10) * 10, 20, 100),
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
      refreshedAhead: timeline.tally.refreshedAhead,
      failedAhead: timeline.tally.failedAhead,
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
    const refreshedAhead = now.refreshedAhead - mark.refreshedAhead
    if (refreshedAhead > 0) parts.push(`${refreshedAhead} token${refreshedAhead === 1 ? '' : 's'} refreshed ahead`)
    const failedAhead = now.failedAhead - mark.failedAhead
    if (failedAhead > 0) parts.push(`${failedAhead} background refresh${failedAhead === 1 ? '' : 'es'} failed, nobody rejected`)
    const fetches = now.fetches - mark.fetches
    parts.push(`${fetches} token fetch${fetches === 1 ? '' : 'es'}`)
    timeline.result(parts.join(' · '))
    mark = now
  }

  timeline.phase(1, `cold start: ${plan.concurrency} requests at once, no token yet`)
  load.burst()
  await endPhase()

  timeline.phase(
    2,
    `steady load: ${plan.concurrency} requests every ${plan.tickMs} ms; tokens live ${seconds(plan.ttlMs)}, ` +
      `refreshed ${seconds(plan.aheadMs)} early`,
  )
  // The headline: a token refreshed in the background while the old one was still handed out, nobody waiting.
  const refreshedAhead = events.seen((e) => e.type === 'refresh.succeeded' && e.reason === 'ahead' && Number(e.released) === 0)
  // Ends before the token's soft window, so phase 3's first burst carries it and meets a 401 in `valid`.
  const beforeSoftWindow = () => timeline.tally.expiresAt - plan.aheadMs - Date.now() > 2 * plan.tickMs
  expectSeen('a refresh ahead that nobody waited for', await keepLoad(at(0.3), () => refreshedAhead() && beforeSoftWindow()))
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
  timeline.note('server: /token will fail twice; the background refresh retries, the current token still handed out')
  expectSeen('a refresh that succeeded after retries', await keepLoad(at(0.6), retried))
  server.setTokenBehaviour({ tokenStatus: undefined, failTimes: undefined })
  await endPhase()

  timeline.phase(5, 'the token endpoint goes down: every call answers 500')
  const failedQuietly = events.seen((e) => e.type === 'refresh.failed' && e.reason === 'ahead' && Number(e.rejected) === 0)
  const failed = events.seen((e) => e.type === 'refresh.failed' && Number(e.rejected) > 0)
  server.setTokenBehaviour({ tokenStatus: 500 })
  timeline.note(
    `server: /token answers 500; the background refresh fails unnoticed, ` +
      `then requests inside the leeway are rejected after ${plan.attempts} attempts`,
  )
  // Stops at the failure that rejects requests: the app stops sending then (one full failure, not one per burst).
  expectSeen('a refresh failure that rejected parked requests', await keepLoad(0, failed))
  expectSeen('a background refresh that failed with nobody rejected', failedQuietly())
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
