// The token lifecycle as a statechart: idle → refreshing → valid, with retries, and failed when
// attempts run out. No I/O, clock or randomness here: time comes on events (`at`), the controller
// provides `fetchToken` and the jitter source. Its one effect: settling the waiters it holds.
import { assign, emit, fromCallback, setup } from 'xstate'
import {
  AbortedError,
  FetchTimeoutError,
  QueueFullError,
  StoppedError,
  TokenRefreshError,
  WaitTimeoutError,
  type TokenError,
} from '../src/errors.ts'
import { backoffDelay, MAX_TIMER_MS } from './backoff.ts'
import { emptyParked, enqueue, forEachPending, forgetSettled, parkedSize } from './parked.ts'
import type { Grant, RefreshReason, TokenContext, TokenEmitted, TokenEvent, TokenInput, Waiter } from './token.types.ts'

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
}

/**
 * Fresh means exactly `expiresAt - leewayMs > at`: the controller's fast path uses the same rule.
 *
 * @example
 * isFresh({ expiresAt: Date.now() + 60_000, leewayMs: 30_000 }, Date.now()) // true
 * isFresh({ expiresAt: Date.now() + 10_000, leewayMs: 30_000 }, Date.now()) // false: inside the leeway
 */
export function isFresh(token: { expiresAt: number; leewayMs: number }, at: number): boolean {
  return token.expiresAt - token.leewayMs > at
}

export const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 300, maxDelayMs: 10_000 }
export const DEFAULT_TIMEOUTS = { leewayMs: 30_000, fetchTimeoutMs: 10_000, waitTimeoutMs: 30_000, maxQueue: 10_000 }

function fetchInput(context: TokenContext): FetchTokenInput {
  const input: FetchTokenInput = { attempt: context.attempt, reason: context.reason }
  if (context.refreshToken !== null) {
    Object.defineProperty(input, 'refreshToken', { value: context.refreshToken, enumerable: false })
  }
  return input
}

// A fetch error is the app's own object: a getter that throws must not end the actor and strand the parked requests.
function propertyOf(value: unknown, name: string): unknown {
  try {
    return (value as Record<string, unknown>)[name]
  } catch {
    // null, undefined, or a getter that throws: no such property.
  }
  return undefined
}

function retryAfterMs(error: unknown): number | undefined {
  const value = propertyOf(error, 'retryAfterMs')
  // Capped only by what a timer can hold: a longer wait handed to setTimeout would retry at once.
  return typeof value === 'number' && value >= 0 && value < Infinity ? Math.min(value, MAX_TIMER_MS) : undefined
}

function errorCode(error: unknown): string {
  const code = propertyOf(error, 'code')
  return typeof code === 'string' ? code : 'FETCH_FAILED'
}

