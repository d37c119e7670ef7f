// The shapes the token machine speaks in. No token value ever travels as an enumerable
// property of an event: a grant holds it non-enumerably, events name tokens by generation.
import type { TokenError } from '../src/errors.ts'
import type { Parked } from './parked.ts'

/**
 * Why a refresh cycle started.
 *
 * @example
 * createTokenController({
 *   fetchToken: ({ reason }: { reason: RefreshReason }) => (reason === 'invalidated' ? api.reLogin() : api.refresh()),
 * })
 */
export type RefreshReason = 'missing' | 'expired' | 'invalidated' | 'forced' | 'ahead'

/**
 * Retry limits of one refresh cycle: the delay after failed attempt n is
 * `min(maxDelayMs, baseDelayMs * 2^(n-1))`, times a random factor when jitter is on. Defaults 3 / 300 ms / 10 s;
 * a server's Retry-After replaces it, up to `maxRetryAfterMs` (default `waitTimeoutMs`).
 *
 * @example
 * const retry: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 5_000 }
 */
export interface RetryPolicy {
  /** Attempts per refresh cycle, the first one included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** The longest wait a server's Retry-After gets; longer ones are cut to it. Default `waitTimeoutMs`. */
  maxRetryAfterMs?: number
  /** After a failed cycle, requests reject at once with `REFRESH_FAILED` for this long. Default 0 (no cool-down). */
  cooldownMs?: number
}

/**
 * Why the session was lost: `rejected` (the token endpoint said the login is over: `LOGIN_REQUIRED`, OAuth
 * `invalid_grant`), or `logout` (`tokens.logout()`).
 *
 * @example
 * createTokenController({ fetchToken, onLoginRequired: ({ reason }: { reason: SessionLostReason }) => goToLogin(reason) })
 */
export type SessionLostReason = 'rejected' | 'logout'

/**
 * A token as the controller hands it to the machine. `accessToken` and `refreshToken` are
 * non-enumerable (see src/grant.ts), so logging or inspecting the event cannot print them.
 *
 * @example
 * actor.send({ type: 'fetch.succeeded', grant }) // grant from the controller: its tokens are non-enumerable
 */
export interface Grant {
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  readonly expiresAt: number
  /** The shared record's version, when a coordinator supplied the grant (`coordinator` option); absent otherwise. */
  readonly version?: number | undefined
}

/**
 * A grant another instance published through the coordinator: its shared `version`, and the epoch ms it was issued,
 * rebuilt on this host from relative figures (so the soft window and short-grant leeway survive the trip).
 *
 * @example
 * actor.send({ type: 'token.shared', grant, at: Date.now() }) // the controller sends it; grant from the coordinator
 */
export interface SharedTokenGrant extends Grant {
  readonly version: number
  readonly receivedAt: number
}

/**
 * A request waiting for a token. The controller owns it; the machine only settles it.
 *
 * @example
 * actor.send({ type: 'token.get', waiter, at: Date.now() }) // the controller builds waiters; tests may too
 */
export interface Waiter {
  readonly id: number
  /** Epoch ms after which the waiter is rejected with WAIT_TIMEOUT. */
  readonly deadline: number
  /** True once answered, timed out, aborted or stopped: the first of these wins. */
  readonly settled: boolean
  resolve(accessToken: string): void
  reject(error: TokenError): void
}

/**
 * The machine's context: the current token (non-enumerable in events, never logged), its generation, the parked
 * requests and the retry bookkeeping. `inspect` receives it with the tokens redacted.
 *
 * @example
 * const { generation, attempt } = tokens.actor.getSnapshot().context
 */
export interface TokenContext {
  accessToken: string | null
  refreshToken: string | null
  /** Epoch ms; 0 when no token is known. */
  expiresAt: number
  /** Epoch ms the current token arrived (`at` of its event). Unknown (absent): the token keeps `leewayMs`. */
  receivedAt?: number | undefined
  /** Numbers the tokens this machine has held; 0 before the first. */
  generation: number
  /**
   * The highest shared version this machine has held (kept after a 401, a login or a local fetch, so the coordinator
   * knows which record was refused or is older); 0 before any came from a coordinator.
   */
  sharedVersion: number
  parked: Parked
  /** Attempts made in the current refresh cycle. */
  attempt: number
  lastError: unknown
  reason: RefreshReason
  retryDelayMs: number
  retry: RetryPolicy
  leewayMs: number
  /** How long before expiry a background refresh starts (the soft window's upper bound); 0: never ahead. */
  refreshAheadMs: number
  /** The app is in the background (`app.hide`): no background refresh starts, and a retry waits unless a request is parked. */
  hidden: boolean
  /** The network is down (`network.offline`): a retry waits for `network.online` instead of spending an attempt. */
  offline: boolean
  fetchTimeoutMs: number
  waitTimeoutMs: number
  maxQueue: number
  /** The jitter source: `Math.random` with jitter on, `() => 1` without. Injected, never called directly. */
  random: () => number
}

/**
 * The machine's input: limits and the jitter source. The controller builds it from its options.
 *
 * @example
 * createActor(tokenMachine, { input: { leewayMs: 10_000, retry: { attempts: 2 }, random: () => 1 } })
 */
