// The controller's `coordinator` option (issue 18): hydration from the shared record, each refresh attempt through
// the coordinator (one upstream call for a fleet), another instance's token adopted by push, and the machine's rules
// (fetchTimeoutMs, retries, stop) around the wait for another holder. Engine: the in-memory test double of the engine
// contract (test/helpers/memory-engine.ts); Redis and Web Locks run their own suites with the real thing.
import { inspect as show } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createCoordinator, type CoordinatorOptions } from '../src/coordination/coordinate.ts'
import {
  createTokenController,
  memoryStorage,
  type TokenController,
  type TokenControllerEvent,
  type TokenControllerOptions,
} from '../src/index.ts'
import { fakeFetch, track, type FakeFetch } from './helpers/fake-fetch.ts'
import { memoryStore, type MemoryStore, type MemoryStoreOptions } from './helpers/memory-engine.ts'
import { createVirtualClock, type VirtualClock } from './helpers/virtual-clock.ts'

const HOUR_MS = 3_600_000
/** Every token here holds this marker, so a leak is one substring search away. */
const SECRET = 'SeCrEt'

/** Lets every promise job run (engine calls, fetch answers, announcements) without moving the virtual clock. */
const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

interface Fleet {
  clock: VirtualClock
  store: MemoryStore
  /** A controller sharing the store: its fetchToken is hand-answered, its onEvent recorded. */
  controller(options?: Partial<TokenControllerOptions>, coordinatorOptions?: CoordinatorOptions): Member
}

interface Member {
  tokens: TokenController
  fetch: FakeFetch
  events: TokenControllerEvent[]
  eventsOf(type: string): TokenControllerEvent[]
  /** The store instance number of its engine. */
  instance: number
}

function fleet(storeOptions: Partial<MemoryStoreOptions> = {}): Fleet {
  const clock = createVirtualClock({ start: Date.UTC(2026, 11, 7) })
  const store = memoryStore({ now: clock.now, clock, leaseMs: 30_000, ...storeOptions })
  const started: TokenController[] = []
  return {
    clock,
    store,
    controller(options = {}, coordinatorOptions = {}) {
      const fetch = fakeFetch()
      const events: TokenControllerEvent[] = []
      const engine = store.engine()
      const tokens = createTokenController({
        fetchToken: fetch.fetchToken,
        now: clock.now,
        clock,
        retry: { attempts: 2, baseDelayMs: 100, jitter: false },
        fetchTimeoutMs: 5_000,
        onEvent: (event) => events.push(event),
        coordinator: createCoordinator(engine, coordinatorOptions),
        ...options,
      })
      started.push(tokens)
      return { tokens, fetch, events, eventsOf: (type) => events.filter((event) => event.type === type), instance: engine.instance }
    },
  }
}

function publishFresh(f: Fleet, token: string, options: { remainingMs?: number; refreshToken?: string } = {}): number {
  return f.store.publish({
    accessToken: token,
    refreshToken: options.refreshToken,
    remainingMs: options.remainingMs ?? HOUR_MS,
    lifetimeMs: 2 * HOUR_MS,
  })
}

describe('createTokenController: the coordinator option', () => {
  it.each([
    ['an object without connect', {}],
    ['a string', 'redis://127.0.0.1'],
    ['null', null],
    ['connect that is not a function', { connect: 'yes' }],
  ])('refuses %s with a TypeError naming coordinator', (_, coordinator) => {
    expect(() => createTokenController({ fetchToken: () => ({ access_token: 'x' }), coordinator: coordinator as never })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('coordinator') }),
    )
  })

  it("surfaces the engine's check at construction: a lease not longer than fetchTimeoutMs throws a TypeError", () => {
    const f = fleet({ leaseMs: 5_000 })

    expect(() => f.controller({ fetchTimeoutMs: 5_000 })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringContaining('fetchTimeoutMs') }),
    )
    expect(f.store.calls.filter((call) => call.operation !== 'watch')).toEqual([])
  })
})

