// Options in, one resolved shape out, checked once at construction. Nothing is clamped silently:
// a bad option is a TypeError naming it. Defaults wrap globals so fake timers reach them.
import type { InspectionEvent, Observer } from 'xstate'
// setTimeout overflows past MAX_TIMER_MS and fires at once: refuse such delays rather than misbehave.
import { MAX_TIMER_MS } from '../machines/backoff.ts'
// Only a missing option takes the default: `null` is a mistake to report, not to paper over.
import {
  DEFAULT_JITTER,
  DEFAULT_REFRESH_AHEAD_MS,
  DEFAULT_RETRY,
  DEFAULT_STORAGE_KEY,
  DEFAULT_TIMEOUTS,
  orDefault,
} from '../machines/defaults.ts'
import type { RefreshReason, SessionLostReason } from '../machines/token.types.ts'
import type { AbortSignalLike } from './abort.ts'
import type { TokenCoordinator } from './coordination/types.ts'
import type { TokenResponse } from './grant.ts'
import { isInvalidGrant } from './session.ts'
import { memoryStorage } from './storage/memory.ts'
import type { TokenStorage } from './storage/types.ts'

declare function setTimeout(callback: () => void, ms: number): unknown
declare function clearTimeout(handle: unknown): void

/**
 * What `fetchToken` is called with.
 *
 * @example
 * createTokenController({
 *   fetchToken: async ({ attempt, reason, signal, refreshToken }) => {
 *     const response = await fetch('/token', { method: 'POST', body: JSON.stringify({ refreshToken }), signal })
 *     return response.json() // { access_token, expires_in, refresh_token }
 *   },
 * })
 */
export interface FetchTokenContext {
  /** 1-based attempt number within this refresh cycle. */
  attempt: number
  /** Aborts on `stop()`, `clear()` and when the attempt runs past `fetchTimeoutMs`. */
  signal: AbortSignalLike
  /** Why this cycle started. */
  reason: RefreshReason
  /** The refresh token the last grant returned, if any. */
  refreshToken?: string
}

/**
 * Timers for backoff, deadlines and fetch timeouts (XState's `clock`).
 *
 * @example
 * // Run time fast in a simulator or a test:
 * const clock: Clock = { setTimeout: (fn, ms) => simulated.setTimeout(fn, ms), clearTimeout: (id) => simulated.clearTimeout(id) }
 * createTokenController({ fetchToken, clock, now: () => simulated.now() })
 */
