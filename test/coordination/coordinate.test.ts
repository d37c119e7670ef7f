// The coordination driver (createCoordinator): the one copy of the algorithm every engine runs. Driven against the
// in-memory engine (test/helpers/memory-engine.ts: a test double of the engine contract; the Redis and Web Locks
// engines have suites of their own against real redis-server and real Chromium), on the suite's virtual clock.
import { describe, expect, it } from 'vitest'
import { isFresh } from '../../machines/token.machine.ts'
import { createAbortHandle, type AbortHandle, type AbortSignalLike } from '../../src/abort.ts'
import { createCoordinator, sharedRecord, type CoordinatorOptions } from '../../src/coordination/coordinate.ts'
import { CoordinatorUnavailableError, FetchQuotaExceededError } from '../../src/coordination/errors.ts'
import type { CoordinationEngine, CoordinatorHost, SharedGrant } from '../../src/coordination/types.ts'
import { createGrant } from '../../src/grant.ts'
import type { Grant } from '../../machines/token.types.ts'
import type { TokenControllerEvent } from '../../src/index.ts'
import { memoryStore, type MemoryStoreOptions } from '../helpers/memory-engine.ts'
import { createVirtualClock, type VirtualClock } from '../helpers/virtual-clock.ts'

const HOUR_MS = 3_600_000
const LEASE_MS = 30_000
const FETCH_TIMEOUT_MS = 10_000
const LEEWAY_MS = 30_000
/** Every token here holds this marker, so a leak is one substring search away. */
const SECRET = 'SeCrEt'

/** Lets every promise job run (engine calls, fetch answers) without moving the virtual clock. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Upstream (the app's fetchToken, parsed): each call waits for the test. */
function upstream(clock: VirtualClock) {
  const calls: Array<{
    readonly signal: AbortSignalLike
    readonly refreshToken: string | undefined
    answer(token: string, lifetimeMs?: number): void
    fail(error: unknown): void
  }> = []
  const fetch = (signal: AbortSignalLike, refreshToken: string | undefined) =>
    new Promise<Grant & { receivedAt: number }>((resolve, reject) => {
      calls.push({
        signal,
        refreshToken,
        answer: (token, lifetimeMs = 2 * HOUR_MS) =>
          resolve(Object.assign(createGrant(token, clock.now() + lifetimeMs, `${token}-refresh`), { receivedAt: clock.now() })),
        fail: reject,
      })
    })
  return { fetch, calls }
}

interface Setup {
  clock: VirtualClock
  store: ReturnType<typeof memoryStore>
  /** An instance: its engine, its connection (a controller's view), what it reported and was asked to adopt. */
  instance(options?: CoordinatorOptions, wrap?: (engine: CoordinationEngine) => CoordinationEngine): Instance
}

type Instance = ReturnType<typeof connectInstance>

function setup(storeOptions: Partial<MemoryStoreOptions> = {}): Setup {
  const clock = createVirtualClock({ start: Date.UTC(2026, 11, 7) })
  const store = memoryStore({ now: clock.now, clock, leaseMs: LEASE_MS, ...storeOptions })
  return { clock, store, instance: (options, wrap) => connectInstance(clock, store, options, wrap) }
}

function connectInstance(
  clock: VirtualClock,
  store: ReturnType<typeof memoryStore>,
  options: CoordinatorOptions = {},
  wrap: (engine: CoordinationEngine) => CoordinationEngine = (engine) => engine,
) {
  const engine = store.engine()
  const events: TokenControllerEvent[] = []
  const adopted: SharedGrant[] = []
  const host: CoordinatorHost = {
    fetchTimeoutMs: FETCH_TIMEOUT_MS,
    isFresh: (grant) => isFresh({ expiresAt: grant.expiresAt, receivedAt: grant.receivedAt, leewayMs: LEEWAY_MS }, clock.now()),
    now: clock.now,
    clock,
    report: (event) => events.push(event),
    adopt: (grant) => adopted.push(grant),
  }
  const connection = createCoordinator(wrap(engine), options).connect(host)
  const up = upstream(clock)
  return {
    number: engine.instance,
    connection,
    events,
    adopted,
    upstream: up,
    /** One refresh attempt naming `knownVersion`; its outcome tracked. */
    refresh(knownVersion = 0, abort: AbortHandle = createAbortHandle()) {
      const outcome: { status: 'pending' | 'fulfilled' | 'rejected'; grant?: SharedGrant; error?: unknown } = { status: 'pending' }
      const promise = connection.refresh({ knownVersion, signal: abort.signal, fetch: up.fetch })
      promise.then(
        (grant) => Object.assign(outcome, { status: 'fulfilled', grant }),
        (error: unknown) => Object.assign(outcome, { status: 'rejected', error }),
      )
      return { promise, outcome, abort }
    },
  }
}