describe('createTokenController with a coordinator: hydration from the shared record', () => {
  it('ready() waits for the shared read; then a fresh shared token is served with no fetch', async () => {
    const f = fleet()
    publishFresh(f, `shared-${SECRET}-1`)
    await flush()
    let finishRead!: () => void
    f.store.hold('read', () => new Promise<void>((resolve) => (finishRead = resolve)))
    const a = f.controller()
    const ready = track(a.tokens.ready())
    await flush()

    // Storage (memory) was read at once; the shared record not yet.
    expect(ready.status).toBe('pending')
    finishRead()
    await flush()

    expect(ready.status).toBe('fulfilled')
    expect(a.tokens.state).toBe('valid')
    expect(await a.tokens.getToken()).toBe(`shared-${SECRET}-1`)
    expect(a.fetch.count).toBe(0)
    expect(a.eventsOf('token.adopted')).toMatchObject([{ version: 1, released: 0 }])
  })

  it('a request made before hydration ends gets the shared token with no fetch', async () => {
    const f = fleet()
    publishFresh(f, `shared-${SECRET}-1`)
    await flush()
    const a = f.controller()

    const early = track(a.tokens.getToken())
    await flush()

    expect(early).toMatchObject({ status: 'fulfilled', value: `shared-${SECRET}-1` })
    expect(a.fetch.count).toBe(0)
  })

  it('stores the adopted token like a fetched one', async () => {
    const f = fleet()
    publishFresh(f, `shared-${SECRET}-1`)
    const storage = memoryStorage()
    const a = f.controller({ storage })
    await a.tokens.ready()

    expect(String(await storage.get('painless-token'))).toContain(`shared-${SECRET}-1`)
  })

  it('prefers a newer shared token to the one in storage', async () => {
    const f = fleet()
    publishFresh(f, `shared-${SECRET}-1`)
    const storage = memoryStorage()
    await storage.set('painless-token', JSON.stringify({ accessToken: `stored-${SECRET}`, expiresAt: f.clock.now() + HOUR_MS }))
    const a = f.controller({ storage })
    await a.tokens.ready()

    expect(await a.tokens.getToken()).toBe(`shared-${SECRET}-1`)
  })

  it('a stale shared record is not served: the first request refreshes under the lock, with its refresh token', async () => {
    const f = fleet()
    publishFresh(f, `old-${SECRET}`, { remainingMs: 10_000, refreshToken: `fleet-refresh-${SECRET}` })
    const a = f.controller()
    await a.tokens.ready()

    const request = track(a.tokens.getToken())
    await flush()
    expect(a.fetch.count).toBe(1)
    // The fleet's newest refresh token (rotated by another instance), not none.
    expect(a.fetch.last().refreshToken).toBe(`fleet-refresh-${SECRET}`)
    a.fetch.last().grant(`new-${SECRET}`, 7200)
    await flush()

    expect(request).toMatchObject({ status: 'fulfilled', value: `new-${SECRET}` })
    expect(f.store.record).toMatchObject({ version: 2, accessToken: `new-${SECRET}` })
    expect(a.eventsOf('coordinator.published')).toEqual([{ type: 'coordinator.published', engine: 'memory', version: 2 }])
  })

  it('an unreachable store at start reads as nothing shared: ready() resolves, the outage is reported', async () => {
    const f = fleet()
    f.store.fail('read')
    const a = f.controller()

    await a.tokens.ready()

    expect(a.eventsOf('coordinator.unavailable')).toMatchObject([{ operation: 'read', mode: 'local' }])
  })
})