export interface Clock {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * An event for `onEvent`. None carries a token.
 *
 * @example
 * createTokenController({
 *   fetchToken,
 *   onEvent: (event: TokenControllerEvent) => {
 *     if (event.type === 'refresh.failed') report(event.reason, event.attempts)
 *   },
 * })
 */
export interface TokenControllerEvent {
  type: string
  [key: string]: unknown
}

/**
 * What `revokeToken` is called with on `logout()`: the tokens held then (either may be absent), and a signal that
 * aborts after `fetchTimeoutMs`.
 *
 * @example
 * revokeToken: ({ refreshToken, signal }: RevokeTokenContext) =>
 *   fetch('/oauth/revoke', { method: 'POST', body: new URLSearchParams({ token: refreshToken ?? '' }), signal })
 */
export interface RevokeTokenContext {
  accessToken?: string
  refreshToken?: string
  signal: AbortSignalLike
}

/**
 * What `onLoginRequired` is told: why the session was lost (`rejected`: the token endpoint refused the refresh
 * token; `logout`: `tokens.logout()`). Never a token.
 *
 * @example
 * onLoginRequired: (info: LoginRequiredInfo) => uni.reLaunch({ url: '/pages/login/login' })
 */
export interface LoginRequiredInfo {
  reason: SessionLostReason
}

/**
 * Options for {@link createTokenController}. Only `fetchToken` is required; every default is listed on its option.
 * A wrong type or range throws a `TypeError` naming the option (`null` is refused too, never defaulted).
 *
 * @example
 * const options: TokenControllerOptions = {
 *   fetchToken: ({ refreshToken }) => api.refresh(refreshToken), // { access_token, expires_in } is fine too
 *   storage: wxStorage(),
 *   leewayMs: 60_000,
 *   retry: { attempts: 5, baseDelayMs: 500 },
 *   onEvent: (event) => metrics.count(event.type), // events carry no token
 * }
 */
export interface TokenControllerOptions {
  /** Gets a new token. Reject (or throw) to fail the attempt; an error may carry `retryAfterMs`. */
  fetchToken: (context: FetchTokenContext) => Promise<TokenResponse> | TokenResponse
  /** Where the token survives restarts. Default `memoryStorage()`. */
  storage?: TokenStorage
  /** Default `'painless-token'`. */
  storageKey?: string
  /** Epoch ms. Default `Date.now`. */
  now?: () => number
  /** Default the platform's `setTimeout` / `clearTimeout`. */
  clock?: Clock
  /**
   * Refresh this long before expiry. Default 30 000. A token that lives no longer than this (counted from when it
   * arrived: the fetch's answer, or hydration for a stored one) would be stale on arrival; it uses half its
   * lifetime as its leeway instead, and `onEvent` hears `leeway.shortened` once for it.
   */
  leewayMs?: number
  /**
   * Refresh in the background this long before expiry while still handing the token out. Default 300 000 (5
   * minutes). The soft window of a token is `min(refreshAheadMs, half its lifetime)`, never smaller than its leeway:
   * inside it `getToken()` answers at once and one background refresh starts (`reason: 'ahead'`); only inside the
   * leeway do requests wait. A background refresh that fails keeps the current token (`refresh.failed` with reason
   * `ahead`), and the next one starts no sooner than `retry.maxDelayMs` later (or the cool-down, or the server's
   * Retry-After, whichever is longest). `0`: no refresh ahead, only inside the leeway.
   */
  refreshAheadMs?: number
  /**
   * Start the background refresh at the start of the soft window even when no request comes, so that a server that
   * holds a token always has a fresh one. One timer on `clock`; `stop()`, `clear()` and `logout()` cancel it.
   * Nothing starts while the app is hidden or offline (`watchLifecycle`). Default false.
   */
  keepFresh?: boolean
  retry?: {
    /** Attempts per refresh cycle, the first included. Default 3. */
    attempts?: number
    /** Default 300. */
    baseDelayMs?: number
    /** Default 10 000. */
    maxDelayMs?: number
    /** Full jitter on the backoff delay. Default true. */
    jitter?: boolean
    /**
     * The longest wait a server's Retry-After (an error's `retryAfterMs`) gets before the next attempt; a longer
     * one is cut to this. Default: `waitTimeoutMs` (30 000 by default), as no parked request waits longer anyway.
     */
    maxRetryAfterMs?: number
    /**
     * After a cycle fails (not for `LOGIN_REQUIRED`), requests within this many ms reject at once with the same
     * `REFRESH_FAILED` (same `cause`) instead of starting a cycle each. Default 0: the next request starts one.
     */
    cooldownMs?: number
  }
  /**
   * The lifetime of a grant whose response states no expiry (`expiresIn` / `expires_in` / `expiresAt` all missing
   * or null) and whose access token is no JWT with an `exp` (which wins when present). `Infinity`: such a token
   * never expires by time and is replaced only when refused (a 401) or by `refresh()`. Default none: such a grant
   * is refused with `INVALID_TOKEN_RESPONSE`.
   */
  defaultLifetimeMs?: number
  /** One attempt taking longer is aborted and counts as failed (`FETCH_TIMEOUT`). Default 10 000. */
  fetchTimeoutMs?: number
  /** A parked request waiting longer rejects with `WAIT_TIMEOUT`. Default 30 000. */
  waitTimeoutMs?: number
  /** At most this many requests park at once; the next rejects with `QUEUE_FULL`. Default 10 000. */
  maxQueue?: number
  /** XState inspection (e.g. `@statelyai/inspect`'s `inspector.inspect`). Tokens are redacted. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void)
  /** Refresh and request events for logs and metrics. Never carries a token. */
  onEvent?: (event: TokenControllerEvent) => void
  /**
   * Which `fetchToken` errors mean the login is over (not retried; `LOGIN_REQUIRED`), besides a thrown
   * `LoginRequiredError`. Default: OAuth `invalid_grant` (RFC 6749 §5.2) answered with status 400 or 401, as a
   * luch-request / uni.request / wx.request response (`{ statusCode, data: { error } }`) or an axios error's
   * `response` (`{ status, data: { error } }`). A fetch `Response` cannot be read synchronously: read its body in
   * `fetchToken` and throw `LoginRequiredError`.
   */
  isLoginRequired?: (error: unknown) => boolean
  /** Called once each time the session is lost (refresh token refused, or `logout()`): go to the login page here. */
  onLoginRequired?: (info: LoginRequiredInfo) => void
  /**
   * Called once by `logout()` with the tokens it held (RFC 7009 revocation, say). Best effort: bounded by
   * `fetchTimeoutMs`, a failure reaches `onEvent` as `revoke.failed`, `logout()` never rejects.
   */
  revokeToken?: (context: RevokeTokenContext) => Promise<unknown> | unknown
  /**
   * Shares one token among processes or tabs: `redisCoordinator(client, options)` from `painless-token/redis`, or
   * `webLocksCoordinator({ name })` from `painless-token/web-locks`. Used on the hydration and refresh paths only: a
   * refresh adopts a newer shared token or takes the lock, fetches once and publishes; waiting for another holder
   * counts against `fetchTimeoutMs` like a fetch. A token another instance publishes is taken at once. Default none.
   */
  coordinator?: TokenCoordinator
}

export interface ResolvedOptions {
  fetchToken: TokenControllerOptions['fetchToken']
  storage: TokenStorage
  storageKey: string
  now: () => number
  clock: Clock
  leewayMs: number
  refreshAheadMs: number
  keepFresh: boolean
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number; jitter: boolean; maxRetryAfterMs: number; cooldownMs: number }
  defaultLifetimeMs: number | undefined
  fetchTimeoutMs: number
  waitTimeoutMs: number
  maxQueue: number
  inspect: TokenControllerOptions['inspect']
  onEvent: TokenControllerOptions['onEvent']
  isLoginRequired: (error: unknown) => boolean
  onLoginRequired: TokenControllerOptions['onLoginRequired']
  revokeToken: TokenControllerOptions['revokeToken']
  coordinator: TokenCoordinator | undefined
}

