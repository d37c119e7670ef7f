// The test model: the real `tokenMachine`, explored by @xstate/graph's TestModel with concrete events
// (waiters are test objects, `at` comes from a fixed model clock). States are told apart by what the
// controller can be seen to do, so exploration ends: state, token freshness, who is parked, attempt.
import { TestModel } from '@xstate/graph'
import { createEmptyActor, type ActorLogic, type AnyActorScope, type SnapshotFrom, type StateValue } from 'xstate'
import { forEachPending, parkedSize } from '../../machines/parked.ts'
import { isDueAhead, isFresh, tokenMachine } from '../../machines/token.machine.ts'
import type { Grant, SharedTokenGrant, TokenEvent, TokenInput, Waiter } from '../../machines/token.types.ts'
import { InvalidTokenResponseError, LoginRequiredError, type TokenControllerOptions } from '../../src/index.ts'
import { createGrant } from '../../src/grant.ts'
import { transitionName } from './transitions.ts'
import { delayedEventTypes } from './xstate-internals.ts'

/** The model clock: every `at` in the model is this instant. */
export const T0 = 1_700_000_000_000
const HOUR_MS = 3_600_000
/** A fresh token outlives any path (its timeouts included) by far: fresh stays fresh. */
export const FRESH_FOR_MS = 30 * 24 * HOUR_MS
/**
 * The model's `refreshAheadMs`: ten days, so a fresh token (30 days, received at T0) is far from its soft window, and a
 * token due ahead (5 days left, received 25 days ago) stays inside it, and fresh, for any path.
 */
export const REFRESH_AHEAD_MS = 10 * 24 * HOUR_MS
/** A token due ahead: fresh, inside its soft window (the wait deadlines and backoffs of a path are minutes). */
export const AHEAD_FOR_MS = 5 * 24 * HOUR_MS

export type TokenSnapshot = SnapshotFrom<typeof tokenMachine>
export type ModelOptions = Required<
  Pick<TokenControllerOptions, 'leewayMs' | 'refreshAheadMs' | 'fetchTimeoutMs' | 'waitTimeoutMs' | 'maxQueue'>
> & {
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number; jitter: false; cooldownMs?: number }
}

export type HydratedVariant = 'fresh' | 'stale' | 'none' | 'garbage'
export type SucceededVariant = 'fresh' | 'ahead' | 'stale'
export type FailedVariant = 'error' | 'retryAfter' | 'malformed' | 'loginRequired'
/**
 * A token another instance published (`token.shared`): newer than the one held and fresh (taken), newer but inside
 * the leeway (ignored), or the version already held, say the push after the waiter's own re-read (ignored).
 */
export type SharedVariant = 'newer' | 'stale' | 'same'

export interface ModelConfig {
  name: string
  /** The controller's options; the machine gets the same as input. Small bounds keep exploration finite. */
  options: ModelOptions
  hydrated: HydratedVariant[]
  succeeded: SucceededVariant[]
  failed: FailedVariant[]
  shared: SharedVariant[]
  /** Offer steps that leave the observable state as it was (answered at once, QUEUE_FULL, a 401 ignored). */
  selfLoops: boolean
  /** Tell states apart by the transition that led there, so shortest paths take every transition. */
  byTransition: boolean
  /** Event types this model never offers. */
  without?: string[]
}

/** A machine event as the model sends it, tagged with how the system should produce it. */
export type ModelEvent =
  (TokenEvent & { readonly variant?: string }) | { readonly type: `xstate.after.${string}`; readonly variant?: undefined }

export type WaiterKind = 'get' | 'refresh'
export interface KindedWaiter extends Waiter {
  readonly kind: WaiterKind
}

/** A parked request during exploration. Never settled: TestModel runs no actions, only `assign`. */
class ModelWaiter implements KindedWaiter {
  readonly settled = false
  readonly deadline: number
  constructor(
    readonly id: number,
    readonly kind: WaiterKind,
    waitTimeoutMs: number,
  ) {
    this.deadline = T0 + waitTimeoutMs
  }
  resolve(): void {}
  reject(): void {}
  toJSON(): string {
    return `${this.kind}#${this.id}`
  }
}

export function machineInput(options: ModelOptions): TokenInput {
  return { ...options, retry: { ...options.retry }, random: () => 1 }
}

