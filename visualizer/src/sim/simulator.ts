// The library's own, unchanged controller under simulated load: requests through the fetch adapter
// (`withTokens`) against the page's fake API, tokens from the fake endpoint, time from a virtual clock.
// Reports state changes (with the transitions taken, from `inspect`), controller events and counters.
import { withTokens } from '../../../src/adapters/fetch.ts'
import { createTokenController, isTokenError, type TokenController, type TokenControllerEvent } from '../../../src/index.ts'
import { transitionId, type TransitionLike } from '../diagram/graph.ts'
import { bump, emptyCounters, type Counters } from './counters.ts'
import type { Knobs } from './knobs.ts'
import { createSimServer, isNetworkDown, type SimResponse, type SimServer } from './server.ts'
import { createVirtualClock, type VirtualClock } from './virtual-clock.ts'

export interface SimulatorHooks {
  /** The machine's state value changed; `transitions` are the ids of the transitions taken. */
  onState(value: unknown, transitions: string[], at: number): void
  onEvent(event: TokenControllerEvent, at: number): void
}

export interface Simulator {
  readonly clock: VirtualClock
  readonly counters: Counters
  readonly controller: TokenController
  readonly server: SimServer
  /** Simulated ms since the simulator started. */
  elapsed(): number
  /** Moves simulated time forward by up to `ms`, firing at most `budget` timers. */
  advance(ms: number, budget: number): Promise<void>
  /** A new controller with the current knobs (the old one is stopped); the clock and counters go on. */
  restart(): void
  revoke(): void
  /** The server refuses the refresh tokens it issued: the next refresh-token grant answers `invalid_grant`. */
  refuseRefreshTokens(): void
  /** A person logs in: the server's grant (access + refresh token) goes to `setGrant`. */
  logIn(): void
  /** `logout()`: forgets the tokens, the server revokes them (`revokeToken`). */
  logOut(): Promise<void>
  /** The app goes to the background (`setAppVisible(false)`) or comes back; the load pauses while it is hidden. */
  setAppVisible(visible: boolean): void
  /** The network drops (`setOnline(false)`: the token endpoint and the API fail) or comes back. */
  setOnline(online: boolean): void
  readonly visible: boolean
  readonly online: boolean
  clear(): void
  stop(): void
}

const LOAD_TICK_MS = 10

