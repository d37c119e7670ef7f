// What fast-check generates for the luch-request property: the API's answers, replay limits, programs
// of requests, revocations, time, clear and stop, and a token endpoint that mostly works.
import fc from 'fast-check'
import { fetchPlan, grantForm, MAX_REQUESTS, type ControllerPlan, type Delivery } from './arbitraries.ts'

/**
 * How the API answers one uni.request call, in call order: as the server would (401 for a revoked or
 * expired token), or regardless of the token: a 200, a 401, a business-code 401 inside a 200, no answer.
 */
export type HttpPlan = 'server' | 'ok' | '401' | 'biz401' | 'network'

export type HttpAction =
  | { kind: 'send'; count: number }
  /** The server stops accepting the controller's current token. */
  | { kind: 'revoke' }
  | { kind: 'advance'; ms: number }
  | { kind: 'clear' }
  | { kind: 'stop' }

export const httpPlans = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<HttpPlan>('server') },
    { weight: 1, arbitrary: fc.constant<HttpPlan>('ok') },
    { weight: 3, arbitrary: fc.constant<HttpPlan>('401') },
    { weight: 2, arbitrary: fc.constant<HttpPlan>('biz401') },
    { weight: 1, arbitrary: fc.constant<HttpPlan>('network') },
  ),
  { maxLength: 40 },
)

export const maxReplays = fc.integer({ min: 0, max: 3 })

/** For the HTTP suite: the token endpoint mostly works, so requests get far enough to be sent and replayed. */
export const mostlyWorkingFetchPlans = fc.array(
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('grant' as const),
        expiresInS: fc.integer({ min: 1, max: 7200 }),
        form: grantForm,
        delivery: fc.oneof(
          { weight: 1, arbitrary: fc.constant<Delivery>('sync') },
          { weight: 3, arbitrary: fc.constant<Delivery>('timely') },
          { weight: 1, arbitrary: fc.constant<Delivery>('scheduled') },
        ),
      }),
    },
    { weight: 1, arbitrary: fetchPlan },
  ),
  { maxLength: 12 },
)

/** For the HTTP suite: waits long enough to outlast a few refreshes, a roomy queue most of the time. */
export const patientControllerPlan: fc.Arbitrary<ControllerPlan> = fc.record({
  leewayMs: fc.integer({ min: 0, max: 60_000 }),
  retry: fc.record({
    attempts: fc.integer({ min: 1, max: 4 }),
    baseDelayMs: fc.integer({ min: 0, max: 2_000 }),
    maxDelayMs: fc.integer({ min: 0, max: 5_000 }),
  }),
  fetchTimeoutMs: fc.integer({ min: 1_000, max: 20_000 }),
  waitTimeoutMs: fc.integer({ min: 10_000, max: 60_000 }),
  maxQueue: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 6, arbitrary: fc.constant(10_000) }),
  reaction: fc.constant(null),
})

const httpAction: fc.Arbitrary<HttpAction> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), count: fc.integer({ min: 1, max: 10 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'revoke' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
)

/** At least one request, at most MAX_REQUESTS HTTP requests, and a stop in about one run in six. */
export const httpProgram: fc.Arbitrary<HttpAction[]> = fc
  .tuple(
    fc.record({ kind: fc.constant('send' as const), count: fc.integer({ min: 1, max: 10 }) }),
    fc.array(httpAction, { maxLength: 16 }),
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant({ kind: 'stop' as const }) }),
  )
  .map(([first, rest, stop]) => {
    let budget = MAX_REQUESTS
    const actions: HttpAction[] = []
    for (const a of stop === null ? [first, ...rest] : [first, ...rest, stop]) {
      if (a.kind !== 'send') actions.push(a)
      else if (budget > 0) {
        const count = Math.min(a.count, budget)
        budget -= count
        actions.push({ ...a, count })
      }
    }
    return actions
  })