/** The grant the token endpoint answers with when the machine holds generation `generation`. */
export function fetchedGrant(variant: SucceededVariant, generation: number, leewayMs: number): Grant {
  const n = generation + 1
  // A stale grant is valid by its expiry but inside the leeway: the next request refreshes again. A grant due ahead
  // is fresh, inside its soft window: the next request takes it and starts a background refresh.
  if (variant === 'fresh') return createGrant(`access-${n}`, T0 + FRESH_FOR_MS, `refresh-${n}`)
  if (variant === 'ahead') return createGrant(`access-${n}`, T0 + AHEAD_FOR_MS, `refresh-${n}`)
  return createGrant(`access-${n}`, T0 + leewayMs / 2)
}

/**
 * When the endpoint's answer arrived on the model clock (`at` of fetch.succeeded). A stale grant arrived long
 * ago: it lives longer than the leeway, so it keeps it, and is inside it at T0. (One that arrived at T0 living
 * no longer than the leeway would get half its lifetime as leeway, and be fresh.)
 */
export function fetchedAt(variant: SucceededVariant, leewayMs: number): number {
  // A grant due ahead lived 30 days too: its soft window is the whole refreshAheadMs, not half a short lifetime.
  if (variant === 'ahead') return T0 + AHEAD_FOR_MS - FRESH_FOR_MS
  return variant === 'fresh' ? T0 : T0 - 2 * leewayMs
}

/** The grant a login page hands over with setGrant when the machine holds generation `generation`. */
export function sessionGrant(generation: number): Grant {
  const n = generation + 1
  return createGrant(`login-${n}`, T0 + FRESH_FOR_MS, `login-refresh-${n}`)
}

/**
 * The token another instance published, as the coordinator hands it over, when the machine holds shared version
 * `heldVersion` and generation `generation`. A stale one was issued long ago: it keeps the whole leeway, and is inside it.
 */
export function sharedGrant(variant: SharedVariant, heldVersion: number, generation: number, leewayMs: number): SharedTokenGrant {
  const version = variant === 'same' ? heldVersion : heldVersion + 1
  const n = generation + 1
  const stale = variant === 'stale'
  const grant = createGrant(`shared-${n}-v${version}`, stale ? T0 + leewayMs / 2 : T0 + FRESH_FOR_MS, `shared-refresh-${n}-v${version}`)
  return Object.assign(grant, { version, receivedAt: stale ? T0 - 2 * leewayMs : T0 })
}

/** What hydration hands the machine for what storage held. Garbage is removed and reads as nothing. */
export function storedGrant(variant: HydratedVariant): Grant | null {
  if (variant === 'fresh') return createGrant('stored-access', T0 + FRESH_FOR_MS, 'stored-refresh')
  if (variant === 'stale') return createGrant('stored-access', T0 - HOUR_MS, 'stored-refresh')
  return null
}

export function fetchError(variant: FailedVariant): Error {
  if (variant === 'malformed') return new InvalidTokenResponseError('no string accessToken / access_token')
  if (variant === 'loginRequired') return new LoginRequiredError('model: the refresh token was refused')
  const error = new Error(variant === 'retryAfter' ? 'token endpoint: 429' : 'token endpoint: 500')
  return variant === 'retryAfter' ? Object.assign(error, { retryAfterMs: 250 }) : error
}

export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value
  const [key, child] = Object.entries(value)[0] as [string, StateValue]
  return `${key}.${statePath(child)}`
}

/** Pending parked requests, oldest first, minus those a step already took away (`gone`). */
export function pendingWaiters(snapshot: TokenSnapshot, gone: ReadonlySet<number> = new Set()): KindedWaiter[] {
  const pending: KindedWaiter[] = []
  forEachPending(snapshot.context.parked, (waiter) => {
    if (!gone.has(waiter.id)) pending.push(waiter as KindedWaiter)
  })
  return pending
}

/**
 * The abstract state: what the controller can be seen to do from here. Two snapshots with the same
 * key take the same transitions for the same model events, which is what lets exploration end.
 */
