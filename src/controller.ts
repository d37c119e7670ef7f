// Options → machine.provide() → actor → public methods. The only place that creates the actor and reads
// the clock; storage follows the machine (storage/sync.ts), one timer watches wait deadlines (deadline.ts).
// It sends events and reads snapshots; all state is the machine's.
import { createActor, fromCallback, type Actor, type InspectionEvent } from 'xstate'
import { errorCode, errorSummary } from '../machines/failure.ts'
import { oldestParked, parkedSize } from '../machines/parked.ts'
import { isDueAhead, isFresh, rejectStopped, tokenMachine, type FetchTokenInput } from '../machines/token.machine.ts'
import { orDefault } from '../machines/defaults.ts'
import type { Grant, TokenContext, TokenEvent, TokenState } from '../machines/token.types.ts'
import { createAbortHandle, type AbortSignalLike } from './abort.ts'
import { createDeadlineTimer } from './deadline.ts'
import { createKeepFreshTimer } from './keep-fresh.ts'
import { AbortedError, FetchTimeoutError, InvalidTokenResponseError, LoginRequiredError, StoppedError, TokenError } from './errors.ts'
import { parseTokenResponse, type TokenResponse } from './grant.ts'
import {
  resolveOptions,
  type ResolvedOptions,
  type RevokeTokenContext,
  type TokenControllerEvent,
  type TokenControllerOptions,
} from './options.ts'
import { redactInspectionEvent } from './redact.ts'
import { syncStorage } from './storage/sync.ts'
import { PendingRequest, type WaiterObserver } from './waiter.ts'

/**
 * Options for one {@link TokenController.getToken} call.
 *
 * @example
 * const token = await tokens.getToken({ signal: AbortSignal.timeout(5_000) })
 */
export interface GetTokenOptions {
  /** Abort waiting: rejects with `ABORTED`. Never cancels the shared refresh. */
  signal?: AbortSignalLike
}

/**
 * What {@link createTokenController} returns: the one place every request asks for a token. Adapters
 * (`attachTokenController`, `withTokens`, `createWxRequest`, …) call it for you; call it yourself anywhere else.
 *
 * @example
 * const token = await tokens.getToken()        // fresh token, or waits for the one refresh
 * tokens.invalidate(token)                     // the server answered 401 to this token
 * tokens.clear()                               // logout: forget it, in storage too
 * tokens.state; tokens.queueSize              // 'refreshing', 3
 */
export interface TokenController {
  /** Resolves with a fresh token; parks while a refresh runs. Rejects with a `TokenError`. */
  getToken(options?: GetTokenOptions): Promise<string>
  /**
   * The controller's clock in epoch ms: the `now` option, `Date.now()` by default. Adapters read it for
   * HTTP-date `Retry-After` values, so a virtual clock reaches them too.
   */
  now(): number
  /**
   * The token if it is fresh right now, else `undefined`: no waiting, no promise, no event. For adapters, so a
   * request that needs no refresh goes out in the same tick; everything else goes through `getToken()`.
   */
  currentToken(): string | undefined
  /** The server rejected this token. Refreshes only if it is still the current one. */
  invalidate(rejectedToken: string): void
  /** Forces a refresh now (coalesces with a running one) and resolves with its token. */
  refresh(): Promise<string>
  /** Forgets the token, in storage too. Requests still parked get a new cycle; so does the next request. */
  clear(): void
  /**
   * Hands over a grant obtained elsewhere (a login page): any shape `fetchToken` may return. Stores it (memory, then
   * storage), answers the parked requests with it, leaves a login-required state. Throws
   * `InvalidTokenResponseError` for an unusable grant (and changes nothing), `StoppedError` once stopped.
   */
  setGrant(grant: TokenResponse): void
  /** Resolves once storage has been read (hydration done): from then on {@link hasSession} answers truthfully. */
  ready(): Promise<void>
  /** True while an access token or a refresh token is held. */
  hasSession(): boolean
  /**
   * Forgets both tokens everywhere and requires a login (`LOGIN_REQUIRED`, `onLoginRequired` with reason `logout`).
   * Calls `revokeToken` once with what was held, bounded by `fetchTimeoutMs`; never rejects.
   */
  logout(): Promise<void>
  /**
   * The app came to the foreground (`true`) or went to the background (`false`). `watchLifecycle` calls it; call it
   * yourself on a platform it does not know. Shown: a token inside its soft window or expired is refreshed now.
   * Hidden: no background refresh starts, and a retry waits unless a request is parked.
   */
  setAppVisible(visible: boolean): void
  /**
   * The network came back (`true`) or went away (`false`). `watchLifecycle` calls it. Offline: a retry waiting for
   * its backoff does not fire and spends no attempt (parked requests still time out); online: it fires at once.
   */
  setOnline(online: boolean): void
  /** Rejects parked and later requests with `STOPPED`; aborts a running fetch. */
  stop(): void
  /** The machine's top-level state: `idle`, `valid`, `refreshing` or `failed`. */
  readonly state: TokenState
  /** Requests parked right now, waiting for a token. */
  readonly queueSize: number
  /** The XState actor running {@link tokenMachine}, for inspection (`actor.subscribe`, `getSnapshot()`). Send it nothing. */
  readonly actor: Actor<typeof tokenMachine>
}