describe('createTokenController with a coordinator: two controllers, one store', () => {
  it('a burst on both makes one fetchToken call; every request gets the same token', async () => {
    const f = fleet()
    const a = f.controller()
    const b = f.controller()
    await Promise.all([a.tokens.ready(), b.tokens.ready()])

    const requests = [...Array.from({ length: 50 }, () => a.tokens.getToken()), ...Array.from({ length: 50 }, () => b.tokens.getToken())]
    await flush()
    expect(a.fetch.count + b.fetch.count).toBe(1)
    const holder = a.fetch.count === 1 ? a : b
    holder.fetch.last().grant(`one-${SECRET}`, 7200)
    await flush()

    expect(new Set(await Promise.all(requests))).toEqual(new Set([`one-${SECRET}`]))
    expect(a.fetch.count + b.fetch.count).toBe(1)
    expect(f.store.version).toBe(1)
  })

  it('a 401 on one: it refreshes naming the refused version; the other adopts by push, with no fetch and no 401', async () => {
    const f = fleet()
    publishFresh(f, `t1-${SECRET}`)
    const a = f.controller()
    const b = f.controller()
    await Promise.all([a.tokens.ready(), b.tokens.ready()])
    expect([await a.tokens.getToken(), await b.tokens.getToken()]).toEqual([`t1-${SECRET}`, `t1-${SECRET}`])

    a.tokens.invalidate(`t1-${SECRET}`)
    await flush()
    expect(f.store.callsOf('acquire', a.instance).map((call) => call.detail)).toEqual([{ knownVersion: 1 }])
    a.fetch.last().grant(`t2-${SECRET}`, 7200)
    await flush()

    expect(b.tokens.currentToken()).toBe(`t2-${SECRET}`)
    expect(await b.tokens.getToken()).toBe(`t2-${SECRET}`)
    expect(b.fetch.count).toBe(0)
    expect(b.eventsOf('token.invalidated')).toEqual([])
    expect(b.eventsOf('token.adopted')).toMatchObject([{ version: 1 }, { version: 2 }])
    expect(a.fetch.count).toBe(1)
  })

  it('the one that was not refused never takes the refused token back after its own 401 (the version is kept)', async () => {
    const f = fleet()
    publishFresh(f, `t1-${SECRET}`)
    const a = f.controller()
    const b = f.controller()
    await Promise.all([a.tokens.ready(), b.tokens.ready()])

    // Both see the 401 for t1 before either publishes: only one upstream call, and nobody serves t1 again.
    a.tokens.invalidate(`t1-${SECRET}`)
    b.tokens.invalidate(`t1-${SECRET}`)
    const requests = [track(a.tokens.getToken()), track(b.tokens.getToken())]
    await flush()
    expect(a.fetch.count + b.fetch.count).toBe(1)
    ;(a.fetch.count === 1 ? a : b).fetch.last().grant(`t2-${SECRET}`, 7200)
    await flush()

    expect(requests.map((request) => request.value)).toEqual([`t2-${SECRET}`, `t2-${SECRET}`])
    expect(a.fetch.count + b.fetch.count).toBe(1)
  })

  it('a push while waiting for the holder and the re-read after it deliver one token, taken once', async () => {
    const f = fleet()
    const a = f.controller()
    const b = f.controller()
    await Promise.all([a.tokens.ready(), b.tokens.ready()])
    const first = track(a.tokens.getToken())
    await flush()
    const second = track(b.tokens.getToken())
    await flush()

    a.fetch.last().grant(`one-${SECRET}`, 7200)
    await flush()

    expect([first.value, second.value]).toEqual([`one-${SECRET}`, `one-${SECRET}`])
    // B took version 1 once, whichever came first (the wait's re-read or the push).
    expect(b.tokens.actor.getSnapshot().context.generation).toBe(1)
  })
})

