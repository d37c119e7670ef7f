// A fetchToken whose answers fast-check chooses and orders: each call takes the next plan (a grant,
// a failure, a malformed body, a slow answer or none at all) and its answer reaches the controller
// only when the scheduler releases it. Records every call for the fetch invariants.
import type fc from 'fast-check'
import type { AbortSignalLike, FetchTokenContext, TokenResponse } from '../../src/index.ts'
import type { VirtualClock } from '../helpers/virtual-clock.ts'
import type { FetchPlan } from './arbitraries.ts'

export interface FetchRecord {
  readonly index: number
  readonly attempt: number
  readonly reason: string
  readonly signal: AbortSignalLike
  readonly startedAt: number
  readonly plan: FetchPlan
  /** The token this call answers with, if its plan grants one. */
  readonly token: string | undefined
  /** Set once the answer (any answer) was handed back. */
  answered: boolean
}

export interface ScriptedFetch {
  readonly fetchToken: (context: FetchTokenContext) => Promise<TokenResponse>
  readonly calls: readonly FetchRecord[]
  /** Called, neither answered nor aborted. */
  inFlight(): number
  /** Called at the start of every fetch with the number already in flight. */
  onCall?: (record: FetchRecord, alreadyInFlight: number) => void
}

/** After the plans run out, every call grants a token for an hour, so every run ends. */
const FALLBACK: FetchPlan = { kind: 'grant', expiresInS: 3600, form: 'snake', delivery: 'scheduled' }

export function scriptedFetch(scheduler: fc.Scheduler, clock: VirtualClock, plans: readonly FetchPlan[]): ScriptedFetch {
  const calls: FetchRecord[] = []
  const inFlight = () => calls.filter((call) => !call.answered && !call.signal.aborted).length

  const fetch: ScriptedFetch = {
    calls,
    inFlight,
    fetchToken(context) {
      const index = calls.length
      const plan = plans[index] ?? FALLBACK
      const record: FetchRecord = {
        index,
        attempt: context.attempt,
        reason: context.reason,
        signal: context.signal,
        startedAt: clock.now(),
        plan,
        token: plan.kind === 'grant' || plan.kind === 'slow' ? `tok-${index}` : undefined,
        answered: false,
      }
      const already = inFlight()
      calls.push(record)
      fetch.onCall?.(record, already)
      if (plan.kind === 'throw') {
        record.answered = true
        throw new Error(`fetch ${index} threw`)
      }
      if ((plan.kind === 'grant' || plan.kind === 'fail' || plan.kind === 'invalidGrant') && plan.delivery === 'sync') {
        record.answered = true
        const outcome = outcomeOf(plan, record.token, clock.now())
        if (!outcome.ok) throw outcome.error
        // fetchToken may return the response itself, not a promise of it.
        return outcome.body as unknown as Promise<TokenResponse>
      }
      return new Promise<TokenResponse>((resolve, reject) => {
        const answer = () => {
          record.answered = true
          const outcome = outcomeOf(plan, record.token, clock.now())
          if (outcome.ok) resolve(outcome.body as TokenResponse)
          else reject(outcome.error)
        }
        if (plan.kind === 'never') return
        // A slow answer arrives after a delay on the same clock, maybe past fetchTimeoutMs; a timely one
        // at once (the controller sees it a few microtasks later, before the next scheduled task); the
        // others whenever the scheduler lets them, which may be after their signal aborted.
        if (plan.kind === 'slow') clock.setTimeout(answer, plan.delayMs)
        else if ((plan.kind === 'grant' || plan.kind === 'fail' || plan.kind === 'invalidGrant') && plan.delivery === 'timely') answer()
        else void scheduler.schedule(Promise.resolve(), `fetch ${index} answers ${plan.kind}`).then(answer)
      })
    },
  }
  return fetch
}

type Outcome = { ok: true; body: unknown } | { ok: false; error: unknown }

function outcomeOf(plan: FetchPlan, token: string | undefined, now: number): Outcome {
  switch (plan.kind) {
    case 'grant':
    case 'slow': {
      const { expiresInS: seconds, form } = plan
      if (form === 'camel') return { ok: true, body: { accessToken: token, expiresIn: seconds } }
      if (form === 'string') return { ok: true, body: { access_token: token, expires_in: String(seconds) } }
      if (form === 'expiresAt') return { ok: true, body: { accessToken: token, expiresAt: now + seconds * 1000 } }
      return { ok: true, body: { access_token: token, expires_in: seconds } }
    }
    case 'fail': {
      const error = new Error('token endpoint failed') as Error & { retryAfterMs?: number }
      if (plan.retryAfterMs !== undefined) error.retryAfterMs = plan.retryAfterMs
      return { ok: false, error }
    }
    case 'malformed':
      return { ok: true, body: plan.body }
    case 'invalidGrant':
      return { ok: false, error: { statusCode: 400, data: { error: 'invalid_grant' }, errMsg: 'request:ok' } }
    case 'throw':
    case 'never':
      throw new Error(`a ${plan.kind} plan has no answer`)
  }
}