type TokenActor = Actor<typeof tokenMachine>
type ReceivedGrant = Grant & { readonly receivedAt: number }

/**
 * Creates the controller that every request asks for a token: one refresh at a time however many requests wait,
 * retries with backoff, storage, and typed errors. Defaults: `memoryStorage()`, `leewayMs` 30 s, 3 attempts
 * (300 ms base delay, 10 s cap, full jitter, a server's Retry-After waited up to `waitTimeoutMs`), `fetchTimeoutMs`
 * 10 s, `waitTimeoutMs` 30 s, `maxQueue` 10,000.
 *
 * Throws a `TypeError` naming the option when an option is invalid. `getToken()` and `refresh()` reject with a
 * {@link TokenError}: `REFRESH_FAILED`, `WAIT_TIMEOUT`, `QUEUE_FULL`, `ABORTED` or `STOPPED`.
 *
 * @example
 * const tokens = createTokenController({
 *   fetchToken: async () => (await http.post('/token', creds, { custom: { auth: false } })).data,
 *   storage: uniStorage(),
 * })
 * const token = await tokens.getToken()
 */
export function createTokenController(options: TokenControllerOptions): TokenController {
  const config = resolveOptions(options)
  const { now } = config
  const report = eventReporter(config.onEvent)
  let nextWaiterId = 1
  // Set by stop(), which may run inside onEvent while the actor is mid-step: until that step ends the
  // snapshot still says 'active', so the snapshot alone cannot tell that we are stopped.
  let stopped = false

  const waiterObserver: WaiterObserver | undefined = report && {
    released: (waiter) => report({ type: 'request.released', id: waiter.id }),
    rejected: (waiter, error) => report({ type: 'request.rejected', id: waiter.id, code: error.code }),
  }

  // Connected before anything starts: a coordinator that cannot serve these options throws here (a TypeError).
  const coordination = config.coordinator?.connect({
    fetchTimeoutMs: config.fetchTimeoutMs,
    isFresh: (grant) => isFresh({ expiresAt: grant.expiresAt, receivedAt: grant.receivedAt, leewayMs: config.leewayMs }, now()),
    now,
    clock: config.clock,
    report,
    adopt: (grant) => send({ type: 'token.shared', grant, at: now() }),
  })

  const machine = tokenMachine.provide({
    actors: { fetchToken: fromCallback<TokenEvent, FetchTokenInput>(({ input, sendBack }) => fetchAttempt(input, sendBack)) },
  })
  const actor: TokenActor = createActor(machine, {
    input: {
      retry: config.retry,
      leewayMs: config.leewayMs,
      refreshAheadMs: config.refreshAheadMs,
      fetchTimeoutMs: config.fetchTimeoutMs,
      waitTimeoutMs: config.waitTimeoutMs,
      maxQueue: config.maxQueue,
      random: config.retry.jitter ? () => Math.random() : () => 1,
    },
    clock: config.clock,
    inspect: inspector(config.inspect),
  })
  const deadlines = createDeadlineTimer(
    config.clock,
    now,
    () => oldestParked(actor.getSnapshot().context.parked),
    isRunning,
    (waiter) => send({ type: 'waiter.timeout', waiter }),
  )
  const keepFresh = config.keepFresh ? createKeepFreshTimer(config.clock, now, (at) => send({ type: 'token.ahead', at })) : undefined
  if (keepFresh) actor.subscribe((snapshot) => keepFresh.follow(snapshot.value === 'valid', snapshot.context))
  if (report) actor.on('*', (event) => report(event as unknown as TokenControllerEvent))
  // stop() sends token.stop; the actor stops once the machine has handled it. Sent from onEvent or inspect, mid-step,
  // token.stop waits behind what that step queued (a getToken() made there), which the machine then rejects too;
  // stopping the actor at once would drop that queue and leave such a request hanging.
  actor.on('token.stopped', () => actor.stop())
  // The actor's end, however it came (stop(), or tokens.actor.stop() from outside): whatever the last snapshot
  // still holds parked is rejected here, as token.stop would have.
  actor.subscribe({ complete: settleStopped })
  let hydrated: () => void
  const hydration = new Promise<void>((resolve) => (hydrated = resolve))
  // Ready once storage and, with a coordinator, the shared record have both been read.
  let readsPending = coordination ? 2 : 1
  const oneRead = () => {
    if (--readsPending === 0) hydrated()
  }
  actor.start()
  syncStorage(actor, config, isRunning, send, report, oneRead)
  // The shared token, if any, is offered as another instance's would be: taken when newer and fresh.
  if (coordination) {
    // A coordinator of the app's own may break the "never rejects" contract: ready() must resolve all the same.
    coordination.read().then(
      (grant) => {
        if (grant !== null) send({ type: 'token.shared', grant, at: now() })
        oneRead()
      },
      () => oneRead(),
    )
  }
  // After storage's listener: the tokens are forgotten in storage before the app hears of it.
  actor.on('session.lost', ({ reason }) => {
    if (config.onLoginRequired) callApp('onLoginRequired', config.onLoginRequired, { reason })
  })

  // An app callback that throws breaks nothing: onEvent hears its error's name (never its message).
  function callApp<T, R>(name: string, callback: (value: T) => R, value: T): R | undefined {
    try {
      return callback(value)
    } catch (error) {
      if (report) report({ type: 'callback.failed', callback: name, error: errorSummary(error).name })
      return undefined
    }
  }

  // What isLoginRequired recognises becomes a LoginRequiredError: the machine reads only the code.
  function classify(error: unknown): unknown {
    if (errorCode(error) === 'LOGIN_REQUIRED' || !callApp('isLoginRequired', config.isLoginRequired, error)) return error
    return new LoginRequiredError(undefined, { cause: error })
  }

  // logout()'s revocation: best effort, once, bounded by fetchTimeoutMs; settles with nothing, whatever happens.
  function revoke(revokeToken: NonNullable<ResolvedOptions['revokeToken']>, accessToken: string | null, refreshToken: string | null) {
    const abortHandle = createAbortHandle()
    const context = { signal: abortHandle.signal } as RevokeTokenContext
    // Non-enumerable, like a grant's: logging the context cannot print them.
    if (accessToken !== null) Object.defineProperty(context, 'accessToken', { value: accessToken, enumerable: false })
    if (refreshToken !== null) Object.defineProperty(context, 'refreshToken', { value: refreshToken, enumerable: false })
    return new Promise<void>((resolve) => {
      let settled = false
      const finish = (error?: unknown) => {
        if (settled) return
        settled = true
        config.clock.clearTimeout(timer)
        if (error !== undefined && report) report(Object.assign({ type: 'revoke.failed' }, errorSummary(error)))
        resolve()
      }
      const timer = config.clock.setTimeout(() => {
        const timeout = new FetchTimeoutError(config.fetchTimeoutMs)
        abortHandle.abort(timeout)
        finish(timeout)
      }, config.fetchTimeoutMs)
      new Promise((settle) => settle(revokeToken(context))).then(
        () => finish(),
        (error: unknown) => finish(error === undefined ? new Error() : error),
      )
    })
  }

  function isRunning(): boolean {
    return !stopped && actor.getSnapshot().status === 'active'
  }

  // Every event but token.stop goes through here: XState's development build prints an event sent to a stopped actor.
  function send(event: TokenEvent): void {
    if (isRunning()) actor.send(event)
  }

  // Every way a stopped controller's requests settle runs through here (and the machine's token.stop runs the
  // same rejectStopped): a waiter already settled is skipped, so running it twice settles no one twice.
  function settleStopped(): void {
    coordination?.close()
    deadlines.stop()
    keepFresh?.stop()
    hydrated()
    rejectStopped(actor.getSnapshot().context.parked)
  }

  // One call of the app's fetchToken, its answer parsed into a grant. A rejection passes isLoginRequired; a response
  // whose getters throw fails the attempt as it is, at once rather than at fetchTimeoutMs.
  function fetchGrant(input: FetchTokenInput, signal: AbortSignalLike, refreshToken: string | undefined): Promise<ReceivedGrant> {
    return new Promise((resolve) => {
      resolve(config.fetchToken({ attempt: input.attempt, signal, reason: input.reason, refreshToken }))
    }).then(
      (response) => {
        const at = now()
        const grant = parseTokenResponse(response, at, config.defaultLifetimeMs)
        if (grant instanceof TokenError) throw grant
        return Object.assign(grant, { receivedAt: at })
      },
      (error: unknown) => {
        throw classify(error)
      },
    )
  }

  // One attempt, as XState's callback actor (no AbortController needed): the app's fetchToken, or with a coordinator
  // the shared token, the wait for another holder, or a fetch under the lock.
  function fetchAttempt(input: FetchTokenInput, sendBack: (event: TokenEvent) => void): () => void {
    // The step that stop() interrupted may still start a fetch: nobody is left to use it.
    if (stopped) return () => {}
    const abortHandle = createAbortHandle()
    const signal = abortHandle.signal
    let finished = false
    const attempt = coordination
      ? coordination.refresh({
          knownVersion: orDefault(input.knownVersion, 0),
          signal,
          fetch: (fetchSignal, sharedRefreshToken) => fetchGrant(input, fetchSignal, orDefault(sharedRefreshToken, input.refreshToken)),
        })
      : fetchGrant(input, signal, input.refreshToken)
    attempt.then(
      (grant) => {
        if (finished) return
        finished = true
        sendBack({ type: 'fetch.succeeded', grant, at: grant.receivedAt })
      },
      (error: unknown) => {
        if (finished) return
        finished = true
        sendBack({ type: 'fetch.failed', error })
      },
    )
    // Runs when the machine leaves `fetching`: on timeout, clear() or stop() the fetch is abandoned.
    return () => {
      if (finished) return
      finished = true
      abortHandle.abort(new AbortedError('token fetch abandoned: timeout, clear() or stop()'))
    }
  }

  // The token a request may take right now without waiting: held and fresh, in valid, while a background refresh
  // runs (the machine's isServingAhead), or after a failed cycle that left it fresh. Inside the soft window, in valid, it also asks for that background refresh:
  // the adapters' fast path (currentToken) must start it too, or luch-request traffic never would.
  function servedToken(value: unknown, context: TokenContext): string | undefined {
    const at = now()
    if (value === 'valid') {
      if (!isFresh(context, at)) return undefined
      if (isDueAhead(context, at)) send({ type: 'token.ahead', at })
      return context.accessToken as string
    }
    if (typeof value !== 'object' || value === null || !isFresh(context, at)) return undefined
    // Also after a failed cycle (failed.loginRequired holds no token, so it is never fresh there).
    const serving = 'failed' in value || (context.reason === 'ahead' && 'refreshing' in value)
    return serving ? (context.accessToken as string) : undefined
  }

  function park(type: 'token.get' | 'token.refresh', signal: AbortSignalLike | undefined): Promise<string> {
    const at = now()
    const waiter = new PendingRequest(nextWaiterId++, at + config.waitTimeoutMs, waiterObserver)
    send({ type, waiter, at })
    // Settled already: answered at once, refused, or stop() ran inside this very send (from onEvent) and the
    // actor's end rejected what it held (settleStopped).
    if (waiter.settled) return waiter.promise
    // stop() ran before the actor could take the event (from inspect): nobody holds this request but us.
    if (!isRunning()) {
      waiter.reject(new StoppedError())
      return waiter.promise
    }
    if (report) report({ type: 'request.parked', id: waiter.id, queueSize: parkedSize(actor.getSnapshot().context.parked) })
    if (signal) {
      // The machine settles a parked waiter, so that its count of parked requests stays exact (it ignores a
      // waiter already settled). A stopped controller has settled everyone already: send() sends nothing then.
      const onAbort = () => send({ type: 'waiter.abort', waiter, reason: signal.reason })
      waiter.watch(signal, onAbort)
      // Aborted during the send above (by fetchToken or onEvent): no abort event will come.
      if (signal.aborted) onAbort()
    }
    deadlines.arm(waiter.deadline)
    return waiter.promise
  }

  return {
    getToken(getOptions?: GetTokenOptions): Promise<string> {
      const snapshot = actor.getSnapshot()
      if (stopped || snapshot.status !== 'active') return Promise.reject(new StoppedError())
      const signal = getOptions?.signal
      if (signal !== undefined && !isSignalLike(signal)) {
        return Promise.reject(new TypeError('getToken: signal must have aborted, addEventListener and removeEventListener'))
      }
      if (signal !== undefined && signal.aborted) return Promise.reject(new AbortedError(signal.reason))
      // The fast path every request pays for: no allocation beyond the promise, and no event before the soft window opens.
      const token = servedToken(snapshot.value, snapshot.context)
      return token === undefined ? park('token.get', signal) : Promise.resolve(token)
    },

    now,

    currentToken(): string | undefined {
      const snapshot = actor.getSnapshot()
      return snapshot.status === 'active' && !stopped ? servedToken(snapshot.value, snapshot.context) : undefined
    },

    invalidate(rejectedToken: string): void {
      const context = actor.getSnapshot().context
      // Events name tokens by generation; -1 names "an older token", which the machine ignores. No token held:
      // the machine's isCurrentToken refuses the generation anyway.
      const isCurrent = context.accessToken === rejectedToken
      send({ type: 'token.invalidate', generation: isCurrent ? context.generation : -1 })
    },

    refresh(): Promise<string> {
      if (!isRunning()) return Promise.reject(new StoppedError())
      return park('token.refresh', undefined)
    },

    clear(): void {
      // Storage is emptied when the machine emits token.cleared (storage/sync.ts).
      send({ type: 'token.clear' })
    },

    setGrant(response: TokenResponse): void {
      if (!isRunning()) throw new StoppedError()
      const at = now()
      let grant: ReturnType<typeof parseTokenResponse>
      try {
        grant = parseTokenResponse(response, at, config.defaultLifetimeMs)
      } catch (error) {
        // A getter that throws: unusable, like any other broken grant.
        grant = new InvalidTokenResponseError(`unreadable (${errorSummary(error).name})`)
      }
      if (grant instanceof TokenError) throw grant
      send({ type: 'session.set', grant, at })
    },

    ready(): Promise<void> {
      return hydration
    },

    hasSession(): boolean {
      const { accessToken, refreshToken } = actor.getSnapshot().context
      return accessToken !== null || refreshToken !== null
    },

    logout(): Promise<void> {
      if (!isRunning()) return Promise.resolve()
      const { accessToken, refreshToken } = actor.getSnapshot().context
      // Storage forgets both when the machine emits session.lost (storage/sync.ts).
      send({ type: 'session.logout' })
      if (!config.revokeToken || (accessToken === null && refreshToken === null)) return Promise.resolve()
      return revoke(config.revokeToken, accessToken, refreshToken)
    },

    setAppVisible(visible: boolean): void {
      send(visible ? { type: 'app.show', at: now() } : { type: 'app.hide' })
    },

    setOnline(online: boolean): void {
      send(online ? { type: 'network.online', at: now() } : { type: 'network.offline' })
    },

    stop(): void {
      if (!isRunning()) return
      stopped = true
      // The machine rejects what it holds on token.stop, then the actor stops (token.stopped, above). Mid-step (from
      // onEvent or inspect) token.stop is only queued: settle what the latest snapshot holds now, so that stop()
      // returns with every request parked so far settled; the machine rejects what the step still queued.
      actor.send({ type: 'token.stop' })
      settleStopped()
    },

    get state(): TokenState {
      const value = actor.getSnapshot().value
      return (typeof value === 'string' ? value : Object.keys(value)[0]) as TokenState
    },

    get queueSize(): number {
      // A stopped controller has rejected every request, though the last snapshot may still list them.
      return isRunning() ? parkedSize(actor.getSnapshot().context.parked) : 0
    },

    actor,
  }
}

function isSignalLike(value: unknown): value is AbortSignalLike {
  const signal = value as AbortSignalLike | null
  return signal !== null && typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function'
}

function eventReporter(onEvent: ResolvedOptions['onEvent']): ((event: TokenControllerEvent) => void) | undefined {
  if (!onEvent) return undefined
  return ignoringErrors(onEvent)
}

function inspector(inspect: ResolvedOptions['inspect']): ((event: InspectionEvent) => void) | undefined {
  if (!inspect) return undefined
  const deliver = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next!(event)
  return ignoringErrors((event) => deliver(redactInspectionEvent(event)))
}

// The app's onEvent and inspect: one that throws must not break a refresh or leave a request unsettled (XState does
// not catch an inspector's error: it would end the actor and strand every parked request).
function ignoringErrors<T>(listener: (value: T) => void): (value: T) => void {
  return (value) => {
    try {
      listener(value)
    } catch {
      /* ignored on purpose */
    }
  }
}