describe('createTokenController with a coordinator: the wait for another holder follows the machine rules', () => {
  it('counts against fetchTimeoutMs and retries as usual; the request fails with FETCH_TIMEOUT after every attempt', async () => {
    const f = fleet()
    f.store.lockElsewhere()
    const a = f.controller({ fetchTimeoutMs: 1_000, retry: { attempts: 2, baseDelayMs: 100, jitter: false } })
    await a.tokens.ready()

    const request = track(a.tokens.getToken())
    await flush()
    expect(f.store.callsOf('waitForChange', a.instance)).toHaveLength(1)
    f.clock.advance(1_000)
    await flush()
    expect(a.eventsOf('refresh.retrying')).toMatchObject([{ attempt: 1, code: 'FETCH_TIMEOUT', delayMs: 100 }])
    f.clock.advance(100)
    await flush()
    expect(f.store.callsOf('waitForChange', a.instance)).toHaveLength(2)
    f.clock.advance(1_000)
    await flush()

    expect(request).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 2, cause: { code: 'FETCH_TIMEOUT' } } })
    expect(a.fetch.count).toBe(0)
    // Each wait ended with its attempt: none is left behind.
    expect(f.store.waiting).toBe(0)
  })

  it('adopts in the second attempt what the holder published meanwhile', async () => {
    const f = fleet()
    const release = f.store.lockElsewhere()
    const a = f.controller({ fetchTimeoutMs: 1_000, retry: { attempts: 2, baseDelayMs: 100, jitter: false } })
    await a.tokens.ready()
    const request = track(a.tokens.getToken())
    await flush()
    f.clock.advance(1_000)
    await flush()
    f.clock.advance(100)
    await flush()

    publishFresh(f, `held-elsewhere-${SECRET}`)
    release()
    await flush()

    expect(request).toMatchObject({ status: 'fulfilled', value: `held-elsewhere-${SECRET}` })
    expect(a.fetch.count).toBe(0)
  })

  it("'fail' with the store down: REFRESH_FAILED after every attempt, cause COORDINATOR_UNAVAILABLE, no fetchToken call", async () => {
    const f = fleet()
    const a = f.controller({}, { onUnavailable: 'fail' })
    await a.tokens.ready()
    f.store.fail('acquire')

    const request = track(a.tokens.getToken())
    await flush()
    f.clock.advance(100)
    await flush()

    expect(request).toMatchObject({
      status: 'rejected',
      reason: { code: 'REFRESH_FAILED', attempts: 2, cause: { code: 'COORDINATOR_UNAVAILABLE' } },
    })
    expect(a.fetch.count).toBe(0)
    expect(a.eventsOf('coordinator.unavailable')).toHaveLength(2)
  })

  it("'local' with the store down: fetches alone, serves it, reports the outage", async () => {
    const f = fleet()
    const a = f.controller()
    await a.tokens.ready()
    f.store.fail('acquire')

    const request = track(a.tokens.getToken())
    await flush()
    a.fetch.last().grant(`alone-${SECRET}`, 7200)
    await flush()

    expect(request).toMatchObject({ status: 'fulfilled', value: `alone-${SECRET}` })
    expect(a.eventsOf('coordinator.unavailable')).toMatchObject([{ operation: 'acquire', mode: 'local' }])
    expect(f.store.record).toBeNull()
  })

  it('the fleet quota spent: the attempt fails with FETCH_QUOTA_EXCEEDED and the retry waits for the window', async () => {
    const f = fleet({ maxFetches: 1, fetchWindowMs: 2_000 })
    const a = f.controller({ retry: { attempts: 2, baseDelayMs: 100, jitter: false } }, { maxFetches: 1 })
    await a.tokens.ready()
    const first = track(a.tokens.getToken())
    await flush()
    a.fetch.last().grant(`one-${SECRET}`, 7200)
    await flush()
    expect(first.status).toBe('fulfilled')

    a.tokens.invalidate(`one-${SECRET}`)
    await flush()

    expect(a.eventsOf('refresh.retrying')).toMatchObject([{ code: 'FETCH_QUOTA_EXCEEDED', delayMs: 2_000 }])
    expect(a.fetch.count).toBe(1)
    f.clock.advance(2_000)
    await flush()
    expect(a.fetch.count).toBe(2)
  })
})

describe('createTokenController with a coordinator: a token refused once is never served again', () => {
  // After an attempt that fetched without sharing (the store unreachable at acquire in 'local' mode, or at publish),
  // the driver returns the grant with version 0, so the machine's sharedVersion drops from the refused version to 0.
  // The next 401 then asks with knownVersion 0, and the still-stored refused record (version 1, fresh by its TTL) is
  // adopted back: a request goes out with the token that already got a 401.
  // BUG (coordinate.ts: `unavailable()` and the publish-failed branch return `withVersion(fetched, 0)`; keeping the
  // attempt's knownVersion would keep the refused version known). Reported in /work/brief/to-lead-machine.md.
  it.each(['acquire', 'publish'] as const)(
    'after a local refresh (store down at %s), a 401 does not bring the refused token back',
    async (operation) => {
      const f = fleet()
      publishFresh(f, `t1-${SECRET}`)
      await flush()
      const a = f.controller()
      await a.tokens.ready()
      expect(await a.tokens.getToken()).toBe(`t1-${SECRET}`)
      f.store.fail(operation)
      a.tokens.invalidate(`t1-${SECRET}`)
      await flush()
      a.fetch.last().grant(`local-${SECRET}`, 7200)
      await flush()
      expect(await a.tokens.getToken()).toBe(`local-${SECRET}`)
      f.store.heal()

      a.tokens.invalidate(`local-${SECRET}`)
      const next = track(a.tokens.getToken())
      await flush()

      expect(next.status === 'fulfilled' ? next.value : undefined).not.toBe(`t1-${SECRET}`)
      expect(a.fetch.count).toBe(2)
    },
  )
})

