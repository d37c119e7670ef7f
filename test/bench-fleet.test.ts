// Workload F's wiring, on a tiny fleet (real child processes, a real redis-server, the loopback token server): the
// coordinated rounds make one upstream call and hand out one token, the uncoordinated ones one call per process;
// Redis commands are counted without our own INFO and PUBSUB; a wrong count is a violation. No figure is timed.
import { Redis } from 'ioredis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { commandCounter, commandsBetween } from '../bench/fleet/redis-commands.ts'
import { seededRandom } from '../bench/measure/rng.ts'
import { parsePlan, type Plan } from '../bench/plan.ts'
import { createChecks } from '../bench/report/checks.ts'
import { checkRound, runFleet, type RoundRecord } from '../bench/workloads/fleet.ts'
import { startRedisServer } from './helpers/redis-server.ts'

describe('bench F: a fleet sharing one token', () => {
  it('runs with --only f, in the full plan and in --quick', () => {
    const quick = parsePlan(['--quick', '--only', 'f']) as Plan
    const full = parsePlan([]) as Plan

    expect([...quick.only]).toEqual(['f'])
    expect(full.only.has('f')).toBe(true)
    expect(full.fleet.processes).toEqual([1, 2, 4, 8])
    expect(quick.fleet.requests).toEqual([100, 1_000])
  })

  it('counts the commands that ran between two snapshots, leaving out its own INFO and PUBSUB NUMSUB', async () => {
    const server = await startRedisServer()
    onTestFinished(() => server.dispose())
    const observer = new Redis(server.url)
    const app = new Redis(server.url)
    onTestFinished(() => {
      observer.disconnect()
      app.disconnect()
    })
    const counter = commandCounter(observer)

    const before = await counter.snapshot()
    await app.set('k', '1')
    await app.eval("return redis.call('GET', KEYS[1])", 1, 'k')
    await counter.snapshot()
    await observer.pubsub('NUMSUB', 'channel')
    const after = await counter.snapshot()

    expect(commandsBetween(before, after)).toEqual({ set: 1, eval: 1, get: 1 })
  })

  it('one upstream call and one token per coordinated round, one per process without; nothing rejected; no Redis on the fast path', async () => {
    const plan = parsePlan(['--quick', '--only', 'f']) as Plan
    plan.fleet = { processes: [2], requests: [20], rounds: 1, tokenDelayMs: 20, fastPath: { rounds: 1, minCpuMs: 10 } }
    const checks = createChecks()

    const result = await runFleet(plan, seededRandom(1), checks)

    expect(checks.violations).toEqual([])
    const cell = result.cells[0]!
    const row = (id: string) => cell.rows.find((r) => r.id === id)!
    expect(row('coordinated').upstreamCalls).toEqual({ min: 1, max: 1 })
    expect(row('coordinated').distinctTokens).toEqual({ min: 1, max: 1 })
    expect(row('alone').upstreamCalls).toEqual({ min: 2, max: 2 })
    expect(row('coordinated').ok).toBe(2 * 20 * 2)
    expect(row('coordinated').events).toMatchObject({ 'coordinator.published': 2 })
    // The burst: the holder's acquire, publish and release (16 commands with what the scripts run); the other process
    // 9 when it waited for the lock (acquire, the announcement's read, acquire again), 3 to 6 when it came late enough
    // to find the token published (on a loaded machine a process can be that late).
    expect(cell.burstCommandsPerRefresh.median).toBeGreaterThanOrEqual(16 + 3)
    expect(cell.burstCommandsPerRefresh.median).toBeLessThanOrEqual(16 + 9)
    expect(result.fastPath.rows.find((r) => r.id === 'coordinated')!.redisCommands).toBe(0)
  }, 60_000)

  it('turns a wrong count into a violation: two upstream calls, two tokens, a rejected request', () => {
    const checks = createChecks()
    const record: RoundRecord = {
      wall: 60,
      cpu: 10,
      upstreamCalls: 2,
      distinctTokens: 2,
      perChildTokens: 1,
      ok: 39,
      failures: { FETCH_TIMEOUT: 1 },
      hanging: 0,
      events: {},
      phases: { firing: 1, toUpstream: 1, upstream: 50, handoff: 1, releasing: 1 },
    }

    checkRound(checks, 'F P=2 R=20 coordinated', 'coordinated', 2, record)

    expect(checks.violations).toEqual([
      'F P=2 R=20 coordinated: 1 request(s) rejected (FETCH_TIMEOUT)',
      'F P=2 R=20 coordinated: 2 upstream token calls (target: 1)',
      'F P=2 R=20 coordinated: 2 distinct tokens across the fleet (target: 1)',
    ])
  })
})
