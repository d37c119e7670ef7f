// The system under test: the real controller with a hand-answered token endpoint, a storage whose read
// finishes when the model says so, and a clock that fires the timer a step names. Each model event is
// carried out here, and each state is checked on what the controller does, never on its machine's value.
import { expect, vi } from 'vitest'
import { isDueAhead, isFresh, tokenMachine } from '../../machines/token.machine.ts'
import type { Grant, SharedTokenGrant } from '../../machines/token.types.ts'
import { createGrant } from '../../src/grant.ts'
import { createTokenController, type TokenController, type TokenControllerEvent } from '../../src/index.ts'
import { fakeFetch, minimalSignal, track } from '../helpers/fake-fetch.ts'
import { brokenContract, type HeldToken, type SystemRecords, type TrackedRequest } from './contract.ts'
import { heldStorage } from './held-storage.ts'
import { machineTimers } from './machine-timers.ts'
import { pushingCoordinator } from './pushing-coordinator.ts'
import {
  T0,
  fetchError,
  fetchedAt,
  type FailedVariant,
  type HydratedVariant,
  type ModelEvent,
  type ModelOptions,
  type SucceededVariant,
} from './model.ts'
import { rejection, type Outcome, type RecordingWaiter, type Replay, type ReplayStep } from './replay.ts'
import { delayedEventTypes } from './xstate-internals.ts'

type Tracked = ReturnType<typeof track<string>>

interface Request extends TrackedRequest {
  readonly signal: ReturnType<typeof minimalSignal> | undefined
  readonly deadline: number
}

/** Lets every promise job run (fetch answers, storage reads) without any timer firing. */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve))
}

/** Fake timers catch a timer set outside the injected clock; setImmediate stays real to drain promise jobs. */
export function useFakeTimersExceptImmediate(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
}

function outcomeOf(tracked: Tracked): Outcome {
  if (tracked.status === 'pending') return { status: 'pending' }
  if (tracked.status === 'fulfilled') return { status: 'fulfilled', value: tracked.value as string }
  return rejection(tracked.reason)
}

/** The delay the machine waits for `after` event `type` in its current context. */
function expectedDelay(replay: Replay, type: string): number {
  const delays = tokenMachine.implementations.delays as unknown as Record<string, (args: { context: unknown }) => number>
  const delay = delays[type.split('.')[2]!]
  if (!delay) throw new Error(`system: no delay for ${type}`)
  return delay({ context: replay.snapshot.context })
}

export type System = ReturnType<typeof startSystem>

/** Where a new request takes the held token at once (the model says), so asking changes nothing. */
function answersAtOnce(replay: Replay): boolean {
  const { context } = replay.snapshot
  if (context.accessToken === null || !isFresh(context, T0)) return false
  if (replay.state === 'valid') return !isDueAhead(context, T0) || context.hidden || context.offline
  // A failed cycle leaves a fresh token served (a refresh() that failed, a background cycle with one behind it).
  if (replay.state === 'failed.retryable' || replay.state === 'failed.coolingDown') return true
  return replay.state.startsWith('refreshing') && context.reason === 'ahead'
}

/**
 * Where a new request parks and starts nothing: a refresh or a storage read under way. Not a retry paused while
 * online (a parked request lets it fire), nor a rest (a request there starts a cycle).
 */
function parksWithoutEffect(replay: Replay): boolean {
  const { state } = replay
  if (state === 'idle.hydrating' || state === 'idle.refreshQueued') return true
  if (state === 'refreshing.paused') return replay.snapshot.context.offline
  return state === 'refreshing.fetching' || state === 'refreshing.waitingToRetry'
}