function publishFresh(s: Setup, token = `shared-${SECRET}`, ageMs = 60_000): number {
  return s.store.publish({
    accessToken: token,
    refreshToken: `${token}-refresh`,
    remainingMs: 2 * HOUR_MS - ageMs,
    lifetimeMs: 2 * HOUR_MS,
  })
}

const everyLockReleasedOnce = (s: Setup) => s.store.granted().every((lock) => lock.releases === 1)

describe('createCoordinator: adopting what another instance published', () => {
  it('adopts a newer, fresh record without fetching, and reports coordinator.adopted', async () => {
    const s = setup()
    publishFresh(s, `shared-${SECRET}-1`, 60_000)
    const a = s.instance()

    const grant = await a.refresh(0).promise

    expect(grant).toMatchObject({ accessToken: `shared-${SECRET}-1`, version: 1 })
    // Rebuilt on this host from relative figures: issued 60 s ago, 2 h lifetime.
    expect(grant.expiresAt).toBe(s.clock.now() + 2 * HOUR_MS - 60_000)
    expect(grant.receivedAt).toBe(s.clock.now() - 60_000)
    expect(grant.refreshToken).toBe(`shared-${SECRET}-1-refresh`)
    expect(a.upstream.calls).toHaveLength(0)
    expect(s.store.granted()).toEqual([])
    expect(a.events).toEqual([{ type: 'coordinator.adopted', engine: 'memory', version: 1 }])
  })

  it('asks again naming the version of a newer record that is stale, takes the lock and fetches once', async () => {
    const s = setup()
    // 10 s left of 2 h: inside the 30 s leeway.
    s.store.publish({ accessToken: `old-${SECRET}`, refreshToken: `old-refresh-${SECRET}`, remainingMs: 10_000, lifetimeMs: 2 * HOUR_MS })
    const a = s.instance()

    const attempt = a.refresh(0)
    await flush()
    expect(a.upstream.calls).toHaveLength(1)
    // The record being replaced holds the fleet's newest refresh token: the fetch gets it.
    expect(a.upstream.calls[0]!.refreshToken).toBe(`old-refresh-${SECRET}`)
    a.upstream.calls[0]!.answer(`new-${SECRET}`)
    const grant = await attempt.promise

    expect(s.store.callsOf('acquire').map((call) => call.detail)).toEqual([{ knownVersion: 0 }, { knownVersion: 1 }])
    expect(s.store.callsOf('publish').map((call) => call.detail)).toEqual([{ expectedVersion: 1 }])
    expect(grant).toMatchObject({ accessToken: `new-${SECRET}`, version: 2 })
    expect(s.store.record?.accessToken).toBe(`new-${SECRET}`)
    expect(a.events).toEqual([{ type: 'coordinator.published', engine: 'memory', version: 2 }])
    expect(everyLockReleasedOnce(s)).toBe(true)
  })

  it('takes the lock when nothing is shared, fetches, publishes version 1 and releases', async () => {
    const s = setup()
    const a = s.instance()

    const attempt = a.refresh(0)
    await flush()
    expect(s.store.lockHolder).toBe(a.number)
    a.upstream.calls[0]!.answer(`first-${SECRET}`)
    const grant = await attempt.promise

    expect(grant.version).toBe(1)
    expect(s.store.lockHolder).toBeUndefined()
    expect(s.store.granted()).toEqual([{ id: 1, instance: a.number, releases: 1 }])
  })

  it('publishes relative figures: a reader 10 minutes later rebuilds the same expiry and issue time', async () => {
    const s = setup()
    const a = s.instance()
    const b = s.instance()
    const attempt = a.refresh(0)
    await flush()
    const issuedAt = s.clock.now()
    a.upstream.calls[0]!.answer(`t-${SECRET}`, 2 * HOUR_MS)
    await attempt.promise

    s.clock.advance(600_000)
    const read = await b.connection.read()

    expect(read).toMatchObject({ version: 1, expiresAt: issuedAt + 2 * HOUR_MS, receivedAt: issuedAt })
  })

  it('shares a grant without expiry as one (Infinity), read back as never expiring', async () => {
    const s = setup()
    const a = s.instance()
    const attempt = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`forever-${SECRET}`, Infinity)
    await attempt.promise

    s.clock.advance(365 * 24 * HOUR_MS)
    const read = await s.instance().connection.read()

    expect(read).toMatchObject({ version: 1, expiresAt: Infinity })
    expect(read!.receivedAt).toBe(s.clock.now())
  })
})