export function stateKey(snapshot: TokenSnapshot, pending: KindedWaiter[], stopped: boolean): string {
  const { context } = snapshot
  if (pending.length !== parkedSize(context.parked)) throw new Error('model: parked waiters and queue size disagree')
  const state = statePath(snapshot.value)
  // "No token any more" (after clear() or a 401) is told from "no token yet": storage may hold one.
  const none = context.generation > 0 ? 'no token any more' : 'no token yet'
  const token = context.accessToken === null ? none : tokenFreshness(snapshot)
  // A background cycle serves the held token and rests after failing: it behaves unlike the others.
  const ahead = state.startsWith('refreshing') && context.reason === 'ahead' ? ' (ahead)' : ''
  const attempt = state.startsWith('refreshing') ? ` · attempt ${context.attempt}${ahead}` : ''
  const parked = pending.length ? ` · parked ${pending.map((waiter) => waiter.kind).join('+')}` : ''
  const lifecycle = `${context.hidden ? ' · hidden' : ''}${context.offline ? ' · offline' : ''}`
  return `${stopped ? 'stopped in ' : ''}${state} · ${token}${attempt}${parked}${lifecycle}`
}

/** A held token by the model clock: fresh, fresh but inside its soft window (due ahead), or inside the leeway. */
export function tokenFreshness(snapshot: TokenSnapshot): 'fresh token' | 'token due ahead' | 'stale token' {
  const { context } = snapshot
  if (!isFresh(context, T0)) return 'stale token'
  return isDueAhead(context, T0) ? 'token due ahead' : 'fresh token'
}

export function eventLabel(event: ModelEvent): string {
  const type = event.type.startsWith('xstate.after.') ? `after ${event.type.split('.')[2]}` : event.type
  return event.variant ? `${type}(${event.variant})` : type
}

/** What the test knows beside the snapshot: requests a step took away (aborted, timed out), and stop. */
interface Shadow {
  readonly gone: ReadonlySet<number>
  readonly stopped: boolean
}

const START: Shadow = { gone: new Set(), stopped: false }

function nextShadow(shadow: Shadow, event: ModelEvent): Shadow {
  if (event.type === 'token.stop') return { ...shadow, stopped: true }
  if (event.type === 'waiter.abort' || event.type === 'waiter.timeout')
    return { ...shadow, gone: new Set([...shadow.gone, event.waiter.id]) }
  return shadow
}

/** The `after` events of the states `snapshot` is in: the clock passing a delay the machine waits for. */
function delayedEvents(snapshot: TokenSnapshot): ModelEvent[] {
  return delayedEventTypes(snapshot).map((type) => ({ type }) as ModelEvent)
}

/** Every event the system can carry out from this state, with concrete payloads. */
function eventsFrom(config: ModelConfig, snapshot: TokenSnapshot, shadow: Shadow, nextId: () => number): ModelEvent[] {
  if (shadow.stopped) return []
  const { context } = snapshot
  const { waitTimeoutMs, leewayMs } = config.options
  const state = statePath(snapshot.value)
  const pending = pendingWaiters(snapshot, shadow.gone)
  const events: ModelEvent[] = [
    { type: 'token.get', waiter: new ModelWaiter(nextId(), 'get', waitTimeoutMs), at: T0 },
    { type: 'token.refresh', waiter: new ModelWaiter(nextId(), 'refresh', waitTimeoutMs), at: T0 },
  ]
  // The storage read is pending only until hydration ends; the fetch is in flight only in `fetching`.
  if (state === 'idle.hydrating' || state === 'idle.refreshQueued') {
    for (const variant of config.hydrated) events.push({ type: 'token.hydrated', grant: storedGrant(variant), at: T0, variant })
  }
  if (state === 'refreshing.fetching') {
    for (const variant of config.succeeded) {
      events.push({ type: 'fetch.succeeded', grant: fetchedGrant(variant, context.generation, leewayMs), variant })
    }
    for (const variant of config.failed) events.push({ type: 'fetch.failed', error: fetchError(variant), variant })
  }
  events.push(...delayedEvents(snapshot))
  if (context.accessToken !== null) events.push({ type: 'token.invalidate', generation: context.generation, variant: 'current' })
  events.push({ type: 'token.invalidate', generation: -1, variant: 'old' })
  // Only getToken takes a signal: refresh() cannot be aborted, only time out.
  const abortable = pending.find((waiter) => waiter.kind === 'get')
  if (abortable) events.push({ type: 'waiter.abort', waiter: abortable, reason: 'model' })
  if (pending[0]) events.push({ type: 'waiter.timeout', waiter: pending[0] })
  // Another instance's token, in any state: 'same' needs a version held (0 names none, and no record has it).
  for (const variant of config.shared) {
    if (variant === 'same' && context.sharedVersion === 0) continue
    events.push({ type: 'token.shared', grant: sharedGrant(variant, context.sharedVersion, context.generation, leewayMs), at: T0, variant })
  }
  events.push({ type: 'token.clear' }, { type: 'token.stop' })
  events.push({ type: 'session.set', grant: sessionGrant(context.generation), at: T0, variant: 'login' }, { type: 'session.logout' })
  // The adapters' fast path (currentToken()) asks for a background refresh in valid with a fresh token; while a
  // background cycle runs or rests it hands out the token and sends nothing, as the machine ignores token.ahead there.
  // Not in valid with a stale token: that would start a cycle on the model and nothing on the system.
  const fastPath = state === 'valid' ? context.accessToken !== null && isFresh(context, T0) : state.startsWith('refreshing')
  if (fastPath && (state === 'valid' || context.reason === 'ahead')) events.push({ type: 'token.ahead', at: T0 })
  // setAppVisible / setOnline: only the ones that change a flag (the same call twice is the same step).
  events.push(context.hidden ? { type: 'app.show', at: T0 } : { type: 'app.hide' })
  events.push(context.offline ? { type: 'network.online', at: T0 } : { type: 'network.offline' })
  return events.filter((event) => !config.without?.includes(event.type))
}

