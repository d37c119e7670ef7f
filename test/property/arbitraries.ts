// What fast-check generates for the controller property: options, the token endpoint's answers, the
// storage read at start, and programs of requests, 401s, aborts, time, clock jumps, clear and stop.
// luch-request.arbitraries.ts builds the HTTP suite's on these.
import fc from 'fast-check'

export type GrantForm = 'snake' | 'camel' | 'string' | 'expiresAt'

/**
 * When an answer comes: 'sync' (fetchToken returns or throws it, no promise), 'timely' (a settled
 * promise: before the next scheduled task, so before any timer), or 'scheduled' (when the scheduler
 * says, racing the timers and everything else).
 */
export type Delivery = 'sync' | 'timely' | 'scheduled'

/** How one fetchToken call ends. Plans are used in call order. */
export type FetchPlan =
  /**
   * An expiry of 0 s or less is an invalid answer. Delivered as `delivery` says.
   */
  | { kind: 'grant'; expiresInS: number; form: GrantForm; delivery: Delivery }
  /** Answers `delayMs` later on the controller's clock: maybe after fetchTimeoutMs. */
  | { kind: 'slow'; delayMs: number; expiresInS: number; form: GrantForm }
  | { kind: 'fail'; delivery: Delivery; retryAfterMs?: number }
  /** Resolves with a body that is not a usable token. */
  | { kind: 'malformed'; body: unknown }
  /** fetchToken throws before returning a promise. */
  | { kind: 'throw' }
  /** Never answers: only fetchTimeoutMs, clear() or stop() end it. */
  | { kind: 'never' }
  /** The refresh token is refused: a luch/uni-shaped 400 `invalid_grant`, which means a login is required. */
  | { kind: 'invalidGrant'; delivery: Delivery }

/** What the storage holds at start, and whether reading it takes a scheduled while. */
export type StoragePlan =
  | { kind: 'memory' }
  /** Read at once, holding a token that expires `expiresInMs` after the start (maybe already expired). */
  | { kind: 'sync'; expiresInMs: number }
  | { kind: 'async'; stored: 'none' | 'garbage' | 'fails' }
  | { kind: 'async'; stored: 'token'; expiresInMs: number }

export type Action =
  /**
   * `count` requests in the same tick; `abortable` ones carry a signal an `abort` may fire. Once one
   * resolves, in the same microtask: nothing more, another request ('get'), or a 401 for the token it
   * just got followed by another request ('replay', what an HTTP adapter does).
   */
  | { kind: 'get'; count: number; abortable: boolean; follow: Follow }
  | { kind: 'refresh' }
  | { kind: 'abort'; target: number }
  /** A 401 for the current token, for an older one, or for one this controller never issued. */
  | { kind: 'invalidate'; which: 'current' | 'old' | 'unknown' }
  | { kind: 'advance'; ms: number }
  /** The wall clock (the controller's `now`) jumps by `ms`, back or forth; timers run on, unaffected. */
  | { kind: 'jump'; ms: number }
  | { kind: 'clear' }
  | { kind: 'stop' }
  /** A login page hands over a grant (`expiresInS` of 0 or less: an unusable one, which setGrant must refuse). */
  | { kind: 'setGrant'; expiresInS: number }
  | { kind: 'logout' }
  /** The app went to the background (false) or came back (true): `setAppVisible`. */
  | { kind: 'visible'; visible: boolean }
  /** The network went away (false) or came back (true): `setOnline`. */
  | { kind: 'online'; online: boolean }
  /** The adapters' fast path: `currentToken()`, which inside the soft window also starts the background refresh. */
  | { kind: 'peek' }

export type Follow = 'none' | 'get' | 'replay'

export interface ControllerPlan {
  leewayMs: number
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number; cooldownMs?: number }
  fetchTimeoutMs: number
  waitTimeoutMs: number
  maxQueue: number
  /** Unset: the controller's default (5 minutes). 0: no refresh-ahead at all. */
  refreshAheadMs?: number
  keepFresh?: boolean
  /** Something the app does from inside onEvent, once, the first time that event comes. */
  reaction: Reaction | null
}

