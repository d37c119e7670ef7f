// Workload E's wiring, on short real-time runs: the in-process server expires its tokens and delays its token
// answers as told, and E's count of requests that waited for a token agrees with painless-token's own
// `request.parked` events: some at each expiry with refreshAheadMs 0, none at the default. No figure is timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../bench/measure/rng.ts'
import { parsePlan, type Plan } from '../bench/plan.ts'
import { createChecks } from '../bench/report/checks.ts'
import { installBenchUni } from '../bench/runtime/uni-global.ts'
import { createTransport } from '../bench/transports/index.ts'
import { sendOver } from '../bench/transports/types.ts'
import { runExpiry } from '../bench/workloads/expiry.ts'

describe('bench E: routine expiries', () => {
  let previousUni: unknown
  beforeAll(() => {
    previousUni = (globalThis as { uni?: unknown }).uni
    installBenchUni()
  })
  afterAll(() => {
    ;(globalThis as { uni?: unknown }).uni = previousUni
  })

  it('the in-process server answers /token after its delay, with tokens that stop working after their lifetime', async () => {
    const transport = await createTransport('microtask')
    transport.server.setTokenBehaviour({ ttlMs: 150, delayMs: 40 })
    const asked = performance.now()

    const answer = await sendOver(transport, { url: transport.baseURL + '/token', method: 'POST', dataType: 'json' })
    const answeredAfter = performance.now() - asked
    const { access_token: token, expires_in: expiresIn } = answer.data as { access_token: string; expires_in: number }
    const api = () => sendOver(transport, { url: transport.baseURL + '/api/data', header: { Authorization: 'Bearer ' + token } })

    expect(answeredAfter).toBeGreaterThanOrEqual(35)
    expect(expiresIn).toBe(0.15)
    expect((await api()).statusCode).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await api()).statusCode).toBe(401)
  })

  it('counts the requests that wait at each expiry: painless-token parks some with refreshAheadMs 0, none at its default', async () => {
    const quick = parsePlan(['--quick']) as Plan
    const plan: Plan = {
      ...quick,
      expiry: { transports: ['microtask'], lifetimeMs: 300, expiries: 3, ratePerSecond: 200, tokenDelayMs: 20, leewayMs: 50, peers: false },
    }
    const checks = createChecks()

    const [result] = await runExpiry(plan, seededRandom(1), checks)

    const row = (id: string) => result!.rows.find((r) => r.id === id)!
    expect(result!.rows.map((r) => r.id).sort()).toEqual(['baseline', 'painless-token', 'painless-token-ahead0'])
    for (const r of result!.rows) expect(r).toMatchObject({ requests: 210, ok: 210, hanging: 0, failures: {} })
    expect(row('baseline')).toMatchObject({ waited: 0, tokenCalls: 0 })
    // One refresh per lifetime at least, each with the requests of its token round trip parked behind it.
    expect(row('painless-token-ahead0').tokenCalls).toBeGreaterThanOrEqual(3)
    expect(row('painless-token-ahead0').parked).toBeGreaterThan(0)
    expect(row('painless-token-ahead0').waited).toBe(row('painless-token-ahead0').parked)
    // Refreshed in the background, inside the soft window (half of each token's life): nobody waits.
    expect(row('painless-token').tokenCalls).toBeGreaterThanOrEqual(3)
    expect(row('painless-token')).toMatchObject({ parked: 0, waited: 0 })
    expect(checks.violations).toEqual([])
  }, 20_000)
})
