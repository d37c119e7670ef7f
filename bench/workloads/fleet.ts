// Workload F, a fleet: P real child processes share one expired token through a real redis-server. Per round,
// each child builds a fresh controller (nothing held), with `redisCoordinator` or without a coordinator, and on
// "go" fires R concurrent getToken() against a loopback token endpoint that answers after a fixed delay. Figures:
// upstream calls, the fleet's time to release every request (its slowest child) as a ratio to the same fleet
// without a coordinator in the same round, and Redis commands per refresh. Then the fast path in this process:
// sequential getToken() on a valid token with a coordinator configured, as a ratio to the same controller without
// one, and the Redis commands it ran (none expected).
import { Redis } from 'ioredis'
import { measure } from 'mitata/src/lib.mjs'
import { createTokenController, memoryStorage, type TokenController } from '../../src/index.ts'
import { redisCoordinator } from '../../src/entries/redis.ts'
import { serializeGrant } from '../../src/grant.ts'
import { startRedisServer } from '../../test/helpers/redis-server.ts'
import { startTokenServer, type TokenServer } from '../../test/helpers/token-server.ts'
import { FAR_FUTURE_MS } from '../contenders/types.ts'
import { spawnChildren, type FleetChild } from '../fleet/children.ts'
import type { ChildOutcome } from '../fleet/protocol.ts'
import { commandCounter, commandsBetween, totalCommands, type CommandCounter, type CommandCounts } from '../fleet/redis-commands.ts'
import { startStopwatch, type Figures } from '../measure/clock.ts'
import { runRounds, summarise } from '../measure/rounds.ts'
import type { Random } from '../measure/rng.ts'
import { spread, type Spread } from '../measure/stats.ts'
import type { Plan } from '../plan.ts'
import type { Checks } from '../report/checks.ts'

/** Idle time between every child ready and "go", in both modes. */
const SETTLE_MS = 20

export type FleetMode = 'alone' | 'alone-aa' | 'coordinated'

export const FLEET_MODES: ReadonlyArray<{ id: FleetMode; label: string }> = [
  { id: 'alone', label: 'without a coordinator (baseline)' },
  { id: 'alone-aa', label: 'A/A: without, again' },
  { id: 'coordinated', label: 'redisCoordinator' },
]

/** One mode of one (P, R) cell, over every measured round. */
export interface FleetModeRow {
  id: FleetMode
  label: string
  /** The fleet's time to release every request (its slowest child), ms; and the children's CPU time summed, ms. */
  ms: { wall: Spread; cpu: Spread }
  /** Per round, to the baseline of that round: wall = fleet time, CPU = the children's CPU summed. */
  ratio: { wall: Spread; cpu: Spread }
  /** Upstream token calls per round: the fewest and the most seen. */
  upstreamCalls: { min: number; max: number }
  /** Distinct tokens across the fleet per round: the fewest and the most seen. */
  distinctTokens: { min: number; max: number }
  /** Over every round, the warm-up included. */
  ok: number
  failures: Record<string, number>
  hanging: number
  /** `coordinator.*` and `token.adopted` events over every round, by type. */
  events: Record<string, number>
  /** Where a round's time goes (see `Phases`), over the measured rounds. */
  phases: Record<keyof Phases, Spread>
}

/**
 * One round's time, split, ms; each the slowest process's. `firing`: "go" to the R calls made (the synchronous loop
 * that parks them; a reply that arrives meanwhile waits for it). `toUpstream`: "go" to an upstream call sent (with the
 * coordinator: the lock holder's acquire); `upstream`: that call; `handoff`: from the answer (the process's own, or
 * the holder's) to the process's first request released (publish, pub/sub, the waiters' re-read, adoption);
 * `releasing`: from the first request released to the last.
 */
export interface Phases {
  firing: number
  toUpstream: number
  upstream: number
  handoff: number
  releasing: number
}

export interface FleetCell {
  processes: number
  requests: number
  rounds: number
  rows: FleetModeRow[]
  /** Coordinated rounds: Redis commands over the whole round (controllers built, burst, stopped) per upstream call. */
  commandsPerRefresh: Spread
  /** The same from "go" until the last request settled. */
  burstCommandsPerRefresh: Spread
  /** Coordinated rounds: commands by name, mean per round (inner script calls included). */
  commandsByName: Record<string, number>
  /** The same from "go" until the last request settled. */
  burstCommandsByName: Record<string, number>
}

