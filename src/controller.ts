// Options → machine.provide() → actor → public methods. The only place that creates the actor,
// reads the clock and touches storage. It sends events and reads snapshots; all state is the machine's.
import { createActor, fromCallback, type Actor, type InspectionEvent } from 'xstate'
import { MAX_TIMER_MS } from '../machines/backoff.ts'
import { forEachPending, oldestParked, parkedSize } from '../machines/parked.ts'
import { isFresh, tokenMachine, type FetchTokenInput } from '../machines/token.machine.ts'
import type { TokenEvent, TokenState } from '../machines/token.types.ts'
import { createAbortHandle, type AbortSignalLike } from './abort.ts'
import { AbortedError, StoppedError, TokenError } from './errors.ts'
import { parseStoredToken, parseTokenResponse, serializeGrant } from './grant.ts'
import { resolveOptions, type ResolvedOptions, type TokenControllerEvent, type TokenControllerOptions } from './options.ts'
import { redactInspectionEvent } from './redact.ts'
import { isThenable } from './thenable.ts'
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
   * The token if it is fresh right now, else `undefined`: no waiting, no promise, no event. For adapters, so a
   * request that needs no refresh goes out in the same tick; everything else goes through `getToken()`.
   */
  /**
   * The controller's clock in epoch ms: the `now` option, `Date.now()` by default. Adapters read it for
   * HTTP-date `Retry-After` values, so a virtual clock reaches them too.
   */
  now(): number
  currentToken(): string | undefined
  /** The server rejected this token. Refreshes only if it is still the current one. */
  invalidate(rejectedToken: string): void
  /** Forces a refresh now (coalesces with a running one) and resolves with its token. */
  refresh(): Promise<string>
  /** Forgets the token, in storage too (logout). Requests still parked get a new cycle. */
  clear(): void
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