/**
 * Re-entrant calls: an app that logs out (clear) when a refresh fails, stops the controller on some
 * event, or reports a 401 while handling one does it inside onEvent, while the controller is mid-step.
 */
export interface Reaction {
  on:
    | 'refresh.started'
    | 'refresh.retrying'
    | 'refresh.succeeded'
    | 'refresh.failed'
    | 'request.parked'
    | 'request.released'
    | 'request.rejected'
    | 'session.lost'
  act: 'clear' | 'stop' | 'invalidate' | 'logout' | 'setGrant'
}

/** At most this many requests (getToken and refresh calls) per run. */
export const MAX_REQUESTS = 50

const seconds = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 120 }) },
  { weight: 2, arbitrary: fc.integer({ min: 121, max: 7200 }) },
  // Already expired: the controller must refuse it and retry.
  { weight: 1, arbitrary: fc.integer({ min: -30, max: 0 }) },
)
export const grantForm = fc.constantFrom<GrantForm>('snake', 'camel', 'string', 'expiresAt')
const delivery = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Delivery>('sync') },
  { weight: 2, arbitrary: fc.constant<Delivery>('timely') },
  { weight: 3, arbitrary: fc.constant<Delivery>('scheduled') },
)

const malformedBody = fc.constantFrom<unknown>(
  null,
  {},
  '<html><body>502 Bad Gateway</body></html>',
  '',
  { access_token: 42, expires_in: 60 },
  { access_token: '', expires_in: 60 },
  { access_token: 'malformed-no-expiry' },
  { access_token: 'malformed-bad-expiry', expires_in: 'soon' },
  { accessToken: 'malformed-bad-refresh', expiresIn: 60, refreshToken: 7 },
)

export const fetchPlan: fc.Arbitrary<FetchPlan> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('grant' as const), expiresInS: seconds, form: grantForm, delivery }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('slow' as const),
      delayMs: fc.integer({ min: 0, max: 30_000 }),
      expiresInS: seconds,
      form: grantForm,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      { kind: fc.constant('fail' as const), delivery, retryAfterMs: fc.integer({ min: 0, max: 20_000 }) },
      { requiredKeys: ['kind', 'delivery'] },
    ),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('malformed' as const), body: malformedBody }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'never' as const }) },
)

export const fetchPlans = fc.array(fetchPlan, { maxLength: 12 })

export const storagePlan: fc.Arbitrary<StoragePlan> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'memory' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), expiresInMs: fc.integer({ min: -60_000, max: 600_000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('async' as const),
      stored: fc.constantFrom('none' as const, 'garbage' as const, 'fails' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('async' as const),
      stored: fc.constant('token' as const),
      expiresInMs: fc.integer({ min: -60_000, max: 600_000 }),
    }),
  },
)

const reaction: fc.Arbitrary<Reaction | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      on: fc.constantFrom<Reaction['on']>(
        'refresh.started',
        'refresh.retrying',
        'refresh.succeeded',
        'refresh.failed',
        'request.parked',
        'request.released',
        'request.rejected',
      ),
      act: fc.constantFrom<Reaction['act']>('clear', 'stop', 'invalidate'),
    }),
  },
)

export const controllerPlan: fc.Arbitrary<ControllerPlan> = fc.record({
  leewayMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60_000 })),
  retry: fc.record({
    attempts: fc.integer({ min: 1, max: 4 }),
    baseDelayMs: fc.integer({ min: 0, max: 2_000 }),
    maxDelayMs: fc.integer({ min: 0, max: 5_000 }),
  }),
  fetchTimeoutMs: fc.integer({ min: 1, max: 20_000 }),
  waitTimeoutMs: fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000 }) },
    { weight: 3, arbitrary: fc.integer({ min: 1_000, max: 60_000 }) },
  ),
  // Mostly roomy; sometimes small enough that a burst overflows it.
  maxQueue: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 4, arbitrary: fc.constant(10_000) }),
  reaction,
})

const follow = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Follow>('none') },
  { weight: 1, arbitrary: fc.constant<Follow>('get') },
  { weight: 1, arbitrary: fc.constant<Follow>('replay') },
)

