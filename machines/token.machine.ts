// The token lifecycle as a statechart: idle → refreshing → valid, with retries, and failed when
// attempts run out. No I/O, clock or randomness here: time comes on events (`at`), the controller
// provides `fetchToken` and the jitter source. Its one effect: settling the waiters it holds.
import { assign, emit, enqueueActions, fromCallback, setup } from 'xstate'
import {
  AbortedError,
  FetchTimeoutError,
  LoginRequiredError,
  QueueFullError,
  StoppedError,
  TokenRefreshError,
  WaitTimeoutError,
} from '../src/errors.ts'
import { backoffDelay } from './backoff.ts'
import { DEFAULT_REFRESH_AHEAD_MS, DEFAULT_RETRY, DEFAULT_TIMEOUTS, orDefault } from './defaults.ts'
import { cappedRetryAfterMs, errorCode } from './failure.ts'
import { emptyParked, enqueue, forEachPending, forgetSettled, parkedSize, type Parked } from './parked.ts'
import type {
  Grant,
  RefreshReason,
  SessionLostReason,
  SharedTokenGrant,
  TokenContext,
  TokenEmitted,
  TokenEvent,
  TokenInput,
  Waiter,
} from './token.types.ts'

// Defined in defaults.ts; exported here too, where they were first.
export { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from './defaults.ts'

/**
 * What the machine's `fetchToken` actor is started with. `refreshToken` is non-enumerable.
 *
 * @example
 * tokenMachine.provide({ actors: { fetchToken: fromCallback<TokenEvent, FetchTokenInput>(({ input, sendBack }) => {
 *   myFetch(input.attempt).then((grant) => sendBack({ type: 'fetch.succeeded', grant }))
 * }) } })
 */
export interface FetchTokenInput {
  attempt: number
  reason: RefreshReason
  refreshToken?: string
  /** The shared version of the token being replaced, for the coordinator; absent when none came from one. */
  knownVersion?: number
}

/**
 * What freshness is judged on: the machine's context, or a grant with the configured leeway.
 *
 * @example
 * const token: FreshnessInput = { expiresAt: Date.now() + 20_000, leewayMs: 30_000, receivedAt: Date.now() }
 * isFresh(token, Date.now()) // true: a 20 s token keeps 10 s of leeway, not 30
 */
export interface FreshnessInput {
  expiresAt: number
  leewayMs: number
  /** Epoch ms the token arrived. Without it the token keeps `leewayMs`. */
  receivedAt?: number | undefined
}

/**
 * Fresh means exactly `expiresAt - leeway > at`; the controller's fast path uses the same rule. The leeway is
 * `leewayMs`, or half the token's lifetime (`expiresAt - receivedAt`) when it lives no longer than `leewayMs`:
 * such a token would otherwise be stale on arrival, and every request would fetch another.
 *
 * @example
 * isFresh({ expiresAt: Date.now() + 60_000, leewayMs: 30_000 }, Date.now()) // true
 * isFresh({ expiresAt: Date.now() + 10_000, leewayMs: 30_000 }, Date.now()) // false: inside the leeway
 * isFresh({ expiresAt: Date.now() + 20_000, leewayMs: 30_000, receivedAt: Date.now() }, Date.now()) // true for 10 s
 */
export function isFresh(token: FreshnessInput, at: number): boolean {
  return token.expiresAt - leewayOf(token) > at
}

/** The leeway a token gets: `leewayMs`, or half its lifetime when it lives no longer than that. */
export function leewayOf(token: FreshnessInput): number {
  if (token.receivedAt === undefined) return token.leewayMs
  const lifetimeMs = token.expiresAt - token.receivedAt
  return lifetimeMs > token.leewayMs ? token.leewayMs : lifetimeMs / 2
}

/**
 * What the soft window is judged on: a token (with its freshness inputs) and `refreshAheadMs`.
 *
 * @example
 * const token: SoftWindowInput = { expiresAt: Date.now() + 7_200_000, leewayMs: 30_000, refreshAheadMs: 300_000 }
 */
export interface SoftWindowInput extends FreshnessInput {
  refreshAheadMs: number
}

/**
 * The soft window of a token: `refreshAheadMs`, at most half its lifetime (when the arrival time is known), never
 * smaller than its leeway. Inside it the token is still handed out while one refresh runs in the background; only
 * inside the leeway (the hard window) do requests wait. A 60 s token with a 30 s leeway has no soft window beyond it.
 *
 * @example
 * softWindowOf({ expiresAt: Date.now() + 7_200_000, receivedAt: Date.now(), leewayMs: 30_000, refreshAheadMs: 300_000 }) // 300_000
 * softWindowOf({ expiresAt: Date.now() + 60_000, receivedAt: Date.now(), leewayMs: 30_000, refreshAheadMs: 300_000 }) // 30_000
 */
export function softWindowOf(token: SoftWindowInput): number {
  const leewayMs = leewayOf(token)
  const lifetimeMs = token.receivedAt === undefined ? Infinity : token.expiresAt - token.receivedAt
  const aheadMs = Math.min(token.refreshAheadMs, lifetimeMs / 2)
  return aheadMs > leewayMs ? aheadMs : leewayMs
}

/**
 * True once `at` is inside the token's soft window (or past it): time to refresh in the background.
 *
 * @example
 * isDueAhead({ expiresAt: Date.now() + 60_000, leewayMs: 30_000, refreshAheadMs: 300_000 }, Date.now()) // true
 */
export function isDueAhead(token: SoftWindowInput, at: number): boolean {
  return token.expiresAt - softWindowOf(token) <= at
}

/**
 * Rejects every request still pending in `parked` with a STOPPED error of its own. The one way a stopped
 * controller's requests settle: the machine runs it on `token.stop`, the controller at the actor's end for
 * whatever the machine could not reach (a stop() mid-step, `tokens.actor.stop()` from outside).
 */
export function rejectStopped(parked: Parked): void {
  forEachPending(parked, (waiter) => waiter.reject(new StoppedError()))
}

// One error per request; its cause is what fetchToken failed with (none after logout).
function loginRequired(context: TokenContext): LoginRequiredError {
  return new LoginRequiredError(undefined, { cause: context.lastError })
}

function fetchInput(context: TokenContext): FetchTokenInput {
  const input: FetchTokenInput = { attempt: context.attempt, reason: context.reason }
  if (context.sharedVersion > 0) input.knownVersion = context.sharedVersion
  if (context.refreshToken !== null) {
    Object.defineProperty(input, 'refreshToken', { value: context.refreshToken, enumerable: false })
  }
  return input
}

// Transitions the chart takes in several states, written once. A request that finds a refresh under way
// (or storage still being read) parks, unless maxQueue requests already wait.
type RequestEvent = Extract<TokenEvent, { type: 'token.get' | 'token.refresh' }>
const waiterOf = ({ event }: { event: RequestEvent }) => event
const refuseIfFull = { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: waiterOf } } as const
const parkOrRefuse = [refuseIfFull, { actions: { type: 'parkWaiter', params: waiterOf } }] as const
// Where nobody is parked (idle.empty, valid, failed), the request that starts a cycle always fits.
const parkAndRefresh = {
  target: '#token.refreshing',
  actions: [
    { type: 'parkWaiter', params: waiterOf },
    { type: 'startCycle', params: {} },
  ],
} as const
const parkAndForceRefresh = {
  target: '#token.refreshing',
  actions: [
    { type: 'parkWaiter', params: waiterOf },
    { type: 'startCycle', params: { reason: 'forced' } },
  ],
} as const
const forgetAll = { target: '#token.idle.empty', actions: ['forgetTokens', 'emitTokenCleared'] } as const
// How a cycle that ran out of attempts ends: in a cool-down when retry.cooldownMs is set, else ready for the next.
const failCycle = ['emitRefreshFailed', 'rejectParkedRefreshFailed', 'forgetParked'] as const
const recordFailure = { type: 'recordError', params: ({ event }: { event: { error: unknown } }) => event } as const
// Requests in a cool-down or while a login is required are answered at once, never parked.
const refuseCoolingDown = { actions: { type: 'rejectRefreshFailed', params: waiterOf } } as const
// A failed cycle does not spoil a token that is still fresh (a refresh() that failed, a background cycle that failed
// with a refresh() waiting): it is still handed out until the leeway.
const answerIfFresh = {
  guard: { type: 'isFresh', params: ({ event }: { event: RequestEvent }) => event },
  actions: { type: 'answerWaiter', params: waiterOf },
} as const
const refuseLoginRequired = { actions: { type: 'rejectLoginRequired', params: waiterOf } } as const
// A cycle the soft window starts: 'ahead' while the token is still handed out, 'expired' once inside the leeway.
type TimedEvent = Extract<TokenEvent, { at: number }>
const aheadCycle = {
  type: 'startCycle',
  params: ({ context, event }: { context: TokenContext; event: TimedEvent }) => ({
    reason: isFresh(context, event.at) ? ('ahead' as const) : ('expired' as const),
  }),
} as const
// In valid: refresh in the background once the soft window began, unless the app is hidden or offline. app.show and
// network.online count as shown / online already: guards run before the event's own actions.
const aheadDue = (hidden: boolean | null, offline: boolean | null) =>
  ({
    type: 'canRefreshAhead',
    params: ({ context, event }: { context: TokenContext; event: TimedEvent }) => ({
      at: event.at,
      hidden: hidden ?? context.hidden,
      offline: offline ?? context.offline,
    }),
  }) as const
