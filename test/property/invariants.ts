// The invariants, watched while a run goes: (1) every request settles once, (2) one fetch in flight at
// most, (3) no expired token handed out, (4) the current token or a listed error, (5) an empty queue in
// `valid` and `failed`, (7) fetches bounded by cycles × attempts, background cycles by what asked for them
// ((6), the replay bound, lives in the luch-request suite); and from the core's contract: a 401 for an older
// token starts no refresh, no fetch starts and nothing is sent to the actor after stop(). Refresh-ahead and the
// lifecycle (issue 17): (8) no request waits while a usable token is held, (9) no fetch starts while hidden but
// for a parked request, (10) no retry while offline, (11) a background fetch only inside the soft window, never
// during the rest after a failed one. Violations are collected, not thrown: a throw inside onEvent or an XState
// observer would be swallowed.
import { DEFAULT_REFRESH_AHEAD_MS } from '../../machines/defaults.ts'
import { parkedSize } from '../../machines/parked.ts'
import { isDueAhead, isFresh } from '../../machines/token.machine.ts'
import type { TokenContext } from '../../machines/token.types.ts'
import { TokenError, TokenRefreshError, type AbortSignalLike, type TokenController, type TokenControllerEvent } from '../../src/index.ts'
import type { VirtualClock } from '../helpers/virtual-clock.ts'
import type { ControllerPlan } from './arbitraries.ts'
import type { FetchRecord, ScriptedFetch } from './scripted-fetch.ts'

/** What a request may be rejected with, and nothing else. */
export const REQUEST_ERROR_CODES = ['REFRESH_FAILED', 'WAIT_TIMEOUT', 'QUEUE_FULL', 'ABORTED', 'STOPPED', 'LOGIN_REQUIRED'] as const

export interface TrackedRequest {
  readonly n: number
  readonly kind: 'get' | 'refresh'
  readonly startedAt: number
  readonly signal: (AbortSignalLike & { abort(reason?: unknown): void }) | undefined
  /** The controller's waiter id, once the request parked (or was settled by the machine at once). */
  waiterId?: number
  /** request.released / request.rejected events for this waiter: more than one is a double settle. */
  settleEvents: number
  releasedAt?: number
  rejectedAt?: number
  rejectedCode?: unknown
  /** The token current right after the step that released it (or at the fast path). */
  expectedToken?: string | null
  outcome?: { status: 'resolved'; token: string } | { status: 'rejected'; error: unknown }
  outcomes: number
  /** A request.parked event came for it: it waited. */
  parked?: boolean
  /** Pending requests in the queue when it was made, for QUEUE_FULL. */
  readonly queueBefore: number
  /** The token held when it was made: a forced refresh must not answer with it. */
  readonly tokenBefore: string | null
}

export interface Monitor {
  readonly violations: string[]
  readonly requests: readonly TrackedRequest[]
  /** For the controller's options. */
  onEvent(event: TokenControllerEvent): void
  /** Subscribes to the controller's snapshots and fetch calls. Call right after creating it. */
  attach(tokens: TokenController): void
  /** Calls getToken (with `signal`) or refresh and tracks the request; the promise is the caller's. */
  request(kind: 'get' | 'refresh', signal?: TrackedRequest['signal']): { tracked: TrackedRequest; promise: Promise<string> }
  /** Reports a 401 for `token`; only the current token's may start a refresh. */
  invalidate(token: string): void
  /** Stops the controller and checks that nothing stayed parked. */
  stop(): void
  /** For the controller's options: counts calls, at most one per session loss. */
  onLoginRequired(info: { reason: string }): void
  /** Hands the controller a login grant living `expiresInS` s; an unusable one (≤ 0) must throw and change nothing. */
  setGrant(expiresInS: number): void
  /** setAppVisible / setOnline, tracked: the hidden and offline invariants judge fetches by them. */
  setAppVisible(visible: boolean): void
  setOnline(online: boolean): void
  /** currentToken(), the adapters' fast path: the fresh token in valid or while a background cycle runs, or nothing. */
  peek(): void
  /** Refresh cycles started so far (`refresh.started`). */
  readonly cycles: number
  /** The end-of-run checks; call once everything is idle. */
  finish(): void
}