export interface FleetFastPathRow {
  id: FleetMode
  label: string
  /** ns per awaited getToken(), wall and CPU. */
  ns: { wall: Spread; cpu: Spread }
  ratio: { wall: Spread; cpu: Spread }
  /** With the coordinator: Redis commands run while the calls were timed, the most in any round. */
  redisCommands?: number
}

export interface FleetResult {
  tokenDelayMs: number
  redisVersion: string
  cells: FleetCell[]
  fastPath: { rounds: number; rows: FleetFastPathRow[] }
}

export interface RoundRecord {
  wall: number
  cpu: number
  upstreamCalls: number
  distinctTokens: number
  /** The most distinct tokens one child got. */
  perChildTokens: number
  ok: number
  failures: Record<string, number>
  hanging: number
  events: Record<string, number>
  phases: Phases
  /** Coordinated rounds only. */
  commands?: { round: CommandCounts; burst: CommandCounts }
}

interface Fleet {
  children: FleetChild[]
  server: TokenServer
  counter: CommandCounter
  client: Redis
  /** Our own connection: INFO and PUBSUB, never counted. */
  observer: Redis
  keyPrefix: string
  rounds: number
}

export async function runFleet(plan: Plan, random: Random, checks: Checks): Promise<FleetResult> {
  const shape = plan.fleet
  const redis = await startRedisServer()
  const server = await startTokenServer({ delayMs: shape.tokenDelayMs })
  const client = new Redis(redis.url)
  const observer = new Redis(redis.url)
  let children: FleetChild[] = []
  try {
    const redisVersion = /^redis_version:(.+)$/m.exec(await observer.info('server'))?.[1]?.trim() ?? 'unknown'
    children = await spawnChildren(Math.max(...shape.processes), redis.url, server.url)
    const fleet: Fleet = {
      children,
      server,
      counter: commandCounter(observer),
      client,
      observer,
      keyPrefix: `bench:fleet:${Date.now()}`,
      rounds: 0,
    }
    const cells: FleetCell[] = []
    for (const processes of shape.processes)
      for (const requests of shape.requests) cells.push(await fleetCell(fleet, processes, requests, shape.rounds, random, checks))
    const fastPath = await fleetFastPath(fleet, shape.fastPath.rounds, shape.fastPath.minCpuMs, random, checks)
    return { tokenDelayMs: shape.tokenDelayMs, redisVersion, cells, fastPath }
  } finally {
    await Promise.all(children.map((c) => c.close()))
    client.disconnect()
    observer.disconnect()
    await server.close()
    await redis.dispose()
  }
}

async function fleetCell(
  fleet: Fleet,
  processes: number,
  requests: number,
  rounds: number,
  random: Random,
  checks: Checks,
): Promise<FleetCell> {
  const records = new Map<FleetMode, RoundRecord[]>(FLEET_MODES.map((m) => [m.id, []]))
  const members = fleet.children.slice(0, processes)
  const cells = FLEET_MODES.map(({ id }) => ({
    id,
    async run(): Promise<Figures> {
      const record = await fleetRound(fleet, members, id === 'coordinated', requests)
      records.get(id)!.push(record)
      checkRound(checks, `F P=${processes} R=${requests} ${id}`, id, processes, record)
      return { wall: record.wall, cpu: record.cpu }
    },
  }))
  const measured = await runRounds(cells, rounds, random, 'alone')
  const rows = FLEET_MODES.map(({ id, label }): FleetModeRow => {
    const summary = summarise(measured, id)!
    const all = records.get(id)!
    const range = (pick: (r: RoundRecord) => number) => ({ min: Math.min(...all.map(pick)), max: Math.max(...all.map(pick)) })
    return {
      id,
      label,
      ms: summary.figure,
      ratio: summary.ratio,
      upstreamCalls: range((r) => r.upstreamCalls),
      distinctTokens: range((r) => r.distinctTokens),
      ok: sum(all.map((r) => r.ok)),
      failures: merged(all.map((r) => r.failures)),
      hanging: sum(all.map((r) => r.hanging)),
      events: merged(all.map((r) => r.events)),
      phases: phaseSpreads(all.slice(1).map((r) => r.phases)),
    }
  })
  // Commands: the measured rounds only (the warm-up round is the first one recorded).
  const coordinated = records.get('coordinated')!.slice(1)
  const perRefresh = (pick: 'round' | 'burst') =>
    spread(coordinated.map((r) => totalCommands(r.commands![pick]) / Math.max(1, r.upstreamCalls)))
  const byName = (pick: 'round' | 'burst') => {
    const total = merged(coordinated.map((r) => r.commands![pick]))
    for (const name of Object.keys(total)) total[name] = total[name]! / Math.max(1, coordinated.length)
    return total
  }
  return {
    processes,
    requests,
    rounds,
    rows,
    commandsPerRefresh: perRefresh('round'),
    burstCommandsPerRefresh: perRefresh('burst'),
    commandsByName: byName('round'),
    burstCommandsByName: byName('burst'),
  }
}

