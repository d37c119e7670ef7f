// Workload C, failure: requests parked behind a refresh whose token endpoint answers 500, or drops the
// connection. How many are left hanging, how long until all settle (and how long after the last token
// answer), how they fail, and whether the next request recovers once the endpoint works again.
import { refreshers, type Contender } from '../contenders/index.ts'
import { failureLabel, fireBurst } from '../measure/burst.ts'
import type { Plan } from '../plan.ts'
import type { Checks } from '../report/checks.ts'
import { createTransport } from '../transports/index.ts'
import type { TokenBehaviour, Transport } from '../transports/types.ts'

/** Longer than any correct retry schedule here (3 attempts, backoff ≤ 300 + 600 ms). */
const HANG_CAP_MS = 5_000
const RECOVERY_CAP_MS = 3_000
const DEFAULT_ATTEMPTS = 3

export type Fault = '500' | 'drop'

export interface FailureRow {
  id: string
  label: string
  fault: Fault
  parked: number
  hanging: number
  /** Until the last request settled; undefined while some hang. */
  settleMs?: number
  /** From the last token answer to the last settlement. */
  lagMs?: number
  failures: Record<string, number>
  ok: number
  tokenCalls: number
  /** 'ok', a failure label, or 'hangs'. */
  recovery: string
}

export async function runFailure(plan: Plan, checks: Checks): Promise<FailureRow[]> {
  const rows: FailureRow[] = []
  for (const fault of ['500', 'drop'] as const) {
    for (const contender of refreshers.filter((c) => plan.failurePeers || c.strict))
      rows.push(await failureCell(contender, fault, plan.failureParked, checks))
  }
  return rows
}

async function failureCell(contender: Contender, fault: Fault, parked: number, checks: Checks): Promise<FailureRow> {
  const inner = await createTransport('http')
  const { transport, lastTokenAnswerAt } = withTokenClock(inner)
  const behaviour: TokenBehaviour = fault === '500' ? { tokenStatus: 500 } : { tokenFault: 'reset' }
  transport.server.setTokenBehaviour(behaviour)
  const instance = contender.create({ transport, start: { kind: 'expired' } })
  try {
    const outcome = await fireBurst(instance, parked, HANG_CAP_MS)
    const tokenCalls = transport.server.calls('/token')
    transport.server.setTokenBehaviour({})
    const recovery = await recover(instance.send())
    const settled = outcome.hanging === 0
    const where = `C ${fault}: ${contender.id}`
    checks.expect(contender.strict, settled, `${where} left ${outcome.hanging} of ${parked} hanging`)
    checks.expect(
      contender.strict,
      outcome.failures['REFRESH_FAILED'] === parked,
      `${where}: failures ${JSON.stringify(outcome.failures)}, not ${parked} × REFRESH_FAILED`,
    )
    checks.expect(contender.strict, tokenCalls === DEFAULT_ATTEMPTS, `${where}: ${tokenCalls} token calls, not ${DEFAULT_ATTEMPTS}`)
    checks.expect(contender.strict, recovery === 'ok', `${where}: the next request did not recover (${recovery})`)
    const lastAnswer = lastTokenAnswerAt()
    return {
      id: contender.id,
      label: contender.label,
      fault,
      parked,
      hanging: outcome.hanging,
      settleMs: settled ? outcome.ms : undefined,
      lagMs: settled && lastAnswer !== undefined ? Math.max(0, outcome.lastSettledAt - lastAnswer) : undefined,
      failures: outcome.failures,
      ok: outcome.ok,
      tokenCalls,
      recovery,
    }
  } finally {
    instance.close()
    await inner.close()
  }
}

function recover(next: Promise<number>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const cap = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('hangs'), RECOVERY_CAP_MS)))
  const answer = next.then(
    (status) => (status === 200 ? 'ok' : `status ${status}`),
    (reason: unknown) => failureLabel(reason),
  )
  return Promise.race([answer, cap]).finally(() => clearTimeout(timer))
}

/** The same transport, noting when the token endpoint last answered (or failed to). */
function withTokenClock(inner: Transport): { transport: Transport; lastTokenAnswerAt: () => number | undefined } {
  let last: number | undefined
  const transport: Transport = {
    ...inner,
    request(options) {
      if (!options.url.includes('/token')) return inner.request(options)
      const note = () => void (last = performance.now())
      return inner.request({
        ...options,
        success: (result) => (note(), options.success?.(result)),
        fail: (result) => (note(), options.fail?.(result)),
        complete: (result) => (note(), options.complete?.(result)),
      })
    },
  }
  return { transport, lastTokenAnswerAt: () => last }
}
