// The one copy of the coordination algorithm, for every engine: adopt a shared token newer than ours; else take the
// lock, fetch once, publish with a version check, release; else wait for the holder (woken by its announcement, or
// by the engine's bound) and ask again. The engine is the source of truth; this file keeps no token, only the
// highest version heard and read so far, so that an announcement heard twice is read once.
import { createGrant } from '../grant.ts'
import { AbortedError } from '../errors.ts'
import type { AbortSignalLike } from '../abort.ts'
import { CoordinatorUnavailableError, FetchQuotaExceededError } from './errors.ts'
import type {
  CoordinatedAttempt,
  CoordinationEngine,
  CoordinatorConnection,
  CoordinatorHost,
  OnUnavailable,
  PublishedGrant,
  SharedGrant,
  SharedRecord,
  TokenCoordinator,
} from './types.ts'

/**
 * What every engine's factory accepts besides its own options.
 *
 * @example
 * redisCoordinator(redis, { key: 'wx:token', onUnavailable: 'fail' })
 */
export interface CoordinatorOptions {
  /** When the engine cannot answer: `'local'` (default) refreshes in this process alone; `'fail'` fails the attempt. */
  onUnavailable?: OnUnavailable
  /** Reported in errors: a quota the engine enforces, for its message. */
  maxFetches?: number
}

/**
 * Wraps an engine into the `coordinator` option. Engines call it; apps call `redisCoordinator` or
 * `webLocksCoordinator`.
 *
 * @example
 * export function myCoordinator(options) { return createCoordinator(myEngine(options), options) }
 */
export function createCoordinator(engine: CoordinationEngine, options: CoordinatorOptions = {}): TokenCoordinator {
  const onUnavailable = options.onUnavailable ?? 'local'
  if (onUnavailable !== 'local' && onUnavailable !== 'fail')
    throw new TypeError(`${engine.kind}Coordinator: onUnavailable must be 'local' or 'fail'`)
  return {
    connect(host: CoordinatorHost): CoordinatorConnection {
      engine.check(host.fetchTimeoutMs)
      let highestVersion = 0
      // The highest version announced so far: a version heard again while its read is under way is not read twice.
      let heardVersion = 0
      let closed = false
      const report = host.report
      const unwatch = engine.watch((version) => {
        if (version <= highestVersion || version <= heardVersion || closed) return
        heardVersion = version
        announce().then(undefined, ignore)
      })

      // Another instance published: read the record it announced (the message carries only the version).
      async function announce(): Promise<void> {
        let record: SharedRecord | null
        try {
          record = await engine.read()
        } catch (error) {
          reportUnavailable(error, 'read')
          return
        }
        if (record === null || record.version <= highestVersion || closed) return
        highestVersion = record.version
        host.adopt(toGrant(record, host.now()))
      }

      function reportUnavailable(error: unknown, operation: string): void {
        if (report)
          report({ type: 'coordinator.unavailable', engine: engine.kind, operation, mode: onUnavailable, error: errorName(error) })
      }

      function seen(record: SharedRecord): SharedGrant {
        if (record.version > highestVersion) highestVersion = record.version
        return toGrant(record, host.now())
      }

      async function refresh(attempt: CoordinatedAttempt): Promise<SharedGrant> {
        const { signal } = attempt
        let knownVersion = attempt.knownVersion
        for (;;) {
          throwIfAborted(signal)
          let outcome
          try {
            const acquiring = engine.acquire({ knownVersion, signal, fetchTimeoutMs: host.fetchTimeoutMs })
            // A lock granted after the attempt ended is nobody's: give it back at once rather than at its lease.
            acquiring.then((late) => {
              if (signal.aborted && late.kind === 'acquired') engine.release(late.lock).then(undefined, ignore)
            }, ignore)
            outcome = await raceSignal(acquiring, signal)
          } catch (error) {
            if (signal.aborted) throw error
            return unavailable(error, attempt, 'acquire')
          }
          if (outcome.kind === 'shared') {
            const grant = toGrant(outcome.record, host.now())
            // A newer record that is no longer fresh is the one to replace: ask again, naming its version.
            if (!host.isFresh(grant)) {
              knownVersion = outcome.record.version
              continue
            }
            seen(outcome.record)
            if (report) report({ type: 'coordinator.adopted', engine: engine.kind, version: grant.version })
            return grant
          }
          if (outcome.kind === 'busy') {
            try {
              await raceSignal(engine.waitForChange(outcome.waitMs, signal), signal)
            } catch (error) {
              if (signal.aborted) throw error
              return unavailable(error, attempt, 'waitForChange')
            }
            continue
          }
          if (outcome.kind === 'quota') throw new FetchQuotaExceededError(options.maxFetches ?? 0, outcome.retryInMs)
          return fetchAndPublish(attempt, outcome.lock, outcome.version, outcome.record)
        }
      }

      // We hold the lock: one upstream call, raced against the attempt's signal so that the lock is released when the
      // attempt ends even if fetchToken ignores its signal.
      async function fetchAndPublish(
        attempt: CoordinatedAttempt,
        lock: unknown,
        version: number,
        replaced: SharedRecord | null | undefined,
      ): Promise<SharedGrant> {
        try {
          // The record's refresh token when it is newer than the token this instance held (rotated elsewhere, a push
          // missed); else this instance's own (after a login, the store may still hold the old session's).
          const newer = replaced != null && replaced.version > attempt.knownVersion
          const fetched = await raceSignal(attempt.fetch(attempt.signal, newer ? replaced.refreshToken : undefined), attempt.signal)
          const at = host.now()
          const published: PublishedGrant = publishedFrom(fetched, at)
          let result: { written: boolean; record: SharedRecord | null }
          try {
            result = await engine.publish(lock, version, published)
          } catch (error) {
            // The token is ours and good; only sharing it failed. The others fetch or adopt on their own.
            reportUnavailable(error, 'publish')
            return withVersion(fetched, attempt.knownVersion)
          }
          if (result.written && result.record !== null) {
            seen(result.record)
            if (report) report({ type: 'coordinator.published', engine: engine.kind, version: result.record.version })
            return withVersion(fetched, result.record.version)
          }
          // Refused: a newer token was published while our lease had run out. Never go back to an older one.
          if (report) report({ type: 'coordinator.refused', engine: engine.kind, version: result.record?.version ?? 0 })
          if (result.record !== null) {
            const current = seen(result.record)
            if (host.isFresh(current)) return current
          }
          return withVersion(fetched, attempt.knownVersion)
        } finally {
          engine.release(lock).then(undefined, ignore)
        }
      }

      async function unavailable(error: unknown, attempt: CoordinatedAttempt, operation: string): Promise<SharedGrant> {
        reportUnavailable(error, operation)
        if (onUnavailable === 'fail') {
          throw error instanceof CoordinatorUnavailableError
            ? error
            : new CoordinatorUnavailableError(`${engine.kind} coordinator failed (${errorName(error)})`, { cause: error })
        }
        const fetched = await raceSignal(attempt.fetch(attempt.signal, undefined), attempt.signal)
        return withVersion(fetched, attempt.knownVersion)
      }

      return {
        async read(): Promise<SharedGrant | null> {
          try {
            const record = await engine.read()
            return record === null ? null : seen(record)
          } catch (error) {
            reportUnavailable(error, 'read')
            return null
          }
        },
        refresh,
        close(): void {
          if (closed) return
          closed = true
          unwatch()
          engine.close().then(undefined, ignore)
        },
      }
    },
  }
}

