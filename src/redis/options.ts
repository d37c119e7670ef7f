// redisCoordinator's options: checked once at construction, a TypeError naming the option; defaults below.
import { MAX_TIMER_MS } from '../../machines/backoff.ts'
import { DEFAULT_TIMEOUTS, orDefault } from '../../machines/defaults.ts'
import type { OnUnavailable } from '../coordination/types.ts'

/**
 * Options of `redisCoordinator(client, options)`. Only `key` is required.
 *
 * @example
 * redisCoordinator(redis, { key: 'wx:access_token', onUnavailable: 'fail', maxFetches: 1_500 })
 */
export interface RedisCoordinatorOptions {
  /**
   * Where the shared token lives: the record under `key`, the version counter `key:version`, the lock `key:lock`,
   * the quota counter `key:fetches`, the channel `key:published`. On Redis Cluster, wrap it in braces
   * (`'{wx:token}'`) so that all of them hash to one slot.
   */
  key: string
  /**
   * How long a holder keeps the lock (`SET NX PX`) at most; released as soon as its attempt ends. Default 15 000.
   * Must be longer than the controller's `fetchTimeoutMs` (checked when the controller connects).
   */
  leaseMs?: number
  /** The controller's `fetchTimeoutMs`, for the early check of `leaseMs`. Default 10 000 (the controller's default). */
  fetchTimeoutMs?: number
  /** Every Redis call is bounded by this (both clients queue commands while disconnected). Default 2 000. */
  commandTimeoutMs?: number
  /** The longest wait for a lock holder, and the poll when pub/sub is lost (pub/sub is at-most-once). Default 1 000. */
  pollIntervalMs?: number
  /** When Redis does not answer: `'local'` (default) refreshes in this process alone; `'fail'` fails the attempt. */
  onUnavailable?: OnUnavailable
  /** A fleet-wide quota: at most this many upstream token calls per `fetchWindowMs` (default: no quota). */
  maxFetches?: number
  /** The quota's window, counted from the first call in it. Default 86 400 000 (a day). */
  fetchWindowMs?: number
}

export interface ResolvedRedisOptions {
  key: string
  leaseMs: number
  fetchTimeoutMs: number
  commandTimeoutMs: number
  pollIntervalMs: number
  onUnavailable: OnUnavailable
  maxFetches: number | undefined
  fetchWindowMs: number
}

export const REDIS_DEFAULTS = { leaseMs: 15_000, commandTimeoutMs: 2_000, pollIntervalMs: 1_000, fetchWindowMs: 86_400_000 }

export function resolveRedisOptions(options: RedisCoordinatorOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('redisCoordinator: options must be an object with a key')
  if (typeof options.key !== 'string' || options.key === '') throw new TypeError('redisCoordinator: key must be a non-empty string')
  const resolved: ResolvedRedisOptions = {
    key: options.key,
    leaseMs: whole('leaseMs', orDefault(options.leaseMs, REDIS_DEFAULTS.leaseMs)),
    fetchTimeoutMs: whole('fetchTimeoutMs', orDefault(options.fetchTimeoutMs, DEFAULT_TIMEOUTS.fetchTimeoutMs)),
    commandTimeoutMs: whole('commandTimeoutMs', orDefault(options.commandTimeoutMs, REDIS_DEFAULTS.commandTimeoutMs)),
    pollIntervalMs: whole('pollIntervalMs', orDefault(options.pollIntervalMs, REDIS_DEFAULTS.pollIntervalMs)),
    onUnavailable: orDefault(options.onUnavailable, 'local'),
    maxFetches: options.maxFetches === undefined ? undefined : whole('maxFetches', options.maxFetches),
    fetchWindowMs: whole('fetchWindowMs', orDefault(options.fetchWindowMs, REDIS_DEFAULTS.fetchWindowMs)),
  }
  if (resolved.onUnavailable !== 'local' && resolved.onUnavailable !== 'fail')
    throw new TypeError("redisCoordinator: onUnavailable must be 'local' or 'fail'")
  checkLease(resolved.leaseMs, resolved.fetchTimeoutMs)
  return resolved
}

/** The lease must outlast a fetch, or a holder still fetching loses the lock and a second process fetches too. */
export function checkLease(leaseMs: number, fetchTimeoutMs: number): void {
  if (!(leaseMs > fetchTimeoutMs))
    throw new TypeError(`redisCoordinator: leaseMs (${leaseMs}) must be longer than fetchTimeoutMs (${fetchTimeoutMs})`)
}

// Redis takes whole milliseconds (PX) and timers overflow past MAX_TIMER_MS: a positive integer up to it.
function whole(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS)
    throw new TypeError(`redisCoordinator: ${name} must be a whole number from 1 to ${MAX_TIMER_MS}`)
  return value
}
