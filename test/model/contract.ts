// The contract each state owes its callers, checked on the system's own records whatever the model says:
// this is what catches a bug in the machine itself, which a comparison with the machine cannot.
import { vi } from 'vitest'
import { isFresh } from '../../machines/token.machine.ts'
import type { FakeFetch, track } from '../helpers/fake-fetch.ts'
import type { heldStorage } from './held-storage.ts'
import type { MachineTimers } from './machine-timers.ts'
import type { ModelEvent, ModelOptions } from './model.ts'
import type { RecordingWaiter, Replay } from './replay.ts'

export interface TrackedRequest {
  readonly model: RecordingWaiter
  readonly outcome: ReturnType<typeof track<string>>
}

/** What the system knows: its requests and fakes, and what the outside world handed the controller last. */
export interface SystemRecords {
  readonly options: ModelOptions
  readonly requests: readonly TrackedRequest[]
  readonly fetch: FakeFetch
  readonly timers: MachineTimers
  readonly store: ReturnType<typeof heldStorage>
  /** The token the endpoint or storage handed over last. */
  readonly lastIssued: string | undefined
  /** The refresh token handed over last, forgotten by clear(). */
  readonly lastRefreshToken: string | undefined
  /** The Retry-After of the last failed attempt, if it had one. */
  readonly retryAfterMs: number | undefined
  /** Requests still waiting before the step, and fetches started before it. */
  readonly pendingBefore: readonly TrackedRequest[]
  readonly fetchesBefore: number
  /** What the last logout() returned. */
  readonly loggedOut: Promise<void> | undefined
}

/** Why the cycle a step starts refreshes, where the step alone says so. */
const REASON_OF: Record<string, string> = { 'token.refresh': 'forced', 'token.invalidate': 'invalidated', 'token.clear': 'missing' }

const pendingOf = (requests: readonly TrackedRequest[]) => requests.filter((request) => request.outcome.status === 'pending')

/** The broken promises after `event`, as sentences; none, when all is well. */
export function brokenContract(system: SystemRecords, event: ModelEvent, replay: Replay): string[] {
  const { options, requests, fetch, timers, store, lastIssued, lastRefreshToken, retryAfterMs, pendingBefore, fetchesBefore } = system
  const broken: string[] = []
  const require = (holds: boolean, what: string) => void (holds || broken.push(what))
  const state = replay.state
  const { attempts } = options.retry
  const codeOf = (request: TrackedRequest) => (request.outcome.reason as { code?: string } | undefined)?.code

  require(fetch.maxInFlight <= 1, 'at most one fetch in flight, ever')
  require(vi.getTimerCount() === 0, 'no timer outside the injected clock')
  for (const request of requests) {
    if (codeOf(request) === 'REFRESH_FAILED')
      require((request.outcome.reason as { attempts: number }).attempts === attempts, 'a failed cycle made every attempt')
  }
  if (fetch.count > fetchesBefore) {
    const call = fetch.last()
    require(call.attempt >= 1 && call.attempt <= attempts, `attempt ${call.attempt} within 1..${attempts}`)
    require(call.refreshToken === lastRefreshToken, 'the fetch got the refresh token handed over last')
    const reason = REASON_OF[event.type]
    if (reason && call.attempt === 1) require(call.reason === reason, `a cycle started by ${event.type} has reason ${reason}`)
  }
  if (event.type === 'token.clear') require(store.held === undefined, 'nothing stored after clear()')

  if (replay.stopped) {
    require(pendingBefore.every((request) => codeOf(request) === 'STOPPED'), 'requests parked at stop() rejected with STOPPED')
    require(fetch.inFlight === 0, 'no fetch in flight after stop()')
    require(timers.pending().length === 0, 'no timer left after stop()')
    return broken
  }
  if (state === 'valid') {
    // Whoever waited got the token the endpoint (or storage) handed over last; nobody waits on.
    const answered = pendingBefore.every((request) => request.outcome.status === 'fulfilled' && request.outcome.value === lastIssued)
    require(answered, 'requests parked before valid answered with the token handed over last')
    require(pendingOf(requests).length === 0, 'no request waits in valid')
    require(store.held !== undefined &&
      (JSON.parse(store.held) as { accessToken: string }).accessToken === lastIssued, 'valid: the current token is stored')
  }
  if (state.startsWith('failed')) {
    const code = state === 'failed.loginRequired' ? 'LOGIN_REQUIRED' : 'REFRESH_FAILED'
    require(pendingBefore.every((request) => codeOf(request) === code), `requests parked before ${state} rejected with ${code}`)
    require(pendingOf(requests).length === 0, 'no request waits in failed')
    require(fetch.inFlight === 0, 'no fetch in flight in failed')
  }
  if (state === 'failed.loginRequired') {
    require(fetch.count === fetchesBefore, 'no fetch started while a login is required')
    require(store.held === undefined, 'nothing stored while a login is required')
  }
  if (event.type === 'session.logout') require(system.loggedOut !== undefined, 'logout() returned a promise')
  if (state.startsWith('refreshing')) {
    require(fetch.inFlight === (state === 'refreshing.fetching' ? 1 : 0), 'one fetch in flight while fetching, none while waiting to retry')
  }
  if (state === 'refreshing.waitingToRetry') {
    // The server's Retry-After wins; otherwise base × 2^(attempt − 1), capped (jitter is off here).
    const { baseDelayMs, maxDelayMs } = options.retry
    const backoff = retryAfterMs ?? Math.min(maxDelayMs, baseDelayMs * 2 ** (fetch.last().attempt - 1))
    require(timers.pending().some((timer) => timer.owner === 'machine' && timer.delayMs === backoff), `the retry waits ${backoff} ms`)
  }
  if (state.startsWith('idle')) {
    require(fetch.inFlight === 0, 'no fetch in flight in idle')
    // Nothing written while storage is still being read; after it, no fresh token stored.
    if (state !== 'idle.empty') require(store.writes === 0, 'nothing written to storage before hydration')
    const held = store.held === undefined ? undefined : (JSON.parse(store.held) as { expiresAt: number })
    require(!held ||
      !isFresh({ expiresAt: held.expiresAt, leewayMs: options.leewayMs }, timers.clock.now()), 'no fresh token stored in idle')
  }
  return broken
}