/**
 * Creates the controller that every request asks for a token: one refresh at a time however many requests wait,
 * retries with backoff, storage, and typed errors. Defaults: `memoryStorage()`, `leewayMs` 30 s, 3 attempts
 * (300 ms base delay, 10 s cap, full jitter), `fetchTimeoutMs` 10 s, `waitTimeoutMs` 30 s, `maxQueue` 10,000.
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
  const { now, clock, storage, storageKey } = config
  const report = eventReporter(config.onEvent)
  let nextWaiterId = 1
  // Set by stop(), which may run inside onEvent while the actor is mid-step: until that step ends the
  // snapshot still says 'active', so the snapshot alone cannot tell that we are stopped.
  let stopped = false
  // The one timer for the earliest wait deadline: parked requests share it instead of one each.
  let deadlineTimer: unknown = undefined

  const waiterObserver: WaiterObserver | undefined = report && {
    released: (waiter) => report({ type: 'request.released', id: waiter.id }),
    rejected: (waiter, error) => report({ type: 'request.rejected', id: waiter.id, code: error.code }),
  }

  const machine = tokenMachine.provide({
    actors: { fetchToken: fromCallback<TokenEvent, FetchTokenInput>(({ input, sendBack }) => fetchAttempt(input, sendBack)) },
  })
  const actor: TokenActor = createActor(machine, {
    input: {
      retry: config.retry,
      leewayMs: config.leewayMs,
      fetchTimeoutMs: config.fetchTimeoutMs,
      waitTimeoutMs: config.waitTimeoutMs,
      maxQueue: config.maxQueue,
      random: config.retry.jitter ? () => Math.random() : () => 1,
    },
    clock: config.clock,
    inspect: inspector(config.inspect),
  })

  actor.on('refresh.succeeded', persistToken)
  // Storage follows the machine's own order of events: a clear() made while a refresh was succeeding (from
  // onEvent) removes the token after that refresh saved it, never before.
  actor.on('token.cleared', () => guardStorage('remove', () => storage.remove(storageKey)))
  if (report) actor.on('*', (event) => report(event as unknown as TokenControllerEvent))
  // `tokens.actor.stop()` from outside skips stop(): whatever the last snapshot holds parked must still settle.
  actor.subscribe({ complete: settleStranded })
  actor.start()
  hydrate()

  function isRunning(): boolean {
    return !stopped && actor.getSnapshot().status === 'active'
  }

  // One attempt of the injected fetchToken, as XState's callback actor: no AbortController needed.
  function fetchAttempt(input: FetchTokenInput, sendBack: (event: TokenEvent) => void): () => void {
    // The step that stop() interrupted may still start a fetch: nobody is left to use it.
    if (stopped) return () => {}
    const abortHandle = createAbortHandle()
    let finished = false
    new Promise((resolve) => {
      resolve(
        config.fetchToken({ attempt: input.attempt, signal: abortHandle.signal, reason: input.reason, refreshToken: input.refreshToken }),
      )
    }).then(
      (response) => {
        if (finished) return
        finished = true
        let grant: ReturnType<typeof parseTokenResponse>
        try {
          grant = parseTokenResponse(response, now())
        } catch (error) {
          // A response whose getters throw fails this attempt now, not at fetchTimeoutMs.
          return sendBack({ type: 'fetch.failed', error })
        }
        sendBack(grant instanceof TokenError ? { type: 'fetch.failed', error: grant } : { type: 'fetch.succeeded', grant })
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

  function persistToken(): void {
    // refresh.succeeded is emitted after the step that stored the token: the snapshot holds it.
    const { accessToken, expiresAt, refreshToken } = actor.getSnapshot().context
    guardStorage('set', () => storage.set(storageKey, serializeGrant({ accessToken: accessToken as string, expiresAt, refreshToken })))
  }

  function hydrate(): void {
    let raw: unknown
    try {
      raw = storage.get(storageKey)
    } catch (error) {
      reportStorageFailure('get', error)
      raw = undefined
    }
    if (!isThenable(raw)) return finishHydration(raw)
    const failed = (error: unknown) => {
      reportStorageFailure('get', error)
      finishHydration(undefined)
    }
    try {
      raw.then(finishHydration, failed)
    } catch (error) {
      failed(error)
    }
  }

  function finishHydration(raw: unknown): void {
    if (!isRunning()) return
    const stored = parseStoredToken(raw)
    // Corrupt or foreign JSON under our key: remove it and start clean, never throw.
    if (stored.kind === 'foreign') guardStorage('remove', () => storage.remove(storageKey))
    // A failed remove reaches onEvent, which may stop() us.
    if (!isRunning()) return
    actor.send({ type: 'token.hydrated', grant: stored.kind === 'grant' ? stored.grant : null, at: now() })
  }

  function guardStorage(operation: 'set' | 'remove', write: () => void | Promise<void>): void {
    try {
      const result = write()
      if (isThenable(result)) result.then(undefined, (error: unknown) => reportStorageFailure(operation, error))
    } catch (error) {
      reportStorageFailure(operation, error)
    }
  }

  function reportStorageFailure(operation: 'get' | 'set' | 'remove', error: unknown): void {
    // The error's name only: a storage error message could quote the value it failed to write.
    if (report) report({ type: 'storage.failed', operation, error: error instanceof Error ? error.name : typeof error })
  }

  function park(type: 'token.get' | 'token.refresh', signal: AbortSignalLike | undefined): Promise<string> {
    const at = now()
    const waiter = new PendingRequest(nextWaiterId++, at + config.waitTimeoutMs, waiterObserver)
    actor.send({ type, waiter, at })
    // Settled already: answered at once, refused, or stop() ran inside this very send (from onEvent) and the
    // actor's end rejected what it held (settleStranded).
    if (waiter.settled) return waiter.promise
    // stop() ran before the actor could take the event (from inspect): nobody holds this request but us.
    if (!isRunning()) return (waiter.reject(new StoppedError()), waiter.promise)
    if (report) report({ type: 'request.parked', id: waiter.id, queueSize: parkedSize(actor.getSnapshot().context.parked) })
    if (signal) {
      // The machine settles a parked waiter, so that its count of parked requests stays exact (it ignores a
      // waiter already settled). A stopped controller has settled everyone already: there is no one to tell.
      const onAbort = () => void (isRunning() && actor.send({ type: 'waiter.abort', waiter, reason: signal.reason }))
      waiter.watch(signal, onAbort)
      // Aborted during the send above (by fetchToken or onEvent): no abort event will come.
      if (signal.aborted) onAbort()
    }
    armDeadlineTimer(waiter.deadline)
    return waiter.promise
  }

  // `latest`: the deadline of a request parked inside a step (from onEvent), which the snapshot does not hold yet.
  function armDeadlineTimer(latest?: number): void {
    if (deadlineTimer !== undefined) return
    const oldest = oldestParked(actor.getSnapshot().context.parked)
    const deadline = oldest ? oldest.deadline : latest
    if (deadline === undefined || !isRunning()) return
    // Capped: after the wall clock jumps back by weeks, an overflowing delay would fire every millisecond.
    deadlineTimer = clock.setTimeout(expireOverdue, Math.min(MAX_TIMER_MS, Math.max(0, deadline - now())))
    // Node only: a pending deadline alone should not keep a script alive.
    const unref = (deadlineTimer as { unref?: () => void } | null)?.unref
    if (typeof unref === 'function') unref.call(deadlineTimer)
  }

  function expireOverdue(): void {
    deadlineTimer = undefined
    if (!isRunning()) return
    const at = now()
    // The oldest parked waiter is pending: the machine rejects it and prunes settled ones from the head.
    for (let oldest = oldestOf(actor); oldest && oldest.deadline <= at; oldest = oldestOf(actor)) {
      actor.send({ type: 'waiter.timeout', waiter: oldest })
      // onEvent heard the rejection and may have stopped us: send nothing to a stopped actor.
      if (!isRunning()) return
      // A clock that calls back inside a step gets the event queued: try again on the next turn, never spin.
      if (oldestOf(actor) === oldest) break
    }
    armDeadlineTimer()
  }

  function settleStranded(): void {
    stopTimer()
    const error = new StoppedError()
    forEachPending(actor.getSnapshot().context.parked, (waiter) => waiter.reject(error))
  }

  function stopTimer(): void {
    if (deadlineTimer !== undefined) clock.clearTimeout(deadlineTimer)
    deadlineTimer = undefined
  }

  return {
    getToken(getOptions?: GetTokenOptions): Promise<string> {
      const snapshot = actor.getSnapshot()
      if (stopped || snapshot.status !== 'active') return Promise.reject(new StoppedError())
      const signal = getOptions?.signal
      if (signal !== undefined && !isSignalLike(signal)) {
        return Promise.reject(new TypeError('getToken: signal must have aborted, addEventListener and removeEventListener'))
      }
      if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason))
      // The fast path every request pays for: no event, no allocation beyond the promise.
      const context = snapshot.context
      if (snapshot.value === 'valid' && isFresh(context, now())) return Promise.resolve(context.accessToken as string)
      return park('token.get', signal)
    },

    now,

    currentToken(): string | undefined {
      const snapshot = actor.getSnapshot()
      const context = snapshot.context
      return snapshot.status === 'active' && snapshot.value === 'valid' && isFresh(context, now())
        ? (context.accessToken as string)
        : undefined
    },

    invalidate(rejectedToken: string): void {
      if (!isRunning()) return
      const context = actor.getSnapshot().context
      const isCurrent = context.accessToken !== null && context.accessToken === rejectedToken
      // Events name tokens by generation; -1 names "an older token", which the machine ignores.
      actor.send({ type: 'token.invalidate', generation: isCurrent ? context.generation : -1 })
    },

    refresh(): Promise<string> {
      if (!isRunning()) return Promise.reject(new StoppedError())
      return park('token.refresh', undefined)
    },

    clear(): void {
      // Storage is emptied when the machine emits token.cleared (see above).
      if (isRunning()) actor.send({ type: 'token.clear' })
    },

    stop(): void {
      if (!isRunning()) return
      stopped = true
      stopTimer()
      // Called inside onEvent, the actor is mid-step: this event is only queued, and actor.stop() drops
      // the queue. So reject what the latest snapshot holds parked here as well (settled ones are skipped).
      const parked = actor.getSnapshot().context.parked
      actor.send({ type: 'token.stop' })
      actor.stop()
      const error = new StoppedError()
      forEachPending(parked, (waiter) => waiter.reject(error))
    },

    get state(): TokenState {
      const value = actor.getSnapshot().value
      return (typeof value === 'string' ? value : Object.keys(value)[0]) as TokenState
    },

    get queueSize(): number {
      return parkedSize(actor.getSnapshot().context.parked)
    },

    actor,
  }
}

function oldestOf(actor: TokenActor): PendingRequest | undefined {
  return oldestParked(actor.getSnapshot().context.parked) as PendingRequest | undefined
}

function isSignalLike(value: unknown): value is AbortSignalLike {
  const signal = value as AbortSignalLike | null
  return signal !== null && typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function'
}

function eventReporter(onEvent: ResolvedOptions['onEvent']): ((event: TokenControllerEvent) => void) | undefined {
  if (!onEvent) return undefined
  return (event) => {
    // A throwing listener must not break a refresh or leave a request unsettled.
    try {
      onEvent(event)
    } catch {
      /* ignored on purpose */
    }
  }
}

function inspector(inspect: ResolvedOptions['inspect']): ((event: InspectionEvent) => void) | undefined {
  if (!inspect) return undefined
  const deliver = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event)
  return (event) => {
    // XState does not catch an inspector's error: it would end the actor and strand every parked request.
    try {
      deliver(redactInspectionEvent(event))
    } catch {
      /* ignored on purpose, as for onEvent */
    }
  }
}