describe('createCoordinator: waiting for another holder', () => {
  it('busy: waits for the holder, then adopts what it published, with no fetch of its own', async () => {
    const s = setup()
    const releaseElsewhere = s.store.lockElsewhere()
    const a = s.instance()

    const attempt = a.refresh(0)
    await flush()
    expect(s.store.callsOf('waitForChange', a.number)).toHaveLength(1)
    expect(attempt.outcome.status).toBe('pending')
    publishFresh(s)
    releaseElsewhere()
    const grant = await attempt.promise

    expect(grant.version).toBe(1)
    expect(a.upstream.calls).toHaveLength(0)
    expect(s.store.granted()).toEqual([])
  })

  it('busy with a holder that dies: takes over when its lease ends, and fetches once', async () => {
    const s = setup()
    s.store.lockElsewhere()
    const a = s.instance()

    const attempt = a.refresh(0)
    await flush()
    // The wait is bounded by the lease the holder has left, not forever.
    expect(s.store.callsOf('waitForChange', a.number)[0]!.detail).toEqual({ ms: LEASE_MS })
    s.clock.advance(LEASE_MS)
    await flush()
    expect(a.upstream.calls).toHaveLength(1)
    a.upstream.calls[0]!.answer(`taken-over-${SECRET}`)

    expect(await attempt.promise).toMatchObject({ version: 1 })
  })

  it('rejects with ABORTED at once when the attempt ends during the wait, and asks no more', async () => {
    const s = setup()
    s.store.lockElsewhere()
    const a = s.instance()
    const attempt = a.refresh(0)
    await flush()

    attempt.abort.abort(new Error('fetch timeout'))
    await flush()

    expect(attempt.outcome).toMatchObject({ status: 'rejected', error: { code: 'ABORTED' } })
    expect(s.store.callsOf('acquire', a.number)).toHaveLength(1)
  })

  it('rejects with ABORTED without asking the engine when the signal is already aborted', async () => {
    const s = setup()
    const a = s.instance()
    const abort = createAbortHandle()
    abort.abort(new Error('gone'))

    await expect(a.refresh(0, abort).promise).rejects.toMatchObject({ code: 'ABORTED' })
    expect(s.store.callsOf('acquire')).toEqual([])
  })
})

