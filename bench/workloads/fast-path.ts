// Workload A, fast path: a valid token, requests one after another. mitata times each (contender, round)
// cell; rounds are interleaved in random order and each figure is a ratio to that round's baseline.
// mitata's lib, not its main: main.mjs imports 'bun:jsc', which esbuild cannot resolve for Node.
import { do_not_optimize, measure } from 'mitata/src/lib.mjs'
import { allContenders, baseline, type Contender } from '../contenders/index.ts'
import { controllerFor } from '../contenders/painless-token.ts'
import { startStopwatch, type Figures } from '../measure/clock.ts'
import { runRounds, summarise } from '../measure/rounds.ts'
import type { Random } from '../measure/rng.ts'
import { median, type Spread } from '../measure/stats.ts'
import type { Plan } from '../plan.ts'
import type { Checks } from '../report/checks.ts'
import { createTransport, type TransportName } from '../transports/index.ts'

export interface FastPathRow {
  id: string
  label: string
  noHttp: boolean
  /** ns per request, wall and CPU. */
  ns: { wall: Spread; cpu: Spread }
  ratio: { wall: Spread; cpu: Spread }
}

export interface FastPathResult {
  transport: TransportName
  rounds: number
  rows: FastPathRow[]
}

export async function runFastPath(plan: Plan, random: Random, checks: Checks): Promise<FastPathResult[]> {
  const results: FastPathResult[] = []
  for (const { transport, rounds, minCpuMs } of plan.fastPath) {
    const cells = allContenders.map((contender) => ({ id: contender.id, run: () => timeCell(contender, transport, minCpuMs, checks) }))
    // runRounds collects before every cell: collected only once per round, the A/A spread here was ±30%; per cell, ±5%.
    const measured = await runRounds(cells, rounds, random, baseline.id)
    const rows = allContenders.flatMap((c) => {
      const summary = summarise(measured, c.id)
      return summary ? [{ id: c.id, label: c.label, noHttp: c.noHttp === true, ns: summary.figure, ratio: summary.ratio }] : []
    })
    results.push({ transport, rounds, rows })
  }
  return results
}

// mitata drives the loop (warm-up, batching, minimum time); the figure is both clocks over every call it made.
export async function timeCell(contender: Contender, name: TransportName, minCpuMs: number, checks: Checks): Promise<Figures> {
  const transport = await createTransport(name)
  const token = await transport.server.issue()
  const instance = contender.create({ transport, start: { kind: 'valid', token } })
  let wrong = 0
  let calls = 0
  try {
    const stopwatch = startStopwatch()
    await measure(
      async () => {
        calls++
        if ((await instance.send()) !== 200) wrong++
      },
      // Long enough to span many scavenges: luch-request allocates ~9 KB per request, so GC is part of the cost.
      { min_cpu_time: minCpuMs * 1e6, min_samples: 8, batch_samples: 64, batch_unroll: 1, gc: false } as never,
    )
    const elapsed = stopwatch.read()
    checks.expect(contender.strict, wrong === 0, `A ${name}: ${contender.id} got ${wrong} answers other than 200 with a valid token`)
    checks.expect(contender.strict, transport.server.calls('/token') === 0, `A ${name}: ${contender.id} fetched a token it did not need`)
    return { wall: (elapsed.wall * 1e6) / calls, cpu: (elapsed.cpu * 1e6) / calls }
  } finally {
    instance.close()
    await transport.close()
  }
}

/** `getToken()` on a valid token: the synchronous call (returns a resolved promise) and the awaited call, ns. */
export async function timeGetTokenCall(repeats: number): Promise<{ callNs: number; awaitedNs: number }> {
  const transport = await createTransport('microtask')
  const tokens = controllerFor({ transport, start: { kind: 'valid', token: await transport.server.issue() } }, () =>
    Promise.reject(new Error('no fetch expected')),
  )
  const calls: number[] = []
  const awaited: number[] = []
  for (let i = 0; i < repeats; i++) {
    calls.push((await measure(() => void do_not_optimize(tokens.getToken()), { min_cpu_time: 100e6 })).avg)
    awaited.push((await measure(async () => void (await tokens.getToken()), { min_cpu_time: 100e6 })).avg)
  }
  tokens.stop()
  return { callNs: median(calls), awaitedNs: median(awaited) }
}