const getAction = fc.record({
  kind: fc.constant('get' as const),
  count: fc.integer({ min: 1, max: 10 }),
  abortable: fc.boolean(),
  follow,
})

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: getAction,
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'refresh' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('abort' as const), target: fc.nat({ max: 49 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('invalidate' as const),
      which: fc.constantFrom('current' as const, 'old' as const, 'unknown' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 120_000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
)

/**
 * A program: at least one request, at most MAX_REQUESTS, and a stop in about one run in six.
 * Its actions are scheduled independently, so the scheduler also picks their order.
 */
export const program: fc.Arbitrary<Action[]> = fc
  .tuple(
    getAction,
    fc.array(action, { maxLength: 24 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) }),
  )
  .map(([first, rest, stop]) => capRequests(stop === null ? [first, ...rest] : [first, ...rest, stop]))

function capRequests(actions: Action[]): Action[] {
  let budget = MAX_REQUESTS
  const capped: Action[] = []
  for (const a of actions) {
    if (a.kind === 'get') {
      // A request with a follow-up is two requests.
      const cost = a.follow === 'none' ? 1 : 2
      const count = Math.min(a.count, Math.floor(budget / cost))
      if (count === 0) continue
      budget -= count * cost
      capped.push({ ...a, count })
    } else if (a.kind === 'refresh') {
      if (budget === 0) continue
      budget -= 1
      capped.push(a)
    } else {
      capped.push(a)
    }
  }
  return capped
}

// Sessions (issue 16). Separate arbitraries, so that the seeds and paths in regressions.property.test.ts still
// replay the programs they were found with: the ones above draw exactly as before.

/** The endpoint also refuses the refresh token now and then (`invalid_grant`: a login is required). */
export const sessionFetchPlans = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fetchPlan },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('invalidGrant' as const), delivery }) },
  ),
  { maxLength: 12 },
)

/** With a cool-down after a failed cycle about one run in two, and reactions that log out or log in from onEvent. */
export const sessionControllerPlan: fc.Arbitrary<ControllerPlan> = fc
  .tuple(
    controllerPlan,
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
    fc.option(
      fc.record({
        on: fc.constantFrom<Reaction['on']>('session.lost', 'refresh.failed', 'refresh.started', 'request.rejected'),
        act: fc.constantFrom<Reaction['act']>('logout', 'setGrant', 'clear'),
      }),
    ),
  )
  .map(([plan, cooldownMs, reaction]) => ({ ...plan, retry: { ...plan.retry, cooldownMs }, reaction: reaction ?? plan.reaction }))

const sessionAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: action },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('setGrant' as const), expiresInS: seconds }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'logout' as const }) },
)

/** A program with logins (setGrant) and logouts among the requests, time and the rest. */
export const sessionProgram: fc.Arbitrary<Action[]> = fc
  .tuple(
    getAction,
    fc.array(sessionAction, { maxLength: 24 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) }),
  )
  .map(([first, rest, stop]) => capRequests(stop === null ? [first, ...rest] : [first, ...rest, stop]))

// Refresh-ahead, keep-fresh and the app's lifecycle (issue 17). Separate arbitraries again, for the same reason.

/**
 * The session plan with `refreshAheadMs` (0: off, short, the default, longer than most tokens) and `keepFresh`
 * about one run in three.
 */
export const lifecycleControllerPlan: fc.Arbitrary<ControllerPlan> = fc
  .tuple(
    sessionControllerPlan,
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 120_000 }) },
      { weight: 2, arbitrary: fc.constant(300_000) },
      { weight: 1, arbitrary: fc.integer({ min: 300_001, max: 7_200_000 }) },
    ),
    fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  )
  .map(([plan, refreshAheadMs, keepFresh]) => ({ ...plan, refreshAheadMs, keepFresh }))

const lifecycleAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: sessionAction },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('visible' as const), visible: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('online' as const), online: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'peek' as const }) },
)

/** A session program with the app hidden and shown, the network lost and back, and the adapters' fast path. */
export const lifecycleProgram: fc.Arbitrary<Action[]> = fc
  .tuple(
    getAction,
    fc.array(lifecycleAction, { maxLength: 24 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) }),
  )
  .map(([first, rest, stop]) => capRequests(stop === null ? [first, ...rest] : [first, ...rest, stop]))
