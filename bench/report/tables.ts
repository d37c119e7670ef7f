// Turns a run's results into Markdown: the summary first, then the noise floor and one section per workload.
import type { FailureRow } from '../workloads/failure.ts'
import type { FastPathResult } from '../workloads/fast-path.ts'
import type { BurstResult, GrowthRow } from '../workloads/burst.ts'
import type { RevocationRow } from '../workloads/revocation.ts'
import type { ExpiryResult } from '../workloads/expiry.ts'
import type { FleetResult } from '../workloads/fleet.ts'
import type { FastAllocation, HeapRow } from '../heap/runner.ts'
import { allContenders } from '../contenders/index.ts'
import type { Spread } from '../measure/stats.ts'
import { bytes, count, duration, failures, nanos, ratio, table } from './format.ts'

/** `1.05x / 1.02x`: the wall and CPU medians of a ratio. */
function pair(r: { wall: Spread; cpu: Spread } | undefined): string {
  return r && r.wall.n > 0 ? `${r.wall.median.toFixed(2)}x / ${r.cpu.median.toFixed(2)}x` : '—'
}

export interface RunResults {
  meta: Record<string, unknown>
  fastPath?: FastPathResult[]
  getTokenCall?: { callNs: number; awaitedNs: number }
  burst?: BurstResult[]
  growth?: GrowthRow[]
  heap?: { rows: HeapRow[]; fastPath: FastAllocation }
  failure?: FailureRow[]
  revocation?: RevocationRow[]
  expiry?: ExpiryResult[]
  fleet?: FleetResult
  violations: readonly string[]
}

const LUCH_BASED = new Set(['seed', 'seed-fixed', 'painless-token'])

export function renderTables(r: RunResults): string {
  return [summary(r), noise(r), fastPath(r), burst(r), heap(r), failure(r), revocation(r), expiry(r), fleet(r)].filter(Boolean).join('\n\n')
}

function summary(r: RunResults): string {
  const a = r.fastPath?.find((f) => f.transport === 'microtask')
  const b = (n: number) => r.burst?.find((x) => x.transport === 'microtask' && x.n === n)
  const heapAt = (id: string) => r.heap?.rows.find((h) => h.subject === id && h.n === 10_000)
  const gate = heapAt('luch-gate')?.bytesPerParked
  const rows = allContenders.map((c) => {
    const bRow = (n: number) => b(n)?.rows.find((row) => row.id === c.id)
    const bCell = (n: number) => {
      const row = bRow(n)
      return row?.skipped ? 'skipped' : pair(row?.ratio)
    }
    const g = r.growth?.find((x) => x.transport === 'microtask' && x.id === c.id)
    const h = heapAt(c.id)?.bytesPerParked
    const cRow = (fault: string) => r.failure?.find((f) => f.id === c.id && f.fault === fault)
    const d = r.revocation?.find((x) => x.id === c.id)
    return [
      c.label,
      pair(a?.rows.find((row) => row.id === c.id)?.ratio),
      bCell(10_000),
      bCell(100_000),
      g?.exponent === undefined ? '—' : `${g.exponent.wall.toFixed(2)} / ${g.exponent.cpu.toFixed(2)}`,
      h === undefined ? '—' : bytes(h) + (LUCH_BASED.has(c.id) && gate !== undefined ? ` (+${bytes(h - gate)})` : ''),
      cRow('500') ? `${cRow('500')!.hanging} / ${cRow('drop')?.hanging ?? '—'}` : '—',
      cRow('500') ? `${cRow('500')!.recovery} / ${cRow('drop')?.recovery ?? '—'}` : '—',
      d ? `${d.ok}/${d.inFlight} ok, ${d.refreshes} refresh` : '—',
      d ? (d.always401.hanging === 0 ? `stops after ${d.always401.sends / d.inFlight} sends` : `${d.always401.hanging} hang`) : '—',
    ]
  })
  return (
    '## Summary\n\n' +
    'Ratios are to bare luch-request measured in the same run, median over interleaved rounds, wall / CPU time, in-process microtask transport ' +
    '(the spreads are in the sections below). ' +
    'Heap: retained bytes per parked request at N = 10,000, in brackets what the contender holds beyond luch-request itself.\n\n' +
    table(
      [
        'contender',
        'A fast path (wall / CPU)',
        'B 10k burst',
        'B 100k burst',
        `growth k ${growthSpan(r)}`,
        'heap / parked',
        'C hanging (500 / drop)',
        'C recovery (500 / drop)',
        'D 20 revoked',
        'D always-401',
      ],
      rows,
    )
  )
}