const refreshAheadIfDue = { guard: aheadDue(null, null), target: '#token.refreshing', actions: aheadCycle } as const
const refreshIfDueOnShow = [
  { guard: aheadDue(false, null), target: '#token.refreshing', actions: ['markShown', aheadCycle] },
  { actions: 'markShown' },
] as const
const refreshIfDueOnline = [
  { guard: aheadDue(null, false), target: '#token.refreshing', actions: ['markOnline', aheadCycle] },
  { actions: 'markOnline' },
] as const
// Storage was read: a fresh stored token is taken; else a cycle if requests wait; else nothing to do yet.
type HydratedEvent = Extract<TokenEvent, { type: 'token.hydrated' }>
const keepStoredRefreshToken = { type: 'keepRefreshToken', params: ({ event }: { event: HydratedEvent }) => event } as const
const takeFreshStored = {
  guard: { type: 'isFreshGrant', params: ({ event }: { event: HydratedEvent }) => event },
  target: '#token.valid',
  actions: [
    { type: 'storeToken', params: ({ event }: { event: HydratedEvent }) => ({ grant: event.grant as Grant }) },
    'emitTokenRestored',
    'releaseParked',
    'forgetParked',
  ],
} as const
const nothingToDoYet = { target: '#token.idle.empty', actions: keepStoredRefreshToken } as const
const settleHydration = [
  takeFreshStored,
  { guard: 'hasParked', target: '#token.refreshing', actions: [keepStoredRefreshToken, { type: 'startCycle', params: {} }] },
  nothingToDoYet,
] as const
// While a background cycle runs (or rests after failing), the current token is still handed out until the leeway.
const answerIfServingAhead = {
  guard: { type: 'isServingAhead', params: ({ event }: { event: TimedEvent }) => event },
  actions: { type: 'answerWaiter', params: waiterOf },
} as const

