// redisCoordinator's construction: the client recognised by shape (ioredis or node-redis, nothing else), every
// option checked with a TypeError naming it, and the lease checked against the controller's real fetchTimeoutMs.
import { createTokenController } from 'painless-token'
import { redisCoordinator } from 'painless-token/redis'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts'
import { clientKinds, freshKey } from './clients.ts'

let server: RedisServer
beforeAll(async () => {
  server = await startRedisServer()
})
afterAll(() => server.dispose())

const fetchToken = () => Promise.resolve({ access_token: 'a', expires_in: 3600 })

describe('the client', () => {
  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a URL', 'redis://127.0.0.1:6379'],
    ['an object with no eval', { status: 'ready', duplicate() {}, on() {} }],
    ['a client-like object that is neither ioredis nor node-redis', { eval() {}, duplicate() {}, on() {} }],
  ])('refuses %s with a TypeError naming client', (_name, client) => {
    expect(() => redisCoordinator(client, { key: 'k' })).toThrow(TypeError)
    expect(() => redisCoordinator(client, { key: 'k' })).toThrow(/client/)
  })

  it('takes an ioredis instance that is still connecting (or not connected at all yet): ready is not required', async () => {
    const client = new Redis(server.port, '127.0.0.1', { lazyConnect: true })
    onTestFinished(() => client.disconnect())
    expect(client.status).toBe('wait')
    const tokens = createTokenController({ fetchToken, coordinator: redisCoordinator(client, { key: freshKey() }) })
    onTestFinished(() => tokens.stop())

    expect(await tokens.getToken()).toBe('a')
  })
})

describe.each(clientKinds)('the options, with $name', (kind) => {
  it.each([
    ['options missing', undefined, /key/],
    ['options null', null, /key/],
    ['key missing', {}, /key/],
    ['key empty', { key: '' }, /key/],
    ['key a number', { key: 42 }, /key/],
    [
      'leaseMs equal to the default fetchTimeoutMs',
      { key: 'k', leaseMs: 10_000 },
      /leaseMs \(10000\) must be longer than fetchTimeoutMs \(10000\)/,
    ],
    ['leaseMs under fetchTimeoutMs', { key: 'k', leaseMs: 5_000, fetchTimeoutMs: 6_000 }, /leaseMs/],
    ['leaseMs zero', { key: 'k', leaseMs: 0 }, /leaseMs/],
    ['leaseMs a string', { key: 'k', leaseMs: '15000' }, /leaseMs/],
    ['fetchTimeoutMs a fraction', { key: 'k', fetchTimeoutMs: 1.5 }, /fetchTimeoutMs/],
    ['commandTimeoutMs zero', { key: 'k', commandTimeoutMs: 0 }, /commandTimeoutMs/],
    ['commandTimeoutMs Infinity', { key: 'k', commandTimeoutMs: Infinity }, /commandTimeoutMs/],
    ['pollIntervalMs negative', { key: 'k', pollIntervalMs: -1 }, /pollIntervalMs/],
    ['maxFetches zero', { key: 'k', maxFetches: 0 }, /maxFetches/],
    ['maxFetches NaN', { key: 'k', maxFetches: Number.NaN }, /maxFetches/],
    ['fetchWindowMs past the timer range', { key: 'k', fetchWindowMs: 2 ** 31 }, /fetchWindowMs/],
    ['onUnavailable unknown', { key: 'k', onUnavailable: 'retry' }, /onUnavailable/],
  ])('refuses %s with a TypeError naming it', async (_name, options, message) => {
    const client = await kind.connect(server)
    const make = () => redisCoordinator(client, options as never)
    expect(make).toThrow(TypeError)
    expect(make).toThrow(message)
  })

  it("checks the lease against the controller's own fetchTimeoutMs when the controller is created", async () => {
    const coordinator = redisCoordinator(await kind.connect(server), { key: freshKey(), leaseMs: 12_000 })

    expect(() => createTokenController({ fetchToken, fetchTimeoutMs: 12_000, coordinator })).toThrow(
      /leaseMs \(12000\) must be longer than fetchTimeoutMs \(12000\)/,
    )
    const tokens = createTokenController({ fetchToken, fetchTimeoutMs: 11_999, coordinator })
    tokens.stop()
  })

  it('takes every option at its bounds', async () => {
    const client = await kind.connect(server)
    expect(() =>
      redisCoordinator(client, {
        key: 'k',
        leaseMs: 2,
        fetchTimeoutMs: 1,
        commandTimeoutMs: 1,
        pollIntervalMs: 1,
        onUnavailable: 'fail',
        maxFetches: 1,
        fetchWindowMs: 2 ** 31 - 1,
      }),
    ).not.toThrow()
  })
})