export function startSystem(options: ModelOptions) {
  const timers = machineTimers(T0)
  const { clock } = timers
  const fetch = fakeFetch()
  const store = heldStorage()
  const shared = pushingCoordinator()
  // A background cycle that failed with nobody waiting rests (refresh.failed, reason 'ahead', nobody rejected); any
  // cycle that starts, and any state but refreshing, ends the rest. What the system hears, not what the model says.
  let resting = false
  // token.adopted heard so far: whether a pushed token was taken is what the controller says, not the model.
  let adoptions = 0
  // Signed out: the session was lost (logout, a refused refresh token) and no login or clear() came since.
  let signedOut = false
  const onEvent = (event: TokenControllerEvent) => {
    if (event.type === 'token.adopted') adoptions++
    if (event.type === 'session.lost') signedOut = true
    if (event.type === 'session.started' || event.type === 'token.cleared') signedOut = false
    if (event.type === 'refresh.failed') resting = event.reason === 'ahead' && event.rejected === 0
    if (event.type === 'refresh.started') resting = false
  }
  const tokens: TokenController = createTokenController({
    ...options,
    fetchToken: fetch.fetchToken,
    storage: store.storage,
    coordinator: shared.coordinator,
    now: clock.now,
    clock,
    onEvent,
  })
  timers.watch(tokens.actor.system)

  const requests: Request[] = []
  // What the outside world handed the controller last, tracked here and not read from the machine.
  let lastIssued: string | undefined
  // The last token handed over, its expiry and arrival on the system clock (arrival unknown for a stored one).
  let held: HeldToken | undefined
  // What the system told the controller last (setAppVisible, setOnline).
  let hidden = false
  let offline = false
  let stateBefore = tokens.state
  let restingBefore = false
  let served: string | undefined
  let lastRefreshToken: string | undefined
  let retryAfterMs: number | undefined
  let pendingBefore: Request[] = []
  let fetchesBefore = 0
  let adoptedNow = false
  let signedOutBefore = false
  let loggedOut: Promise<void> | undefined

  const twinOf = (waiter: RecordingWaiter | undefined): Request => {
    const twin = requests.find((request) => request.model === waiter)
    if (!twin) throw new Error('system: no request for the model waiter')
    return twin
  }
  const pending = () => requests.filter((request) => request.outcome.status === 'pending')
  /** An expiry on the model clock, moved to the system's clock: fresh stays fresh, stale stays stale. */
  const onSystemClock = (expiresAt: number): number => clock.now() + (expiresAt - T0)

  function finishHydration(variant: HydratedVariant, grant: Grant | null): void {
    if (variant === 'garbage') return store.finishRead('{"access_token": 42, "expires')
    if (grant === null) return store.finishRead(undefined)
    if (variant === 'fresh') {
      lastIssued = grant.accessToken
      held = { expiresAt: onSystemClock(grant.expiresAt), receivedAt: undefined }
    }
    lastRefreshToken = grant.refreshToken
    store.finishRead(
      JSON.stringify({ accessToken: grant.accessToken, expiresAt: onSystemClock(grant.expiresAt), refreshToken: grant.refreshToken }),
    )
  }

  function request(kind: 'get' | 'refresh', model: RecordingWaiter): void {
    // Requests arrive a millisecond apart, so their wait deadlines differ.
    clock.advance(1, { fire: false })
    const signal = kind === 'get' ? minimalSignal() : undefined
    const outcome = track(kind === 'get' ? tokens.getToken({ signal }) : tokens.refresh())
    requests.push({ model, outcome, signal, deadline: clock.now() + options.waitTimeoutMs })
  }

  /** Carries out one model step. `before` is the model's token before the step (a 401 names it). */
  async function perform(event: ModelEvent, step: ReplayStep, before: { accessToken: string | null }): Promise<void> {
    pendingBefore = pending()
    fetchesBefore = fetch.count
    stateBefore = tokens.state
    restingBefore = resting && stateBefore === 'refreshing'
    served = undefined
    adoptedNow = false
    signedOutBefore = signedOut
    const sent = step.sent as { grant?: Grant | null }
    switch (event.type) {
      case 'token.get':
      case 'token.refresh':
        request(event.type === 'token.get' ? 'get' : 'refresh', step.waiter!)
        break
      case 'fetch.succeeded': {
        const grant = sent.grant!
        expect(fetch.last().done, 'a fetch is in flight to answer').toBe(false)
        lastIssued = grant.accessToken
        if (grant.refreshToken !== undefined) lastRefreshToken = grant.refreshToken
        const body = { accessToken: grant.accessToken, expiresAt: onSystemClock(grant.expiresAt) }
        // The answer arrives as long before now as the model says (fetchedAt): the wall clock steps back for it.
        const ago = T0 - fetchedAt(event.variant as SucceededVariant, options.leewayMs)
        held = { expiresAt: onSystemClock(grant.expiresAt), receivedAt: clock.now() - ago }
        clock.jump(-ago)
        fetch.last().respond(grant.refreshToken === undefined ? body : { ...body, refreshToken: grant.refreshToken })
        await flush()
        clock.jump(ago)
        break
      }
      case 'fetch.failed':
        expect(fetch.last().done, 'a fetch is in flight to fail').toBe(false)
        retryAfterMs = (fetchError(event.variant as FailedVariant) as { retryAfterMs?: number }).retryAfterMs
        if (event.variant === 'malformed') fetch.last().respond({ token_type: 'Bearer' })
        else fetch.last().fail(fetchError(event.variant as FailedVariant))
        break
      case 'token.hydrated':
        finishHydration(event.variant as HydratedVariant, sent.grant!)
        break
      case 'token.invalidate':
        // A 401 for the current token: the controller stops handing it out (or ignores it mid-cycle, never to serve it).
        if (event.variant === 'current' && before.accessToken !== null) held = undefined
        tokens.invalidate(event.variant === 'current' && before.accessToken !== null ? before.accessToken : 'access-old')
        break
      case 'waiter.abort':
        twinOf(step.waiter).signal!.abort(new Error('model: the caller gave up'))
        break
      case 'waiter.timeout':
        expect(timers.passDeadline(twinOf(step.waiter).deadline), 'a deadline timer was due').toBeGreaterThan(0)
        break
      case 'token.clear':
        lastRefreshToken = undefined
        tokens.clear()
        break
      case 'token.stop':
        tokens.stop()
        break
      case 'session.set': {
        const grant = sent.grant!
        lastIssued = grant.accessToken
        held = { expiresAt: onSystemClock(grant.expiresAt), receivedAt: clock.now() }
        lastRefreshToken = grant.refreshToken
        tokens.setGrant({ accessToken: grant.accessToken, expiresAt: onSystemClock(grant.expiresAt), refreshToken: grant.refreshToken })
        break
      }
      case 'token.shared': {
        // Issued as long before now as the model says, expiring as far ahead: on the system clock.
        const grant = sent.grant as SharedTokenGrant
        const pushed = createGrant(grant.accessToken, onSystemClock(grant.expiresAt), grant.refreshToken)
        const receivedAt = clock.now() - (T0 - grant.receivedAt)
        const before = adoptions
        shared.push(Object.assign(pushed, { version: grant.version, receivedAt }))
        adoptedNow = adoptions > before
        if (adoptedNow) {
          lastIssued = grant.accessToken
          lastRefreshToken = grant.refreshToken
          held = { expiresAt: pushed.expiresAt, receivedAt }
        }
        break
      }
      case 'session.logout':
        lastRefreshToken = undefined
        loggedOut = tokens.logout()
        break
      case 'token.ahead':
        // The adapters' fast path: the held token, and in its soft window a background refresh.
        served = tokens.currentToken()
        break
      case 'app.show':
      case 'app.hide':
        hidden = event.type === 'app.hide'
        tokens.setAppVisible(!hidden)
        break
      case 'network.online':
      case 'network.offline':
        offline = event.type === 'network.offline'
        tokens.setOnline(!offline)
        break
      default:
        if (!event.type.startsWith('xstate.after.')) throw new Error(`system: no way to carry out ${event.type}`)
        // A fetch timeout fails the attempt with no server word on when to retry.
        if (timers.fireMachineTimer(event.type).event?.includes('fetchTimeout')) retryAfterMs = undefined
    }
    await flush()
  }

  /** The system against the model: every request, the queue, fetches, timers. One comparison, one diff. */
  function checkAgainstModel(replay: Replay, where: string): void {
    const { context } = replay.snapshot
    const fetching = replay.state === 'refreshing.fetching' && !replay.stopped
    // The machine waits for exactly the delays the model names, through the injected clock only.
    const waitsFor = replay.stopped ? [] : delayedEventTypes(replay.snapshot)
    const observed = {
      // Every request settled as the model settled its twin: same token, same error code, or still waiting.
      requests: requests.map(({ outcome }) => outcomeOf(outcome)),
      queueSize: tokens.queueSize,
      fetchesStarted: fetch.count,
      fetchesInFlight: fetch.inFlight,
      fetchInput: fetching ? { attempt: fetch.last().attempt, reason: fetch.last().reason } : undefined,
      machineTimers: timers
        .pending()
        .filter((timer) => timer.owner === 'machine')
        .map((timer) => [timer.event, timer.delayMs]),
    }
    expect(observed, `the controller ${where}`).toEqual({
      requests: requests.map(({ model }) => model.outcome),
      queueSize: replay.queueSize,
      fetchesStarted: replay.fetchesStarted,
      fetchesInFlight: fetching ? 1 : 0,
      fetchInput: fetching ? { attempt: context.attempt, reason: context.reason } : undefined,
      machineTimers: waitsFor.map((type) => [type, expectedDelay(replay, type)]),
    })
  }

  /** Asks for a token where asking changes nothing: what a new request would get right now. */
  async function probe(replay: Replay): Promise<void> {
    const state = replay.state
    const where = `in ${replay.key()}`
    const fetches = fetch.count
    // Settling is synchronous here (fast path, parking, QUEUE_FULL, abort): microtasks only, no timer, no I/O.
    const microtasks = async () => {
      for (let i = 0; i < 3; i++) await Promise.resolve()
    }
    if (replay.stopped) {
      const late = track(tokens.getToken())
      await microtasks()
      expect(outcomeOf(late), `a request after stop() ${where}`).toMatchObject({ code: 'STOPPED' })
    } else if (state === 'failed.loginRequired' || (state === 'failed.coolingDown' && !answersAtOnce(replay))) {
      // Answered at once with the same error, however often asked: no cycle, no fetch.
      const refused = [track(tokens.getToken()), track(tokens.refresh())]
      await microtasks()
      const code = state === 'failed.loginRequired' ? 'LOGIN_REQUIRED' : 'REFRESH_FAILED'
      expect([refused.map(outcomeOf), fetch.count], `a new request ${where}`).toMatchObject([[{ code }, { code }], fetches])
    } else if (answersAtOnce(replay)) {
      // Fresh by the clock, outside the soft window (or inside it while hidden or offline: no background refresh), or
      // while a background cycle runs or rests: answered at once with the current token, no fetch, nobody parks.
      const answer = track(tokens.getToken())
      await microtasks()
      expect([outcomeOf(answer), fetch.count, tokens.queueSize], `a new request ${where}`).toEqual([
        { status: 'fulfilled', value: lastIssued },
        fetches,
        replay.queueSize,
      ])
    } else if (parksWithoutEffect(replay)) {
      // A refresh or a storage read is under way: a new request parks (or finds the queue full), starting nothing.
      const signal = minimalSignal()
      const parked = track(tokens.getToken({ signal }))
      await microtasks()
      const full = replay.queueSize >= options.maxQueue
      const parkedNow = { outcome: outcomeOf(parked), queueSize: tokens.queueSize, fetches: fetch.count }
      signal.abort(new Error('probe done'))
      await microtasks()
      const abortedNow = { outcome: outcomeOf(parked), queueSize: tokens.queueSize }
      expect({ parkedNow, abortedNow }, `a new request ${where}, then its abort`).toMatchObject({
        parkedNow: full
          ? { outcome: { code: 'QUEUE_FULL' }, queueSize: replay.queueSize, fetches }
          : { outcome: { status: 'pending' }, queueSize: replay.queueSize + 1, fetches },
        abortedNow: { outcome: { code: full ? 'QUEUE_FULL' : 'ABORTED' }, queueSize: replay.queueSize },
      })
    }
  }

  const records: SystemRecords = {
    options,
    now: clock.now,
    get held() {
      return held
    },
    get hidden() {
      return hidden
    },
    get offline() {
      return offline
    },
    get stateBefore() {
      return stateBefore
    },
    get restingBefore() {
      return restingBefore
    },
    get served() {
      return served
    },
    requests,
    fetch,
    timers,
    store,
    get lastIssued() {
      return lastIssued
    },
    get lastRefreshToken() {
      return lastRefreshToken
    },
    get retryAfterMs() {
      return retryAfterMs
    },
    get pendingBefore() {
      return pendingBefore
    },
    get fetchesBefore() {
      return fetchesBefore
    },
    get loggedOut() {
      return loggedOut
    },
    get adopted() {
      return adoptedNow
    },
    get signedOutBefore() {
      return signedOutBefore
    },
    get state() {
      return tokens.state
    },
    get connectionsClosed() {
      return shared.closed
    },
  }

  return {
    perform,
    /** After a step (or at the start, with no event): the system against the model, then on its own. */
    check(event: ModelEvent | undefined, replay: Replay): void {
      const where = `in ${replay.key()}`
      checkAgainstModel(replay, where)
      if (event) expect(brokenContract(records, event, replay), `broken ${where}`).toEqual([])
    },
    probe,
    /** The machine's context as the controller built it: the model must explore the same machine. */
    get context() {
      return tokens.actor.getSnapshot().context
    },
    end(): void {
      tokens.stop()
    },
  }
}
