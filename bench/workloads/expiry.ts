// Workload E, routine expiries: steady load (an open loop at a fixed rate) across 10 token lifetimes, with a
// token endpoint that takes a fixed time to answer, in real time. Per contender: how many requests waited for a
// token, and the latency every request saw at p50 / p99 beside the baseline's (a static token the server never
// expires) in the same run. Each contender starts without a token; its first request fetches one (a cold start,
// not a routine expiry) and is not counted.
import { expiryContenders, type Contender } from '../contenders/index.ts'
import { failureLabel } from '../measure/burst.ts'
import { shuffled, type Random } from '../measure/rng.ts'
import type { ExpiryPlan, Plan } from '../plan.ts'
import type { Checks } from '../report/checks.ts'
import { createTransport, type Transport, type TransportName } from '../transports/index.ts'

/** Time the requests still open when the load stops get to settle; far more than any refresh here takes. */
const DRAIN_CAP_MS = 3_000
const WARM_UP_CAP_MS = 3_000

export interface ExpiryRow {
  id: string
  label: string
  requests: number
  ok: number
  /** Failure label → count. */
  failures: Record<string, number>
  /** Not settled DRAIN_CAP_MS after the load stopped. */
  hanging: number
  /** Waited for a token: see `waitedForToken`. */
  waited: number
  /** Of those, sent more than once: a 401, then a replay with a new token. */
  replayed: number
  /** painless-token only: `request.parked` events heard through `onEvent` while the load ran. */
  parked?: number
  /** Token calls while the load ran. */
  tokenCalls: number
  /** Latency of every request, ms, nearest rank; Infinity when the rank falls on a hanging request. */
  p50Ms: number
  p99Ms: number
  /** The longest time from sending a request to it going out with its token, ms; Infinity when one never went out. */
  maxWaitMs: number
}

export interface ExpiryResult extends Omit<ExpiryPlan, 'transports' | 'peers'> {
  transport: TransportName
  /** How long the load ran, ms. */
  durationMs: number
  rows: ExpiryRow[]
}

interface RequestRecord {
  sentAt: number
  /** Times the transport was asked to send it (more than once: replayed after a 401). */
  dispatches: number
  lastDispatchAt: number
  settledAt: number
  status?: number
  failure?: string
}

export async function runExpiry(plan: Plan, random: Random, checks: Checks): Promise<ExpiryResult[]> {
  const { transports, peers, ...shape } = plan.expiry
  // Quick: the baseline and painless-token's two settings, no A/A twin, no peers.
  const contenders = peers ? expiryContenders : expiryContenders.filter((c) => c.strict && c.id !== 'baseline-aa')
  const results: ExpiryResult[] = []
  for (const transport of transports) {
    const rows = new Map<string, ExpiryRow>()
    // One round: each cell lasts seconds of real time. Its order is random like every other workload's.
    for (const contender of shuffled(contenders, random)) rows.set(contender.id, await expiryCell(contender, transport, shape, checks))
    const durationMs = (shape.expiries + 0.5) * shape.lifetimeMs
    results.push({ transport, ...shape, durationMs, rows: contenders.map((c) => rows.get(c.id)!) })
  }
  return results
}

async function expiryCell(
  contender: Contender,
  name: TransportName,
  shape: Omit<ExpiryPlan, 'transports' | 'peers'>,
  checks: Checks,
): Promise<ExpiryRow> {
  const inner = await createTransport(name)
  const isBaseline = contender.id.startsWith('baseline')
  // The baseline's token is issued before the short lifetime applies: the server never expires it.
  const start = isBaseline ? { kind: 'valid' as const, token: await inner.server.issue() } : { kind: 'expired' as const }
  inner.server.setTokenBehaviour({ ttlMs: shape.lifetimeMs, delayMs: shape.tokenDelayMs })
  const records: RequestRecord[] = []
  const tokenAnswers: number[] = []
  const transport = watched(inner, records, tokenAnswers)
  let measuring = false
  let parked = 0
  const instance = contender.create({
    transport,
    start,
    leewayMs: shape.leewayMs,
    onEvent: (event) => {
      if (measuring && event.type === 'request.parked') parked++
    },
  })
  const where = `E ${name}: ${contender.id}`
  try {
    const warm = await settledWithin(instance.send('/api/data?warm-up'), WARM_UP_CAP_MS)
    checks.expect(contender.strict, warm === 200, `${where}: the first request answered ${warm}`)
    const tokenBefore = inner.server.calls('/token')
    measuring = true
    const total = Math.round(((shape.expiries + 0.5) * shape.lifetimeMs * shape.ratePerSecond) / 1000)
    await steadyLoad(total, 1000 / shape.ratePerSecond, (i) => {
      const record: RequestRecord = { sentAt: performance.now(), dispatches: 0, lastDispatchAt: NaN, settledAt: NaN }
      records[i] = record
      instance.send(`/api/data?r=${i}`).then(
        (status) => {
          record.status = status
          record.settledAt = performance.now()
        },
        (reason: unknown) => {
          record.failure = failureLabel(reason)
          record.settledAt = performance.now()
        },
      )
    })
    await drained(records, DRAIN_CAP_MS)
    measuring = false
    const row = summarise(contender, records, tokenAnswers, inner.server.calls('/token') - tokenBefore)
    if (contender.id.startsWith('painless-token')) row.parked = parked
    checks.expect(contender.strict, row.hanging === 0, `${where}: ${row.hanging} of ${row.requests} unsettled`)
    // A connection the loopback server reset ('no answer: read ECONNRESET', seen once under load, the baseline's
    // twin included) is the machine's, not the client's: shown in the table, not held against it.
    const clientFailures = Object.keys(row.failures).filter((label) => !label.startsWith('no answer'))
    checks.expect(contender.strict, clientFailures.length === 0, `${where}: failures ${JSON.stringify(row.failures)}`)
    // The target. It holds unless the server refused a token the client still held fresh (a 401, then a replay):
    // the background refresh was held up past the soft window and a request that left more than leewayMs before
    // expiry reached the server after it, i.e. the machine stalled for longer than these scaled-down windows (seen
    // once, at load average 8, with a 632 ms stall). The 401 then forgets the token and the next requests park by
    // design; the table shows them as replayed and parked.
    checks.expect(
      contender.strict && contender.id === 'painless-token' && row.replayed === 0,
      parked === 0,
      `${where}: ${parked} requests parked at a routine expiry with refresh-ahead on (target: 0)`,
    )
    return row
  } finally {
    measuring = false
    instance.close()
    await inner.close()
  }
}

