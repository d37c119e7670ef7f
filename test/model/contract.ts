// The contract each state owes its callers, checked on the system's own records whatever the model says:
// this is what catches a bug in the machine itself, which a comparison with the machine cannot.
import { vi } from 'vitest'
import { isDueAhead, isFresh } from '../../machines/token.machine.ts'
import type { TokenState } from '../../machines/token.types.ts'
import type { FakeFetch, track } from '../helpers/fake-fetch.ts'
import type { heldStorage } from './held-storage.ts'
import type { MachineTimers } from './machine-timers.ts'
import type { ModelEvent, ModelOptions } from './model.ts'
import type { RecordingWaiter, Replay } from './replay.ts'

export interface TrackedRequest {
  readonly model: RecordingWaiter
  readonly outcome: ReturnType<typeof track<string>>
}

/** The token handed over last, on the system clock; `receivedAt` unknown for a token read from storage. */
export interface HeldToken {
  readonly expiresAt: number
  readonly receivedAt: number | undefined
}

/** What the system knows: its requests and fakes, and what the outside world handed the controller last. */
export interface SystemRecords {
  readonly options: ModelOptions
  /** The system clock. */
  readonly now: () => number
  readonly held: HeldToken | undefined
  /** What setAppVisible / setOnline told the controller last. */
  readonly hidden: boolean
  readonly offline: boolean
  /** The controller's state before the step (`tokens.state`), and whether a failed background cycle was resting. */
  readonly stateBefore: TokenState
  readonly restingBefore: boolean
  /** What currentToken() returned on a `token.ahead` step. */
  readonly served: string | undefined
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
  /** The controller emitted token.adopted during the step (a `token.shared` step: the pushed token was taken). */
  readonly adopted: boolean
  /** Before the step, the session was lost (`session.lost`) and neither a login nor clear() came since. */
  readonly signedOutBefore: boolean
  /** The controller's state after the step (`tokens.state`). */
  readonly state: TokenState
  /** How often the controller called close() on its coordinator connection. */
  readonly connectionsClosed: number
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
  broken.push(...brokenAheadContract(system, event))
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
  if (event.type === 'token.shared') broken.push(...brokenSharedContract(system, event))

