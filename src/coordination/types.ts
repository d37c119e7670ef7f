// The contract between the controller, the coordination driver (coordinate.ts) and an engine (Redis, Web Locks).
// The controller knows only TokenCoordinator; an engine knows only CoordinationEngine; the driver joins them and
// holds the one copy of the algorithm: adopt a newer shared token, else lock, fetch, publish with a version check.
import type { AbortSignalLike } from '../abort.ts'
import type { Clock, TokenControllerEvent } from '../options.ts'
import type { Grant } from '../../machines/token.types.ts'

/**
 * The shared record as an engine read it. `version` only grows: a publish is refused unless the record is still at
 * the version its holder read when it took the lock. `accessToken` and `refreshToken` are non-enumerable (build
 * records with `sharedRecord()`), so logging a record cannot print them.
 *
 * @example
 * const record = await engine.read() // { version: 7, remainingMs: 7_100_000, lifetimeMs: 7_200_000 }
 */
export interface SharedRecord {
  readonly version: number
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  /** Ms the token had left when read (Redis `PTTL`; so host clocks may disagree). `Infinity`: it never expires by time. */
  readonly remainingMs: number
  /** Ms the token lived when issued: readers rebuild its soft window and short-grant leeway. `Infinity`: no expiry. */
  readonly lifetimeMs: number
}

/**
 * What a holder publishes: the tokens and the lifetime; the engine sets the record's TTL to `remainingMs`.
 *
 * @example
 * await engine.publish(lock, 6, { accessToken, refreshToken, remainingMs: 7_199_000, lifetimeMs: 7_200_000 })
 */
export type PublishedGrant = Omit<SharedRecord, 'version'>

/**
 * What `acquire` found: a record newer than the caller's (adopt it, if fresh), the lock (fetch, then publish against
 * `version`), the lock held by another (wait at most `waitMs` or until woken, then ask again), or the fleet-wide
 * fetch quota spent (`retryInMs`: when the window ends).
 *
 * @example
 * const outcome = await engine.acquire({ knownVersion: 6, signal, fetchTimeoutMs: 10_000 })
 * if (outcome.kind === 'acquired') await fetchThenPublish(outcome.lock, outcome.version)
 */
export type AcquireOutcome =
  | { readonly kind: 'shared'; readonly record: SharedRecord }
  /** `record`: the record being replaced, if still stored: its refresh token is the newest the fleet holds. */
  | { readonly kind: 'acquired'; readonly lock: unknown; readonly version: number; readonly record?: SharedRecord | null }
  | { readonly kind: 'busy'; readonly waitMs: number }
  | { readonly kind: 'quota'; readonly retryInMs: number }

/**
 * What `acquire` is asked with: the version the caller holds (0: none from this engine; a record at that version or
 * older is the one being replaced), the attempt's signal, and the controller's `fetchTimeoutMs`.
 *
 * @example
 * engine.acquire({ knownVersion: 0, signal: AbortSignal.timeout(10_000), fetchTimeoutMs: 10_000 })
 */
export interface AcquireRequest {
  readonly knownVersion: number
  readonly signal: AbortSignalLike
  readonly fetchTimeoutMs: number
}

/**
 * A shared store plus a lock: what `painless-token/redis` and `painless-token/web-locks` implement. Every method
 * rejects with a `CoordinatorUnavailableError` when the engine cannot answer in time (never hangs); the driver
 * applies `onUnavailable`.
 *
 * @example
 * const coordinator = createCoordinator(myEngine, { onUnavailable: 'fail' })
 */
export interface CoordinationEngine {
  /** Names the engine in events: `'redis'`, `'web-locks'`. */
  readonly kind: string
  /** Throws a `TypeError` when the engine cannot serve a controller with this `fetchTimeoutMs` (a lease too short). */
  check(fetchTimeoutMs: number): void
  /** The shared record, or `null` when there is none (absent or expired). */
  read(): Promise<SharedRecord | null>
  /** Atomically: a record newer than `knownVersion` → `shared`; else the lock → `acquired`; else `busy` / `quota`. */
  acquire(request: AcquireRequest): Promise<AcquireOutcome>
  /**
   * Versioned compare-and-set: writes (at a higher version) only while the record is still at `expectedVersion`, then
   * announces the new version. `written: false` when refused; `record` is what is current after the call.
   */
  publish(lock: unknown, expectedVersion: number, grant: PublishedGrant): Promise<{ written: boolean; record: SharedRecord | null }>
  /** Gives the lock up (compare-and-delete: only if still ours). Never rejects. */
  release(lock: unknown): Promise<void>
  /** Resolves after `ms`, or sooner when another instance announces a version, or when `signal` aborts. */
  waitForChange(ms: number, signal: AbortSignalLike): Promise<void>
  /** Calls `listener` with each version another instance announces (it carries a version, never a token). */
  watch(listener: (version: number) => void): () => void
  /** Frees what the engine opened for this controller (a subscriber connection, a channel). Never rejects. */
  close(): Promise<void>
}

