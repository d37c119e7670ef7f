// The Redis engine behind `painless-token/redis`: the shared record, the lock and the announcements, each a Lua
// script (scripts.ts) raced against `commandTimeoutMs`. The algorithm that uses them is coordinate.ts, not here.
import { CoordinatorUnavailableError } from '../coordination/errors.ts'
import type { AbortSignalLike } from '../abort.ts'
import type { AcquireOutcome, AcquireRequest, CoordinationEngine, PublishedGrant, SharedRecord } from '../coordination/types.ts'
import { bounded } from './bounded.ts'
import { redisCommands, type Subscription } from './commands.ts'
import { checkLease, resolveRedisOptions, type RedisCoordinatorOptions } from './options.ts'
import { decodeRecord, encodeRecord, ttlArgument } from './record.ts'
import { ACQUIRE, PUBLISH, READ, RELEASE, VERSION } from './scripts.ts'
import { createWatchers } from './watchers.ts'

/** What `acquire` hands the holder: the owner id its lock was set with, for the compare-and-delete. */
interface RedisLock {
  readonly owner: string
}

let ownerCount = 0

/**
 * The engine for `createCoordinator`; apps call `redisCoordinator`, which wraps it.
 *
 * @example
 * createCoordinator(redisEngine(redis, { key: 'wx:token' }), { onUnavailable: 'fail' })
 */
export function redisEngine(client: unknown, options: RedisCoordinatorOptions): CoordinationEngine {
  const config = resolveRedisOptions(options)
  const commands = redisCommands(client)
  const key = config.key
  const keys = { record: key, version: `${key}:version`, lock: `${key}:lock`, fetches: `${key}:fetches` }
  const channel = `${key}:published`
  const watchers = createWatchers(config.pollIntervalMs, () => run(VERSION, [keys.version], [], 'poll').then(Number))
  let subscription: Subscription | undefined
  let closed = false

  function run(script: string, scriptKeys: string[], args: string[], operation: string): Promise<unknown> {
    return bounded(send(script, scriptKeys, args), config.commandTimeoutMs, operation)
  }

  // A client that throws instead of rejecting (node-redis on a bad argument) still gives a promise.
  function send(script: string, scriptKeys: string[], args: string[]): Promise<unknown> {
    return new Promise((resolve) => resolve(commands.eval(script, scriptKeys, args)))
  }

  // Opened on the first watch or wait, not at construction: a coordinator nobody connects opens nothing.
  function subscribe(): void {
    if (subscription !== undefined || closed) return
    subscription = commands.subscribe(channel, (message) => watchers.announce(Number(message)))
    watchers.start(() => subscription !== undefined && subscription.live())
  }

  return {
    kind: 'redis',
    check(fetchTimeoutMs: number): void {
      checkLease(config.leaseMs, fetchTimeoutMs)
    },
    async read(): Promise<SharedRecord | null> {
      const reply = asArray(await run(READ, [keys.record], [], 'read'), 'read')
      return decodeRecord(reply[0], reply[1])
    },
    async acquire(request: AcquireRequest): Promise<AcquireOutcome> {
      const owner = ownerId()
      watchers.mark()
      const sent = send(
        ACQUIRE,
        [keys.record, keys.version, keys.lock, keys.fetches],
        [String(request.knownVersion), owner, String(config.leaseMs), String(config.maxFetches ?? 0), String(config.fetchWindowMs)],
      )
      let reply: unknown[]
      try {
        reply = asArray(await bounded(sent, config.commandTimeoutMs, 'acquire'), 'acquire')
      } catch (error) {
        // Queued while Redis was away, the script may still run later and take the lock for nobody: give it back.
        sent.then((late) => (Array.isArray(late) && late[0] === 'acquired' ? release(owner) : undefined)).then(undefined, ignore)
        throw error
      }
      const outcome = outcomeOf(reply, owner)
      // The attempt ended while the script ran (timed out, clear(), stop()): nobody will fetch; give the lock back now
      // rather than leave the fleet waiting out the lease.
      if (outcome.kind === 'acquired' && request.signal.aborted) release(owner).then(undefined, ignore)
      return outcome
    },
    async publish(lock: unknown, expectedVersion: number, grant: PublishedGrant) {
      const reply = asArray(
        await run(
          PUBLISH,
          [keys.record, keys.version],
          [String(expectedVersion), encodeRecord(grant), ttlArgument(grant.remainingMs), channel],
          'publish',
        ),
        'publish',
      )
      return { written: reply[0] === 'written', record: decodeRecord(reply[1], reply[2]) }
    },
    release(lock: unknown): Promise<void> {
      return release((lock as RedisLock).owner)
    },
    waitForChange(ms: number, signal: AbortSignalLike): Promise<void> {
      subscribe()
      return watchers.wait(ms, signal)
    },
    watch(listener: (version: number) => void): () => void {
      subscribe()
      return watchers.add(listener)
    },
    async close(): Promise<void> {
      closed = true
      watchers.stop()
      if (subscription !== undefined) subscription.close()
    },
  }

  function release(owner: string): Promise<void> {
    // Never rejects: a lock we cannot delete runs out with its lease.
    return run(RELEASE, [keys.lock], [owner], 'release').then(ignore, ignore)
  }

  function outcomeOf(reply: unknown[], owner: string): AcquireOutcome {
    const kind = reply[0]
    if (kind === 'acquired') {
      const lock: RedisLock = { owner }
      return { kind, lock, version: Number(reply[1]), record: decodeRecord(reply[2], reply[3]) }
    }
    // Until the holder's lease ends at most, and no longer than a poll: its announcement may be lost.
    if (kind === 'busy') return { kind, waitMs: Math.max(1, Math.min(Number(reply[1]), config.pollIntervalMs)) }
    if (kind === 'quota') return { kind, retryInMs: Math.max(0, Number(reply[1])) }
    // 'shared': the script vouched for the record (versionOf reads it as decodeRecord does).
    return { kind: 'shared', record: decodeRecord(reply[1], reply[2]) as SharedRecord }
  }
}

// The scripts always answer a table; anything else (a client mapping replies its own way) is an engine failure.
function asArray(reply: unknown, operation: string): unknown[] {
  if (!Array.isArray(reply)) throw new CoordinatorUnavailableError(`redis ${operation} answered something other than a script reply`)
  return reply
}

// Unique enough to tell holders apart (not a secret): time, a counter, and random digits.
function ownerId(): string {
  ownerCount += 1
  return `${Date.now().toString(36)}.${ownerCount}.${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
}

function ignore(): void {}