function growthSpan(r: RunResults): string {
  const g = r.growth?.find((x) => x.transport === 'microtask' && x.exponent !== undefined)
  return g ? `${count(g.from)}→${count(g.to)}` : ''
}

function noise(r: RunResults): string {
  const rows: string[][] = []
  const aa = (rows: Array<{ id: string; ratio?: { wall: Spread; cpu: Spread } }>) => rows.find((row) => row.id === 'baseline-aa')?.ratio
  for (const f of r.fastPath ?? []) rows.push([`A ${f.transport}`, ratio(aa(f.rows)?.wall), ratio(aa(f.rows)?.cpu), String(f.rounds)])
  for (const b of r.burst ?? [])
    rows.push([`B ${b.transport} N=${count(b.n)}`, ratio(aa(b.rows)?.wall), ratio(aa(b.rows)?.cpu), String(b.rounds)])
  if (rows.length === 0) return ''
  return (
    '## Noise floor (A/A: the baseline against itself)\n\n' +
    'The same code under two names, interleaved like the rest: a ratio this far from 1.00 is noise, not a difference.\n\n' +
    table(['measurement', 'A/A wall', 'A/A CPU', 'rounds'], rows)
  )
}

function fastPath(r: RunResults): string {
  if (!r.fastPath) return ''
  const sections = r.fastPath.map((f) => {
    const rows = f.rows.map((row) => [
      row.label + (row.noHttp ? ' (no HTTP)' : ''),
      nanos(row.ns.wall.median),
      ratio(row.ratio.wall),
      nanos(row.ns.cpu.median),
      ratio(row.ratio.cpu),
    ])
    return (
      `### A, ${f.transport} transport (${f.rounds} rounds)\n\n` +
      table(['contender', 'wall per request', 'wall ratio', 'CPU per request', 'CPU ratio'], rows)
    )
  })
  const call = r.getTokenCall
  const alloc = r.heap?.fastPath
  const extra = call
    ? `\n\n\`getToken()\` on a valid token: ${nanos(call.callNs)} per call, ${nanos(call.awaitedNs)} awaited` +
      (alloc
        ? `; allocates ${bytes(alloc.bytesPerCall)} per call (a resolved promise alone: ${bytes(alloc.bytesPerResolvedPromise)}); actor events: ${alloc.actorEvents}.`
        : '.')
    : ''
  return '## A: fast path (valid token, sequential requests)\n\n' + sections.join('\n\n') + extra
}

