// Two controllers in one process, each with its own Redis client and redisCoordinator on the same key, against the
// loopback token server and a real redis-server: one upstream call for a burst on both, the other adopting through
// pub/sub, a revocation seen by one reaching the other, the fleet quota, and the Redis commands one refresh costs.
import { createTokenController, type TokenController, type TokenControllerEvent, type TokenControllerOptions } from 'painless-token'
import { redisCoordinator, type RedisCoordinatorOptions } from 'painless-token/redis'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts'
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts'
import { clientKinds, freshKey, inspector, type ClientKind } from './clients.ts'

let redisServer: RedisServer
let tokenServer: TokenServer
beforeAll(async () => {
  redisServer = await startRedisServer()
  tokenServer = await startTokenServer({ delayMs: 50 })
})
afterAll(async () => {
  await tokenServer.close()
  await redisServer.dispose()
})

interface Instance {
  tokens: TokenController
  events: TokenControllerEvent[]
}

async function instance(
  kind: ClientKind,
  coordinatorOptions: RedisCoordinatorOptions,
  options: Partial<TokenControllerOptions> = {},
): Promise<Instance> {
  const events: TokenControllerEvent[] = []
  const tokens = createTokenController({
    fetchToken: ({ attempt, signal }) => tokenServer.fetchToken({ attempt, signal: signal as AbortSignal }),
    onEvent: (event) => events.push(event),
    coordinator: redisCoordinator(await kind.connect(redisServer), coordinatorOptions),
    ...options,
  })
  onTestFinished(() => tokens.stop())
  await tokens.ready()
  return { tokens, events }
}

function tokenCalls(): number {
  return tokenServer.calls('/token')
}

function types(events: TokenControllerEvent[]): string[] {
  return events.map((event) => event.type).filter((type) => type.startsWith('coordinator.') || type === 'token.adopted')
}

describe.each(clientKinds)('two controllers sharing one token through $name', (kind) => {
  it('makes one upstream call for a burst on both, and every request gets the same token', async () => {
    const key = freshKey()
    const a = await instance(kind, { key })
    const b = await instance(kind, { key })
    const before = tokenCalls()

    const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).tokens.getToken()))

    expect(tokenCalls() - before).toBe(1)
    expect(new Set(tokens).size).toBe(1)
    // One published; the other adopted, through the pushed announcement or its own re-ask, whichever came first.
    const [holder, other] = types(a.events).includes('coordinator.published') ? [a, b] : [b, a]
    expect(types(holder.events).filter((type) => type === 'coordinator.published')).toHaveLength(1)
    expect(types(other.events)).not.toContain('coordinator.published')
    expect(types(other.events).some((type) => type === 'token.adopted' || type === 'coordinator.adopted')).toBe(true)
    for (const { events } of [a, b]) expect(JSON.stringify(events)).not.toContain(tokens[0])
  })

  it('hands a token one instance refreshed after a revocation to the other through pub/sub: no request, no call of its own', async () => {
    const key = freshKey()
    const a = await instance(kind, { key })
    const b = await instance(kind, { key })
    const first = await a.tokens.getToken()
    expect(await b.tokens.getToken()).toBe(first)
    const before = tokenCalls()

    a.tokens.invalidate(first)
    const second = await a.tokens.getToken()

    await vi.waitFor(() => expect(b.tokens.currentToken()).toBe(second))
    expect(second).not.toBe(first)
    expect(tokenCalls() - before).toBe(1)
    expect(types(b.events)).toContain('token.adopted')
    for (const { events } of [a, b]) expect(JSON.stringify(events)).not.toMatch(new RegExp(`${first}|${second}`))
  })

  it('a third instance starting later takes the shared token at hydration, with no call', async () => {
    const key = freshKey()
    const a = await instance(kind, { key })
    const token = await a.tokens.getToken()
    const before = tokenCalls()

    const late = await instance(kind, { key })

    expect(late.tokens.currentToken()).toBe(token)
    expect(await late.tokens.getToken()).toBe(token)
    expect(tokenCalls()).toBe(before)
  })

  it('stops at maxFetches for the fleet: the next refresh fails with FETCH_QUOTA_EXCEEDED and calls nothing', async () => {
    const key = freshKey()
    const a = await instance(kind, { key, maxFetches: 1 }, { retry: { attempts: 1 } })
    const b = await instance(kind, { key, maxFetches: 1 }, { retry: { attempts: 1 } })
    const first = await a.tokens.getToken()
    expect(await b.tokens.getToken()).toBe(first)
    const before = tokenCalls()

    b.tokens.invalidate(first)
    const refused = await b.tokens.getToken().then(
      () => undefined,
      (error: unknown) => error,
    )

    expect(refused).toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'FETCH_QUOTA_EXCEEDED', name: 'FetchQuotaExceededError' } })
    expect((refused as { cause: { retryAfterMs: number } }).cause.retryAfterMs).toBeGreaterThan(86_000_000)
    expect(tokenCalls()).toBe(before)
  })

  it('gives the lock back when the attempt ends while the acquire is in flight (stop() right after a request)', async () => {
    const key = freshKey()
    const redis = inspector(redisServer)
    const a = await instance(kind, { key, maxFetches: 10 })
    const before = tokenCalls()

    const stopped = a.tokens.getToken().then(
      () => 'resolved',
      (error: { code: string }) => error.code,
    )
    a.tokens.stop()

    expect(await stopped).toBe('STOPPED')
    // The script ran (the quota counted the lock being taken), and the lock is gone long before its 15 s lease.
    await vi.waitFor(async () => expect(await redis.get(`${key}:fetches`)).toBe('1'))
    await vi.waitFor(async () => expect(await redis.exists(`${key}:lock`)).toBe(0), { timeout: 1_000 })
    expect(tokenCalls()).toBe(before)
  })

  it('costs a handful of Redis round trips per refresh (INFO commandstats)', async () => {
    const key = freshKey()
    const redis = inspector(redisServer)
    const a = await instance(kind, { key })
    const b = await instance(kind, { key })
    await a.tokens.getToken()
    await vi.waitFor(() => expect(b.tokens.currentToken()).toBeDefined())
    await redis.config('RESETSTAT')

    a.tokens.invalidate(a.tokens.currentToken()!)
    const token = await a.tokens.getToken()
    await vi.waitFor(() => expect(b.tokens.currentToken()).toBe(token))

    const stats = await commandStats(redis)
    // Holder: acquire, publish (with its PUBLISH), release; the other: one read when the announcement arrives. The
    // holder reads too if its own announcement overtakes the publish reply (two connections): 5 at most.
    expect(stats.eval).toBeGreaterThanOrEqual(4)
    expect(stats.eval).toBeLessThanOrEqual(5)
    expect(stats.publish).toBe(1)
  })
})

async function commandStats(redis: Redis): Promise<{ eval: number; publish: number }> {
  const info = await redis.info('commandstats')
  const calls = (command: string) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0)
  return { eval: calls('eval'), publish: calls('publish') }
}