/** An actor scope that runs no action and starts no actor: the kind @xstate/graph explores with. */
export function quietScope(): AnyActorScope {
  const self = createEmptyActor()
  return {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    system: self.system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: () => {},
  }
}

export type TokenTestModel = TestModel<TokenSnapshot, ModelEvent, TokenInput>

/**
 * A TestModel of the real machine with the given bounds, and `keyOf`: the abstract state of a snapshot
 * the model explored (what a path's steps are checked against).
 */
export function createTokenModel(config: ModelConfig): { model: TokenTestModel; keyOf: (snapshot: TokenSnapshot) => string } {
  const shadows = new WeakMap<TokenSnapshot, Shadow>()
  let waiterIds = 0
  const nextId = () => ++waiterIds
  const scope = quietScope()
  const logic = tokenMachine as unknown as ActorLogic<TokenSnapshot, ModelEvent, TokenInput>

  const shadowOf = (snapshot: TokenSnapshot): Shadow => {
    const shadow = shadows.get(snapshot)
    if (!shadow) throw new Error('model: a snapshot reached without its predecessor')
    return shadow
  }
  const baseKey = (snapshot: TokenSnapshot): string => {
    const shadow = shadowOf(snapshot)
    return stateKey(snapshot, pendingWaiters(snapshot, shadow.gone), shadow.stopped)
  }

  const serializeState = (snapshot: TokenSnapshot, event: ModelEvent | undefined, previous?: TokenSnapshot): string => {
    // A step that changes nothing may hand back the very same snapshot, so the shadow goes by first sight.
    if (!shadows.has(snapshot)) shadows.set(snapshot, event && previous ? nextShadow(shadowOf(previous), event) : START)
    const key = baseKey(snapshot)
    if (!event || !previous) return key
    // Shortest paths reach each vertex once; telling states apart by the transition that led there makes
    // them take every transition too (as createTestModel's serializeTransition does with events).
    const via = tokenMachine.getTransitionData(previous, event as TokenEvent).map(transitionName)
    // The event's variant too: a malformed answer and a 500 take the same transition, not the same code path.
    if (via.length && config.byTransition) return `${key} via ${via.join(' + ')}${event.variant ? ` (${event.variant})` : ''}`
    // A step that leaves the key as it was is still a step worth a path: it ends at a state of its own.
    return baseKey(previous) === key ? `${key} ~ ${eventLabel(event)}` : key
  }

  const events = (snapshot: TokenSnapshot): ModelEvent[] => {
    const offered = eventsFrom(config, snapshot, shadowOf(snapshot), nextId)
    if (config.selfLoops) return offered
    const key = baseKey(snapshot)
    return offered.filter((event) => {
      const next = tokenMachine.transition(snapshot, event as TokenEvent, scope)
      const shadow = next === snapshot ? shadowOf(snapshot) : nextShadow(shadowOf(snapshot), event)
      return stateKey(next, pendingWaiters(next, shadow.gone), shadow.stopped) !== key
    })
  }

  return { model: new TestModel(logic, { input: machineInput(config.options), events, serializeState }), keyOf: baseKey }
}
