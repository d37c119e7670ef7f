// The luch-request property: real luch-request with attachTokenController, over an in-process
// uni.request whose answers (200, 401, a business-code 401 in a 200, no answer) fast-check picks and
// orders, with the token fetches, timers, revocations, clear and stop. On top of the controller's
// invariants: no request is sent more than 1 + maxReplays times (invariant 6), an unauthorized answer
// reaches the caller only once the replays are used up (resolved if luch-request resolves it, a 200 with a
// business code; rejected if it rejects it, a 401), and invalidations are counted: a request's first
// unauthorized answer invalidates whatever maxReplays is, later ones only while a replay is left.
import fc from 'fast-check'
import Request, { type HttpResponse } from 'luch-request'
import { attachTokenController, createTokenController, TokenError, type TokenController } from '../../src/index.ts'
import type { ControllerPlan, FetchPlan } from './arbitraries.ts'
import {
  httpPlans,
  httpProgram,
  maxReplays,
  mostlyWorkingFetchPlans,
  patientControllerPlan,
  type HttpAction,
  type HttpPlan,
} from './luch-request.arbitraries.ts'
import { createMonitor, REQUEST_ERROR_CODES } from './invariants.ts'
import { scheduledUni } from './scheduled-uni.ts'
import { scriptedFetch } from './scripted-fetch.ts'
import { untilIdle } from './until-idle.ts'
import { createVirtualClock } from '../helpers/virtual-clock.ts'

export interface LuchRun {
  scheduler: fc.Scheduler
  plan: ControllerPlan
  fetches: FetchPlan[]
  answers: HttpPlan[]
  maxReplays: number
  actions: HttpAction[]
}

interface HttpRequest {
  readonly rid: number
  outcomes: number
  outcome?: { status: 'resolved'; value: unknown } | { status: 'rejected'; reason: unknown }
}

const isUnauthorized = (response: { statusCode?: number; data?: unknown }): boolean =>
  response.statusCode === 401 || (response.data as { code?: unknown } | undefined)?.code === 401