/**
 * A request waited for a token when it was sent more than once (a 401, then a replay after a refresh), when it
 * went out only after a token answer that came after it was sent, or when it never went out at all. The token
 * answer and a request's dispatch both run in their own task, so a request that never waited cannot have a token
 * answer land between its send and its dispatch.
 */
function waitedForToken(record: RequestRecord, tokenAnswers: readonly number[]): boolean {
  if (record.dispatches === 0) return true
  if (record.dispatches > 1) return true
  const next = firstAfter(tokenAnswers, record.sentAt)
  return next !== undefined && next <= record.lastDispatchAt
}

function summarise(contender: Contender, records: RequestRecord[], tokenAnswers: number[], tokenCalls: number): ExpiryRow {
  const failures: Record<string, number> = {}
  const latencies: number[] = []
  let ok = 0
  let hanging = 0
  let waited = 0
  let replayed = 0
  let maxWaitMs = 0
  for (const r of records) {
    if (waitedForToken(r, tokenAnswers)) waited++
    if (r.dispatches > 1) replayed++
    maxWaitMs = Math.max(maxWaitMs, r.dispatches > 0 ? r.lastDispatchAt - r.sentAt : Infinity)
    if (Number.isNaN(r.settledAt)) {
      hanging++
      continue
    }
    latencies.push(r.settledAt - r.sentAt)
    if (r.status === 200) ok++
    else {
      const label = r.failure ?? `status ${r.status}`
      failures[label] = (failures[label] ?? 0) + 1
    }
  }
  latencies.sort((a, b) => a - b)
  // Nearest rank over every request, the hanging ones ranked last (their latency is unbounded).
  const rank = (q: number) => latencies[Math.max(0, Math.ceil(q * records.length) - 1)] ?? Infinity
  return {
    id: contender.id,
    label: contender.label,
    requests: records.length,
    ok,
    failures,
    hanging,
    waited,
    replayed,
    tokenCalls,
    p50Ms: rank(0.5),
    p99Ms: rank(0.99),
    maxWaitMs,
  }
}

/** Sends request i at i × intervalMs from the start, whatever the answers do; late timers catch up at once. */
function steadyLoad(total: number, intervalMs: number, send: (i: number) => void): Promise<void> {
  const started = performance.now()
  let sent = 0
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1)
      while (sent < due) send(sent++)
      if (sent >= total) return resolve()
      setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()))
    }
    tick()
  })
}

/** Resolves once every request settled or the cap passed. */
async function drained(records: RequestRecord[], capMs: number): Promise<void> {
  const until = performance.now() + capMs
  while (records.some((r) => Number.isNaN(r.settledAt)) && performance.now() < until) await sleep(10)
}

/** The same transport, noting each API request's dispatches (by its `r=` query) and when token answers arrive. */
function watched(inner: Transport, records: RequestRecord[], tokenAnswers: number[]): Transport {
  return {
    ...inner,
    request(options) {
      const path = options.url.split('?')[0]!
      if (path.endsWith('/token')) {
        const note = () => void tokenAnswers.push(performance.now())
        return inner.request({
          ...options,
          success: (result) => (note(), options.success?.(result)),
          fail: (result) => (note(), options.fail?.(result)),
        })
      }
      const id = /[?&]r=(\d+)/.exec(options.url)
      const record = id ? records[Number(id[1])] : undefined
      if (record) {
        record.dispatches++
        record.lastDispatchAt = performance.now()
      }
      return inner.request(options)
    },
  }
}

/** The first value after `t` in an ascending list. */
function firstAfter(sorted: readonly number[], t: number): number | undefined {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid]! <= t) low = mid + 1
    else high = mid
  }
  return sorted[low]
}

function settledWithin(answer: Promise<number>, capMs: number): Promise<number | string> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const cap = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer'), capMs)))
  return Promise.race([answer.catch((reason: unknown) => failureLabel(reason)), cap]).finally(() => clearTimeout(timer))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