  if (replay.stopped) {
    // The controller may close it more than once (stop(), then the actor's end): the driver's close() is idempotent.
    require(system.connectionsClosed >= 1, 'stop() closed the coordinator connection')
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
  if (state === 'refreshing.resting') {
    // After a failed background cycle: no new one before the longest backoff, the cool-down and Retry-After.
    const rest = Math.max(options.retry.maxDelayMs, options.retry.cooldownMs ?? 0, retryAfterMs ?? 0)
    require(timers.pending().some((timer) => timer.owner === 'machine' && timer.delayMs === rest), `the rest lasts ${rest} ms`)
  }
  if (state === 'refreshing.paused') {
    // A paused retry waits for the network, the app or a request, not for time.
    require(!timers.pending().some((timer) => timer.owner === 'machine'), 'a paused retry waits for no timer')
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

/**
 * Another instance's token (issue 18), judged by what the step pushed and what the system heard before: a newer,
 * fresh one is taken (parked requests get it, a fetch in flight is abandoned, no new one starts) unless the session
 * was lost (only a login leaves then); a stale one or the version already held changes nothing.
 */
function brokenSharedContract(system: SystemRecords, event: Extract<ModelEvent, { type: 'token.shared' }>): string[] {
  const { fetch, pendingBefore, fetchesBefore, lastIssued } = system
  const broken: string[] = []
  const require = (holds: boolean, what: string) => void (holds || broken.push(what))
  require(fetch.count === fetchesBefore, 'a shared token starts no fetch')
  if (event.variant === 'newer' && !system.signedOutBefore) {
    require(system.adopted, 'a newer fresh shared token is adopted (token.adopted)')
    require(system.state === 'valid', 'a newer fresh shared token leads to valid')
    require(lastIssued === event.grant.accessToken, 'the adopted token is the one pushed')
    require(fetch.inFlight === 0, 'adopting abandons the fetch in flight')
    require(pendingBefore.every(
      (request) => request.outcome.status === 'fulfilled' && request.outcome.value === lastIssued,
    ), 'requests parked before the push got the shared token')
  } else {
    const what = system.signedOutBefore ? `a ${event.variant} shared token, signed out,` : `a ${event.variant} shared token`
    require(!system.adopted, `${what} is ignored (no token.adopted)`)
    require(system.state === system.stateBefore, `${what} leaves the state as it was`)
    require(pendingBefore.every((request) => request.outcome.status === 'pending'), `${what} settles nobody`)
  }
  return broken
}

/**
 * Refresh-ahead and the app's lifecycle (issue 17), on the system's own records: the held token judged on the system
 * clock, the flags as the system set them, the rest as the controller's events told it.
 */
function brokenAheadContract(system: SystemRecords, event: ModelEvent): string[] {
  const { options, requests, fetch, held, hidden, offline, stateBefore, restingBefore, fetchesBefore, lastIssued } = system
  const broken: string[] = []
  const require = (holds: boolean, what: string) => void (holds || broken.push(what))
  const started = fetch.calls.slice(fetchesBefore)
  const token = held && { ...held, leewayMs: options.leewayMs, refreshAheadMs: options.refreshAheadMs }
  const at = system.now()
  const fresh = token !== undefined && isFresh(token, at)
  const dueAhead = token !== undefined && isDueAhead(token, at)
  const parkedNow = requests.some((request) => request.outcome.status === 'pending')

  // Attempts count up one by one within a cycle: a retry paused offline or hidden spent none.
  for (const call of started) {
    const previous = fetch.calls[fetch.calls.indexOf(call) - 1]
    require(call.attempt === 1 || call.attempt === previous!.attempt + 1, `attempt ${call.attempt} follows attempt ${previous?.attempt}`)
  }
  // Offline: a retry waiting for its backoff does not fire (a new cycle's first attempt may: a request waits for it).
  require(!offline || started.every((call) => call.attempt === 1), 'no retry fires while offline')
  // Hidden: no background fetch. One starts only for a request parked now, or for a 401 (a request's own answer).
  require(!hidden ||
    started.length === 0 ||
    parkedNow ||
    event.type === 'token.invalidate', 'no fetch starts while hidden but for a parked request')
  // After a failed background cycle, no background cycle before the rest ends (a request, refresh() or 401 may start one).
  if (restingBefore) require(started.every((call) => call.reason !== 'ahead'), 'no background cycle while resting')
  // A background cycle starts only in valid, with the token handed over last inside its soft window, shown and online.
  if (started.some((call) => call.reason === 'ahead' && call.attempt === 1)) {
    require(stateBefore === 'valid' &&
      fresh &&
      dueAhead &&
      !hidden &&
      !offline, 'a background refresh starts only when due, shown and online')
  }
  // The fast path in valid inside the soft window: the held token now, and one background refresh with reason 'ahead'.
  const aheadAsked = event.type === 'token.get' || event.type === 'token.ahead'
  if (aheadAsked && stateBefore === 'valid' && fresh && dueAhead && !hidden && !offline) {
    const request = requests[requests.length - 1]!
    const answer = event.type === 'token.ahead' ? system.served : request.outcome.status === 'fulfilled' ? request.outcome.value : undefined
    require(answer === lastIssued, 'a request inside the soft window is answered at once with the held token')
    require(started.length === 1 && started[0]!.reason === 'ahead', "inside the soft window: exactly one background fetch, reason 'ahead'")
  }
  if (event.type === 'token.ahead') {
    // currentToken() hands out the held token if it is fresh (the model offers it in valid and in a background cycle).
    require(system.served === (fresh ? lastIssued : undefined), 'currentToken() is the held token while fresh')
  }
  // Shown or back online in valid with the token inside its soft window (or expired): refreshed now.
  if ((event.type === 'app.show' || event.type === 'network.online') && stateBefore === 'valid' && dueAhead && !hidden && !offline) {
    require(started.length === 1 &&
      started[0]!.reason === (fresh ? 'ahead' : 'expired'), `${event.type} inside the soft window refreshes now`)
  }
  return broken
}