/**
 * What the controller hands the coordinator when it connects (once, at construction).
 *
 * @example
 * coordinator.connect({ fetchTimeoutMs: 10_000, now: Date.now, clock, report, adopt: (grant) => send(grant) })
 */
export interface CoordinatorHost {
  readonly fetchTimeoutMs: number
  /** The machine's freshness rule (leeway included): only a fresh shared token is adopted. */
  readonly isFresh: (grant: SharedGrant) => boolean
  readonly now: () => number
  readonly clock: Clock
  /** `onEvent`, when the app gave one. */
  readonly report: ((event: TokenControllerEvent) => void) | undefined
  /** Another instance published: its grant (with `version` and `receivedAt`), for the machine as `token.shared`. */
  readonly adopt: (grant: SharedGrant) => void
}

/**
 * A grant that came through a coordinator: the machine's `Grant` plus the shared `version` and the epoch ms it was
 * issued, rebuilt on this host (`now - (lifetimeMs - remainingMs)`).
 *
 * @example
 * tokens.actor.send({ type: 'token.shared', grant, at: Date.now() }) // the controller does this
 */
export interface SharedGrant extends Grant {
  readonly version: number
  readonly receivedAt: number
}

/**
 * One refresh attempt through the coordinator: `fetch` runs the app's `fetchToken` once and parses its answer.
 *
 * @example
 * connection.refresh({ knownVersion: 6, signal, fetch: (signal) => fetchAndParse(signal) })
 */
export interface CoordinatedAttempt {
  /** The shared version of the token being replaced (0: none known). */
  readonly knownVersion: number
  readonly signal: AbortSignalLike
  /**
   * The upstream call: the app's `fetchToken`, its answer parsed into a grant (epoch-ms expiry, `receivedAt`).
   * `refreshToken`: the shared record's, when it holds one (newer than this instance's after a rotation elsewhere).
   */
  readonly fetch: (signal: AbortSignalLike, refreshToken: string | undefined) => Promise<Grant & { readonly receivedAt: number }>
}

/**
 * A coordinator connected to one controller.
 *
 * @example
 * const grant = await connection.refresh({ knownVersion, signal, fetch })
 */
export interface CoordinatorConnection {
  /** Hydration: the shared grant if one is held, else `null`; never rejects (an outage reads as `null`, reported). */
  read(): Promise<SharedGrant | null>
  /** Adopts a newer shared token, or takes the lock, fetches once and publishes. Rejects like `fetchToken` would. */
  refresh(attempt: CoordinatedAttempt): Promise<SharedGrant>
  close(): void
}

/**
 * The `coordinator` option of `createTokenController`: `redisCoordinator(client, options)` from `painless-token/redis`
 * or `webLocksCoordinator({ name })` from `painless-token/web-locks`. Connected once by the controller.
 *
 * @example
 * createTokenController({ fetchToken, coordinator: redisCoordinator(redis, { key: 'wechat:access_token' }) })
 */
export interface TokenCoordinator {
  /** Throws a `TypeError` when it cannot serve this controller (a Redis lease not longer than `fetchTimeoutMs`). */
  connect(host: CoordinatorHost): CoordinatorConnection
}

/**
 * What to do when the engine cannot be reached: `'local'` refreshes in this process alone (reported through `onEvent`
 * as `coordinator.unavailable`); `'fail'` fails the attempt with `COORDINATOR_UNAVAILABLE` (retried like any failed
 * attempt), the safe choice where N local refreshes invalidate each other (WeChat's legacy `access_token`).
 *
 * @example
 * redisCoordinator(redis, { key: 'wx:token', onUnavailable: 'fail' })
 */
export type OnUnavailable = 'local' | 'fail'