/** Correctness: every request answered; one upstream call and one token with the coordinator, one per process without. */
export function checkRound(checks: Checks, where: string, mode: FleetMode, processes: number, r: RoundRecord): void {
  const failed = sum(Object.values(r.failures))
  checks.expect(true, failed === 0, `${where}: ${failed} request(s) rejected (${Object.keys(r.failures).join(', ')})`)
  checks.expect(true, r.hanging === 0, `${where}: ${r.hanging} request(s) unsettled`)
  checks.expect(true, r.perChildTokens <= 1, `${where}: one process got ${r.perChildTokens} distinct tokens`)
  if (mode === 'coordinated') {
    checks.expect(true, r.upstreamCalls === 1, `${where}: ${r.upstreamCalls} upstream token calls (target: 1)`)
    checks.expect(true, r.distinctTokens <= 1, `${where}: ${r.distinctTokens} distinct tokens across the fleet (target: 1)`)
  } else {
    checks.expect(true, r.upstreamCalls === processes, `${where}: ${r.upstreamCalls} upstream token calls (one per process: ${processes})`)
  }
}

/** One round: fresh controllers (a fresh key), all ready, then "go"; the fleet's time is its slowest child's. */
async function fleetRound(fleet: Fleet, members: FleetChild[], coordinated: boolean, requests: number): Promise<RoundRecord> {
  const round = ++fleet.rounds
  const key = `${fleet.keyPrefix}:${round}`
  const callsBefore = fleet.server.calls('/token')
  const atStart = coordinated ? await fleet.counter.snapshot() : undefined
  for (const child of members) child.send({ type: 'prepare', round, key, coordinated, requests })
  await Promise.all(members.map((child) => child.next('ready', round)))
  // A long-lived controller has its subscriber connection up long before an expiry: wait for every one, so that the
  // burst measures the refresh and not connection setup (which the whole round's command count still includes).
  if (coordinated) await subscribed(fleet.observer, `${key}:published`, members.length)
  // Both modes then idle alike before "go": the children's post-GC work (sweeping) must not fall into one mode only.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const atGo = coordinated ? await fleet.counter.snapshot() : undefined
  for (const child of members) child.send({ type: 'go', round })
  const outcomes = await Promise.all(members.map((child) => child.next('done', round)))
  const atDone = coordinated ? await fleet.counter.snapshot() : undefined
  await Promise.all(members.map((child) => child.next('stopped', round)))
  const atEnd = coordinated ? await fleet.counter.snapshot() : undefined
  const tokens = new Set(outcomes.flatMap((o) => o.tokenHashes))
  return {
    wall: Math.max(...outcomes.map((o) => o.ms)),
    cpu: sum(outcomes.map((o) => o.cpuMs)),
    upstreamCalls: fleet.server.calls('/token') - callsBefore,
    distinctTokens: tokens.size,
    perChildTokens: Math.max(...outcomes.map((o) => o.tokenHashes.length)),
    ok: sum(outcomes.map((o) => o.ok)),
    failures: merged(outcomes.map((o) => o.failures)),
    hanging: sum(outcomes.map((o) => o.hanging)),
    events: merged(outcomes.map((o) => o.events)),
    phases: phasesOf(outcomes.map((o) => o.at)),
    ...(coordinated ? { commands: { round: commandsBetween(atStart!, atEnd!), burst: commandsBetween(atGo!, atDone!) } } : {}),
  }
}

/**
 * The fast path, timed as workload A times it (mitata drives each cell, interleaved rounds in a random order, a
 * full GC before each cell, both clocks over every call): awaited getToken() on a valid token, the same controller
 * with and without a coordinator, and the Redis commands run while the coordinated one was timed.
 */
