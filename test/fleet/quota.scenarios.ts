// Issue 18, scenario 6: the token endpoint allows 5 tokens per simulated day (WeChat's daily quota, scaled down: a
// "day" of 3 s, tokens that live 1 s). A fleet of 4 processes sending all day long stays within it with the
// coordinator; the same fleet without one exceeds it, so the test can fail.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts'
import { startFleetServer, type FleetServer } from './fleet-server.ts'
import { closeFleet, startFleet, total, type Worker } from './fleet.ts'
import type { WorkerConfig } from './protocol.ts'

export function quotaScenarios(): void {
  const QUOTA = { perDay: 5, dayMs: 3_000 }
  const TOKEN_MS = 1_000
  const FLEET = 4

  let redis: RedisServer
  let server: FleetServer

  beforeAll(async () => {
    ;[redis, server] = await Promise.all([startRedisServer(), startFleetServer({ ttlMs: TOKEN_MS, graceMs: 500, quota: QUOTA })])
  })
  afterAll(async () => {
    await Promise.all([server.close(), redis.dispose()])
  })

  function config(client: WorkerConfig['client']) {
    return (id: string): WorkerConfig => ({
      id,
      serverUrl: server.url,
      client,
      redisUrl: redis.url,
      coordinator: { key: `fleet:quota:${client}`, leaseMs: 1_500, fetchTimeoutMs: 1_000 },
      controller: { fetchTimeoutMs: 1_000, leewayMs: 200 },
    })
  }

  // Every process sends a request every 50 ms for one whole simulated day.
  async function oneDay(workers: readonly Worker[]) {
    server.startDay()
    const from = server.calls.length
    const until = Date.now() + QUOTA.dayMs
    const results = total(await Promise.all(workers.map((worker) => worker.loop(50, until))))
    const day = { results, calls: server.callsSince(from).length, ...server.quotaFigures() }
    if (process.env.FLEET_FIGURES) {
      const { sent, ok } = results
      console.log(
        `[fleet figures] quota day: ${JSON.stringify({ calls: day.calls, refused: day.refused, max: day.maxIssuedInADay, sent, ok })}`,
      )
    }
    return day
  }

  it(`6: ${FLEET} processes over a simulated day of expiries stay within a quota of ${QUOTA.perDay} tokens; without a coordinator they exceed it`, async () => {
    const coordinated = await startFleet(FLEET, config('ioredis'))
    try {
      const day = await oneDay(coordinated)
      // Expiries really happened (a token lives a third of the day; at least one refreshed on a slow machine), each
      // refreshed once for the fleet.
      expect(day.calls).toBeGreaterThanOrEqual(2)
      expect(day.calls).toBeLessThanOrEqual(QUOTA.perDay)
      expect(day.refused).toBe(0)
      expect(day.results.failed).toEqual({})
      expect(coordinated.flatMap((worker) => worker.crashes)).toEqual([])
    } finally {
      await closeFleet(coordinated)
    }

    const alone = await startFleet(FLEET, config('none'))
    try {
      const day = await oneDay(alone)
      expect(day.calls).toBeGreaterThan(QUOTA.perDay)
      expect(day.refused).toBeGreaterThan(0)
    } finally {
      await closeFleet(alone)
    }
  }, 120_000)
}
