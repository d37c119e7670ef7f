// Workload D, revocation: the server revokes the token while 20 requests are about to go out, so all 20
// get a 401 for the same token (refreshes, replays, successes); and a path that answers 401 to every
// token: does the client stop, and after how many sends per request.
import { refreshers, type Contender } from '../contenders/index.ts'
import { fireBurst } from '../measure/burst.ts'
import type { Plan } from '../plan.ts'
import type { Checks } from '../report/checks.ts'
import { createTransport } from '../transports/index.ts'

const CAP_MS = 5_000
/** painless-token's default maxReplays. */
const MAX_REPLAYS = 1

export interface RevocationRow {
  id: string
  label: string
  inFlight: number
  refreshes: number
  replays: number
  ok: number
  failures: Record<string, number>
  hanging: number
  always401: { sends: number; refreshes: number; settled: number; hanging: number; failures: Record<string, number> }
}

export async function runRevocation(plan: Plan, checks: Checks): Promise<RevocationRow[]> {
  const rows: RevocationRow[] = []
  // getToken() alone sends nothing, so nothing of it can get a 401.
  for (const contender of refreshers.filter((c) => !c.noHttp && (plan.failurePeers || c.strict)))
    rows.push(await revocationCell(contender, plan.revocationInFlight, checks))
  return rows
}

async function revocationCell(contender: Contender, n: number, checks: Checks): Promise<RevocationRow> {
  const where = `D: ${contender.id}`
  const revoked = await createTransport('http')
  const first = contender.create({ transport: revoked, start: { kind: 'valid', token: await revoked.server.issue() } })
  let revocation: Omit<RevocationRow, 'always401' | 'id' | 'label'>
  try {
    await first.send()
    const apiBefore = revoked.server.calls('/api/data')
    const tokenBefore = revoked.server.calls('/token')
    revoked.server.revokeAll()
    const outcome = await fireBurst(first, n, CAP_MS, { allAtOnce: true })
    const refreshes = revoked.server.calls('/token') - tokenBefore
    const replays = revoked.server.calls('/api/data') - apiBefore - n
    revocation = { inFlight: n, refreshes, replays, ok: outcome.ok, failures: outcome.failures, hanging: outcome.hanging }
    checks.expect(contender.strict, refreshes === 1, `${where} revocation made ${refreshes} refreshes`)
    checks.expect(contender.strict, replays === n, `${where} revocation replayed ${replays} of ${n}`)
    checks.expect(contender.strict, outcome.ok === n, `${where} revocation: ${outcome.ok} of ${n} succeeded`)
  } finally {
    first.close()
    await revoked.close()
  }

  const refusing = await createTransport('http')
  const second = contender.create({ transport: refusing, start: { kind: 'valid', token: await refusing.server.issue() } })
  try {
    const outcome = await fireBurst(second, n, CAP_MS, { path: '/always401', allAtOnce: true })
    const sends = refusing.server.calls('/always401')
    const always401 = {
      sends,
      refreshes: refusing.server.calls('/token'),
      settled: n - outcome.hanging,
      hanging: outcome.hanging,
      failures: outcome.failures,
    }
    checks.expect(contender.strict, outcome.hanging === 0, `${where} always-401 left ${outcome.hanging} hanging`)
    checks.expect(contender.strict, sends === n * (1 + MAX_REPLAYS), `${where} always-401 sent ${sends}, not ${n * (1 + MAX_REPLAYS)}`)
    return { id: contender.id, label: contender.label, ...revocation, always401 }
  } finally {
    second.close()
    await refusing.close()
  }
}