describe('createCoordinator: a holder that outlived its lease', () => {
  it('publish refused: returns the newer record published meanwhile, never its own older attempt', async () => {
    const s = setup()
    const a = s.instance()
    const b = s.instance()
    const slow = a.refresh(0)
    await flush()
    // A stalls past its lease; B takes the lock, fetches and publishes version 1.
    s.clock.advance(LEASE_MS + 1)
    const quick = b.refresh(0)
    await flush()
    b.upstream.calls[0]!.answer(`b-${SECRET}`)
    await quick.promise

    a.upstream.calls[0]!.answer(`a-late-${SECRET}`)
    const grant = await slow.promise

    expect(grant).toMatchObject({ accessToken: `b-${SECRET}`, version: 1 })
    expect(s.store.record?.accessToken).toBe(`b-${SECRET}`)
    expect(s.store.version).toBe(1)
    expect(a.events).toEqual([{ type: 'coordinator.refused', engine: 'memory', version: 1 }])
    expect(everyLockReleasedOnce(s)).toBe(true)
  })

  it('publish refused while the newer record is no longer fresh: keeps its own token, unshared (version 0)', async () => {
    const s = setup()
    const a = s.instance()
    const slow = a.refresh(0)
    await flush()
    s.clock.advance(LEASE_MS + 1)
    // Another instance published a token that is already inside the leeway.
    s.store.publish({ accessToken: `stale-${SECRET}`, remainingMs: 5_000, lifetimeMs: 2 * HOUR_MS })

    a.upstream.calls[0]!.answer(`a-${SECRET}`)
    const grant = await slow.promise

    expect(grant).toMatchObject({ accessToken: `a-${SECRET}`, version: 0 })
    expect(s.store.record?.accessToken).toBe(`stale-${SECRET}`)
  })

  it("a late holder's release does not free the lock another took after its lease", async () => {
    const s = setup()
    const a = s.instance()
    const slow = a.refresh(0)
    await flush()
    s.clock.advance(LEASE_MS + 1)
    s.store.lockElsewhere()

    a.upstream.calls[0]!.answer(`a-${SECRET}`)
    await slow.promise

    expect(s.store.lockHolder).toBe(0)
  })
})

describe('createCoordinator: the lock is released once per grant, whatever happens', () => {
  it('a fetch that ignores its signal: the attempt rejects at abort and the lock is released then', async () => {
    const s = setup()
    const a = s.instance()
    const attempt = a.refresh(0)
    await flush()
    expect(s.store.lockHolder).toBe(a.number)

    attempt.abort.abort(new Error('fetch timeout'))
    await flush()

    expect(attempt.outcome).toMatchObject({ status: 'rejected', error: { code: 'ABORTED' } })
    expect(s.store.lockHolder).toBeUndefined()
    expect(everyLockReleasedOnce(s)).toBe(true)
    // The fetch ends long after: nothing is published for an attempt that is over, and nothing released twice.
    a.upstream.calls[0]!.answer(`late-${SECRET}`)
    await flush()
    expect(s.store.callsOf('publish')).toEqual([])
    expect(everyLockReleasedOnce(s)).toBe(true)
  })

  it.each([
    ['the fetch succeeds', 'answer'],
    ['the fetch throws', 'fail'],
    ['publish throws', 'publish fails'],
    ['publish is refused', 'refused'],
    ['the attempt is aborted mid-fetch', 'abort'],
  ] as const)('when %s', async (_, what) => {
    const s = setup()
    const a = s.instance()
    if (what === 'publish fails') s.store.fail('publish')
    const attempt = a.refresh(0)
    await flush()
    if (what === 'refused') s.store.publish({ accessToken: `other-${SECRET}`, remainingMs: HOUR_MS, lifetimeMs: HOUR_MS })
    const call = a.upstream.calls[0]!
    if (what === 'fail') call.fail(new Error('503'))
    else if (what === 'abort') attempt.abort.abort(new Error('stop()'))
    else call.answer(`a-${SECRET}`)
    await flush()

    expect(attempt.outcome.status).toBe(what === 'fail' || what === 'abort' ? 'rejected' : 'fulfilled')
    expect(s.store.granted()).toHaveLength(1)
    expect(everyLockReleasedOnce(s)).toBe(true)
  })

  it('a lock granted after the attempt ended (abort while acquire is in flight) is released at once', async () => {
    const s = setup()
    const a = s.instance()
    let grantLock!: () => void
    s.store.hold('acquire', () => new Promise<void>((resolve) => (grantLock = resolve)))
    const attempt = a.refresh(0)
    await flush()

    attempt.abort.abort(new Error('fetch timeout'))
    await flush()
    expect(attempt.outcome).toMatchObject({ status: 'rejected', error: { code: 'ABORTED' } })
    grantLock()
    await flush()

    expect(s.store.granted()).toHaveLength(1)
    expect(everyLockReleasedOnce(s)).toBe(true)
    expect(a.upstream.calls).toHaveLength(0)
  })

  it('publish throws: keeps the fetched token (version 0) and reports coordinator.unavailable for publish', async () => {
    const s = setup()
    const a = s.instance()
    s.store.fail('publish')
    const attempt = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`kept-${SECRET}`)

    expect(await attempt.promise).toMatchObject({ accessToken: `kept-${SECRET}`, version: 0 })
    expect(a.events).toEqual([
      { type: 'coordinator.unavailable', engine: 'memory', operation: 'publish', mode: 'local', error: 'CoordinatorUnavailableError' },
    ])
  })
})