function burst(r: RunResults): string {
  if (!r.burst) return ''
  const transports = [...new Set(r.burst.map((b) => b.transport))]
  const sections = transports.map((t) => {
    const sizes = r.burst!.filter((b) => b.transport === t)
    const headers = ['contender', ...sizes.map((s) => `N=${count(s.n)} (${s.rounds} rounds)`), 'growth k (wall / CPU)']
    const rows = allContenders.map((c) => {
      const cells = sizes.map((s) => {
        const row = s.rows.find((x) => x.id === c.id)
        if (!row) return '—'
        if (row.skipped) return `skipped: ${row.skipped}`
        return `wall ${ratio(row.ratio?.wall)} · CPU ${ratio(row.ratio?.cpu)} · ${duration(row.ms?.wall.median)}`
      })
      const g = r.growth?.find((x) => x.transport === t && x.id === c.id)
      return [c.label, ...cells, g?.exponent === undefined ? '—' : `${g.exponent.wall.toFixed(2)} / ${g.exponent.cpu.toFixed(2)}`]
    })
    const checks = allContenders.map((c) => [
      c.label,
      ...sizes.map((s) => {
        const last = s.rows.find((x) => x.id === c.id)?.last
        if (!last) return '—'
        const fails = failures(last.failures)
        return (
          `${last.tokenCalls} token call(s), ${count(last.ok)} ok` +
          (fails === '—' ? '' : `, ${fails}`) +
          (last.hanging ? `, ${count(last.hanging)} unsettled at the cut-off` : '')
        )
      }),
    ])
    return (
      `### B, ${t} transport\n\n` +
      table(headers, rows) +
      `\n\nWhat the last round of each cell saw:\n\n` +
      table(['contender', ...sizes.map((s) => `N=${count(s.n)}`)], checks)
    )
  })
  return (
    '## B: burst with an expired token (baseline: the same N with a valid token)\n\n' +
    'Cells: ratio to the baseline of the same round on each clock, median [min–max] · median wall time. growth k: total time ∝ N^k from the smallest to the largest N run (1.00 = flat time per request). ' +
    'axios-auth-refresh cannot see an expiry, so its first request gets the 401 that starts the refresh and the other N−1 arrive while it runs (sent all at once, they would each get a 401 and all but one be rejected: see D).\n\n' +
    sections.join('\n\n')
  )
}

function heap(r: RunResults): string {
  if (!r.heap) return ''
  const gateAt = (n: number) => r.heap!.rows.find((h) => h.subject === 'luch-gate' && h.n === n)?.bytesPerParked
  const rows = r.heap.rows.map((h) => {
    const gate = gateAt(h.n)
    const beyond = LUCH_BASED.has(h.subject) && gate !== undefined ? bytes(h.bytesPerParked - gate) : '—'
    return [h.subject, count(h.n), bytes(h.bytesPerParked), beyond, h.samples.map((s) => s.toFixed(0)).join(', '), String(h.settledEarly)]
  })
  return (
    '## B: heap per parked request (fresh `node --expose-gc` child per figure)\n\n' +
    'Retained heap after parking N requests behind a token endpoint that never answers, divided by N. `luch-gate` is luch-request holding ' +
    'requests behind one shared promise: what luch-request itself costs per parked request. `promise-floor` is a bare promise whose resolve and reject are held: ' +
    'the least any request that is settled later can cost. `get-token` is `getToken()` alone (no HTTP client).\n\n' +
    table(['subject', 'N', 'bytes / parked', 'beyond luch-request', 'repeats (B)', 'settled early'], rows)
  )
}

function failure(r: RunResults): string {
  if (!r.failure) return ''
  const rows = r.failure.map((f) => [
    f.label,
    f.fault === '500' ? 'token endpoint 500' : 'connection dropped',
    `${count(f.hanging)} / ${count(f.parked)}`,
    duration(f.settleMs),
    duration(f.lagMs),
    failures(f.failures) + (f.ok ? `, ${f.ok} ok` : ''),
    String(f.tokenCalls),
    f.recovery,
  ])
  return (
    '## C: failure (1,000 parked, real HTTP)\n\n' +
    'Hanging: not settled 5 s after the burst. Lag: from the last token answer to the last settlement. Recovery: the next request once the endpoint works again (3 s cap).\n\n' +
    table(['contender', 'fault', 'hanging', 'all settled after', 'lag', 'how they failed', 'token calls', 'recovery'], rows)
  )
}

function revocation(r: RunResults): string {
  if (!r.revocation) return ''
  const rows = r.revocation.map((d) => [
    d.label,
    String(d.refreshes),
    String(d.replays),
    `${d.ok} / ${d.inFlight}`,
    failures(d.failures),
    `${d.always401.sends} (${(d.always401.sends / d.inFlight).toFixed(2)} per request)`,
    String(d.always401.refreshes),
    d.always401.hanging === 0 ? 'yes' : `no: ${d.always401.hanging} hanging`,
  ])
  return (
    '## D: revocation (real HTTP)\n\n' +
    '20 requests in flight get a 401 for the same revoked token; then 20 requests to a path that answers 401 to every token.\n\n' +
    table(
      ['contender', 'refreshes', 'replays', 'succeeded', 'failed', 'always-401: sends', 'always-401: refreshes', 'always-401: stops'],
      rows,
    )
  )
}

