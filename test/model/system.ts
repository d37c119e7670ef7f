// The system under test: the real controller with a hand-answered token endpoint, a storage whose read
// finishes when the model says so, and a clock that fires the timer a step names. Each model event is
// carried out here, and each state is checked on what the controller does, never on its machine's value.
import { expect, vi } from 'vitest'
import { isFresh, tokenMachine } from '../../machines/token.machine.ts'
import type { Grant } from '../../machines/token.types.ts'
import { createTokenController, type TokenController } from '../../src/index.ts'
import { fakeFetch, minimalSignal, track } from '../helpers/fake-fetch.ts'
import { heldStorage } from './held-storage.ts'
import { T0, fetchError, type FailedVariant, type HydratedVariant, type ModelEvent, type ModelOptions } from './model.ts'
import { rejection, type Outcome, type RecordingWaiter, type Replay, type ReplayStep } from './replay.ts'
import { createTestClock } from './test-clock.ts'

type Tracked = ReturnType<typeof track<string>>

interface Request {
  readonly model: RecordingWaiter
  readonly outcome: Tracked
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

/** Why the cycle a step starts refreshes, where the step alone says so. */
const REASON_OF: Record<string, string> = { 'token.refresh': 'forced', 'token.invalidate': 'invalidated', 'token.clear': 'missing' }

export type System = ReturnType<typeof startSystem>

export function startSystem(options: ModelOptions) {
  const clock = createTestClock(T0)
  const fetch = fakeFetch()
  const store = heldStorage()
  const tokens: TokenController = createTokenController({
    ...options,
    fetchToken: fetch.fetchToken,
    storage: store.storage,
    now: () => clock.now,
    clock: clock.clock,
  })
  clock.watch(tokens.actor.system)

  const requests: Request[] = []
  // What the outside world handed the controller last, tracked here and not read from the machine.
  let lastIssued: string | undefined
  let lastRefreshToken: string | undefined
  let pendingBefore: Request[] = []
  let fetchesBefore = 0

  const twinOf = (waiter: RecordingWaiter | undefined): Request => {
    const twin = requests.find((request) => request.model === waiter)
    if (!twin) throw new Error('system: no request for the model waiter')
    return twin
  }
  const pending = () => requests.filter((request) => request.outcome.status === 'pending')
  /** An expiry on the model clock, moved to the system's clock: fresh stays fresh, stale stays stale. */
  const onSystemClock = (expiresAt: number): number => clock.now + (expiresAt - T0)

  function finishHydration(variant: HydratedVariant, grant: Grant | null): void {
    if (variant === 'garbage') return store.finishRead('{"access_token": 42, "expires')
    if (grant === null) return store.finishRead(undefined)
    if (variant === 'fresh') lastIssued = grant.accessToken
    lastRefreshToken = grant.refreshToken
    store.finishRead(JSON.stringify({ accessToken: grant.accessToken, expiresAt: onSystemClock(grant.expiresAt), refreshToken: grant.refreshToken }))
  }

  function request(kind: 'get' | 'refresh', model: RecordingWaiter): void {
    // Requests arrive a millisecond apart, so their wait deadlines differ.
    clock.tick(1)
    const signal = kind === 'get' ? minimalSignal() : undefined
    const outcome = track(kind === 'get' ? tokens.getToken({ signal }) : tokens.refresh())
    requests.push({ model, outcome, signal, deadline: clock.now + options.waitTimeoutMs })
  }

  /** Carries out one model step. `before` is the model's token before the step (a 401 names it). */
  async function perform(event: ModelEvent, step: ReplayStep, before: { accessToken: string | null }): Promise<void> {
    pendingBefore = pending()
    fetchesBefore = fetch.count
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
        fetch.last().respond(grant.refreshToken === undefined ? body : { ...body, refreshToken: grant.refreshToken })
        break
      }
      case 'fetch.failed':
        expect(fetch.last().done, 'a fetch is in flight to fail').toBe(false)
        if (event.variant === 'malformed') fetch.last().respond({ token_type: 'Bearer' })
        else fetch.last().fail(fetchError(event.variant as FailedVariant))
        break
      case 'token.hydrated':
        finishHydration(event.variant as HydratedVariant, sent.grant!)
        break
      case 'token.invalidate':
        tokens.invalidate(event.variant === 'current' && before.accessToken !== null ? before.accessToken : 'access-old')
        break
      case 'waiter.abort':
        twinOf(step.waiter).signal!.abort(new Error('model: the caller gave up'))
        break
      case 'waiter.timeout':
        expect(clock.passDeadline(twinOf(step.waiter).deadline), 'a deadline timer was due').toBeGreaterThan(0)
        break
      case 'token.clear':
        lastRefreshToken = undefined
        tokens.clear()
        break
      case 'token.stop':
        tokens.stop()
        break
      default:
        if (!event.type.startsWith('xstate.after.')) throw new Error(`system: no way to carry out ${event.type}`)
        clock.fireMachineTimer(event.type)
    }
    await flush()
  }

  /** The system against the model: every request, the queue, fetches, timers. One comparison, one diff. */
  function checkAgainstModel(replay: Replay, where: string): void {
    const { context } = replay.snapshot
    const fetching = replay.state === 'refreshing.fetching' && !replay.stopped
    // The machine waits for exactly the delays the model names, through the injected clock only.
    const waitsFor = replay.stopped ? [] : replay.snapshot._nodes.flatMap((node) => [...node.transitions.keys()].filter((type) => type.startsWith('xstate.after.')))
    const observed = {
      // Every request settled as the model settled its twin: same token, same error code, or still waiting.
      requests: requests.map(({ outcome }) => outcomeOf(outcome)),
      queueSize: tokens.queueSize,
      fetchesStarted: fetch.count,
      fetchesInFlight: fetch.inFlight,
      fetchInput: fetching ? { attempt: fetch.last().attempt, reason: fetch.last().reason } : undefined,
      machineTimers: clock.pending().filter((timer) => timer.owner === 'machine').map((timer) => [timer.event, timer.ms]),
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

  /** What holds whatever the model says: the contract of each state, from the system's own records. */
  function brokenInvariants(event: ModelEvent, replay: Replay): string[] {
    const broken: string[] = []
    const require = (holds: boolean, what: string) => void (holds || broken.push(what))
    const state = replay.state
    const { attempts } = options.retry
    const codeOf = (request: Request) => (request.outcome.reason as { code?: string } | undefined)?.code

    require(fetch.maxInFlight <= 1, 'at most one fetch in flight, ever')
    require(vi.getTimerCount() === 0, 'no timer outside the injected clock')
    for (const request of requests) {
      if (codeOf(request) === 'REFRESH_FAILED') require((request.outcome.reason as { attempts: number }).attempts === attempts, 'a failed cycle made every attempt')
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
      require(clock.pending().length === 0, 'no timer left after stop()')
      return broken
    }
    if (state === 'valid') {
      // Whoever waited got the token the endpoint (or storage) handed over last; nobody waits on.
      const answered = pendingBefore.every((request) => request.outcome.status === 'fulfilled' && request.outcome.value === lastIssued)
      require(answered, 'requests parked before valid answered with the token handed over last')
      require(pending().length === 0, 'no request waits in valid')
      require(store.held !== undefined && (JSON.parse(store.held) as { accessToken: string }).accessToken === lastIssued, 'valid: the current token is stored')
    }
    if (state === 'failed') {
      require(pendingBefore.every((request) => codeOf(request) === 'REFRESH_FAILED'), 'requests parked before failed rejected with REFRESH_FAILED')
      require(pending().length === 0, 'no request waits in failed')
    }
    if (state.startsWith('refreshing')) {
      require(fetch.inFlight === (state === 'refreshing.fetching' ? 1 : 0), 'one fetch in flight while fetching, none while waiting to retry')
    }
    if (state.startsWith('idle')) {
      require(fetch.inFlight === 0, 'no fetch in flight in idle')
      // Nothing written while storage is still being read; after it, no fresh token stored.
      if (state !== 'idle.empty') require(store.writes === 0, 'nothing written to storage before hydration')
      const held = store.held === undefined ? undefined : (JSON.parse(store.held) as { expiresAt: number })
      require(!held || !isFresh({ expiresAt: held.expiresAt, leewayMs: options.leewayMs }, clock.now), 'no fresh token stored in idle')
    }
    return broken
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
    } else if (state === 'valid' && isFresh(replay.snapshot.context, T0)) {
      // Fresh by the clock: answered at once with the current token, no fetch.
      const answer = track(tokens.getToken())
      await microtasks()
      expect([outcomeOf(answer), fetch.count], `a new request ${where}`).toEqual([{ status: 'fulfilled', value: lastIssued }, fetches])
    } else if (state.startsWith('refreshing') || state === 'idle.hydrating' || state === 'idle.refreshQueued') {
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
        parkedNow: full ? { outcome: { code: 'QUEUE_FULL' }, queueSize: replay.queueSize, fetches } : { outcome: { status: 'pending' }, queueSize: replay.queueSize + 1, fetches },
        abortedNow: { outcome: { code: full ? 'QUEUE_FULL' : 'ABORTED' }, queueSize: replay.queueSize },
      })
    }
  }

  return {
    perform,
    /** After a step (or at the start, with no event): the system against the model, then on its own. */
    check(event: ModelEvent | undefined, replay: Replay): void {
      const where = `in ${replay.key()}`
      checkAgainstModel(replay, where)
      if (event) expect(brokenInvariants(event, replay), `broken ${where}`).toEqual([])
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