describe('createTokenController with a coordinator: stop()', () => {
  it('closes the connection once and settles every request, the lock released', async () => {
    const f = fleet()
    const a = f.controller()
    await a.tokens.ready()
    const requests = Array.from({ length: 5 }, () => track(a.tokens.getToken()))
    await flush()
    expect(f.store.lockHolder).toBe(a.instance)

    a.tokens.stop()
    await flush()

    expect(requests.map((request) => (request.reason as { code?: string } | undefined)?.code)).toEqual(Array(5).fill('STOPPED'))
    expect(f.store.callsOf('close', a.instance)).toHaveLength(1)
    expect(f.store.watchers(a.instance)).toBe(0)
    expect(f.store.lockHolder).toBeUndefined()
    expect(f.store.granted().every((lock) => lock.releases === 1)).toBe(true)
  })

  it('while waiting for another holder: every request settles STOPPED, no wait left on the clock', async () => {
    const f = fleet()
    f.store.lockElsewhere()
    const a = f.controller()
    await a.tokens.ready()
    const requests = Array.from({ length: 3 }, () => track(a.tokens.getToken()))
    await flush()

    a.tokens.stop()
    await flush()

    expect(requests.every((request) => (request.reason as { code?: string } | undefined)?.code === 'STOPPED')).toBe(true)
    expect(f.store.waiting).toBe(0)
  })

  it('a stopped controller adopts nothing an instance announces later', async () => {
    const f = fleet()
    const a = f.controller()
    await a.tokens.ready()
    a.tokens.stop()

    publishFresh(f, `late-${SECRET}`)
    await flush()

    expect(a.eventsOf('token.adopted')).toEqual([])
    expect(f.store.callsOf('read', a.instance)).toHaveLength(1)
  })
})

describe('createTokenController with a coordinator: no token in any event', () => {
  it('prints no token through onEvent or inspect across bursts, 401s, adoptions, refusals and an outage', async () => {
    const f = fleet()
    const printed: string[] = []
    const record = (value: unknown) => printed.push(JSON.stringify(value) ?? '', show(value, { depth: 8 }))
    const inspect = (event: unknown) => record(event)
    const a = f.controller({ inspect, onEvent: record })
    const b = f.controller({ inspect, onEvent: record })
    const issued: string[] = []
    const grant = (member: Member, name: string) => {
      const token = `${name}-${SECRET}-${issued.length}`
      issued.push(token, `${token}-refresh`)
      member.fetch.last().grant(token, 7200, { refresh_token: `${token}-refresh` })
    }
    await Promise.all([a.tokens.ready(), b.tokens.ready()])

    // A burst, one fetch, the waiter adopting by its re-read (the push held back); a 401 on A, adopted by B by push; a
    // late publisher refused; an outage in 'local' mode.
    f.store.setDelivery('manual')
    const burst = [a.tokens.getToken(), b.tokens.getToken()]
    await flush()
    grant(a.fetch.count ? a : b, 'burst')
    await Promise.all(burst)
    f.store.deliver()
    f.store.setDelivery('auto')
    a.tokens.invalidate(await a.tokens.getToken())
    await flush()
    grant(a, 'after-401')
    await flush()
    b.tokens.invalidate(await b.tokens.getToken())
    await flush()
    // B's process stalls past its lease (no timer fires meanwhile); another instance publishes; B's publish is refused.
    f.store.setDelivery('manual')
    f.clock.advance(30_001, { fire: false })
    publishFresh(f, `elsewhere-${SECRET}`)
    issued.push(`elsewhere-${SECRET}`)
    grant(b, 'refused')
    await flush()
    f.store.deliver()
    f.store.setDelivery('auto')
    await flush()
    f.store.fail('acquire')
    a.tokens.invalidate(await a.tokens.getToken())
    await flush()
    grant(a, 'local')
    await flush()
    a.tokens.stop()
    b.tokens.stop()

    const types = new Set(printed.map((line) => /"type":"([a-z.]+)"/.exec(line)?.[1]))
    for (const type of [
      'coordinator.published',
      'coordinator.adopted',
      'coordinator.refused',
      'coordinator.unavailable',
      'token.adopted',
    ]) {
      expect(types.has(type), `${type} was printed`).toBe(true)
    }
    const leaks = issued.filter((token) => printed.some((line) => line.includes(token)))
    expect(leaks.length, 'issued tokens found in onEvent or inspect output').toBe(0)
  })
})