export function resolveOptions(options: TokenControllerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createTokenController: options must be an object')
  if (typeof options.fetchToken !== 'function') throw new TypeError('createTokenController: fetchToken must be a function')
  if (options.retry !== undefined && (typeof options.retry !== 'object' || options.retry === null)) {
    throw new TypeError('createTokenController: retry must be an object')
  }
  const retry = orDefault(options.retry, {})
  const waitTimeoutMs = checkNumber('waitTimeoutMs', orDefault(options.waitTimeoutMs, DEFAULT_TIMEOUTS.waitTimeoutMs), 1, MAX_TIMER_MS)
  return {
    fetchToken: options.fetchToken,
    storage: checkStorage(orDefault(options.storage, memoryStorage())),
    storageKey: checkString('storageKey', orDefault(options.storageKey, DEFAULT_STORAGE_KEY)),
    now: checkFunction(
      'now',
      orDefault(options.now, () => Date.now()),
    ),
    clock: checkClock(orDefault(options.clock, platformClock)),
    leewayMs: checkNumber('leewayMs', orDefault(options.leewayMs, DEFAULT_TIMEOUTS.leewayMs), 0, Number.MAX_SAFE_INTEGER),
    refreshAheadMs: checkNumber('refreshAheadMs', orDefault(options.refreshAheadMs, DEFAULT_REFRESH_AHEAD_MS), 0, Number.MAX_SAFE_INTEGER),
    keepFresh: checkBoolean('keepFresh', orDefault(options.keepFresh, false)),
    retry: {
      attempts: checkInteger('retry.attempts', orDefault(retry.attempts, DEFAULT_RETRY.attempts), 1),
      baseDelayMs: checkNumber('retry.baseDelayMs', orDefault(retry.baseDelayMs, DEFAULT_RETRY.baseDelayMs), 0, MAX_TIMER_MS),
      maxDelayMs: checkNumber('retry.maxDelayMs', orDefault(retry.maxDelayMs, DEFAULT_RETRY.maxDelayMs), 0, MAX_TIMER_MS),
      jitter: checkBoolean('retry.jitter', orDefault(retry.jitter, DEFAULT_JITTER)),
      maxRetryAfterMs: checkNumber('retry.maxRetryAfterMs', orDefault(retry.maxRetryAfterMs, waitTimeoutMs), 0, MAX_TIMER_MS),
      cooldownMs: checkNumber('retry.cooldownMs', orDefault(retry.cooldownMs, DEFAULT_RETRY.cooldownMs), 0, MAX_TIMER_MS),
    },
    // A positive number of ms, or Infinity (never expires by time).
    defaultLifetimeMs:
      options.defaultLifetimeMs === undefined ? undefined : checkNumber('defaultLifetimeMs', options.defaultLifetimeMs, 1, Infinity),
    fetchTimeoutMs: checkNumber('fetchTimeoutMs', orDefault(options.fetchTimeoutMs, DEFAULT_TIMEOUTS.fetchTimeoutMs), 1, MAX_TIMER_MS),
    waitTimeoutMs,
    maxQueue: checkInteger('maxQueue', orDefault(options.maxQueue, DEFAULT_TIMEOUTS.maxQueue), 1),
    inspect: checkInspect(options.inspect),
    onEvent: optionalFunction('onEvent', options.onEvent),
    isLoginRequired: checkFunction('isLoginRequired', orDefault(options.isLoginRequired, isInvalidGrant)),
    onLoginRequired: optionalFunction('onLoginRequired', options.onLoginRequired),
    revokeToken: optionalFunction('revokeToken', options.revokeToken),
    coordinator: checkCoordinator(options.coordinator),
  }
}