describe('createCoordinator: the engine unreachable', () => {
  it("'local' (the default): fetches alone, shares nothing, reports coordinator.unavailable", async () => {
    const s = setup()
    const a = s.instance()
    s.store.fail('acquire')

    const attempt = a.refresh(3)
    await flush()
    expect(a.upstream.calls).toHaveLength(1)
    // Alone: no shared refresh token (the controller falls back to its own).
    expect(a.upstream.calls[0]!.refreshToken).toBeUndefined()
    a.upstream.calls[0]!.answer(`local-${SECRET}`)

    // It names the version it replaced (3), so the record still stored is never taken for newer.
    expect(await attempt.promise).toMatchObject({ accessToken: `local-${SECRET}`, version: 3 })
    expect(s.store.callsOf('publish')).toEqual([])
    expect(a.events).toEqual([
      { type: 'coordinator.unavailable', engine: 'memory', operation: 'acquire', mode: 'local', error: 'CoordinatorUnavailableError' },
    ])
  })

  it("'fail': rejects with CoordinatorUnavailableError (COORDINATOR_UNAVAILABLE) and fetches nothing", async () => {
    const s = setup()
    const a = s.instance({ onUnavailable: 'fail' })
    const down = new CoordinatorUnavailableError('memory engine: unreachable')
    s.store.fail('acquire', () => down)

    const error = await a.refresh(0).promise.catch((caught: unknown) => caught)

    expect(error).toBe(down)
    expect(error).toMatchObject({ code: 'COORDINATOR_UNAVAILABLE', name: 'CoordinatorUnavailableError' })
    expect(a.upstream.calls).toHaveLength(0)
    expect(a.events).toEqual([
      { type: 'coordinator.unavailable', engine: 'memory', operation: 'acquire', mode: 'fail', error: 'CoordinatorUnavailableError' },
    ])
  })

  it("'fail': an engine error of another kind is wrapped, its name reported, the original kept as cause", async () => {
    const s = setup()
    const a = s.instance({ onUnavailable: 'fail' })
    const reset = Object.assign(new Error(`ECONNRESET while sending shared-${SECRET}`), { name: 'ReplyError' })
    s.store.fail('acquire', () => reset)

    const error = (await a.refresh(0).promise.catch((caught: unknown) => caught)) as CoordinatorUnavailableError

    expect(error).toBeInstanceOf(CoordinatorUnavailableError)
    expect(error.cause).toBe(reset)
    expect(error.message).toContain('ReplyError')
    expect(error.message).not.toContain(SECRET)
    expect(a.events).toMatchObject([{ type: 'coordinator.unavailable', error: 'ReplyError' }])
  })

  // A wait for the holder whose engine call fails (the store went down mid-wait) follows the onUnavailable rule like
  // any engine call: 'local' fetches alone and reports it (a regression test: the wait once escaped the rule).
  it("'local': a wait for the holder that fails (the engine went down) fetches alone and reports it", async () => {
    const s = setup()
    s.store.lockElsewhere()
    s.store.fail('waitForChange')
    const a = s.instance()

    const attempt = a.refresh(0)
    await flush()
    a.upstream.calls[0]?.answer(`local-${SECRET}`)
    await flush()

    expect(attempt.outcome).toMatchObject({ status: 'fulfilled', grant: { version: 0 } })
    expect(a.events).toMatchObject([{ type: 'coordinator.unavailable', operation: 'waitForChange', mode: 'local' }])
  })

  it("'fail': a wait for the holder that fails rejects with COORDINATOR_UNAVAILABLE", async () => {
    const s = setup()
    s.store.lockElsewhere()
    s.store.fail('waitForChange')
    const a = s.instance({ onUnavailable: 'fail' })

    await expect(a.refresh(0).promise).rejects.toMatchObject({ code: 'COORDINATOR_UNAVAILABLE' })
    expect(a.upstream.calls).toHaveLength(0)
  })

  it('read() during an outage resolves null and reports coordinator.unavailable for read', async () => {
    const s = setup()
    publishFresh(s)
    await flush()
    const a = s.instance({ onUnavailable: 'fail' })
    s.store.fail('read')

    expect(await a.connection.read()).toBeNull()
    expect(a.events).toEqual([
      { type: 'coordinator.unavailable', engine: 'memory', operation: 'read', mode: 'fail', error: 'CoordinatorUnavailableError' },
    ])
  })

  it('coordinates again once the engine answers', async () => {
    const s = setup()
    const a = s.instance()
    s.store.fail('acquire')
    const first = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`local-${SECRET}`)
    await first.promise
    s.store.heal()

    const second = a.refresh(0)
    await flush()
    a.upstream.calls[1]!.answer(`shared-${SECRET}`)

    expect(await second.promise).toMatchObject({ version: 1 })
    expect(s.store.record?.accessToken).toBe(`shared-${SECRET}`)
  })
})

