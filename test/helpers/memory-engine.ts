// A TEST DOUBLE of the engine contract (`CoordinationEngine`, src/coordination/types.ts), in memory: one shared record,
// a version counter that never goes back, a lock with a lease, a fetch quota, announcements to every other instance.
// It exists to test the driver (src/coordination/coordinate.ts) and the controller's coordinator wiring without I/O;
// the real engines are tested against a real redis-server (test/helpers/redis-server.ts) and real Chromium (test/e2e).
// Time is the test's clock (`now`, `clock`): TTLs, leases, quota windows and waits all run on it.
import type { AcquireOutcome, AcquireRequest, CoordinationEngine, PublishedGrant, SharedRecord } from '../../src/coordination/types.ts'
import { sharedRecord } from '../../src/coordination/coordinate.ts'
import { CoordinatorUnavailableError } from '../../src/coordination/errors.ts'
import type { AbortSignalLike, Clock } from '../../src/index.ts'

export interface MemoryStoreOptions {
  now: () => number
  clock: Clock
  /** How long a lock lasts unless released. Default 30 s. */
  leaseMs?: number
  /** Fleet-wide upstream fetches allowed per `fetchWindowMs`; unset: no quota. */
  maxFetches?: number
  fetchWindowMs?: number
  /**
   * How announcements reach the watchers: `'auto'` (on a later microtask, like a pub/sub message arriving after the
   * publish returned), or `'manual'` (queued until `deliver()`; `drop()` loses them: pub/sub is at-most-once). Waits
   * for a holder (`waitForChange`) end at once either way, and on a release (a Web Lock handed over). A function: it
   * gets each delivery to run whenever it likes (a property test's scheduler).
   */
  delivery?: Delivery
}

/** What an engine call did, in order: which instance, which operation. */
export interface EngineCall {
  readonly instance: number
  readonly operation: 'read' | 'acquire' | 'publish' | 'release' | 'waitForChange' | 'watch' | 'close'
  readonly detail?: unknown
}

interface StoredRecord {
  readonly version: number
  readonly accessToken: string
  readonly refreshToken: string | undefined
  /** On the store's clock; Infinity: no TTL. */
  readonly expiresAt: number
  readonly lifetimeMs: number
}

interface Lock {
  readonly id: number
  readonly instance: number
  readonly expiresAt: number
}

type Operation = EngineCall['operation']
type Delivery = 'auto' | 'manual' | ((tell: () => void) => void)

export type MemoryStore = ReturnType<typeof memoryStore>