export function createMonitor(options: { clock: VirtualClock; plan: ControllerPlan; fetch: ScriptedFetch }): Monitor {
  const { clock, plan, fetch } = options
  const violations: string[] = []
  const requests: TrackedRequest[] = []
  const byWaiter = new Map<number, TrackedRequest>()
  let releasedThisStep: TrackedRequest[] = []
  let making: TrackedRequest | undefined
  let tokens: TokenController | undefined
  let stopped = false
  let stopping = 0
  // Which token each generation was, and every token a 401 was reported for.
  const tokenOfGeneration = new Map<number, string>()
  const reported401 = new Set<string>()
  let cycles = 0
  const attemptsInCycle: number[] = []
  // Session losses (session.lost) and onLoginRequired calls; `lost`: no login or clear() since the last loss.
  let losses = 0
  let loginRequiredCalls = 0
  let lost = false
  let grants = 0
  // Issue 17. The lifecycle as the program set it; a 401 being reported (its cycle is a request's own).
  let hidden = false
  let offline = false
  let invalidating = 0
  // The machine handled a 401 (token.invalidated) since the last fetch started.
  let invalidatedSinceFetch = false
  // Background cycles, and what may start one: a getToken() or currentToken() call, show, online, a keep-fresh timer.
  let aheadCycles = 0
  let fastPathCalls = 0
  let lifecycleCalls = 0
  // After a failed background cycle nobody waited for: no background fetch before restUntil (a new cycle ends it).
  let resting = false
  let rests = 0
  let restUntil = 0
  // Wall-clock jumps: a backward one makes a stale token fresh again, any one moves `now` off the timers' line.
  let jumped = false
  let jumpedBack = false
  const jump = clock.jump.bind(clock)
  clock.jump = (ms) => {
    jumped = true
    if (ms < 0) jumpedBack = true
    jump(ms)
  }
  const refreshAheadMs = plan.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS
  const fail = (message: string) => void violations.push(message)
  /** The machine's freshness rules, judged with the plan's options (not the machine's) on a token it holds. */
  const judged = (context: TokenContext) => ({
    expiresAt: context.expiresAt,
    receivedAt: context.receivedAt,
    leewayMs: plan.leewayMs,
    refreshAheadMs,
  })
  const holdsFresh = (context: TokenContext, at: number) => context.accessToken !== null && isFresh(judged(context), at)
  const isRefreshing = (value: unknown) => typeof value === 'object' && value !== null && 'refreshing' in value

  function waiterOf(id: number): TrackedRequest | undefined {
    const known = byWaiter.get(id)
    if (known) return known
    // The first event naming a new waiter, during the call that made it, is that request's.
    if (making && making.waiterId === undefined) {
      making.waiterId = id
      byWaiter.set(id, making)
      return making
    }
    fail(`event for waiter ${id}, which no request owns`)
    return undefined
  }

  function onEvent(event: TokenControllerEvent): void {
    if (event.type === 'session.lost') {
      losses++
      if (lost) fail(`session lost again (${String(event.reason)}) without a login or clear() since the last loss`)
      lost = true
    }
    if (event.type === 'session.started' || event.type === 'token.cleared') lost = false
    if (event.type === 'refresh.started') {
      cycles++
      attemptsInCycle.push(0)
      if (event.reason === 'ahead') aheadCycles++
    }
    // Rests after a failed background cycle that rejected nobody: at least the longest backoff and the cool-down.
    if (event.type === 'refresh.failed' && event.reason === 'ahead' && event.rejected === 0) {
      rests++
      resting = true
      restUntil = clock.now() + Math.max(plan.retry.maxDelayMs, plan.retry.cooldownMs ?? 0)
    } else if (/^(refresh\.|session\.|token\.(cleared|stopped))/.test(event.type)) resting = false
    // A 401 for an older token was answered by the refresh that replaced it: only a 401 reported for
    // the token of this very generation may invalidate it (events can be queued, so not "right now").
    if (event.type === 'token.invalidated') {
      // A 401 reported from onEvent (mid-step) is handled once invalidate() has returned: the cycle it starts is still
      // the caller's own, so its first fetch counts as one (checkLifecycleFetch).
      invalidatedSinceFetch = true
      const token = tokenOfGeneration.get(event.generation as number)
      if (token === undefined || !reported401.has(token))
        fail(`generation ${String(event.generation)} invalidated without a 401 for its token`)
    }
    if (event.type !== 'request.parked' && event.type !== 'request.released' && event.type !== 'request.rejected') return
    const request = waiterOf(event.id as number)
    if (request && event.type === 'request.parked') request.parked = true
    if (!request || event.type === 'request.parked') return
    request.settleEvents++
    if (request.settleEvents > 1) fail(`request ${request.n} settled twice (${event.type})`)
    if (event.type === 'request.released') {
      request.releasedAt = clock.now()
      releasedThisStep.push(request)
    } else {
      request.rejectedAt = clock.now()
      request.rejectedCode = event.code
    }
  }

  function onFetch(record: FetchRecord, alreadyInFlight: number): void {
    // Invariant 2: a fetch starts only when no other is in flight (called, not answered, not aborted).
    if (alreadyInFlight > 0) fail(`fetch ${record.index} started with ${alreadyInFlight} already in flight`)
    if (stopped) fail(`fetch ${record.index} started after stop()`)
    if (lost) fail(`fetch ${record.index} started while a login is required`)
    const cycle = attemptsInCycle.length - 1
    if (cycle < 0) fail(`fetch ${record.index} started outside any refresh cycle`)
    else {
      attemptsInCycle[cycle]!++
      if (record.attempt !== attemptsInCycle[cycle])
        fail(`fetch ${record.index} is attempt ${record.attempt}, expected ${attemptsInCycle[cycle]}`)
      if (record.attempt > plan.retry.attempts) fail(`fetch ${record.index} is attempt ${record.attempt} of ${plan.retry.attempts}`)
    }
    checkLifecycleFetch(record)
  }

  // Invariants 9-11, as a fetch starts.
  function checkLifecycleFetch(record: FetchRecord): void {
    const what = `fetch ${record.index} (attempt ${record.attempt}, ${record.reason})`
    const now = clock.now()
    // Someone waits for this cycle: a request parked and not settled, or the getToken()/refresh() call being made
    // (it parks in this very call, and lets a paused retry fire). A 401 being reported starts a cycle of its own: a
    // request's, not a background one.
    const waiting =
      making !== undefined || requests.some((request) => request.parked === true && request.settleEvents === 0 && request.outcomes === 0)
    const forCaller = invalidating > 0 || (record.reason === 'invalidated' && invalidatedSinceFetch)
    invalidatedSinceFetch = false
    // Invariant 9: hidden, no background or keep-fresh refresh, and a retry only for a parked request.
    // (A background cycle's retry may fire for a request that parked behind it: after a 401 forgot the token.)
    if (hidden && record.reason === 'ahead' && record.attempt === 1) fail(`${what} started while hidden`)
    else if (hidden && !(waiting || (record.attempt === 1 && forCaller))) fail(`${what} started while hidden, nobody waiting`)
    // Invariant 10: offline, a retry waits for the network (a new cycle's first attempt is a request's to make).
    if (offline && record.attempt > 1) fail(`${what} started while offline`)
    if (record.reason !== 'ahead') return
    // Invariant 11: a background fetch only inside the soft window of a fresh token (never with refreshAheadMs 0),
    // never during the rest after a failed background cycle.
    const context = tokens!.actor.getSnapshot().context
    if (record.attempt === 1 && !(holdsFresh(context, now) && isDueAhead(judged(context), now))) fail(`${what} outside the soft window`)
    if (refreshAheadMs === 0) fail(`${what} with refreshAheadMs 0`)
    if (record.attempt === 1 && resting && !jumped && now < restUntil) fail(`${what} ${restUntil - now} ms before the rest ends`)
  }

  function attach(controller: TokenController): void {
    tokens = controller
    fetch.onCall = onFetch
    // The controller sends nothing to a stopped actor: XState's development build prints such an event.
    const actor = controller.actor
    const send = actor.send.bind(actor)
    actor.send = (event) => {
      if (actor.getSnapshot().status !== 'active') fail(`${event.type} sent to the stopped actor`)
      send(event)
    }
    // A token read from a sync storage arrived during construction, before this subscription.
    const initial = controller.actor.getSnapshot().context
    if (initial.accessToken !== null) tokenOfGeneration.set(initial.generation, initial.accessToken)
    let previousState = ''
    controller.actor.subscribe({
      next: (snapshot) => {
        const { context } = snapshot
        const state = typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value)
        // A cool-down ends only by its own timer (into failed.retryable), clear(), setGrant() or logout().
        if (previousState === '{"failed":"coolingDown"}' && state.startsWith('{"refreshing"')) fail('a cycle started in the cool-down')
        previousState = state
        if (context.accessToken !== null) tokenOfGeneration.set(context.generation, context.accessToken)
        // Invariant 5: nothing waits while there is a token to hand out or after the cycle failed;
        // and `idle.empty` with a waiter would strand it.
        if ((state === 'valid' || state.startsWith('{"failed"') || state === '{"idle":"empty"}') && parkedSize(context.parked) !== 0) {
          fail(`${parkedSize(context.parked)} request(s) parked in ${state}`)
        }
        // Invariants 3 and 4: those released by this step got the token it made current, unexpired now,
        // in the order they arrived.
        for (let i = 1; i < releasedThisStep.length; i++) {
          if (releasedThisStep[i]!.n < releasedThisStep[i - 1]!.n)
            fail(`request ${releasedThisStep[i]!.n} released before request ${releasedThisStep[i - 1]!.n}`)
        }
        for (const request of releasedThisStep) {
          request.expectedToken = context.accessToken
          if (context.accessToken === null) fail(`request ${request.n} released while no token is held`)
          else if (!(context.expiresAt > (request.releasedAt as number))) {
            fail(`request ${request.n} released at ${request.releasedAt} with a token that expired at ${context.expiresAt}`)
          }
        }
        releasedThisStep = []
      },
    })
  }

  function request(kind: 'get' | 'refresh', signal?: TrackedRequest['signal']): { tracked: TrackedRequest; promise: Promise<string> } {
    const controller = tokens as TokenController
    const snapshot = controller.actor.getSnapshot()
    const tracked: TrackedRequest = {
      n: requests.length,
      kind,
      startedAt: clock.now(),
      signal,
      settleEvents: 0,
      outcomes: 0,
      queueBefore: snapshot.status === 'active' ? parkedSize(snapshot.context.parked) : 0,
      tokenBefore: snapshot.context.accessToken,
    }
    requests.push(tracked)
    const stoppedBefore = stopped
    if (kind === 'get') fastPathCalls++
    making = tracked
    let promise: Promise<string>
    try {
      promise = kind === 'get' ? controller.getToken(signal ? { signal } : undefined) : controller.refresh()
    } finally {
      making = undefined
    }
    // No event during the call and still running: the fast path answered from the snapshot.
    // (stop() may run inside the call, from onEvent as the fast path starts a background refresh: the answer stands.)
    if (tracked.waiterId === undefined && !stoppedBefore && kind === 'get') {
      const { context } = snapshot
      tracked.expectedToken = context.accessToken
      tracked.releasedAt = tracked.startedAt
      // In valid, while a background cycle runs (or rests after failing), or after a failed cycle that left the
      // token fresh: the token is still handed out.
      const servingAhead = isRefreshing(snapshot.value) && context.reason === 'ahead'
      const failedFresh = typeof snapshot.value === 'object' && 'failed' in snapshot.value
      if (snapshot.value !== 'valid' && !servingAhead && !failedFresh)
        fail(`request ${tracked.n} answered without parking in ${JSON.stringify(snapshot.value)}`)
      // A token that lives no longer than leewayMs gets half its lifetime as its leeway (issue 14, defect 4).
      const lifetimeMs = context.receivedAt === undefined ? Infinity : context.expiresAt - context.receivedAt
      const leewayMs = lifetimeMs > plan.leewayMs ? plan.leewayMs : lifetimeMs / 2
      if (!(context.expiresAt - leewayMs > tracked.startedAt)) fail(`request ${tracked.n} answered at once with a token that is not fresh`)
    }
    // Invariant 8: no request waits while a usable token is held. A getToken() made while the controller holds a
    // token fresh by its clock (expiresAt - leeway > now) is answered at once with it: it neither parks nor is
    // refused. Exempt: a forced refresh under way (refresh() asked for a new token; requests made during its cycle,
    // reason 'forced', wait for that one), a stopped controller, and a run whose wall clock jumped back (a cycle
    // started for a stale token may then find it fresh again). Hydration holds no token yet: nothing to hand out.
    if (
      kind === 'get' &&
      !stoppedBefore &&
      !jumpedBack &&
      snapshot.status === 'active' &&
      holdsFresh(snapshot.context, tracked.startedAt)
    ) {
      const forced = isRefreshing(snapshot.value) && snapshot.context.reason === 'forced'
      const waitedOrRefused = tracked.parked === true || tracked.rejectedAt !== undefined
      if (waitedOrRefused && !forced) {
        const how = tracked.parked ? 'waited' : `was refused (${String(tracked.rejectedCode)})`
        fail(
          `request ${tracked.n} ${how} in ${JSON.stringify(snapshot.value)} (reason ${snapshot.context.reason}) while a fresh token was held`,
        )
      }
    }
    promise.then(
      (token) => settled(tracked, { status: 'resolved', token }),
      (error: unknown) => settled(tracked, { status: 'rejected', error }),
    )
    return { tracked, promise }
  }

  function settled(request: TrackedRequest, outcome: NonNullable<TrackedRequest['outcome']>): void {
    request.outcomes++
    if (request.outcomes > 1) fail(`request ${request.n} settled twice`)
    request.outcome = outcome
    if (outcome.status === 'resolved') {
      // Invariant 4, resolved: the token current when it was released (compared, never printed).
      if (request.expectedToken === undefined) fail(`request ${request.n} resolved, but no release was seen`)
      else if (outcome.token !== request.expectedToken)
        fail(`request ${request.n} resolved with a token that was not current at its release`)
      if (request.waiterId !== undefined && request.releasedAt === undefined) fail(`request ${request.n} resolved without request.released`)
      // refresh() forces a new token: it never answers with the one held when it was called.
      if (request.kind === 'refresh' && outcome.token === request.tokenBefore)
        fail(`refresh() ${request.n} resolved with the token it was called to replace`)
      return
    }
    checkRejection(request, outcome.error)
  }

  // Invariant 4, rejected: a TokenError with a listed code, and the code fits what happened.
  function checkRejection(request: TrackedRequest, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code
    if (!(error instanceof TokenError) || !(REQUEST_ERROR_CODES as readonly unknown[]).includes(code)) {
      fail(`request ${request.n} rejected with ${String(code ?? error)}`)
      return
    }
    if (request.waiterId !== undefined && request.rejectedCode !== code) {
      fail(`request ${request.n} rejected with ${String(code)} but reported ${String(request.rejectedCode)}`)
    }
    const at = request.rejectedAt ?? request.startedAt
    switch (error.code) {
      case 'ABORTED':
        if (!request.signal?.aborted) fail(`request ${request.n} rejected ABORTED without an aborted signal`)
        break
      case 'STOPPED':
        if (!stopped) fail(`request ${request.n} rejected STOPPED before stop()`)
        break
      case 'WAIT_TIMEOUT':
        if (at < request.startedAt + plan.waitTimeoutMs)
          fail(`request ${request.n} timed out after ${at - request.startedAt} ms of ${plan.waitTimeoutMs}`)
        break
      case 'QUEUE_FULL':
        if (request.queueBefore < plan.maxQueue)
          fail(`request ${request.n} rejected QUEUE_FULL with ${request.queueBefore} of ${plan.maxQueue} parked`)
        break
      case 'LOGIN_REQUIRED':
        if (losses === 0) fail(`request ${request.n} rejected LOGIN_REQUIRED before any session loss`)
        break
      case 'REFRESH_FAILED':
        if (!(error instanceof TokenRefreshError) || error.attempts < 1 || error.attempts > plan.retry.attempts) {
          fail(`request ${request.n} rejected REFRESH_FAILED after ${String((error as TokenRefreshError).attempts)} attempt(s)`)
        }
        break
    }
  }

  function invalidate(token: string): void {
    reported401.add(token)
    invalidating++
    try {
      tokens?.invalidate(token)
    } finally {
      invalidating--
    }
  }

  function setAppVisible(visible: boolean): void {
    // Shown: the refresh it may start is allowed at once; hidden: only once the call returns does it count.
    if (visible) {
      hidden = false
      lifecycleCalls++
    }
    tokens!.setAppVisible(visible)
    if (!visible) hidden = true
  }

  function setOnline(online: boolean): void {
    if (online) {
      offline = false
      lifecycleCalls++
    }
    tokens!.setOnline(online)
    if (!online) offline = true
  }

  function peek(): void {
    const controller = tokens as TokenController
    const snapshot = controller.actor.getSnapshot()
    const stoppedBefore = stopped
    const at = clock.now()
    fastPathCalls++
    const token = controller.currentToken()
    if (stoppedBefore || snapshot.status !== 'active') {
      if (token !== undefined) fail('currentToken() handed out a token after stop()')
      return
    }
    const { context } = snapshot
    // valid, a background cycle (running or resting), or failed with the token still fresh (failed.loginRequired holds none).
    const failed = typeof snapshot.value === 'object' && 'failed' in snapshot.value
    const serves = snapshot.value === 'valid' || failed || (isRefreshing(snapshot.value) && context.reason === 'ahead')
    const expected = serves && holdsFresh(context, at) ? context.accessToken : undefined
    if (token !== expected)
      fail(
        `currentToken() in ${JSON.stringify(snapshot.value)} was ${token === undefined ? 'nothing' : 'a token'}, not ${expected === undefined ? 'nothing' : 'the fresh token'}`,
      )
  }

  function stop(): void {
    stopped = true
    stopping++
    try {
      tokens?.stop()
    } finally {
      stopping--
    }
    // A stop() from onEvent while an outer stop() is rejecting: the outer one checks, once it is done.
    if (stopping > 0) return
    // stop() rejects everything parked at once: no request may still be waiting on the controller.
    for (const request of requests) {
      if (request.waiterId !== undefined && request.settleEvents === 0) fail(`request ${request.n} still parked after stop()`)
    }
  }

  function onLoginRequired(info: { reason: string }): void {
    loginRequiredCalls++
    // Called before onEvent hears of session.lost: at most one ahead.
    if (loginRequiredCalls > losses + 1) fail(`onLoginRequired called ${loginRequiredCalls} times for ${losses} loss(es)`)
    if (info.reason !== 'rejected' && info.reason !== 'logout') fail(`onLoginRequired told ${info.reason}`)
  }

  function setGrant(expiresInS: number): void {
    const controller = tokens as TokenController
    const token = `login-${grants++}`
    const before = controller.actor.getSnapshot()
    // As the call starts: setGrant may release parked requests whose onEvent stops the controller within the call.
    const stoppedBefore = stopped
    try {
      controller.setGrant({ access_token: token, expires_in: expiresInS, refresh_token: `${token}-refresh` })
      if (expiresInS <= 0 || stoppedBefore) fail(`setGrant took an unusable grant (${expiresInS} s${stoppedBefore ? ', stopped' : ''})`)
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code !== (stoppedBefore ? 'STOPPED' : 'INVALID_TOKEN_RESPONSE')) fail(`setGrant threw ${String(code)}`)
      if (!stoppedBefore && expiresInS > 0) fail(`setGrant refused a usable grant (${expiresInS} s)`)
      if (controller.actor.getSnapshot() !== before) fail('setGrant refused a grant but changed the machine')
    }
  }

  function finish(): void {
    if (loginRequiredCalls !== losses) fail(`onLoginRequired called ${loginRequiredCalls} times for ${losses} loss(es)`)
    // Invariant 1: every request settled, exactly once.
    for (const request of requests) {
      if (request.outcomes !== 1) fail(`request ${request.n} settled ${request.outcomes} time(s) by the end`)
    }
    // At rest every timer has fired, fetchTimeoutMs included: nothing may still be fetching.
    if (fetch.inFlight() > 0) fail(`${fetch.inFlight()} fetches in flight at the end`)
    // Invariant 7: fetches bounded by cycles × attempts.
    if (fetch.calls.length > cycles * plan.retry.attempts) {
      fail(`${fetch.calls.length} fetches for ${cycles} cycle(s) of ${plan.retry.attempts} attempt(s)`)
    }
    // Each background cycle was asked for: by a request or currentToken() in the soft window, by show or online, or
    // by keepFresh's timer (once per token held, and once more after each rest: it is set again as the machine
    // comes back to valid, so a failing endpoint is tried once per rest).
    const asked = fastPathCalls + lifecycleCalls + (plan.keepFresh ? tokenOfGeneration.size + 1 + rests : 0)
    if (aheadCycles > asked) fail(`${aheadCycles} background cycles, more than the ${asked} calls and timers that may start one`)
  }

  return {
    violations,
    requests,
    onEvent,
    attach,
    request,
    invalidate,
    stop,
    onLoginRequired,
    setGrant,
    setAppVisible,
    setOnline,
    peek,
    get cycles() {
      return cycles
    },
    finish,
  }
}
