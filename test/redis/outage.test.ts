// Redis stopped under a running controller (`server.stop()`), then started again on the same port: every call is
// bounded by commandTimeoutMs, the outage is reported as `coordinator.unavailable`, 'local' fetches alone, 'fail'
// rejects with REFRESH_FAILED caused by COORDINATOR_UNAVAILABLE, and coordination resumes after the restart.
import { createTokenController, type TokenControllerEvent } from 'painless-token'
import { redisCoordinator, type RedisCoordinatorOptions } from 'painless-token/redis'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { redisEngine } from '../../src/redis/engine.ts'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts'
import { startTokenServer, type TokenServer } from '../helpers/token-server.ts'
import { clientKinds, freshKey, inspector, type ClientKind } from './clients.ts'

const COMMAND_TIMEOUT_MS = 300

let redisServer: RedisServer
let tokenServer: TokenServer
beforeAll(async () => {
  redisServer = await startRedisServer()
  tokenServer = await startTokenServer()
})
afterAll(async () => {
  await tokenServer.close()
  await redisServer.dispose()
})

async function controller(kind: ClientKind, options: Omit<RedisCoordinatorOptions, 'commandTimeoutMs'>) {
  const events: TokenControllerEvent[] = []
  const tokens = createTokenController({
    fetchToken: ({ attempt, signal }) => tokenServer.fetchToken({ attempt, signal: signal as AbortSignal }),
    onEvent: (event) => events.push(event),
    retry: { attempts: 2, baseDelayMs: 0, jitter: false },
    coordinator: redisCoordinator(await kind.connect(redisServer), { commandTimeoutMs: COMMAND_TIMEOUT_MS, ...options }),
  })
  onTestFinished(() => tokens.stop())
  await tokens.ready()
  return { tokens, events }
}

// The next test needs the server up whatever this one did.
async function outage(): Promise<void> {
  onTestFinished(() => redisServer.start())
  await redisServer.stop()
}

function unavailableEvents(events: TokenControllerEvent[]) {
  return events.filter((event) => event.type === 'coordinator.unavailable')
}

describe.each(clientKinds)('Redis stopped under a controller using $name', (kind) => {
  it("'local': refreshes alone within commandTimeoutMs, reports it, and coordinates again once Redis is back", async () => {
    const key = freshKey()
    const { tokens, events } = await controller(kind, { key, onUnavailable: 'local' })
    const before = tokenServer.calls('/token')
    await outage()

    const started = Date.now()
    const token = await tokens.getToken()

    expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS + 1_000)
    expect(tokenServer.calls('/token') - before).toBe(1)
    expect(unavailableEvents(events)).toContainEqual({
      type: 'coordinator.unavailable',
      engine: 'redis',
      operation: 'acquire',
      mode: 'local',
      error: 'CoordinatorUnavailableError',
    })
    expect(JSON.stringify(events)).not.toContain(token)

    await redisServer.start()
    // Each try is a refresh: 'local' (Redis still reconnecting) or coordinated again.
    tokens.invalidate(token)
    await vi.waitFor(
      async () => {
        tokens.invalidate(await tokens.getToken())
        expect(events.map((event) => event.type)).toContain('coordinator.published')
      },
      { timeout: 8_000, interval: 200 },
    )
    expect(JSON.parse((await inspector(redisServer).get(key)) as string)).toMatchObject({ version: expect.any(Number) })
  })

  it("'fail': rejects with REFRESH_FAILED caused by COORDINATOR_UNAVAILABLE, calls nothing upstream, and recovers", async () => {
    const key = freshKey()
    const { tokens, events } = await controller(kind, { key, onUnavailable: 'fail' })
    const before = tokenServer.calls('/token')
    await outage()

    const started = Date.now()
    const error = await tokens.getToken().then(
      () => undefined,
      (reason: unknown) => reason,
    )

    // Two attempts, each bounded by commandTimeoutMs.
    expect(Date.now() - started).toBeLessThan(2 * COMMAND_TIMEOUT_MS + 1_000)
    expect(error).toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'COORDINATOR_UNAVAILABLE', name: 'CoordinatorUnavailableError' } })
    expect(tokenServer.calls('/token')).toBe(before)
    expect(unavailableEvents(events)).toContainEqual(expect.objectContaining({ operation: 'acquire', mode: 'fail' }))

    await redisServer.start()
    await vi.waitFor(() => tokens.getToken(), { timeout: 8_000, interval: 200 })
    expect(events.map((event) => event.type)).toContain('coordinator.published')
    expect(tokenServer.calls('/token') - before).toBe(1)
  })

  it('bounds every engine call by commandTimeoutMs while Redis is down, and release() still settles without rejecting', async () => {
    const key = freshKey()
    const engine = redisEngine(await kind.connect(redisServer), { key, commandTimeoutMs: COMMAND_TIMEOUT_MS })
    onTestFinished(() => engine.close())
    const signal = new AbortController().signal
    const held = await engine.acquire({ knownVersion: 0, signal, fetchTimeoutMs: 10_000 })
    await outage()

    const started = Date.now()
    const outcomes = await Promise.allSettled([
      engine.read(),
      engine.acquire({ knownVersion: 0, signal, fetchTimeoutMs: 10_000 }),
      engine.publish(held.kind === 'acquired' ? held.lock : undefined, 0, { accessToken: 'a', remainingMs: 1_000, lifetimeMs: 1_000 }),
    ])
    const released = await engine.release(held.kind === 'acquired' ? held.lock : undefined)

    expect(Date.now() - started).toBeLessThan(2 * COMMAND_TIMEOUT_MS + 1_000)
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'COORDINATOR_UNAVAILABLE', name: 'CoordinatorUnavailableError' },
      })
    expect(released).toBeUndefined()
  })
})
