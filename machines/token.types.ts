// The shapes the token machine speaks in. No token value ever travels as an enumerable
// property of an event: a grant holds it non-enumerably, events name tokens by generation.
import type { TokenError } from '../src/errors.ts'
import type { Parked } from './parked.ts'

/** Why a refresh cycle started. */
export type RefreshReason = 'missing' | 'expired' | 'invalidated' | 'forced'

export interface RetryPolicy {
  /** Attempts per refresh cycle, the first one included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/**
 * A token as the controller hands it to the machine. `accessToken` and `refreshToken` are
 * non-enumerable (see src/grant.ts), so logging or inspecting the event cannot print them.
 */
export interface Grant {
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  readonly expiresAt: number
}

/** A request waiting for a token. The controller owns it; the machine only settles it. */
export interface Waiter {
  readonly id: number
  /** Epoch ms after which the waiter is rejected with WAIT_TIMEOUT. */
  readonly deadline: number
  /** True once answered, timed out, aborted or stopped: the first of these wins. */
  readonly settled: boolean
  resolve(accessToken: string): void
  reject(error: TokenError): void
}

export interface TokenContext {
  accessToken: string | null
  refreshToken: string | null
  /** Epoch ms; 0 when no token is known. */
  expiresAt: number
  /** Numbers the tokens this machine has held; 0 before the first. */
  generation: number
  parked: Parked
  /** Attempts made in the current refresh cycle. */
  attempt: number
  lastError: unknown
  reason: RefreshReason
  retryDelayMs: number
  retry: RetryPolicy
  leewayMs: number
  fetchTimeoutMs: number
  waitTimeoutMs: number
  maxQueue: number
  /** The jitter source: `Math.random` with jitter on, `() => 1` without. Injected, never called directly. */
  random: () => number
}

export interface TokenInput {
  retry?: Partial<RetryPolicy>
  leewayMs?: number
  fetchTimeoutMs?: number
  waitTimeoutMs?: number
  maxQueue?: number
  random?: () => number
}

/** What a failed attempt may carry: a server's Retry-After wins over the computed backoff. */
export interface FetchFailure {
  retryAfterMs?: number
}

export type TokenEvent =
  | { type: 'token.get'; waiter: Waiter; at: number }
  | { type: 'token.refresh'; waiter: Waiter; at: number }
  | { type: 'token.invalidate'; generation: number }
  | { type: 'token.clear' }
  | { type: 'token.hydrated'; grant: Grant | null; at: number }
  | { type: 'token.stop' }
  | { type: 'waiter.abort'; id: number }
  | { type: 'waiter.timeout'; id: number }
  | { type: 'fetch.succeeded'; grant: Grant }
  | { type: 'fetch.failed'; error: unknown }

export type TokenEmitted =
  | { type: 'refresh.started'; reason: RefreshReason; queueSize: number }
  | { type: 'refresh.retrying'; reason: RefreshReason; attempt: number; delayMs: number; code: string }
  | { type: 'refresh.succeeded'; reason: RefreshReason; attempts: number; generation: number; expiresAt: number; released: number }
  | { type: 'refresh.failed'; reason: RefreshReason; attempts: number; code: string; rejected: number }
  | { type: 'token.invalidated'; generation: number }
  | { type: 'token.cleared' }
  | { type: 'token.restored'; generation: number; expiresAt: number }

export type TokenState = 'idle' | 'valid' | 'refreshing' | 'failed'