/** Runs one program and returns the violations (empty when every invariant held). */
export async function runLuchProgram({ scheduler, plan, fetches, answers, maxReplays, actions }: LuchRun): Promise<string[]> {
  const clock = createVirtualClock({ scheduler })
  const fetch = scriptedFetch(scheduler, clock, fetches)
  const monitor = createMonitor({ clock, plan, fetch })
  const revoked = new Set<string>()
  const uni = scheduledUni(scheduler, answers, (token) => token !== undefined && token.startsWith('tok-') && !revoked.has(token))
  const uninstall = uni.install()
  const violations = monitor.violations
  const fail = (message: string) => void violations.push(message)

  const tokens = createTokenController({
    fetchToken: fetch.fetchToken,
    now: clock.now,
    clock,
    leewayMs: plan.leewayMs,
    retry: { ...plan.retry, jitter: false },
    fetchTimeoutMs: plan.fetchTimeoutMs,
    waitTimeoutMs: plan.waitTimeoutMs,
    maxQueue: plan.maxQueue,
    onEvent: monitor.onEvent,
  })
  monitor.attach(tokens)
  let invalidations = 0
  // The adapter sees the controller through the monitor, so each getToken it makes is tracked too.
  const watched = {
    ...tokens,
    getToken: () => monitor.request('get').promise,
    invalidate: (token: string) => {
      invalidations++
      monitor.invalidate(token)
    },
  } as TokenController
  const http = new Request({ baseURL: 'https://api.test' })
  attachTokenController(http, watched, { maxReplays, isUnauthorized })
  const requests: HttpRequest[] = []

  function send(): void {
    const request: HttpRequest = { rid: requests.length, outcomes: 0 }
    requests.push(request)
    http.get('/orders', { params: { rid: request.rid } }).then(
      (value: HttpResponse) => settled(request, { status: 'resolved', value }),
      (reason: unknown) => settled(request, { status: 'rejected', reason }),
    )
  }

  function settled(request: HttpRequest, outcome: NonNullable<HttpRequest['outcome']>): void {
    request.outcomes++
    request.outcome = outcome
    if (request.outcomes > 1) fail(`HTTP request ${request.rid} settled twice`)
  }

  function perform(action: HttpAction): void {
    switch (action.kind) {
      case 'send':
        for (let i = 0; i < action.count; i++) send()
        return
      case 'revoke': {
        const current = tokens.actor.getSnapshot().context.accessToken
        if (current !== null) revoked.add(current)
        return
      }
      case 'advance':
        clock.advance(action.ms)
        return
      case 'clear':
        tokens.clear()
        return
      case 'stop':
        monitor.stop()
        return
    }
  }

  try {
    for (const action of actions) {
      const label = action.kind === 'send' ? `send x${action.count}` : action.kind === 'advance' ? `advance ${action.ms} ms` : action.kind
      void scheduler.schedule(Promise.resolve(), label).then(() => perform(action))
    }
    await untilIdle(scheduler)
    monitor.finish()
    checkHttp()
    return violations
  } finally {
    tokens.stop()
    uninstall()
  }

  function checkHttp(): void {
    let expectedInvalidations = 0
    for (const request of requests) {
      const sent = uni.callsFor(request.rid)
      // Invariant 6: the first try plus at most maxReplays replays.
      if (sent > 1 + maxReplays) fail(`HTTP request ${request.rid} sent ${sent} times with maxReplays ${maxReplays}`)
      const unauthorizedAnswers = uni.calls.filter((call) => call.rid === request.rid && call.unauthorized).length
      expectedInvalidations += Math.min(unauthorizedAnswers, Math.max(1, maxReplays))
      const outcome = request.outcome
      if (request.outcomes !== 1 || outcome === undefined) {
        fail(`HTTP request ${request.rid} settled ${request.outcomes} time(s) by the end`)
        continue
      }
      if (outcome.status === 'resolved') {
        const response = outcome.value as HttpResponse
        if (response.statusCode !== 200) fail(`HTTP request ${request.rid} resolved with a failed answer`)
        // A business-code 401 inside a 200 resolves, as luch-request resolves a 200, once no replay is left.
        else if (isUnauthorized(response) && sent !== 1 + maxReplays)
          fail(`HTTP request ${request.rid} resolved unauthorized after ${sent} send(s) with maxReplays ${maxReplays}`)
        continue
      }
      const reason = outcome.reason as { statusCode?: number; data?: unknown; errMsg?: string; code?: unknown }
      if (reason instanceof TokenError) {
        if (!(REQUEST_ERROR_CODES as readonly unknown[]).includes(reason.code))
          fail(`HTTP request ${request.rid} rejected with ${reason.code}`)
      } else if (typeof reason === 'object' && reason !== null && isUnauthorized(reason)) {
        // The server's unauthorized answer reaches the caller only once no replay is left.
        if (sent !== 1 + maxReplays)
          fail(`HTTP request ${request.rid} rejected unauthorized after ${sent} send(s) with maxReplays ${maxReplays}`)
      } else if (!(typeof reason === 'object' && reason !== null && reason.statusCode === undefined && typeof reason.errMsg === 'string')) {
        fail(`HTTP request ${request.rid} rejected with something unexpected`)
      }
    }
    // A request's first unauthorized answer, and each later one with a replay left, invalidates its token once.
    if (invalidations !== expectedInvalidations) fail(`${invalidations} invalidation(s), expected ${expectedInvalidations}`)
  }
}

/** The property itself, shared by the suite and by regressions.property.test.ts (which replays seeds). */
export function luchRequestProperty() {
  return fc.asyncProperty(
    fc.scheduler(),
    patientControllerPlan,
    mostlyWorkingFetchPlans,
    httpPlans,
    maxReplays,
    httpProgram,
    async (scheduler, plan, fetches, answers, replays, actions) => {
      const violations = await runLuchProgram({ scheduler, plan, fetches, answers, maxReplays: replays, actions })
      if (violations.length > 0) throw new Error(`invariants broken:\n  ${violations.join('\n  ')}`)
    },
  )
}
