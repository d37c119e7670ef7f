// The model side of a path being run: the real machine's transition function, replayed from the initial
// snapshot with each event re-made for this very history (exploration merges histories that look alike).
// Actions run on recording waiters, so the model says how each request settles; microsteps name the
// transitions taken.
import { createEmptyActor, type AnyActorScope } from 'xstate'
import { parkedSize } from '../../machines/parked.ts'
import { tokenMachine } from '../../machines/token.machine.ts'
import type { TokenEvent, TokenInput } from '../../machines/token.types.ts'
import type { TokenError } from '../../src/index.ts'
import {
  T0,
  fetchError,
  fetchedAt,
  fetchedGrant,
  pendingWaiters,
  sessionGrant,
  sharedGrant,
  stateKey,
  statePath,
  storedGrant,
  type FailedVariant,
  type HydratedVariant,
  type KindedWaiter,
  type SharedVariant,
  type ModelEvent,
  type SucceededVariant,
  type TokenSnapshot,
  type WaiterKind,
} from './model.ts'
import { transitionName } from './transitions.ts'
import { activeNodes, listenToMicrosteps } from './xstate-internals.ts'

export type Outcome =
  | { status: 'pending' }
  | { status: 'fulfilled'; value: string }
  | { status: 'rejected'; code: string; attempts?: number; causeCode?: string }

/** A request as the model sees it: settled by the machine's actions, first answer wins. */
export class RecordingWaiter implements KindedWaiter {
  settled = false
  outcome: Outcome = { status: 'pending' }

  constructor(
    readonly id: number,
    readonly kind: WaiterKind,
    readonly deadline: number,
  ) {}

  resolve(accessToken: string): void {
    if (this.settled) return
    this.settled = true
    this.outcome = { status: 'fulfilled', value: accessToken }
  }

  reject(error: TokenError): void {
    if (this.settled) return
    this.settled = true
    this.outcome = rejection(error)
  }
}

export function rejection(error: unknown): Outcome {
  const { code, attempts, cause } = error as { code: string; attempts?: number; cause?: { code?: unknown } }
  const outcome: Outcome = { status: 'rejected', code }
  if (attempts !== undefined) outcome.attempts = attempts
  // The machine's cause for a failed cycle: FETCH_TIMEOUT, INVALID_TOKEN_RESPONSE or the endpoint's own error.
  if (code === 'REFRESH_FAILED') outcome.causeCode = typeof cause?.code === 'string' ? cause.code : 'FETCH_FAILED'
  return outcome
}

export interface ReplayStep {
  /** The event as the machine got it, payloads made for this history. */
  readonly sent: TokenEvent | { type: string }
  /** The waiter the step created (a request) or took away (abort, timeout). */
  readonly waiter: RecordingWaiter | undefined
  readonly transitions: string[]
}

export type Replay = ReturnType<typeof createReplay>

export function createReplay(input: TokenInput & { waitTimeoutMs: number; leewayMs: number }) {
  const waiters: RecordingWaiter[] = []
  let microstepTransitions: string[] = []
  let fetchesStarted = 0
  const visited = new Set<string>()

  const self = createEmptyActor()
  // The scope's system is where a macrostep reports its microsteps: a view of the empty actor's, listening.
  const system = listenToMicrosteps(self.system, (transitions) => microstepTransitions.push(...transitions.map(transitionName)))
  const scope: AnyActorScope = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    // Child actors (the fetch) are created but never started: the system's fake endpoint stands in.
    defer: () => {},
    system,
    stopChild: () => {},
    emit: () => {},
    actionExecutor: (action) => {
      if (action.type === 'xstate.spawnChild') fetchesStarted++
      // The machine's own actions settle waiters; built-ins (emit, spawn, delayed raise) have nothing to do here.
      if (!action.type.startsWith('xstate.') && action.exec) action.exec(action.info, action.params)
    },
  }

  let snapshot: TokenSnapshot = tokenMachine.getInitialSnapshot(scope, input)
  let stopped = false
  for (const node of activeNodes(snapshot)) visited.add(node.id)

  const pending = (): RecordingWaiter[] => pendingWaiters(snapshot) as RecordingWaiter[]

  function waiter(kind: WaiterKind): RecordingWaiter {
    const created = new RecordingWaiter(waiters.length + 1, kind, T0 + input.waitTimeoutMs)
    waiters.push(created)
    return created
  }

  /** The machine event for `event` in this history, and the waiter it concerns. */
  function remake(event: ModelEvent): { sent: TokenEvent | { type: string }; waiter?: RecordingWaiter } {
    const { context } = snapshot
    switch (event.type) {
      case 'token.get':
      case 'token.refresh': {
        const created = waiter(event.type === 'token.get' ? 'get' : 'refresh')
        return { sent: { type: event.type, waiter: created, at: T0 }, waiter: created }
      }
      case 'token.invalidate':
        return { sent: { type: event.type, generation: event.variant === 'current' ? context.generation : -1 } }
      case 'fetch.succeeded':
        return {
          sent: {
            type: event.type,
            grant: fetchedGrant(event.variant as SucceededVariant, context.generation, input.leewayMs),
            at: fetchedAt(event.variant as SucceededVariant, input.leewayMs),
          },
        }
      case 'fetch.failed':
        return { sent: { type: event.type, error: fetchError(event.variant as FailedVariant) } }
      case 'token.hydrated':
        return { sent: { type: event.type, grant: storedGrant(event.variant as HydratedVariant), at: T0 } }
      case 'session.set':
        return { sent: { type: event.type, grant: sessionGrant(context.generation), at: T0 } }
      case 'token.shared': {
        const grant = sharedGrant(event.variant as SharedVariant, context.sharedVersion, context.generation, input.leewayMs)
        return { sent: { type: event.type, grant, at: T0 } }
      }
      case 'token.ahead':
      case 'app.show':
      case 'network.online':
        return { sent: { type: event.type, at: T0 } }
      case 'waiter.abort':
      case 'waiter.timeout': {
        // As the controller does: the machine hears of it and rejects the waiter itself.
        const target = event.type === 'waiter.abort' ? pending().find((w) => w.kind === 'get') : pending()[0]
        if (!target) throw new Error(`replay: no parked request for ${event.type}`)
        return {
          sent:
            event.type === 'waiter.abort' ? { type: event.type, waiter: target, reason: 'model' } : { type: event.type, waiter: target },
          waiter: target,
        }
      }
      default:
        return { sent: { type: event.type } }
    }
  }

  return {
    get snapshot() {
      return snapshot
    },
    get stopped() {
      return stopped
    },
    get state() {
      return statePath(snapshot.value)
    },
    get queueSize() {
      return parkedSize(snapshot.context.parked)
    },
    get fetchesStarted() {
      return fetchesStarted
    },
    /** State node ids this history has been in. */
    visited,
    waiters,
    pending,
    key(): string {
      return stateKey(snapshot, pending(), stopped)
    },
    apply(event: ModelEvent): ReplayStep {
      if (stopped) throw new Error(`replay: ${event.type} after token.stop`)
      const { sent, waiter: concerned } = remake(event)
      microstepTransitions = []
      snapshot = tokenMachine.transition(snapshot, sent as TokenEvent, scope)
      if (event.type === 'token.stop') stopped = true
      for (const node of activeNodes(snapshot)) visited.add(node.id)
      return { sent, waiter: concerned, transitions: microstepTransitions }
    },
  }
}