/**
 * A record whose tokens are non-enumerable: logging or serialising it cannot print them. Engines build records with it.
 *
 * @example
 * sharedRecord({ version: 3, accessToken, refreshToken, remainingMs: pttl, lifetimeMs })
 */
export function sharedRecord(fields: SharedRecord): SharedRecord {
  const record = { version: fields.version, remainingMs: fields.remainingMs, lifetimeMs: fields.lifetimeMs } as SharedRecord
  Object.defineProperty(record, 'accessToken', { value: fields.accessToken, enumerable: false })
  if (fields.refreshToken !== undefined) Object.defineProperty(record, 'refreshToken', { value: fields.refreshToken, enumerable: false })
  return record
}

/** What a holder publishes, from the grant it fetched: ms left and whole lifetime, so no clock travels. */
function publishedFrom(grant: SharedGrantLike, at: number): PublishedGrant {
  return sharedRecord({
    version: 0,
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    remainingMs: grant.expiresAt === Infinity ? Infinity : grant.expiresAt - at,
    lifetimeMs: grant.expiresAt === Infinity ? Infinity : grant.expiresAt - grant.receivedAt,
  })
}

type SharedGrantLike = { accessToken: string; refreshToken?: string | undefined; expiresAt: number; receivedAt: number }

/** A record as a grant on this host: expiry and issue time rebuilt from relative figures. */
function toGrant(record: SharedRecord, at: number): SharedGrant {
  const expiresAt = record.remainingMs === Infinity ? Infinity : at + record.remainingMs
  const receivedAt = record.lifetimeMs === Infinity || record.remainingMs === Infinity ? at : at - (record.lifetimeMs - record.remainingMs)
  return withReceipt(createGrant(record.accessToken, expiresAt, record.refreshToken), record.version, receivedAt)
}

// A token fetched without sharing it (store unreachable, publish refused) carries the version it replaced: the
// machine keeps naming that one, so the refused record still stored is never adopted back.
function withVersion(grant: SharedGrantLike, version: number): SharedGrant {
  return withReceipt(createGrant(grant.accessToken, grant.expiresAt, grant.refreshToken), version, grant.receivedAt)
}

function withReceipt(grant: object, version: number, receivedAt: number): SharedGrant {
  return Object.assign(grant, { version, receivedAt }) as SharedGrant
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}

function throwIfAborted(signal: AbortSignalLike): void {
  if (signal.aborted) throw new AbortedError(signal.reason)
}

/** Settles with `promise`, or rejects with `ABORTED` as soon as `signal` aborts (the promise is left to finish alone). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignalLike): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(new AbortedError(signal.reason))
      return
    }
    const onAbort = () => reject(new AbortedError(signal.reason))
    signal.addEventListener('abort', onAbort)
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

// release() and close() never reject by contract; an engine that breaks it must not leave an unhandled rejection.
function ignore(): void {}