export interface TokenInput {
  retry?: Partial<RetryPolicy>
  leewayMs?: number
  refreshAheadMs?: number
  fetchTimeoutMs?: number
  waitTimeoutMs?: number
  /** At least 1 (the controller refuses less): the request that starts a refresh cycle always parks. */
  maxQueue?: number
  random?: () => number
}

/**
 * What a failed attempt may carry: a server's Retry-After wins over the computed backoff, up to `maxRetryAfterMs`.
 *
 * @example
 * fetchToken: async () => {
 *   const response = await fetch('/token')
 *   if (response.status === 429) throw Object.assign(new Error('busy'), { retryAfterMs: 2_000 })
 *   return response.json()
 * }
 */
export interface FetchFailure {
  retryAfterMs?: number
}

/**
 * The events the machine accepts. Tokens are named by generation, never by value, so no event can print one.
 *
 * @example
 * const event: TokenEvent = { type: 'token.invalidate', generation: 3 }
 */
export type TokenEvent =
  | { type: 'token.get'; waiter: Waiter; at: number }
  | { type: 'token.refresh'; waiter: Waiter; at: number }
  | { type: 'token.invalidate'; generation: number }
  | { type: 'token.clear' }
  | { type: 'token.hydrated'; grant: Grant | null; at: number }
  | { type: 'token.stop' }
  /** A parked waiter's signal aborted: the machine rejects it with `ABORTED` (its `cause` is `reason`). */
  | { type: 'waiter.abort'; waiter: Waiter; reason?: unknown }
  /** A parked waiter's deadline passed: the machine rejects it with `WAIT_TIMEOUT`. */
  | { type: 'waiter.timeout'; waiter: Waiter }
  /** `at`: when the answer arrived, from which the grant's lifetime counts; without it the grant keeps `leewayMs`. */
  | { type: 'fetch.succeeded'; grant: Grant; at?: number }
  | { type: 'fetch.failed'; error: unknown }
  /** `tokens.setGrant()`: a grant obtained elsewhere (a login page) replaces whatever the machine held. */
  | { type: 'session.set'; grant: Grant; at: number }
  /** `tokens.logout()`: forget both tokens and require a login. */
  | { type: 'session.logout' }
  /** A token was handed out inside its soft window (or keep-fresh's timer came): start a background refresh if due. */
  | { type: 'token.ahead'; at: number }
  /** The app came to the foreground: refresh now if the token is inside its soft window or expired. */
  | { type: 'app.show'; at: number }
  /** The app went to the background: no background refresh starts until `app.show`. */
  | { type: 'app.hide' }
  /** The network is back: a retry that waited for it fires now. */
  | { type: 'network.online'; at: number }
  /** The network is gone: a retry waits for `network.online` instead of spending an attempt. */
  | { type: 'network.offline' }
  /**
   * Another instance published a token through the coordinator: taken from any state if newer than the one held and
   * fresh, answering whoever is parked; the same token arriving twice (push and re-read) is taken once.
   */
  | { type: 'token.shared'; grant: SharedTokenGrant; at: number }

/**
 * What the machine emits (`actor.on(type, …)`); the controller forwards these to `onEvent`. None carries a token.
 *
 * @example
 * tokens.actor.on('refresh.failed', (event) => console.warn(event.code, event.attempts))
 */
export type TokenEmitted =
  | { type: 'refresh.started'; reason: RefreshReason; queueSize: number }
  | { type: 'refresh.retrying'; reason: RefreshReason; attempt: number; delayMs: number; code: string }
  | { type: 'refresh.succeeded'; reason: RefreshReason; attempts: number; generation: number; expiresAt: number; released: number }
  | { type: 'refresh.failed'; reason: RefreshReason; attempts: number; code: string; rejected: number }
  | { type: 'token.invalidated'; generation: number }
  | { type: 'token.cleared' }
  /** The machine handled `token.stop`: every request it held is rejected; the controller stops the actor now. */
  | { type: 'token.stopped' }
  | { type: 'token.restored'; generation: number; expiresAt: number }
  /** The token lives no longer than `leewayMs`: its leeway is half its lifetime instead (`leewayMs` here). */
  | { type: 'leeway.shortened'; generation: number; leewayMs: number }
  /** `setGrant()` stored a grant: storage writes it, parked requests got its token. */
  | { type: 'session.started'; generation: number; expiresAt: number }
  /** Both tokens are forgotten and a login is required; the controller calls `onLoginRequired` once for it. */
  | { type: 'session.lost'; reason: SessionLostReason }
  /** A token another instance published was taken (`token.shared`); `released`: the parked requests it answered. */
  | { type: 'token.adopted'; generation: number; version: number; expiresAt: number; released: number }

/**
 * The top-level state: `idle` (no usable token known), `valid`, `refreshing` (a fetch in flight, a backoff delay, a
 * retry paused while offline or hidden, or the rest after a failed background refresh; during a background refresh
 * the held token is still handed out), `failed`: the last cycle ran out of attempts (`failed.retryable`: the next
 * request starts a new one; `failed.coolingDown`: within `retry.cooldownMs` of it, requests reject at once; in both,
 * a token still fresh is handed out until its leeway), or a login is required
 * (`failed.loginRequired`: requests reject with `LOGIN_REQUIRED` until `setGrant()` or `clear()`).
 *
 * @example
 * if (tokens.state === 'failed') showOfflineBanner()
 */
export type TokenState = 'idle' | 'valid' | 'refreshing' | 'failed'