export function createSimulator(knobs: () => Knobs, hooks: SimulatorHooks): Simulator {
  const startedAt = Date.now()
  const clock = createVirtualClock(startedAt)
  const server = createSimServer(clock, knobs)
  const counters = emptyCounters()
  let visible = true
  let controller = newController()
  let api = withTokens(countingFetch, controller)
  let nextRequest = 1
  let owed = 0
  // Calls per request id: a second call of the same request is the adapter's replay after a 401.
  const calls = new Map<number, number>()
  // Requests that parked for their token (before their first call).
  const waited = new Set<number>()

  function newController(): TokenController {
    const k = knobs()
    let pending: string[] = []
    const tokens = createTokenController({
      fetchToken: (context) => {
        bump(counters, 'fetchAttempts')
        return server.fetchToken(context)
      },
      now: clock.now,
      clock,
      leewayMs: k.leewayMs,
      refreshAheadMs: k.refreshAheadMs,
      waitTimeoutMs: k.waitTimeoutMs,
      fetchTimeoutMs: 10_000,
      retry: { attempts: k.retryAttempts, baseDelayMs: k.retryBaseDelayMs, cooldownMs: k.cooldownMs },
      revokeToken: (context) => {
        bump(counters, 'revocations')
        return server.revokeToken(context)
      },
      onLoginRequired: () => bump(counters, 'loginRequired'),
      onEvent: (event) => {
        count(event)
        hooks.onEvent(event, clock.now() - startedAt)
      },
    })
    // The transitions each step took, from XState's own inspection of the actor's system: the controller's
    // `inspect` option redacts what it hands out, down to the state-node graph this reads. The simulator's tokens
    // are fake, and this stays inside the page.
    tokens.actor.system.inspect((event) => {
      if (event.type !== '@xstate.microstep') return
      const taken = (event as unknown as { _transitions?: TransitionLike[] })._transitions ?? []
      for (const t of taken) pending.push(transitionId(t, candidatesOf(t)))
    })
    let last = JSON.stringify(tokens.actor.getSnapshot().value)
    hooks.onState(tokens.actor.getSnapshot().value, [], clock.now() - startedAt)
    tokens.actor.subscribe((snapshot) => {
      const value = JSON.stringify(snapshot.value)
      if (value === last && pending.length === 0) return
      last = value
      const taken = pending
      pending = []
      hooks.onState(snapshot.value, taken, clock.now() - startedAt)
    })
    // A new controller starts shown and online: tell it what the app and the network are like now.
    if (!visible) tokens.setAppVisible(false)
    if (!server.online) tokens.setOnline(false)
    return tokens
  }

  function count(event: TokenControllerEvent): void {
    if (event.type === 'request.parked') bump(counters, 'parked')
    else if (event.type === 'request.released') bump(counters, 'released')
    else if (event.type === 'refresh.started') bump(counters, 'refreshes')
    else if (event.type === 'refresh.failed') bump(counters, 'refreshFailures')
    else if (event.type === 'session.started') bump(counters, 'sessionsStarted')
  }

  // A stopped controller refuses setGrant (StoppedError): the page's start button brings a new one first.
  const isRunning = () => controller.actor.getSnapshot().status === 'active'

  function countingFetch(url: string, init?: { headers?: Headers; requestId?: number }): Promise<SimResponse> {
    const id = init?.requestId
    if (id !== undefined) {
      const n = (calls.get(id) ?? 0) + 1
      calls.set(id, n)
      if (n > 1) bump(counters, 'replayed')
      else bump(counters, waited.has(id) ? 'servedAfterWait' : 'servedAtOnce')
    }
    return server.api(url, init)
  }

  function sendOne(): void {
    const k = knobs()
    const id = nextRequest++
    bump(counters, 'requests')
    let signal: AbortSignal | undefined
    if (k.abortRate > 0 && Math.random() < k.abortRate) {
      const abort = new AbortController()
      signal = abort.signal
      clock.setTimeout(() => abort.abort(), Math.random() * k.latencyMs * 2)
    }
    // The adapter asks for the token synchronously: a request that parks reports request.parked before api() returns.
    const parkedBefore = counters.parked
    const sent = api('https://api.example.test/orders', { requestId: id, signal })
    if (counters.parked !== parkedBefore) waited.add(id)
    sent
      .then(
        (answer) => {
          if (answer.status === 200) bump(counters, 'answered')
        },
        (failure: unknown) => {
          bump(counters, isTokenError(failure) ? failure.code : isNetworkDown(failure) ? 'networkFailed' : 'other')
        },
      )
      .finally(() => {
        calls.delete(id)
        waited.delete(id)
      })
  }

  // The load: every 10 simulated ms, the requests that the rate owes by then. A hidden mini-program sends next to
  // nothing (and is suspended a few seconds after it goes to the background): the load pauses while hidden.
  function loadTick(): void {
    if (visible) owed += (knobs().rate * LOAD_TICK_MS) / 1000
    for (; owed >= 1; owed--) sendOne()
    clock.setTimeout(loadTick, LOAD_TICK_MS)
  }
  clock.setTimeout(loadTick, LOAD_TICK_MS)

  return {
    clock,
    counters,
    get controller() {
      return controller
    },
    server,
    elapsed: () => clock.now() - startedAt,
    async advance(ms, budget) {
      await clock.advance(clock.now() + ms, budget)
    },
    restart() {
      controller.stop()
      controller = newController()
      api = withTokens(countingFetch, controller)
    },
    revoke: () => server.revokeAll(),
    refuseRefreshTokens: () => server.refuseRefreshTokens(),
    logIn() {
      if (isRunning()) controller.setGrant(server.login())
    },
    logOut: () => controller.logout(),
    setAppVisible(next) {
      visible = next
      if (isRunning()) controller.setAppVisible(next)
    },
    setOnline(next) {
      server.setOnline(next)
      if (isRunning()) controller.setOnline(next)
    },
    get visible() {
      return visible
    },
    get online() {
      return server.online
    },
    clear: () => controller.clear(),
    stop: () => controller.stop(),
  }
}

// XState files eventless (`always`) transitions under the event type '', apart from the others: index them there.
function candidatesOf(transition: TransitionLike): readonly TransitionLike[] {
  const source = transition.source as unknown as { transitions: Map<string, TransitionLike[]>; always?: TransitionLike[] }
  return (transition.eventType === '' ? source.always : source.transitions.get(transition.eventType)) ?? []
}
