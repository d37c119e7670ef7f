// An in-process `uni.request` for real luch-request: no socket, each answer is a task the scheduler
// releases when it likes. The answer follows the call's plan: as the server would, or a fixed status.
import type fc from 'fast-check'
import type { HttpPlan } from './luch-request.arbitraries.ts'

export interface UniCall {
  readonly index: number
  /** The request's id, from its `rid` query parameter: replays carry the same one. */
  readonly rid: number
  /** The token in its Authorization header, if any. */
  readonly token: string | undefined
  readonly plan: HttpPlan
  /** Set when answered: a 401, or a business-code 401 inside a 200. */
  unauthorized?: boolean
}

interface UniRequestOptions {
  url: string
  header?: Record<string, unknown>
  complete?: (result: unknown) => void
}

export interface ScheduledUni {
  readonly calls: readonly UniCall[]
  /** How many times uni.request was called for request `rid`. */
  callsFor(rid: number): number
  /** Puts this stub in `globalThis.uni`; the returned function puts back what was there. */
  install(): () => void
}

/** `accepts(token)` is the server's own judgement, used by calls whose plan is 'server'. */
export function scheduledUni(
  scheduler: fc.Scheduler,
  plans: readonly HttpPlan[],
  accepts: (token: string | undefined) => boolean,
): ScheduledUni {
  const calls: UniCall[] = []

  function request(options: UniRequestOptions): { abort(): void } {
    const rid = Number(/[?&]rid=(\d+)/.exec(options.url)?.[1] ?? -1)
    const header = String(options.header?.Authorization ?? '')
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined
    const call: UniCall = { index: calls.length, rid, token, plan: plans[calls.length] ?? 'server' }
    calls.push(call)
    void scheduler.schedule(Promise.resolve(), `uni.request ${call.index} (rid ${rid}) answers ${call.plan}`).then(() => {
      const response = answer(call) as { statusCode?: number; data?: { code?: number } }
      call.unauthorized = response.statusCode === 401 || response.data?.code === 401
      options.complete?.(response)
    })
    return { abort() {} }
  }

  function answer(call: UniCall): unknown {
    const ok = { statusCode: 200, data: { code: 0 }, header: {}, errMsg: 'request:ok' }
    const unauthorized = { statusCode: 401, data: { code: 401 }, header: {}, errMsg: 'request:ok' }
    switch (call.plan) {
      case 'server':
        return accepts(call.token) ? ok : unauthorized
      case 'ok':
        return ok
      case '401':
        return unauthorized
      case 'biz401':
        return { statusCode: 200, data: { code: 401 }, header: {}, errMsg: 'request:ok' }
      case 'network':
        return { errMsg: 'request:fail timeout' }
    }
  }

  return {
    calls,
    callsFor: (rid) => calls.filter((call) => call.rid === rid).length,
    install() {
      const global = globalThis as { uni?: unknown }
      const had = 'uni' in global
      const previous = global.uni
      global.uni = { request }
      return () => {
        if (had) global.uni = previous
        else delete global.uni
      }
    },
  }
}