/** One shared store: call `engine()` once per instance (controller, process, tab) that shares it. */
export function memoryStore(options: MemoryStoreOptions) {
  const { now, clock } = options
  const leaseMs = options.leaseMs ?? 30_000
  const fetchWindowMs = options.fetchWindowMs ?? 86_400_000
  let delivery = options.delivery ?? 'auto'
  let record: StoredRecord | null = null
  let counter = 0
  let lock: Lock | null = null
  let nextLockId = 1
  let fetches = { count: 0, windowEndsAt: 0 }
  let instances = 0
  const calls: EngineCall[] = []
  const granted: Lock[] = []
  const releases = new Map<number, number>()
  let outlivedLeases = 0
  const listeners = new Map<number, Set<(version: number) => void>>()
  const waiters = new Set<() => void>()
  const queued: Array<{ from: number; version: number }> = []
  const failing = new Map<Operation, () => unknown>()
  const hooks = new Map<Operation, () => Promise<void>>()

  const live = (): StoredRecord | null => (record !== null && record.expiresAt <= now() ? null : record)
  const heldLock = (): Lock | null => (lock !== null && lock.expiresAt <= now() ? null : lock)
  const asShared = (stored: StoredRecord): SharedRecord =>
    sharedRecord({
      version: stored.version,
      accessToken: stored.accessToken,
      refreshToken: stored.refreshToken,
      remainingMs: stored.expiresAt === Infinity ? Infinity : stored.expiresAt - now(),
      lifetimeMs: stored.lifetimeMs,
    })

  function announce(from: number, version: number): void {
    // Any publish ends every wait for a holder (a waiter asks again), then the watchers hear the version.
    wakeAll()
    if (delivery === 'manual') {
      queued.push({ from, version })
      return
    }
    if (delivery === 'auto') Promise.resolve().then(() => tell(from, version))
    else delivery(() => tell(from, version))
  }

  // Each wake removes itself from the set: a Set visits every entry once even so.
  function wakeAll(): void {
    for (const wake of waiters) wake()
  }

  function tell(from: number, version: number): void {
    for (const [instance, set] of listeners) {
      if (instance === from) continue
      for (const listener of set) listener(version)
    }
  }

  function write(grant: PublishedGrant, from: number): StoredRecord {
    counter++
    record = {
      version: counter,
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      expiresAt: grant.remainingMs === Infinity ? Infinity : now() + grant.remainingMs,
      lifetimeMs: grant.lifetimeMs,
    }
    announce(from, counter)
    return record
  }

  /** An engine for one instance: its own watchers and its calls logged under its number. */
  function engine(): CoordinationEngine & { readonly instance: number } {
    const instance = ++instances
    const own = new Set<(version: number) => void>()
    listeners.set(instance, own)

    // Every call logs, then may be held by a hook (a slow network) or fail (an outage), as a real engine's would.
    async function enter(operation: Operation, detail?: unknown): Promise<void> {
      calls.push({ instance, operation, detail })
      const hook = hooks.get(operation)
      if (hook) await hook()
      const fail = failing.get(operation)
      if (fail) throw fail()
    }

    return {
      instance,
      kind: 'memory',
      check(fetchTimeoutMs: number): void {
        if (leaseMs <= fetchTimeoutMs)
          throw new TypeError(`memoryEngine: leaseMs (${leaseMs}) must be longer than fetchTimeoutMs (${fetchTimeoutMs})`)
      },
      async read(): Promise<SharedRecord | null> {
        await enter('read')
        const current = live()
        return current === null ? null : asShared(current)
      },
      async acquire(request: AcquireRequest): Promise<AcquireOutcome> {
        await enter('acquire', { knownVersion: request.knownVersion })
        const current = live()
        if (current !== null && current.version > request.knownVersion) return { kind: 'shared', record: asShared(current) }
        const holder = heldLock()
        if (holder !== null) return { kind: 'busy', waitMs: holder.expiresAt - now() }
        if (options.maxFetches !== undefined) {
          if (fetches.windowEndsAt <= now()) fetches = { count: 0, windowEndsAt: now() + fetchWindowMs }
          if (fetches.count >= options.maxFetches) return { kind: 'quota', retryInMs: fetches.windowEndsAt - now() }
          fetches.count++
        }
        // The lock before this one ran out with its holder still on it (never released): its holder outlived the lease.
        const previous = granted[granted.length - 1]
        if (previous !== undefined && (releases.get(previous.id) ?? 0) === 0) outlivedLeases++
        lock = { id: nextLockId++, instance, expiresAt: now() + leaseMs }
        granted.push(lock)
        return { kind: 'acquired', lock, version: counter, record: current === null ? null : asShared(current) }
      },
      async publish(_lock: unknown, expectedVersion: number, grant: PublishedGrant) {
        await enter('publish', { expectedVersion })
        // The compare-and-set is on the version, not the lease: a holder that outlived its lease is refused only if
        // someone published meanwhile.
        if (counter !== expectedVersion) {
          const current = live()
          return { written: false, record: current === null ? null : asShared(current) }
        }
        return { written: true, record: asShared(write(grant, instance)) }
      },
      async release(given: unknown): Promise<void> {
        const held = given as Lock
        releases.set(held.id, (releases.get(held.id) ?? 0) + 1)
        calls.push({ instance, operation: 'release', detail: { lock: held.id } })
        // Compare-and-delete: only the lock still ours.
        if (lock !== null && lock.id === held.id) lock = null
        wakeAll()
      },
      async waitForChange(ms: number, signal: AbortSignalLike): Promise<void> {
        await enter('waitForChange', { ms })
        await new Promise<void>((resolve) => {
          const done = () => {
            clock.clearTimeout(timer)
            waiters.delete(done)
            signal.removeEventListener('abort', done)
            resolve()
          }
          const timer = clock.setTimeout(done, ms)
          waiters.add(done)
          signal.addEventListener('abort', done)
        })
      },
      watch(listener: (version: number) => void): () => void {
        calls.push({ instance, operation: 'watch' })
        own.add(listener)
        return () => own.delete(listener)
      },
      async close(): Promise<void> {
        calls.push({ instance, operation: 'close' })
      },
    }
  }

  return {
    engine,
    /** Another instance (not a controller under test) publishes a token, as its driver would after a fetch. */
    publish(fields: { accessToken: string; refreshToken?: string; remainingMs: number; lifetimeMs: number }): number {
      return write(sharedRecord({ version: 0, ...fields }), 0).version
    },
    /** Another instance takes the lock (it is fetching); returns a release for it. */
    lockElsewhere(): () => void {
      const taken = { id: nextLockId++, instance: 0, expiresAt: now() + leaseMs }
      lock = taken
      return () => {
        if (lock === taken) lock = null
        wakeAll()
      }
    },
    /** The record as stored (tokens readable), or null when absent or expired. */
    get record(): SharedRecord | null {
      const current = live()
      return current === null ? null : asShared(current)
    },
    get version(): number {
      return counter
    },
    /** Locks granted while the one before was still unreleased: holders that outlived their lease (a pause, a slow publish). */
    get outlivedLeases(): number {
      return outlivedLeases
    },
    get lockHolder(): number | undefined {
      return heldLock()?.instance
    },
    calls,
    callsOf(operation: Operation, instance?: number): EngineCall[] {
      return calls.filter((call) => call.operation === operation && (instance === undefined || call.instance === instance))
    },
    /** Locks granted by acquire, in order, and how often each was released. */
    granted: () => granted.map((held) => ({ id: held.id, instance: held.instance, releases: releases.get(held.id) ?? 0 })),
    /** Watchers registered per instance (0 once unwatched). */
    watchers: (instance: number) => listeners.get(instance)?.size ?? 0,
    /** Waits for a holder (`waitForChange`) still pending. */
    get waiting(): number {
      return waiters.size
    },
    /** Upstream fetches the quota counted in this window. */
    get quotaUsed(): number {
      return fetches.count
    },
    /** From now on `operation` rejects with `error()` (default: CoordinatorUnavailableError), until `heal`. */
    fail(operation: Operation, error: () => unknown = () => new CoordinatorUnavailableError('memory engine: unreachable')): void {
      failing.set(operation, error)
    },
    heal(operation?: Operation): void {
      if (operation) failing.delete(operation)
      else failing.clear()
    },
    /** Every call of `operation` waits for `hook()` first (a slow command); `undefined` removes it. */
    hold(operation: Operation, hook: (() => Promise<void>) | undefined): void {
      if (hook) hooks.set(operation, hook)
      else hooks.delete(operation)
    },
    /** Announces another instance's version (a message only: no record changes), as a stray or repeated message. */
    announce(version: number): void {
      announce(0, version)
    },
    setDelivery(mode: Delivery): void {
      delivery = mode
    },
    /** Manual delivery: hands the queued announcements to the watchers. */
    deliver(): void {
      for (const { from, version } of queued.splice(0)) tell(from, version)
    },
    /** Manual delivery: loses the queued announcements (pub/sub is at-most-once). */
    drop(): void {
      queued.splice(0)
    },
  }
}