function expiry(r: RunResults): string {
  if (!r.expiry?.length) return ''
  const sections = r.expiry.map((e) => {
    const base = e.rows.find((row) => row.id === 'baseline')
    const added = (ms: number, baseMs: number | undefined) => (baseMs === undefined || !isFinite(ms) ? '—' : signedMs(ms - baseMs))
    const rows = e.rows.map((row) => [
      row.label,
      count(row.requests),
      String(row.tokenCalls),
      count(row.waited) +
        (row.replayed ? ` (${count(row.replayed)} replayed)` : '') +
        (row.parked === undefined ? '' : ` · ${count(row.parked)} parked`),
      failures(row.failures),
      count(row.hanging),
      latency(row.p50Ms),
      latency(row.p99Ms),
      row.id === 'baseline' ? '—' : added(row.p50Ms, base?.p50Ms),
      row.id === 'baseline' ? '—' : added(row.p99Ms, base?.p99Ms),
      isFinite(row.maxWaitMs) ? duration(row.maxWaitMs) : '∞ (never sent)',
    ])
    return (
      `### E, ${e.transport} transport (${count(e.ratePerSecond)} requests/s for ${duration(e.durationMs)})\n\n` +
      table(
        [
          'contender',
          'requests',
          'token calls',
          'waited for a token',
          'failed',
          'hanging',
          'p50',
          'p99',
          'added p50',
          'added p99',
          'longest wait',
        ],
        rows,
      )
    )
  })
  const e = r.expiry[0]!
  return (
    `## E: routine expiries (steady load across ${e.expiries} token lifetimes, real time)\n\n` +
    `Tokens live ${duration(e.lifetimeMs)} (the server refuses them after that) and the token endpoint answers after ${duration(e.tokenDelayMs)}. ` +
    `Each contender starts without a token; its first request fetches one and is not counted. Then ${count(e.ratePerSecond)} requests a second, ` +
    `sent at a fixed pace whatever the answers do, for ${e.expiries + 0.5} lifetimes. painless-token runs with \`leewayMs\` ${e.leewayMs} ms (the default 30 s is ` +
    'longer than these tokens live); the baseline holds a token the server never expires, and its A/A twin (the same code) shows the noise. ' +
    'Waited for a token: sent more than once (a 401, then a replay), or went out only after a token answer that came after it was sent, or never went out; ' +
    "parked: painless-token's own `request.parked` events. Latency: from send to settle, nearest rank over every request (∞: the rank falls on a request " +
    "still unsettled 3 s after the load stopped); added: minus the baseline's at the same rank, same transport, same run. " +
    'Longest wait: from send to going out with a token.\n\n' +
    sections.join('\n\n')
  )
}

