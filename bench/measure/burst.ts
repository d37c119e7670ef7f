// Fires N requests at once and waits until every one settled or a cap passed: the wall time, how many
// answered 200, how each failure looked, and how many were left hanging.
import type { ContenderInstance } from '../contenders/types.ts'
import { statusOf } from '../contenders/types.ts'

export interface BurstOutcome {
  n: number
  /** From the first request sent until the last one settled (or the cap). */
  ms: number
  ok: number
  /** Failure label → count: a TokenError code, `HTTP 401`, an error name. */
  failures: Record<string, number>
  hanging: number
  /** performance.now() when the last request settled. */
  lastSettledAt: number
}

export interface BurstOptions {
  path?: string
  /** Send all N at once even if the contender would rather start its refresh first (D: 401s in flight). */
  allAtOnce?: boolean
}

export async function fireBurst(instance: ContenderInstance, n: number, capMs: number, options: BurstOptions = {}): Promise<BurstOutcome> {
  const { path = '/api/data', allAtOnce = false } = options
  const failures: Record<string, number> = {}
  let ok = 0
  let settled = 0
  let lastSettledAt = 0
  let done!: () => void
  const allSettled = new Promise<void>((resolve) => (done = resolve))
  const onSettled = () => {
    lastSettledAt = performance.now()
    if (++settled === n) done()
  }
  const onValue = (status: number) => {
    if (status === 200) ok++
    else failures[`status ${status}`] = (failures[`status ${status}`] ?? 0) + 1
    onSettled()
  }
  const onError = (reason: unknown) => {
    const label = failureLabel(reason)
    failures[label] = (failures[label] ?? 0) + 1
    onSettled()
  }

  const started = performance.now()
  let sent = 0
  if (instance.startRefresh && !allAtOnce && n > 0) {
    // A client that learns of the expiry from a 401: its first request starts the refresh, the rest
    // arrive while it runs (all at once, they would each get a 401 of their own).
    const { first } = await instance.startRefresh()
    first.then(onValue, onError)
    sent = 1
  }
  for (; sent < n; sent++) instance.send(path).then(onValue, onError)
  let timer: ReturnType<typeof setTimeout> | undefined
  const capped = new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)))
  await Promise.race([allSettled, capped])
  clearTimeout(timer)
  const ms = (settled === n ? lastSettledAt : performance.now()) - started
  return { n, ms, ok, failures, hanging: n - settled, lastSettledAt }
}

export function failureLabel(reason: unknown): string {
  if (typeof reason === 'object' && reason !== null) {
    const code = (reason as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && !code.startsWith('ERR_')) return code
    const status = statusOf(reason)
    if (status !== undefined) return `HTTP ${status}`
    if (typeof code === 'string') return code
    const errMsg = (reason as { errMsg?: unknown }).errMsg
    if (typeof errMsg === 'string') return errMsg.replace(/^request:fail\s*/, 'no answer: ')
    if (reason instanceof Error) return reason.name === 'Error' ? reason.message.slice(0, 40) : reason.name
  }
  return String(reason).slice(0, 40)
}