/**
 * The token lifecycle as an XState v5 statechart: `idle` (`hydrating`, `refreshQueued`, `empty`), `valid`,
 * `refreshing` (`fetching`, `waitingToRetry`), `failed`. No I/O, clock or randomness inside: the controller
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
    rejectParkedRefreshFailed: ({ context }) => {
      const error = new TokenRefreshError(context.attempt, context.lastError)
      forEachPending(context.parked, (waiter) => waiter.reject(error))
    },
    rejectParkedStopped: ({ context }) => {
      const error: TokenError = new StoppedError()
      forEachPending(context.parked, (waiter) => waiter.reject(error))
    },
    forgetParked: assign({ parked: emptyParked }),
    startCycle: assign(({ context }, { reason }: { reason?: RefreshReason }) => ({
      attempt: 0,
      lastError: undefined,
      reason: reason ?? (context.accessToken === null ? 'missing' : 'expired'),
    })),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    storeToken: assign(({ context }, { grant }: { grant: Grant }) => ({
      accessToken: grant.accessToken,
      // A grant without a refresh token keeps the previous one: rotation is optional (RFC 6749 §6).
      refreshToken: grant.refreshToken ?? context.refreshToken,
      expiresAt: grant.expiresAt,
      generation: context.generation + 1,
    })),
    keepRefreshToken: assign({
      refreshToken: ({ context }, { grant }: { grant: Grant | null }) => grant?.refreshToken ?? context.refreshToken,
    }),
    forgetAccessToken: assign({ accessToken: null, expiresAt: 0 }),
    forgetTokens: assign({ accessToken: null, refreshToken: null, expiresAt: 0 }),
    recordError: assign({ lastError: (_, { error }: { error: unknown }) => error }),
    recordFetchTimeout: assign({ lastError: ({ context }) => new FetchTimeoutError(context.fetchTimeoutMs) }),
    planRetry: assign({
      // The server's Retry-After wins over the computed backoff, uncapped: it knows its own load.
      retryDelayMs: ({ context }) => retryAfterMs(context.lastError) ?? backoffDelay(context.attempt, context.retry, context.random),
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
    emitTokenInvalidated: emit(({ context }) => ({ type: 'token.invalidated' as const, generation: context.generation })),
    emitTokenCleared: emit({ type: 'token.cleared' as const }),
  },
  delays: {
    retryBackoff: ({ context }) => context.retryDelayMs,
    fetchTimeout: ({ context }) => context.fetchTimeoutMs,
  },
}).createMachine({
  id: 'token',
  context: ({ input }) => ({
    accessToken: null,
    refreshToken: null,
    expiresAt: 0,
    generation: 0,
    parked: emptyParked,
    attempt: 0,
    lastError: undefined,
    reason: 'missing',
    retryDelayMs: 0,
    retry: Object.assign({}, DEFAULT_RETRY, input?.retry),
    leewayMs: input?.leewayMs ?? DEFAULT_TIMEOUTS.leewayMs,
    fetchTimeoutMs: input?.fetchTimeoutMs ?? DEFAULT_TIMEOUTS.fetchTimeoutMs,
    waitTimeoutMs: input?.waitTimeoutMs ?? DEFAULT_TIMEOUTS.waitTimeoutMs,
    maxQueue: input?.maxQueue ?? DEFAULT_TIMEOUTS.maxQueue,
    random: input?.random ?? (() => 1),
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
    'token.stop': { actions: ['rejectParkedStopped', 'forgetParked'] },
  },
  states: {
    idle: {
      initial: 'hydrating',
      states: {
        // Reading storage: requests park without starting a fetch; a fresh stored token needs none.
        hydrating: {
          on: {
            'token.get': [
              { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
              { actions: { type: 'parkWaiter', params: ({ event }) => event } },
            ],
            // A forced refresh waits for the stored refresh token, like any request during hydration.
            'token.refresh': [
              { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
              { target: 'refreshQueued', actions: { type: 'parkWaiter', params: ({ event }) => event } },
            ],
            'token.hydrated': [
              {
                guard: { type: 'isFreshGrant', params: ({ event }) => event },
                target: '#token.valid',
                actions: [
                  { type: 'storeToken', params: ({ event }) => ({ grant: event.grant as Grant }) },
                  'emitTokenRestored',
                  'releaseParked',
                  'forgetParked',
                ],
              },
              {
                guard: 'hasParked',
                target: '#token.refreshing',
                actions: [
                  { type: 'keepRefreshToken', params: ({ event }) => event },
                  { type: 'startCycle', params: {} },
                ],
              },
              { target: 'empty', actions: { type: 'keepRefreshToken', params: ({ event }) => event } },
            ],
          },
        },
        // Still reading storage, with a forced refresh waiting: whatever was stored, refresh with its refresh token.
        refreshQueued: {
          on: {
            'token.get': [
              { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
              { actions: { type: 'parkWaiter', params: ({ event }) => event } },
            ],
            'token.refresh': [
              { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
              { actions: { type: 'parkWaiter', params: ({ event }) => event } },
            ],
            'token.hydrated': {
              target: '#token.refreshing',
              actions: [
                { type: 'keepRefreshToken', params: ({ event }) => event },
                { type: 'startCycle', params: { reason: 'forced' } },
              ],
            },
          },
        },
        empty: {},
      },
      on: {
        // Only idle.empty gets here, where nobody is parked: the request that starts a cycle always fits.
        'token.get': {
          target: 'refreshing',
          actions: [
            { type: 'parkWaiter', params: ({ event }) => event },
            { type: 'startCycle', params: {} },
          ],
        },
        'token.refresh': {
          target: 'refreshing',
          actions: [
            { type: 'parkWaiter', params: ({ event }) => event },
            { type: 'startCycle', params: { reason: 'forced' } },
          ],
        },
        // Logout during hydration: the stored token is gone, so drop the read's late result; requests
        // already parked get a cycle at once instead of waiting for a hydration that will be ignored.
        'token.clear': [
          {
            guard: 'hasParked',
            target: 'refreshing',
            actions: ['forgetTokens', 'emitTokenCleared', { type: 'startCycle', params: { reason: 'missing' } }],
          },
          { target: '.empty', actions: ['forgetTokens', 'emitTokenCleared'] },
        ],
      },
    },
    valid: {
      on: {
        'token.get': [
          {
            guard: { type: 'isFresh', params: ({ event }) => event },
            actions: { type: 'answerWaiter', params: ({ event }) => event },
          },
          // Nobody is parked in valid: the request that starts a cycle always fits.
          {
            target: 'refreshing',
            actions: [
              { type: 'parkWaiter', params: ({ event }) => event },
              { type: 'startCycle', params: { reason: 'expired' } },
            ],
          },
        ],
        'token.refresh': {
          target: 'refreshing',
          actions: [
            { type: 'parkWaiter', params: ({ event }) => event },
            { type: 'startCycle', params: { reason: 'forced' } },
          ],
        },
        // Only the current token's rejection refreshes: a 401 for an older one is already handled.
        'token.invalidate': {
          guard: { type: 'isCurrentToken', params: ({ event }) => event },
          target: 'refreshing',
          actions: ['emitTokenInvalidated', 'forgetAccessToken', { type: 'startCycle', params: { reason: 'invalidated' } }],
        },
        'token.clear': { target: 'idle.empty', actions: ['forgetTokens', 'emitTokenCleared'] },
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
              {
                target: '#token.failed',
                actions: ['recordFetchTimeout', 'emitRefreshFailed', 'rejectParkedRefreshFailed', 'forgetParked'],
              },
            ],
          },
          on: {
            'fetch.succeeded': {
              target: '#token.valid',
              actions: [{ type: 'storeToken', params: ({ event }) => event }, 'emitRefreshSucceeded', 'releaseParked', 'forgetParked'],
            },
            'fetch.failed': [
              {
                guard: 'hasAttemptsLeft',
                target: 'waitingToRetry',
                actions: [{ type: 'recordError', params: ({ event }) => event }, 'planRetry', 'emitRefreshRetrying'],
              },
              {
                target: '#token.failed',
                actions: [
                  { type: 'recordError', params: ({ event }) => event },
                  'emitRefreshFailed',
                  'rejectParkedRefreshFailed',
                  'forgetParked',
                ],
              },
            ],
          },
        },
        waitingToRetry: {
          after: { retryBackoff: 'fetching' },
        },
      },
      on: {
        'token.get': [
          { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
          { actions: { type: 'parkWaiter', params: ({ event }) => event } },
        ],
        'token.refresh': [
          { guard: 'isQueueFull', actions: { type: 'rejectQueueFull', params: ({ event }) => event } },
          { actions: { type: 'parkWaiter', params: ({ event }) => event } },
        ],
        // Logout mid-refresh: that fetch's answer belongs to the old session, so drop it; requests
        // still parked get a new cycle at once.
        'token.clear': [
          {
            guard: 'hasParked',
            target: 'refreshing',
            reenter: true,
            actions: ['forgetTokens', 'emitTokenCleared', { type: 'startCycle', params: { reason: 'missing' } }],
          },
          { target: 'idle.empty', actions: ['forgetTokens', 'emitTokenCleared'] },
        ],
      },
    },
    failed: {
      on: {
        // Entering failed rejected everyone parked: the request that starts the next cycle always fits.
        'token.get': {
          target: 'refreshing',
          actions: [
            { type: 'parkWaiter', params: ({ event }) => event },
            { type: 'startCycle', params: {} },
          ],
        },
        'token.refresh': {
          target: 'refreshing',
          actions: [
            { type: 'parkWaiter', params: ({ event }) => event },
            { type: 'startCycle', params: { reason: 'forced' } },
          ],
        },
        'token.clear': { target: 'idle.empty', actions: ['forgetTokens', 'emitTokenCleared'] },
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