function fleet(r: RunResults): string {
  const f = r.fleet
  if (!f) return ''
  const calls = (x: { min: number; max: number }) => (x.min === x.max ? String(x.min) : `${x.min}–${x.max}`)
  const rows = f.cells.map((cell) => {
    const row = (id: string) => cell.rows.find((x) => x.id === id)!
    const alone = row('alone')
    const aa = row('alone-aa')
    const with_ = row('coordinated')
    const failed = [...cell.rows].map((x) => sum(Object.values(x.failures)) + x.hanging)
    const byName = Object.entries(cell.commandsByName)
      .sort(([, a], [, b]) => b - a)
      .map(([name, n]) => `${name} ${n.toFixed(n < 10 && n % 1 !== 0 ? 1 : 0)}`)
      .join(', ')
    return [
      String(cell.processes),
      count(cell.requests),
      `${calls(with_.upstreamCalls)} / ${calls(alone.upstreamCalls)}`,
      calls(with_.distinctTokens),
      failed.join(' / '),
      `${duration(with_.ms.wall.median)} / ${duration(alone.ms.wall.median)}`,
      ratio(with_.ratio.wall),
      ratio(aa.ratio.wall),
      ratio(with_.ratio.cpu),
      `${cell.commandsPerRefresh.median.toFixed(0)} (${cell.burstCommandsPerRefresh.median.toFixed(0)})`,
      byName || '—',
    ]
  })
  const fast = f.fastPath.rows.map((row) => [
    row.label,
    nanos(row.ns.wall.median),
    ratio(row.ratio.wall),
    nanos(row.ns.cpu.median),
    ratio(row.ratio.cpu),
    row.redisCommands === undefined ? '—' : String(row.redisCommands),
  ])
  const phaseRows = f.cells.flatMap((cell) =>
    cell.rows
      .filter((row) => row.id !== 'alone-aa')
      .map((row) => [
        String(cell.processes),
        count(cell.requests),
        row.id === 'coordinated' ? 'with' : 'without',
        duration(row.phases.firing.median),
        duration(row.phases.toUpstream.median),
        duration(row.phases.upstream.median),
        duration(row.phases.handoff.median),
        duration(row.phases.releasing.median),
        duration(row.ms.wall.median),
      ]),
  )
  const rounds = f.cells[0]?.rounds ?? 0
  return (
    `## F: fleet (P child processes share one expired token through redis-server ${f.redisVersion})\n\n` +
    `Per round, every process builds a fresh controller holding no token, with \`redisCoordinator\` (defaults, a fresh key) or without a ` +
    `coordinator, waits for \`ready()\`, then fires R concurrent \`getToken()\`; the loopback token endpoint answers after ${duration(f.tokenDelayMs)}. ` +
    `Time: from "go" until a process's last request settled, the fleet's being its slowest process's; ratio: to the fleet without a ` +
    `coordinator in the same round, median [min–max] over ${rounds} rounds after a warm-up (A/A: the uncoordinated fleet against itself). ` +
    "CPU: the processes' CPU time summed, same ratio. Redis commands per refresh: INFO commandstats over the whole round (controllers " +
    'built, requests, controllers stopped) ÷ upstream calls, in brackets from "go" to the last settlement; commands a Lua script runs count as ' +
    'well; by name: mean per coordinated round. Rejected / unsettled requests: without / A/A / with, every round.\n\n' +
    table(
      [
        'P',
        'R',
        'upstream calls (with / without)',
        'distinct tokens (with)',
        'rejected or unsettled',
        'time (with / without)',
        'time ratio',
        'A/A',
        'CPU ratio',
        'Redis commands / refresh',
        'commands by name (per round)',
      ],
      rows,
    ) +
    "\n\n### F, where a round's time goes (medians, ms; each column the slowest process)\n\n" +
    'Firing: from "go" until the loop making the R `getToken()` calls returned (a Redis reply that arrives meanwhile waits for it). ' +
    'To the upstream call: from "go" until a token call was sent (with the coordinator, the lock holder\'s acquire). Handoff: from the ' +
    "answer (the process's own, or the holder's) to the process's first request released: with the coordinator, the publish, the " +
    "pub/sub message, the waiters' re-read and adoption. Releasing: its first request released to its last.\n\n" +
    table(
      ['P', 'R', 'coordinator', 'firing R calls', 'to the upstream call', 'upstream call', 'handoff', 'releasing', 'fleet time'],
      phaseRows,
    ) +
    `\n\n### F, fast path with a coordinator configured (valid token, sequential awaited \`getToken()\`, ${f.fastPath.rounds} rounds)\n\n` +
    'Timed as workload A times it; the ratio is to the same controller without a coordinator. Redis commands: run while the coordinated ' +
    'controller was timed, the most in any round (target 0).\n\n' +
    table(['controller', 'wall per call', 'wall ratio', 'CPU per call', 'CPU ratio', 'Redis commands'], fast)
  )
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0)
}

function latency(ms: number): string {
  return isFinite(ms) ? duration(ms) : '∞ (hanging)'
}

/** `+29 ms`, `−0.3 ms`; under 0.05 ms, `0.0 ms`. */
function signedMs(ms: number): string {
  if (Math.abs(ms) < 0.05) return '0.0 ms'
  return (ms < 0 ? '−' : '+') + duration(Math.abs(ms))
}
