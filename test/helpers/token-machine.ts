// The token machine alone, for its unit tests: a fetchToken the test answers by hand, waiters that
// record how they settled, and a check after each test that no emitted event carried a token.
import { afterEach, beforeEach, expect, vi } from 'vitest'
import { createActor, fromCallback, type AnyActor, type StateValue } from 'xstate'
import { parkedSize } from '../../machines/parked.ts'
import { tokenMachine, type FetchTokenInput } from '../../machines/token.machine.ts'
import type { Grant, TokenEmitted, TokenEvent, TokenInput, Waiter } from '../../machines/token.types.ts'
import type { TokenError } from '../../src/errors.ts'
import { createGrant } from '../../src/grant.ts'

/** The instant the tests run at; every `at` and `expiresAt` is relative to it. */
export const NOW = 1_700_000_000_000
export const HOUR_MS = 3_600_000

/** Every token in these tests contains this marker, so a leak is one substring search away. */
export const SECRET = 'SeCrEt'
export const accessTokenNo = (n: number): string => `access-${SECRET}-${n}`
export const refreshTokenNo = (n: number): string => `refresh-${SECRET}-${n}`

/** A grant for access token `n`, fresh for an hour unless told otherwise. */
export function grantNo(n: number, options: { expiresAt?: number; refreshToken?: string } = {}): Grant {
  return createGrant(accessTokenNo(n), options.expiresAt ?? NOW + HOUR_MS, options.refreshToken)
}

/** A request as the controller would park it, recording the first way it settled and any later try. */
export class TestWaiter implements Waiter {
  settled = false
  token: string | undefined = undefined
  error: TokenError | undefined = undefined
  /** Calls to resolve/reject: more than one means the machine settled a settled waiter again. */
  settleCalls = 0

  constructor(
    readonly id: number,
    readonly deadline: number,
    private readonly settledOrder: number[],
  ) {}

  resolve(accessToken: string): void {
    this.settleCalls++
    if (this.settled) return
    this.settled = true
    this.token = accessToken
    this.settledOrder.push(this.id)
  }

  reject(error: TokenError): void {
    this.settleCalls++
    if (this.settled) return
    this.settled = true
    this.error = error
    this.settledOrder.push(this.id)
  }
}

/** One invocation of fetchToken: what it was started with, and the two answers it can send back. */
export interface FetchCall {
  readonly input: FetchTokenInput
  /** True once the machine stopped this actor (left `fetching`). */
  stopped: boolean
  succeed(grant: Grant): void
  fail(error: unknown): void
}

export type MachineHarness = ReturnType<typeof startMachine>

const started: Array<{ actor: AnyActor; emitted: TokenEmitted[] }> = []

/** Fake timers around each test, then: no emitted event held a token, and every actor is stopped. */
export function useMachineHarness(): void {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    const runs = started.splice(0)
    for (const run of runs) run.actor.stop()
    vi.useRealTimers()
    for (const run of runs) expect(JSON.stringify(run.emitted)).not.toContain(SECRET)
  })
}

function pathOf(value: StateValue): string {
  if (typeof value === 'string') return value
  const [key, child] = Object.entries(value)[0] as [string, StateValue]
  return `${key}.${pathOf(child)}`
}

/** Starts the machine (in idle.hydrating) with a hand-answered fetchToken. */
export function startMachine(input: TokenInput = {}) {
  const calls: FetchCall[] = []
  const emitted: TokenEmitted[] = []
  const settledOrder: number[] = []
  let nextId = 1

  const machine = tokenMachine.provide({
    actors: {
      fetchToken: fromCallback<TokenEvent, FetchTokenInput>(({ input: fetchInput, sendBack }) => {
        const call: FetchCall = {
          input: fetchInput,
          stopped: false,
          succeed: (grant) => sendBack({ type: 'fetch.succeeded', grant }),
          fail: (error) => sendBack({ type: 'fetch.failed', error }),
        }
        calls.push(call)
        return () => {
          call.stopped = true
        }
      }),
    },
  })
  const actor = createActor(machine, { input })
  actor.on('*', (event) => emitted.push(event))
  actor.start()
  started.push({ actor, emitted })

  const harness = {
    actor,
    calls,
    emitted,
    /** Waiter ids in the order they settled. */
    settledOrder,
    /** The state as a dotted path: 'idle.hydrating', 'valid', 'refreshing.waitingToRetry'. */
    get state(): string {
      return pathOf(actor.getSnapshot().value)
    },
    get context() {
      return actor.getSnapshot().context
    },
    /** Pending parked waiters, as the controller's `queueSize` reads it. */
    get queueSize(): number {
      return parkedSize(actor.getSnapshot().context.parked)
    },
    /** The fetch actor started last. */
    get fetch(): FetchCall {
      const call = calls[calls.length - 1]
      if (!call) throw new Error('fetchToken was never started')
      return call
    },
    waiter(deadline = NOW + 30_000): TestWaiter {
      return new TestWaiter(nextId++, deadline, settledOrder)
    },
    get(at = NOW): TestWaiter {
      const waiter = harness.waiter()
      actor.send({ type: 'token.get', waiter, at })
      return waiter
    },
    refresh(at = NOW): TestWaiter {
      const waiter = harness.waiter()
      actor.send({ type: 'token.refresh', waiter, at })
      return waiter
    },
    hydrate(grant: Grant | null, at = NOW): void {
      actor.send({ type: 'token.hydrated', grant, at })
    },
    /** What the controller does when a signal aborts: tell the machine, which rejects the waiter. */
    abort(waiter: TestWaiter, reason?: unknown): void {
      actor.send({ type: 'waiter.abort', waiter, reason })
    },
    /** What the controller's deadline timer does: tell the machine, which rejects the waiter. */
    timeout(waiter: TestWaiter): void {
      actor.send({ type: 'waiter.timeout', waiter })
    },
    send(event: TokenEvent): void {
      actor.send(event)
    },
    emittedOf<T extends TokenEmitted['type']>(type: T): Array<Extract<TokenEmitted, { type: T }>> {
      return emitted.filter((event): event is Extract<TokenEmitted, { type: T }> => event.type === type)
    },
  }
  return harness
}

/** A machine past hydration with no token: in idle.empty. */
export function startEmpty(input: TokenInput = {}): MachineHarness {
  const h = startMachine(input)
  h.hydrate(null)
  return h
}

/** A machine holding access token 1 (generation 1), fresh for an hour: in valid. */
export function startValid(input: TokenInput = {}, grant: Grant = grantNo(1, { refreshToken: refreshTokenNo(1) })): MachineHarness {
  const h = startMachine(input)
  h.hydrate(grant)
  return h
}