async function fleetFastPath(fleet: Fleet, rounds: number, minCpuMs: number, random: Random, checks: Checks) {
  const commands: number[] = []
  const cells = FLEET_MODES.map(({ id }) => ({
    id,
    async run(): Promise<Figures> {
      const coordinated = id === 'coordinated'
      let fetches = 0
      const token = `fast-path-${id}`
      const storage = memoryStorage()
      storage.set('painless-token', serializeGrant({ accessToken: token, expiresAt: Date.now() + FAR_FUTURE_MS, refreshToken: null }))
      const key = `${fleet.keyPrefix}:fast-path:${++fleet.rounds}`
      const tokens: TokenController = createTokenController({
        fetchToken: () => {
          fetches++
          return Promise.reject(new Error('no fetch expected'))
        },
        storage,
        ...(coordinated ? { coordinator: redisCoordinator(fleet.client, { key }) } : {}),
      })
      try {
        await tokens.ready()
        // The coordinator's subscriber connection opens in the background (its handshake is not the fast path's).
        if (coordinated) await subscribed(fleet.observer, `${key}:published`, 1)
        const before = coordinated ? await fleet.counter.snapshot() : undefined
        let wrong = 0
        let calls = 0
        const stopwatch = startStopwatch()
        await measure(
          async () => {
            calls++
            if ((await tokens.getToken()) !== token) wrong++
          },
          { min_cpu_time: minCpuMs * 1e6, min_samples: 8, batch_samples: 64, batch_unroll: 1, gc: false } as never,
        )
        const elapsed = stopwatch.read()
        if (before) {
          const ran = totalCommands(commandsBetween(before, await fleet.counter.snapshot()))
          commands.push(ran)
          checks.expect(true, ran === 0, `F fast path: ${ran} Redis command(s) while a valid token was served (target: 0)`)
        }
        checks.expect(true, wrong === 0, `F fast path ${id}: ${wrong} calls answered another token`)
        checks.expect(true, fetches === 0, `F fast path ${id}: fetched a token it did not need`)
        return { wall: (elapsed.wall * 1e6) / calls, cpu: (elapsed.cpu * 1e6) / calls }
      } finally {
        tokens.stop()
      }
    },
  }))
  const measured = await runRounds(cells, rounds, random, 'alone')
  const rows = FLEET_MODES.map(({ id, label }): FleetFastPathRow => {
    const summary = summarise(measured, id)!
    return {
      id,
      label,
      ns: summary.figure,
      ratio: summary.ratio,
      ...(id === 'coordinated' ? { redisCommands: Math.max(...commands) } : {}),
    }
  })
  return { rounds, rows }
}

function phasesOf(at: ChildOutcome['at'][]): Phases {
  const fetchers = at.filter((a) => a.fetchSent !== undefined && a.fetchAnswered !== undefined)
  const lastAnswer = Math.max(...fetchers.map((a) => a.fetchAnswered!))
  return {
    firing: Math.max(...at.map((a) => a.fired - a.go)),
    toUpstream: Math.max(...fetchers.map((a) => a.fetchSent! - a.go)),
    upstream: Math.max(...fetchers.map((a) => a.fetchAnswered! - a.fetchSent!)),
    handoff: Math.max(...at.map((a) => a.firstSettled - (a.fetchAnswered ?? lastAnswer))),
    releasing: Math.max(...at.map((a) => a.lastSettled - a.firstSettled)),
  }
}

function phaseSpreads(list: Phases[]): Record<keyof Phases, Spread> {
  const of = (name: keyof Phases) => spread(list.map((p) => p[name]))
  return {
    firing: of('firing'),
    toUpstream: of('toUpstream'),
    upstream: of('upstream'),
    handoff: of('handoff'),
    releasing: of('releasing'),
  }
}

/** Resolves once `channel` has this many subscribers (PUBSUB NUMSUB, ours: not counted), or after 2 s. */
async function subscribed(observer: Redis, channel: string, subscribers: number): Promise<void> {
  const until = performance.now() + 2_000
  while (performance.now() < until) {
    const [, count] = (await observer.pubsub('NUMSUB', channel)) as [string, number]
    if (Number(count) >= subscribers) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0)
}

/** Adds up count records by key. */
function merged(list: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const counts of list) for (const [k, n] of Object.entries(counts)) out[k] = (out[k] ?? 0) + n
  return out
}