/**
 * The token lifecycle as an XState v5 statechart: `idle` (`hydrating`, `refreshQueued`, `empty`), `valid`,
 * `refreshing` (`fetching`, `waitingToRetry`), `failed` (`retryable`, `coolingDown`, `loginRequired`). From any
 * state `session.set` (setGrant) leads to `valid` and `session.logout` to `failed.loginRequired`. No I/O, clock or randomness inside: the controller
 * provides the `fetchToken` actor, time on events, and the jitter source. Apps use {@link createTokenController};
 * this is for the Stately visualizer, model-based tests and tooling.
 *
 * @example
 * import { createActor } from 'xstate'
 * import { tokenMachine } from 'painless-token/machine'
 *
 * const actor = createActor(tokenMachine, { input: { retry: { attempts: 2 } } }).start()
 * actor.getSnapshot().value // { idle: 'hydrating' }
 */
export const tokenMachine = setup({
  types: {} as {
    context: TokenContext
    events: TokenEvent
    emitted: TokenEmitted
    input: TokenInput
  },
  actors: {
    // fromCallback, not the promise actor: XState builds an AbortController for that one, which
    // mini-programs lack. The controller provides the real one; if it forgets, fail loudly, never hang.
    fetchToken: fromCallback<TokenEvent, FetchTokenInput>(({ sendBack }) => {
      sendBack({ type: 'fetch.failed', error: new TypeError('fetchToken not provided') })
    }),
  },
  guards: {
    isFresh: ({ context }, { at }: { at: number }) => isFresh(context, at),
    // A stored grant's first lifetime is unknown (storage keeps no receive time), so it keeps leewayMs: a 2-hour
    // token read back with 20 s left is inside the leeway and refreshed, not taken for a 20 s token.
    isFreshGrant: ({ context }, { grant, at }: { grant: Grant | null; at: number }) =>
      grant !== null && isFresh({ expiresAt: grant.expiresAt, leewayMs: context.leewayMs }, at),
    isQueueFull: ({ context }) => parkedSize(context.parked) >= context.maxQueue,
    isCurrentToken: ({ context }, { generation }: { generation: number }) =>
      context.accessToken !== null && generation === context.generation,
    hasAttemptsLeft: ({ context }) => context.attempt < context.retry.attempts,
    hasParked: ({ context }) => parkedSize(context.parked) > 0,
    // A pending waiter is one this machine holds: only the machine settles a parked waiter, and a late abort or
    // timeout for one already answered must not count it twice.
    isPendingWaiter: (_, { waiter }: { waiter: Waiter }) => !waiter.settled,
    // The controller turns what `isLoginRequired` recognises into a LoginRequiredError: the code is all that is read.
    isLoginRequired: (_, { error }: { error: unknown }) => errorCode(error) === 'LOGIN_REQUIRED',
    hasCooldown: ({ context }) => context.retry.cooldownMs! > 0,
    canRefreshAhead: ({ context }, { at, hidden, offline }: { at: number; hidden: boolean; offline: boolean }) =>
      !hidden && !offline && context.accessToken !== null && isDueAhead(context, at),
    // token.get in valid: still fresh (answered now) and inside the soft window (a background refresh starts).
    isServableAndDueAhead: ({ context }, { at }: { at: number }) =>
      !context.hidden && !context.offline && isFresh(context, at) && isDueAhead(context, at),
    isServingAhead: ({ context }, { at }: { at: number }) => context.reason === 'ahead' && isFresh(context, at),
    // Elsewhere in refreshing nobody takes the held token, so a 401 for it changes nothing there.
    isTokenServedAhead: ({ context }, { generation }: { generation: number }) =>
      context.reason === 'ahead' && context.accessToken !== null && generation === context.generation,
    // A retry fires only online, and while hidden only for a parked request: a background one waits for app.show.
    mayRetry: ({ context }) => !context.offline && (!context.hidden || parkedSize(context.parked) > 0),
    // A background cycle nobody waits for: failing it keeps the current token, and the next one rests first.
    // (A 401 during it forgot the token: then it fails like any cycle, and the next request starts one.)
    // A token another instance published: newer than the one held (or last held) and fresh by this machine's leeway.
    isNewerSharedToken: ({ context }, { grant, at }: { grant: SharedTokenGrant; at: number }) =>
      grant.version > context.sharedVersion &&
      isFresh({ expiresAt: grant.expiresAt, receivedAt: grant.receivedAt, leewayMs: context.leewayMs }, at),
    isUnattendedAhead: ({ context }) => context.reason === 'ahead' && parkedSize(context.parked) === 0 && context.accessToken !== null,
  },
  actions: {
    answerWaiter: ({ context }, { waiter }: { waiter: Waiter }) => waiter.resolve(context.accessToken as string),
    rejectQueueFull: ({ context }, { waiter }: { waiter: Waiter }) => waiter.reject(new QueueFullError(context.maxQueue)),
    parkWaiter: assign({ parked: ({ context }, { waiter }: { waiter: Waiter }) => enqueue(context.parked, waiter) }),
    rejectAborted: (_, { waiter, reason }: { waiter: Waiter; reason?: unknown }) => waiter.reject(new AbortedError(reason)),
    rejectTimedOut: ({ context }, { waiter }: { waiter: Waiter }) => waiter.reject(new WaitTimeoutError(context.waitTimeoutMs)),
    forgetSettledWaiter: assign({ parked: ({ context }) => forgetSettled(context.parked) }),
    releaseParked: ({ context }) => {
      const token = context.accessToken as string
      forEachPending(context.parked, (waiter) => waiter.resolve(token))
    },
    // One error per request: a caller that decorates its error (mini-program adapters add errMsg) touches no other.
    rejectParkedRefreshFailed: ({ context }) => {
      forEachPending(context.parked, (waiter) => waiter.reject(new TokenRefreshError(context.attempt, context.lastError)))
    },
    rejectParkedStopped: ({ context }) => rejectStopped(context.parked),
    rejectParkedLoginRequired: ({ context }) => {
      forEachPending(context.parked, (waiter) => waiter.reject(loginRequired(context)))
    },
    rejectLoginRequired: ({ context }, { waiter }: { waiter: Waiter }) => waiter.reject(loginRequired(context)),
    // In a cool-down: the failed cycle's answer, once more, instead of a new cycle.
    rejectRefreshFailed: ({ context }, { waiter }: { waiter: Waiter }) =>
      waiter.reject(new TokenRefreshError(context.attempt, context.lastError)),
    forgetParked: assign({ parked: emptyParked }),
    startCycle: assign(({ context }, { reason }: { reason?: RefreshReason }) => ({
      attempt: 0,
      lastError: undefined,
      reason: orDefault(reason, context.accessToken === null ? 'missing' : 'expired'),
    })),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    storeToken: assign(({ context }, { grant, at }: { grant: Grant; at?: number }) => ({
      accessToken: grant.accessToken,
      // A grant without a refresh token keeps the previous one: rotation is optional (RFC 6749 §6).
      refreshToken: orDefault<string | null>(grant.refreshToken, context.refreshToken),
      expiresAt: grant.expiresAt,
      receivedAt: at,
      generation: context.generation + 1,
      // A grant that names no shared version (a login, a stored token) keeps the one held: a floor, so that a record
      // the store still holds from before is never taken for newer.
      sharedVersion: orDefault(grant.version, context.sharedVersion),
    })),
    keepRefreshToken: assign({
      refreshToken: ({ context }, { grant }: { grant: Grant | null }) =>
        grant === null ? context.refreshToken : orDefault<string | null>(grant.refreshToken, context.refreshToken),
    }),
    forgetAccessToken: assign({ accessToken: null, expiresAt: 0 }),
    forgetTokens: assign({ accessToken: null, refreshToken: null, expiresAt: 0 }),
    recordError: assign({ lastError: (_, { error }: { error: unknown }) => error }),
    recordFetchTimeout: assign({ lastError: ({ context }) => new FetchTimeoutError(context.fetchTimeoutMs) }),
    markHidden: assign({ hidden: true }),
    markShown: assign({ hidden: false }),
    markOffline: assign({ offline: true }),
    markOnline: assign({ offline: false }),
    // After a failed background cycle: no new one before the longest backoff delay, the cool-down, or the server's
    // Retry-After, whichever is longest. Requests inside the leeway still start a cycle at once.
    planAheadRest: assign({
      retryDelayMs: ({ context }) =>
        Math.max(
          context.retry.maxDelayMs,
          context.retry.cooldownMs!,
          orDefault(cappedRetryAfterMs(context.lastError, orDefault(context.retry.maxRetryAfterMs, context.waitTimeoutMs)), 0),
        ),
    }),
    planRetry: assign({
      // The server's Retry-After wins over the computed backoff, up to maxRetryAfterMs (default waitTimeoutMs):
      // past that no parked request is still waiting, and a day-long wait would leave only clear() to get out.
      retryDelayMs: ({ context }) =>
        cappedRetryAfterMs(context.lastError, orDefault(context.retry.maxRetryAfterMs, context.waitTimeoutMs)) ??
        backoffDelay(context.attempt, context.retry, context.random),
    }),
    emitRefreshStarted: emit(({ context }) => ({
      type: 'refresh.started' as const,
      reason: context.reason,
      queueSize: parkedSize(context.parked),
    })),
    emitRefreshRetrying: emit(({ context }) => ({
      type: 'refresh.retrying' as const,
      reason: context.reason,
      attempt: context.attempt,
      delayMs: context.retryDelayMs,
      code: errorCode(context.lastError),
    })),
    emitRefreshSucceeded: emit(({ context }) => ({
      type: 'refresh.succeeded' as const,
      reason: context.reason,
      attempts: context.attempt,
      generation: context.generation,
      expiresAt: context.expiresAt,
      released: parkedSize(context.parked),
    })),
    emitRefreshFailed: emit(({ context }) => ({
      type: 'refresh.failed' as const,
      reason: context.reason,
      attempts: context.attempt,
      code: errorCode(context.lastError),
      rejected: parkedSize(context.parked),
    })),
    emitTokenRestored: emit(({ context }) => ({
      type: 'token.restored' as const,
      generation: context.generation,
      expiresAt: context.expiresAt,
    })),
    // Once per token, as it is stored: a token that lives no longer than leewayMs gets half its lifetime as leeway.
    emitLeewayShortened: enqueueActions(({ context, enqueue }) => {
      const leewayMs = leewayOf(context)
      if (leewayMs < context.leewayMs) enqueue.emit({ type: 'leeway.shortened', generation: context.generation, leewayMs })
    }),
    emitTokenInvalidated: emit(({ context }) => ({ type: 'token.invalidated' as const, generation: context.generation })),
    emitTokenCleared: emit({ type: 'token.cleared' as const }),
    emitTokenStopped: emit({ type: 'token.stopped' as const }),
    emitSessionStarted: emit(({ context }) => ({
      type: 'session.started' as const,
      generation: context.generation,
      expiresAt: context.expiresAt,
    })),
    emitTokenAdopted: emit(({ context }) => ({
      type: 'token.adopted' as const,
      generation: context.generation,
      version: context.sharedVersion,
      expiresAt: context.expiresAt,
      released: parkedSize(context.parked),
    })),
    emitSessionLost: emit((_, { reason }: { reason: SessionLostReason }) => ({ type: 'session.lost' as const, reason })),
  },
  delays: {
    retryBackoff: ({ context }) => context.retryDelayMs,
    aheadRest: ({ context }) => context.retryDelayMs,
    cooldown: ({ context }) => context.retry.cooldownMs!,
    fetchTimeout: ({ context }) => context.fetchTimeoutMs,
  },
}).createMachine({
  id: 'token',
  context: ({ input = {} }) => ({
    accessToken: null,
    refreshToken: null,
    expiresAt: 0,
    generation: 0,
    sharedVersion: 0,
    parked: emptyParked,
    attempt: 0,
    lastError: undefined,
    reason: 'missing',
    retryDelayMs: 0,
    retry: Object.assign({}, DEFAULT_RETRY, input.retry),
    leewayMs: orDefault(input.leewayMs, DEFAULT_TIMEOUTS.leewayMs),
    refreshAheadMs: orDefault(input.refreshAheadMs, DEFAULT_REFRESH_AHEAD_MS),
    hidden: false,
    offline: false,
    fetchTimeoutMs: orDefault(input.fetchTimeoutMs, DEFAULT_TIMEOUTS.fetchTimeoutMs),
    waitTimeoutMs: orDefault(input.waitTimeoutMs, DEFAULT_TIMEOUTS.waitTimeoutMs),
    maxQueue: orDefault(input.maxQueue, DEFAULT_TIMEOUTS.maxQueue),
    random: orDefault(input.random, () => 1),
  }),
  initial: 'idle',
  on: {
    'waiter.abort': {
      guard: { type: 'isPendingWaiter', params: ({ event }) => event },
      actions: [{ type: 'rejectAborted', params: ({ event }) => event }, 'forgetSettledWaiter'],
    },
    'waiter.timeout': {
      guard: { type: 'isPendingWaiter', params: ({ event }) => event },
      actions: [{ type: 'rejectTimedOut', params: ({ event }) => event }, 'forgetSettledWaiter'],
    },
    // The controller stops the actor on token.stopped: only after every event queued before token.stop was handled.
    'token.stop': { actions: ['rejectParkedStopped', 'forgetParked', 'emitTokenStopped'] },
    // From any state: a running fetch is abandoned (its answer belongs to the old session), a late storage read
    // ignored (no state but hydrating takes token.hydrated); parked requests get the new token.
    'session.set': {
      target: '#token.valid',
      actions: [
        { type: 'storeToken', params: ({ event }) => event },
        'emitSessionStarted',
        'emitLeewayShortened',
        'releaseParked',
        'forgetParked',
      ],
    },
    'session.logout': {
      target: '#token.failed.loginRequired',
      actions: [
        'forgetTokens',
        { type: 'recordError', params: { error: undefined } },
        'rejectParkedLoginRequired',
        'forgetParked',
        { type: 'emitSessionLost', params: { reason: 'logout' } },
      ],
    },
    // From any state but failed.loginRequired: another instance's token, newer and fresh, ends whatever this one was doing (a running fetch or
    // wait for the lock is abandoned, a late storage read ignored); parked requests get it. Not newer: ignored, so
    // the push and the waiter's own re-read of one token are taken once.
    'token.shared': {
      guard: { type: 'isNewerSharedToken', params: ({ event }) => event },
      target: '#token.valid',
      actions: [
        { type: 'storeToken', params: ({ event }) => ({ grant: event.grant, at: event.grant.receivedAt }) },
        'emitTokenAdopted',
        'emitLeewayShortened',
        'releaseParked',
        'forgetParked',
      ],
    },
    // The app's lifecycle and the network (watchLifecycle): flags the guards read. valid and refreshing also act on them.
    'app.hide': { actions: 'markHidden' },
    'app.show': { actions: 'markShown' },
    'network.offline': { actions: 'markOffline' },
    'network.online': { actions: 'markOnline' },
  },
  states: {
    idle: {
      initial: 'hydrating',
      states: {
        // Reading storage: requests park without starting a fetch; a fresh stored token needs none.
        hydrating: {
          on: {
            'token.get': parkOrRefuse,
            // A forced refresh waits for the stored refresh token, like any request during hydration.
            'token.refresh': [refuseIfFull, { target: 'refreshQueued', actions: { type: 'parkWaiter', params: waiterOf } }],
            'token.hydrated': settleHydration,
          },
        },
        // Still reading storage, with a forced refresh waiting: whatever was stored, refresh with its refresh token.
        refreshQueued: {
          on: {
            'token.get': parkOrRefuse,
            'token.refresh': parkOrRefuse,
            'token.hydrated': [
              {
                guard: 'hasParked',
                target: '#token.refreshing',
                actions: [
                  { type: 'keepRefreshToken', params: ({ event }) => event },
                  { type: 'startCycle', params: { reason: 'forced' } },
                ],
              },
              // The refresh() that queued it timed out or was aborted meanwhile: nobody waits for a fetch.
              takeFreshStored,
              nothingToDoYet,
            ],
          },
        },
        empty: {},
      },
      on: {
        // Only idle.empty gets here: hydrating and refreshQueued take requests themselves.
        'token.get': parkAndRefresh,
        'token.refresh': parkAndForceRefresh,
        // Logout during hydration: the stored token is gone, so drop the read's late result; requests
        // already parked get a cycle at once instead of waiting for a hydration that will be ignored.
        'token.clear': [
          {
            guard: 'hasParked',
            target: 'refreshing',
            actions: ['forgetTokens', 'emitTokenCleared', { type: 'startCycle', params: { reason: 'missing' } }],
          },
          forgetAll,
        ],
      },
    },
    valid: {
      on: {
        'token.get': [
          // Inside the soft window: answered now, and one background refresh starts (the controller's fast path
          // sends token.ahead for the same).
          {
            guard: { type: 'isServableAndDueAhead', params: ({ event }) => event },
            target: '#token.refreshing',
            actions: [
              { type: 'answerWaiter', params: ({ event }) => event },
              { type: 'startCycle', params: { reason: 'ahead' } },
            ],
          },
          {
            guard: { type: 'isFresh', params: ({ event }) => event },
            actions: { type: 'answerWaiter', params: ({ event }) => event },
          },
          // Stale: startCycle names the reason expired, as a token is held.
          parkAndRefresh,
        ],
        'token.refresh': parkAndForceRefresh,
        'token.ahead': refreshAheadIfDue,
        'app.show': refreshIfDueOnShow,
        'network.online': refreshIfDueOnline,
        // Only the current token's rejection refreshes: a 401 for an older one is already handled.
        'token.invalidate': {
          guard: { type: 'isCurrentToken', params: ({ event }) => event },
          target: 'refreshing',
          actions: ['emitTokenInvalidated', 'forgetAccessToken', { type: 'startCycle', params: { reason: 'invalidated' } }],
        },
        'token.clear': forgetAll,
      },
    },
    refreshing: {
      entry: 'emitRefreshStarted',
      initial: 'fetching',
      states: {
        fetching: {
          entry: 'countAttempt',
          invoke: { src: 'fetchToken', input: ({ context }) => fetchInput(context) },
          after: {
            fetchTimeout: [
              { guard: 'hasAttemptsLeft', target: 'waitingToRetry', actions: ['recordFetchTimeout', 'planRetry', 'emitRefreshRetrying'] },
              { guard: 'isUnattendedAhead', target: 'resting', actions: ['recordFetchTimeout', 'emitRefreshFailed', 'planAheadRest'] },
              { guard: 'hasCooldown', target: '#token.failed.coolingDown', actions: ['recordFetchTimeout', ...failCycle] },
              { target: '#token.failed.retryable', actions: ['recordFetchTimeout', ...failCycle] },
            ],
          },
          on: {
            'fetch.succeeded': {
              target: '#token.valid',
              actions: [
                { type: 'storeToken', params: ({ event }) => event },
                'emitRefreshSucceeded',
                'emitLeewayShortened',
                'releaseParked',
                'forgetParked',
              ],
            },
            'fetch.failed': [
              // The refresh token was refused: retrying cannot help, and the tokens are dead (storage forgets them).
              {
                guard: { type: 'isLoginRequired', params: ({ event }) => event },
                target: '#token.failed.loginRequired',
                actions: [
                  recordFailure,
                  'forgetTokens',
                  'emitRefreshFailed',
                  'rejectParkedLoginRequired',
                  'forgetParked',
                  { type: 'emitSessionLost', params: { reason: 'rejected' } },
                ],
              },
              { guard: 'hasAttemptsLeft', target: 'waitingToRetry', actions: [recordFailure, 'planRetry', 'emitRefreshRetrying'] },
              { guard: 'isUnattendedAhead', target: 'resting', actions: [recordFailure, 'emitRefreshFailed', 'planAheadRest'] },
              { guard: 'hasCooldown', target: '#token.failed.coolingDown', actions: [recordFailure, ...failCycle] },
              { target: '#token.failed.retryable', actions: [recordFailure, ...failCycle] },
            ],
          },
        },
        waitingToRetry: {
          after: { retryBackoff: [{ guard: 'mayRetry', target: 'fetching' }, { target: 'paused' }] },
          on: { 'network.offline': { target: 'paused', actions: 'markOffline' } },
        },
        // A retry that is due but may not fire: offline (spending an attempt would be waste), or hidden with nobody
        // parked. It fires as soon as that changes (network.online, app.show, a request parking); no attempt is spent.
        paused: {
          always: { guard: 'mayRetry', target: 'fetching' },
        },
        // A background cycle failed with nobody waiting: the current token is still handed out until the leeway, and
        // no background cycle starts before the rest ends. A request inside the leeway starts a cycle at once.
        resting: {
          after: { aheadRest: '#token.valid' },
          on: {
            'token.get': [
              answerIfServingAhead,
              {
                target: '#token.refreshing',
                reenter: true,
                actions: [
                  { type: 'parkWaiter', params: waiterOf },
                  { type: 'startCycle', params: {} },
                ],
              },
            ],
            'token.refresh': {
              target: '#token.refreshing',
              reenter: true,
              actions: [
                { type: 'parkWaiter', params: waiterOf },
                { type: 'startCycle', params: { reason: 'forced' } },
              ],
            },
            'token.invalidate': {
              guard: { type: 'isCurrentToken', params: ({ event }) => event },
              target: '#token.refreshing',
              reenter: true,
              actions: ['emitTokenInvalidated', 'forgetAccessToken', { type: 'startCycle', params: { reason: 'invalidated' } }],
            },
          },
        },
      },
      on: {
        'token.get': [answerIfServingAhead, ...parkOrRefuse],
        'token.refresh': parkOrRefuse,
        // A 401 for the token a background cycle is still handing out: stop handing it out; the running cycle brings
        // the next one.
        'token.invalidate': {
          guard: { type: 'isTokenServedAhead', params: ({ event }) => event },
          actions: ['emitTokenInvalidated', 'forgetAccessToken'],
        },
        // Logout mid-refresh: that fetch's answer belongs to the old session, so drop it; requests
        // still parked get a new cycle at once.
        'token.clear': [
          {
            guard: 'hasParked',
            target: 'refreshing',
            reenter: true,
            actions: ['forgetTokens', 'emitTokenCleared', { type: 'startCycle', params: { reason: 'missing' } }],
          },
          forgetAll,
        ],
      },
    },
    failed: {
      initial: 'retryable',
      states: {
        retryable: {},
        // Within retry.cooldownMs of a failed cycle: no new cycle per request, the same answer at once.
        coolingDown: {
          after: { cooldown: 'retryable' },
          on: { 'token.get': [answerIfFresh, refuseCoolingDown], 'token.refresh': refuseCoolingDown },
        },
        // No token is held and only a login brings one: setGrant() (session.set) or clear() leave.
        loginRequired: {
          on: {
            'token.get': refuseLoginRequired,
            'token.refresh': refuseLoginRequired,
            // Already logged out: no second session.lost, so onLoginRequired runs once per loss.
            'session.logout': {},
            // Only a login leaves: another instance's token does not undo a logout here (a tab signed out stays out).
            'token.shared': {},
          },
        },
      },
      on: {
        // Only failed.retryable gets here. Entering failed rejected everyone parked.
        'token.get': [answerIfFresh, parkAndRefresh],
        'token.refresh': parkAndForceRefresh,
        'token.clear': forgetAll,
      },
    },
  },
})

/**
 * The type of {@link tokenMachine}, for typing actors and helpers built around it.
 *
 * @example
 * const actor: ActorRefFrom<TokenMachine> = createActor(tokenMachine).start()
 */
export type TokenMachine = typeof tokenMachine