describe('createCoordinator: the fleet-wide fetch quota', () => {
  it('rejects with FetchQuotaExceededError (FETCH_QUOTA_EXCEEDED, retryAfterMs) and calls nothing upstream', async () => {
    const s = setup({ maxFetches: 1, fetchWindowMs: HOUR_MS })
    const a = s.instance({ maxFetches: 1 })
    const first = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`one-${SECRET}`)
    await first.promise
    s.clock.advance(600_000)

    // The token was refused (a 401): the next attempt names its version.
    const error = await a.refresh(1).promise.catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(FetchQuotaExceededError)
    expect(error).toMatchObject({ code: 'FETCH_QUOTA_EXCEEDED', retryAfterMs: HOUR_MS - 600_000 })
    expect((error as Error).message).toContain('1 token fetches')
    expect(a.upstream.calls).toHaveLength(1)
  })
})

describe('createCoordinator: announcements', () => {
  it('reads a watched version newer than any seen, once, and hands it to the host to adopt', async () => {
    const s = setup()
    const a = s.instance()

    publishFresh(s)
    await flush()

    expect(a.adopted.map((grant) => grant.version)).toEqual([1])
    expect(a.adopted[0]!.accessToken).toBe(`shared-${SECRET}`)
    expect(s.store.callsOf('read', a.number)).toHaveLength(1)
  })

  it('ignores a version no newer than the highest seen, without reading', async () => {
    const s = setup()
    const a = s.instance()
    publishFresh(s)
    await flush()

    s.store.announce(1)
    s.store.announce(0)
    await flush()

    expect(a.adopted).toHaveLength(1)
    expect(s.store.callsOf('read', a.number)).toHaveLength(1)
  })

  it('ignores an announcement of its own publish (it already holds that version)', async () => {
    const s = setup()
    const a = s.instance()
    const attempt = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`own-${SECRET}`)
    await attempt.promise

    s.store.announce(1)
    await flush()

    expect(a.adopted).toEqual([])
    expect(s.store.callsOf('read', a.number)).toEqual([])
  })

  it('adopts nothing when the record read is older than announced (expired meanwhile)', async () => {
    const s = setup()
    const a = s.instance()

    s.store.announce(7)
    await flush()

    expect(s.store.callsOf('read', a.number)).toHaveLength(1)
    expect(a.adopted).toEqual([])
  })

  it('a version adopted by its own refresh is not read again when announced', async () => {
    const s = setup()
    const a = s.instance()
    s.store.setDelivery('manual')
    publishFresh(s)

    await a.refresh(0).promise
    s.store.deliver()
    await flush()

    expect(a.adopted).toEqual([])
  })

  // The same version heard twice before its first read returns is read once (a regression test: the dedup once
  // moved only when the read returned).
  it('reads a version heard twice before the first read returned once', async () => {
    const s = setup()
    const a = s.instance()
    s.store.setDelivery('manual')
    publishFresh(s)
    s.store.announce(1)

    s.store.deliver()
    await flush()

    expect(a.adopted).toHaveLength(1)
    expect(s.store.callsOf('read', a.number)).toHaveLength(1)
  })

  it('a lost announcement (pub/sub is at-most-once) is made up by the next attempt: it adopts without fetching', async () => {
    const s = setup()
    const a = s.instance()
    s.store.setDelivery('manual')
    publishFresh(s)
    s.store.drop()

    expect(await a.refresh(0).promise).toMatchObject({ version: 1 })
    expect(a.upstream.calls).toEqual([])
  })

  it('reports a failed read of an announced version and adopts nothing', async () => {
    const s = setup()
    const a = s.instance()
    s.store.fail('read')

    s.store.announce(2)
    await flush()

    expect(a.adopted).toEqual([])
    expect(a.events).toMatchObject([{ type: 'coordinator.unavailable', operation: 'read' }])
  })
})