// Wrapped, not captured: fake timers installed after import still reach it.
const platformClock: Clock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
}

function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    throw new TypeError(`createTokenController: ${name} must be a number from ${min} to ${max}, got ${String(value)}`)
  }
  return value
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`createTokenController: ${name} must be an integer of at least ${min}, got ${String(value)}`)
  }
  return value
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`createTokenController: ${name} must be a boolean`)
  return value
}

function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`createTokenController: ${name} must be a non-empty string`)
  return value
}

function checkFunction<F>(name: string, value: F): F {
  if (typeof value !== 'function') throw new TypeError(`createTokenController: ${name} must be a function`)
  return value
}

function checkCoordinator(coordinator: TokenCoordinator | undefined): TokenCoordinator | undefined {
  if (coordinator === undefined) return undefined
  if (typeof coordinator !== 'object' || coordinator === null || typeof coordinator.connect !== 'function') {
    throw new TypeError('createTokenController: coordinator must come from redisCoordinator() or webLocksCoordinator()')
  }
  return coordinator
}

function optionalFunction<F>(name: string, value: F | undefined): F | undefined {
  return value === undefined ? undefined : checkFunction(name, value)
}

function checkStorage(storage: TokenStorage): TokenStorage {
  if (
    typeof storage !== 'object' ||
    storage === null ||
    ['get', 'set', 'remove'].some((m) => typeof (storage as unknown as Record<string, unknown>)[m] !== 'function')
  ) {
    throw new TypeError('createTokenController: storage must have get, set and remove methods')
  }
  return storage
}

function checkClock(clock: Clock): Clock {
  if (typeof clock !== 'object' || clock === null || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new TypeError('createTokenController: clock must have setTimeout and clearTimeout')
  }
  return clock
}

function checkInspect(inspect: TokenControllerOptions['inspect']): TokenControllerOptions['inspect'] {
  if (inspect === undefined || typeof inspect === 'function') return inspect
  if (typeof inspect === 'object' && inspect !== null && typeof inspect.next === 'function') return inspect
  throw new TypeError('createTokenController: inspect must be a function or an observer with next()')
}
