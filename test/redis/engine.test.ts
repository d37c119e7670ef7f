// The Redis engine against a real redis-server, through both clients: what each script writes and answers (the lock,
// the versioned compare-and-set, the compare-and-delete, TTLs from the grant, the quota), and pub/sub carrying
// versions only. The algorithm on top (coordinate.ts) is exercised by controllers.test.ts and outage.test.ts.
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { sharedRecord } from '../../src/coordination/coordinate.ts'
import type { CoordinationEngine } from '../../src/coordination/types.ts'
import { redisEngine } from '../../src/redis/engine.ts'
import type { RedisCoordinatorOptions } from '../../src/redis/options.ts'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts'
import { clientKinds, freshKey, inspector } from './clients.ts'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(() => server.dispose())

const never = new AbortController().signal

function grant(accessToken: string, remainingMs: number, lifetimeMs = remainingMs, refreshToken?: string) {
  return sharedRecord({ version: 0, accessToken, refreshToken, remainingMs, lifetimeMs })
}

describe.each(clientKinds)('the Redis engine through $name', (kind) => {
  async function engine(options: Partial<RedisCoordinatorOptions> & { key: string }): Promise<CoordinationEngine> {
    const made = redisEngine(await kind.connect(server), options)
    onTestFinished(() => made.close())
    return made
  }

  async function acquired(made: CoordinationEngine, knownVersion = 0) {
    const outcome = await made.acquire({ knownVersion, signal: never, fetchTimeoutMs: 10_000 })
    if (outcome.kind !== 'acquired') throw new Error(`expected the lock, got ${outcome.kind}`)
    return outcome
  }

  it('takes the lock with SET NX PX leaseMs (a random owner id) when nothing is shared, and answers busy to the next', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const first = await engine({ key, leaseMs: 15_000 })
    const second = await engine({ key, pollIntervalMs: 700 })

    const outcome = await acquired(first)
    const busy = await second.acquire({ knownVersion: 0, signal: never, fetchTimeoutMs: 10_000 })

    expect(outcome).toMatchObject({ version: 0, record: null })
    expect(await redis.get(`${key}:lock`)).toBe((outcome.lock as { owner: string }).owner)
    expect(await redis.pttl(`${key}:lock`)).toBeGreaterThan(14_000)
    // Woken by the holder's announcement, else after the lock's PTTL, polling at most every pollIntervalMs.
    expect(busy).toEqual({ kind: 'busy', waitMs: 700 })
  })

  it('publishes with a versioned compare-and-set: version 1, the TTL from remainingMs, the counter without TTL', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const outcome = await acquired(made)

    const result = await made.publish(outcome.lock, outcome.version, grant('access-one', 60_000, 70_000, 'refresh-one'))

    expect(result.written).toBe(true)
    expect(result.record).toMatchObject({ version: 1, lifetimeMs: 70_000, accessToken: 'access-one', refreshToken: 'refresh-one' })
    expect(JSON.parse((await redis.get(key)) as string)).toEqual({
      version: 1,
      accessToken: 'access-one',
      refreshToken: 'refresh-one',
      lifetimeMs: 70_000,
    })
    const ttl = await redis.pttl(key)
    expect(ttl).toBeGreaterThan(59_000)
    expect(ttl).toBeLessThanOrEqual(60_000)
    expect(await redis.get(`${key}:version`)).toBe('1')
    expect(await redis.pttl(`${key}:version`)).toBe(-1)
    // Tokens are non-enumerable: logging the record cannot print them.
    expect(JSON.stringify(result.record)).not.toContain('access-one')
  })

  it("reads remainingMs from the record's PTTL, not from any host's clock", async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const outcome = await acquired(made)
    await made.publish(outcome.lock, outcome.version, grant('access-one', 60_000, 70_000))

    await redis.pexpire(key, 5_000)
    const record = await made.read()

    expect(record).toMatchObject({ version: 1, lifetimeMs: 70_000, accessToken: 'access-one' })
    expect(record!.remainingMs).toBeGreaterThan(4_000)
    expect(record!.remainingMs).toBeLessThanOrEqual(5_000)
    expect(record!.refreshToken).toBeUndefined()
  })

  it('stores a grant without an expiry with no TTL, and reads it back as Infinity (JSON has none: null)', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const outcome = await acquired(made)

    const result = await made.publish(outcome.lock, outcome.version, grant('forever', Infinity))

    expect(result.record).toMatchObject({ version: 1, remainingMs: Infinity, lifetimeMs: Infinity })
    expect(await redis.pttl(key)).toBe(-1)
    expect(JSON.parse((await redis.get(key)) as string)).toMatchObject({ lifetimeMs: null })
    expect(await made.read()).toMatchObject({ version: 1, remainingMs: Infinity, lifetimeMs: Infinity, accessToken: 'forever' })
  })

  it('refuses a publish against a stale or a future version and leaves the record and the counter as they were', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const first = await acquired(made)
    await made.publish(first.lock, first.version, grant('newer', 60_000))
    await made.release(first.lock)

    const stale = await made.publish(first.lock, 0, grant('older', 60_000))
    const future = await made.publish(first.lock, 7, grant('older', 60_000))

    for (const result of [stale, future]) {
      expect(result.written).toBe(false)
      expect(result.record).toMatchObject({ version: 1, accessToken: 'newer' })
    }
    expect(await redis.get(`${key}:version`)).toBe('1')
    expect(JSON.parse((await redis.get(key)) as string)).toMatchObject({ version: 1, accessToken: 'newer' })
  })

  it('answers shared for a record newer than the caller’s, and the lock with the record being replaced otherwise', async () => {
    const key = freshKey()
    const made = await engine({ key })
    const first = await acquired(made)
    await made.publish(first.lock, first.version, grant('one', 60_000, 60_000, 'refresh-one'))
    await made.release(first.lock)

    const shared = await made.acquire({ knownVersion: 0, signal: never, fetchTimeoutMs: 10_000 })
    const replacing = await acquired(made, 1)

    expect(shared).toMatchObject({ kind: 'shared', record: { version: 1, accessToken: 'one' } })
    // The refresh token of the record being replaced is the newest the fleet holds: the holder fetches with it.
    expect(replacing).toMatchObject({ version: 1, record: { version: 1, refreshToken: 'refresh-one' } })
    const written = await made.publish(replacing.lock, replacing.version, grant('two', 60_000))
    expect(written).toMatchObject({ written: true, record: { version: 2, accessToken: 'two' } })
  })

  it('releases only its own lock (compare-and-delete): a holder whose lease ran out leaves the next holder’s alone', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const slow = await engine({ key, leaseMs: 150, fetchTimeoutMs: 100 })
    const next = await engine({ key, leaseMs: 15_000 })
    const stalled = await acquired(slow)
    await vi.waitFor(async () => expect(await redis.exists(`${key}:lock`)).toBe(0), { timeout: 2_000, interval: 20 })

    const taking = await acquired(next)
    await next.publish(taking.lock, taking.version, grant('from-next', 60_000))
    await slow.release(stalled.lock)
    const late = await slow.publish(stalled.lock, stalled.version, grant('from-slow', 60_000))

    expect(await redis.get(`${key}:lock`)).toBe((taking.lock as { owner: string }).owner)
    expect(late).toMatchObject({ written: false, record: { version: 1, accessToken: 'from-next' } })
    await next.release(taking.lock)
    expect(await redis.exists(`${key}:lock`)).toBe(0)
  })

  it('keeps counting versions after the record expires: the next publish is version 2', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const first = await acquired(made)
    await made.publish(first.lock, first.version, grant('short', 30))
    await made.release(first.lock)
    await vi.waitFor(async () => expect(await made.read()).toBeNull(), { timeout: 2_000, interval: 20 })

    const again = await acquired(made, 0)
    const result = await made.publish(again.lock, again.version, grant('next', 60_000))

    expect(again).toMatchObject({ version: 1, record: null })
    expect(result.record).toMatchObject({ version: 2 })
    expect(await redis.get(`${key}:version`)).toBe('2')
  })

  it('treats what is not a record of ours under the key as no record, and a lost counter as the record’s version', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    await redis.set(key, 'not json')
    expect(await made.read()).toBeNull()
    const over = await acquired(made)
    expect(over).toMatchObject({ version: 0, record: null })
    await made.publish(over.lock, over.version, grant('mine', 60_000))
    await made.release(over.lock)

    // The counter evicted (allkeys-lru): versions still never go back below the stored record's.
    await redis.del(`${key}:version`)
    const next = await acquired(made, 1)
    const result = await made.publish(next.lock, next.version, grant('next', 60_000))

    expect(next.version).toBe(1)
    expect(result.record).toMatchObject({ version: 2 })
  })

  it('gives a lock set without a lease (not ours) one, so that it cannot block the fleet forever', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key, leaseMs: 15_000, pollIntervalMs: 400 })
    await redis.set(`${key}:lock`, 'set by hand')

    const busy = await made.acquire({ knownVersion: 0, signal: never, fetchTimeoutMs: 10_000 })

    expect(busy).toEqual({ kind: 'busy', waitMs: 400 })
    expect(await redis.pttl(`${key}:lock`)).toBeGreaterThan(14_000)
  })

  it('reads a record without an access token as none, and replaces it on the next publish', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    await redis.set(key, JSON.stringify({ version: 5 }))

    expect(await made.read()).toBeNull()
    const outcome = await acquired(made, 0)
    const result = await made.publish(outcome.lock, outcome.version, grant('real', 60_000))

    expect(result.record).toMatchObject({ version: 1, accessToken: 'real' })
  })

  it('holds the fleet to maxFetches per window: counted when the lock is taken, then quota with the window’s PTTL', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key, maxFetches: 2, fetchWindowMs: 60_000 })
    for (let i = 0; i < 2; i++) await made.release((await acquired(made)).lock)

    const spent = await made.acquire({ knownVersion: 0, signal: never, fetchTimeoutMs: 10_000 })

    expect(spent.kind).toBe('quota')
    const retryInMs = (spent as { retryInMs: number }).retryInMs
    expect(retryInMs).toBeGreaterThan(59_000)
    expect(retryInMs).toBeLessThanOrEqual(60_000)
    expect(await redis.get(`${key}:fetches`)).toBe('2')
    expect(await redis.exists(`${key}:lock`)).toBe(0)
  })

  it('gives a quota counter set without a window (by hand) one: the quota cannot stay spent forever', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key, maxFetches: 3, fetchWindowMs: 30_000 })
    await redis.set(`${key}:fetches`, '3')

    const spent = await made.acquire({ knownVersion: 0, signal: never, fetchTimeoutMs: 10_000 })

    expect(spent.kind).toBe('quota')
    expect((spent as { retryInMs: number }).retryInMs).toBeGreaterThan(29_000)
    expect(await redis.pttl(`${key}:fetches`)).toBeGreaterThan(29_000)
  })

  it('passes on only whole positive versions heard on its channel', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const made = await engine({ key })
    const heard: number[] = []
    made.watch((version) => heard.push(version))
    await vi.waitFor(async () => expect(await redis.pubsub('NUMSUB', `${key}:published`)).toEqual([`${key}:published`, 1]))

    for (const message of ['hello', '0', '-1', '1.5', '3', '2']) await redis.publish(`${key}:published`, message)

    await vi.waitFor(() => expect(heard).toEqual([3, 2]))
  })

  it('announces only the version on `key:published`: no token in any message', async () => {
    const key = freshKey()
    const listener = inspector(server)
    const messages: string[] = []
    listener.on('pmessage', (_pattern: string, _channel: string, message: string) => messages.push(message))
    await listener.psubscribe('*')
    const made = await engine({ key })
    const heard: number[] = []
    made.watch((version) => heard.push(version))
    await vi.waitFor(async () => expect(await inspector(server).pubsub('NUMSUB', `${key}:published`)).toEqual([`${key}:published`, 1]))

    for (const [known, token] of ['secret-access-1', 'secret-access-2'].entries()) {
      const outcome = await acquired(made, known)
      await made.publish(outcome.lock, outcome.version, grant(token, 60_000, 60_000, `refresh-${token}`))
      await made.release(outcome.lock)
    }

    await vi.waitFor(() => expect(heard).toEqual([1, 2]))
    expect(messages).toEqual(['1', '2'])
    for (const message of messages) expect(message).not.toMatch(/secret/)
  })

  it('opens its subscriber connection on the first watch, not before, and closes it with close()', async () => {
    const key = freshKey()
    const redis = inspector(server)
    const channel = `${key}:published`
    const made = redisEngine(await kind.connect(server), { key })
    await made.read()
    expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 0])

    made.watch(() => undefined)
    await vi.waitFor(async () => expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 1]))
    await made.close()

    await vi.waitFor(async () => expect(await redis.pubsub('NUMSUB', channel)).toEqual([channel, 0]))
  })

  it('closes a subscriber still connecting: it never subscribes, and nothing is left unhandled', async () => {
    const key = freshKey()
    const made = redisEngine(await kind.connect(server), { key })
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    onTestFinished(() => {
      process.off('unhandledRejection', unhandled)
    })

    made.watch(() => undefined)
    await made.close()
    made.watch(() => undefined)
    await made.waitForChange(10, never)

    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await inspector(server).pubsub('NUMSUB', `${key}:published`)).toEqual([`${key}:published`, 0])
    expect(unhandled).not.toHaveBeenCalled()
  })

  it('waitForChange resolves on the next announcement, after its ms, or when its signal aborts', async () => {
    const key = freshKey()
    const waiter = await engine({ key, pollIntervalMs: 60_000 })
    const publisher = await engine({ key })
    waiter.watch(() => undefined)
    await vi.waitFor(async () => expect(await inspector(server).pubsub('NUMSUB', `${key}:published`)).toEqual([`${key}:published`, 1]))
    const started = Date.now()

    const woken = waiter.waitForChange(30_000, never)
    const outcome = await acquired(publisher)
    await publisher.publish(outcome.lock, outcome.version, grant('one', 60_000))
    await woken
    expect(Date.now() - started).toBeLessThan(5_000)

    await waiter.waitForChange(20, never)
    const abort = new AbortController()
    const aborted = waiter.waitForChange(30_000, abort.signal)
    abort.abort()
    await aborted
    await waiter.waitForChange(30_000, abort.signal)
  })

  it('polls the version counter when pub/sub is refused (an ACL without the channel): watchers still hear new versions', async () => {
    const key = freshKey()
    const redis = inspector(server)
    // This user may run every command on every key, but may not subscribe to (or publish on) any channel.
    await redis.call('ACL', 'SETUSER', 'no-channels', 'on', '>pw', '~*', '+@all', 'resetchannels')
    const restricted = { ...server, url: `redis://no-channels:pw@127.0.0.1:${server.port}` }
    const client = kind.name === 'ioredis' ? await restrictedIoRedis(server.port) : await kind.connect(restricted as RedisServer)
    const watcher = redisEngine(client, { key, pollIntervalMs: 50 })
    onTestFinished(() => watcher.close())
    const publisher = await engine({ key })
    const heard: number[] = []
    watcher.watch((version) => heard.push(version))

    for (const known of [0, 1]) {
      const outcome = await acquired(publisher, known)
      await publisher.publish(outcome.lock, outcome.version, grant(`token-${known}`, 60_000))
      await publisher.release(outcome.lock)
      // Each version is heard once, however many polls read it.
      await vi.waitFor(() => expect(heard).toEqual(known === 0 ? [1] : [1, 2]), { timeout: 3_000 })
    }
    expect(await redis.pubsub('NUMSUB', `${key}:published`)).toEqual([`${key}:published`, 0])
  })
})

async function restrictedIoRedis(port: number) {
  const { Redis } = await import('ioredis')
  const client = new Redis(port, '127.0.0.1', { username: 'no-channels', password: 'pw', maxRetriesPerRequest: null })
  client.on('error', () => undefined)
  onTestFinished(() => client.disconnect())
  return client
}