describe('createCoordinator: connect and close', () => {
  it('asks the engine to check fetchTimeoutMs at connect: a lease not longer throws a TypeError there', () => {
    const s = setup({ leaseMs: FETCH_TIMEOUT_MS })

    expect(() => s.instance()).toThrow(TypeError)
  })

  it("refuses an onUnavailable other than 'local' or 'fail' with a TypeError naming it", () => {
    const s = setup()

    expect(() => createCoordinator(s.store.engine(), { onUnavailable: 'retry' as never })).toThrow(/onUnavailable/)
  })

  it('close() unwatches and closes the engine once, however often called; later announcements are not read', async () => {
    const s = setup()
    const a = s.instance()
    expect(s.store.watchers(a.number)).toBe(1)

    a.connection.close()
    a.connection.close()
    publishFresh(s)
    await flush()

    expect(s.store.watchers(a.number)).toBe(0)
    expect(s.store.callsOf('close', a.number)).toHaveLength(1)
    expect(s.store.callsOf('read', a.number)).toEqual([])
    expect(a.adopted).toEqual([])
  })

  it('close() with an announcement already being read: nothing is adopted after it', async () => {
    const s = setup()
    const a = s.instance()
    let finishRead!: () => void
    s.store.hold('read', () => new Promise<void>((resolve) => (finishRead = resolve)))
    publishFresh(s)
    await flush()

    a.connection.close()
    finishRead()
    await flush()

    expect(a.adopted).toEqual([])
  })

  it('an engine whose close() rejects leaves no unhandled rejection', async () => {
    const s = setup()
    const a = s.instance({}, (engine) => ({ ...engine, close: () => Promise.reject(new Error('socket gone')) }))

    a.connection.close()
    await flush()

    expect(s.store.watchers(a.number)).toBe(0)
  })
})

describe('createCoordinator: no token where it could be printed', () => {
  it('sharedRecord keeps the tokens non-enumerable: JSON.stringify, Object.keys and spread show none', () => {
    const record = sharedRecord({ version: 3, accessToken: `a-${SECRET}`, refreshToken: `r-${SECRET}`, remainingMs: 1, lifetimeMs: 2 })

    expect(JSON.stringify(record)).toBe('{"version":3,"remainingMs":1,"lifetimeMs":2}')
    expect(Object.keys(record)).toEqual(['version', 'remainingMs', 'lifetimeMs'])
    expect(JSON.stringify({ ...record })).not.toContain(SECRET)
    expect([record.accessToken, record.refreshToken]).toEqual([`a-${SECRET}`, `r-${SECRET}`])
  })

  it('sharedRecord without a refresh token has none, not an undefined one', () => {
    const record = sharedRecord({ version: 1, accessToken: `a-${SECRET}`, remainingMs: 1, lifetimeMs: 1 })

    expect('refreshToken' in record).toBe(false)
  })

  it('grants handed to the host and returned by refresh, and every report, serialise without a token', async () => {
    const s = setup()
    const a = s.instance()
    const b = s.instance()
    const attempt = a.refresh(0)
    await flush()
    a.upstream.calls[0]!.answer(`a-${SECRET}`)
    const grant = await attempt.promise
    await flush()
    s.store.fail('acquire')
    const local = b.refresh(5)
    await flush()
    b.upstream.calls[0]!.answer(`b-${SECRET}`)
    await local.promise

    expect(b.adopted).toHaveLength(1)
    const printed = JSON.stringify([grant, b.adopted, a.events, b.events, s.store.calls])
    expect(printed).not.toContain(SECRET)
    expect(a.events.length + b.events.length).toBeGreaterThan(1)
  })
})
