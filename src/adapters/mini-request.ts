// uni.request and wx.request take the same options (success/fail/complete) and hand back a RequestTask. This sends
// one such request along the request path: the platform is called only once the token is there, so a parked
// request holds none of wx's 10 concurrent slots. The task it returns works before the platform's task exists.
import { createAbortHandle } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { callBack, withErrMsg } from './mini-program.ts'
import type { MiniRequestFunction, MiniRequestOptions, MiniRequestSuccess, MiniRequestTask } from './mini-request.types.ts'
import { createRequestPath, sendWithTokens, type AuthPolicyOptions, type RequestPath } from './request-path.ts'

export type { MiniRequestFunction, MiniRequestOptions, MiniRequestSuccess, MiniRequestTask } from './mini-request.types.ts'

const FORWARDED = ['onHeadersReceived', 'offHeadersReceived', 'onChunkReceived', 'offChunkReceived'] as const
const OURS = ['auth', 'success', 'fail', 'complete']

type PlatformOptions = { url: string; header?: Record<string, unknown>; [option: string]: unknown }

/**
 * uni's or wx's request along the request path: `runtime()` finds the platform object (the option, else the
 * global) at each call; without one the call throws a TypeError saying `missing`.
 */
export function createMiniRequest(
  tokens: TokenController,
  options: AuthPolicyOptions<MiniRequestSuccess>,
  runtime: () => { request: MiniRequestFunction } | undefined,
  missing: string,
) {
  const path = createRequestPath(tokens, options, (result: MiniRequestSuccess) => result.statusCode)
  return (requestOptions: MiniRequestOptions) => {
    const platform = runtime()
    if (!platform || typeof platform.request !== 'function') throw new TypeError(missing)
    return sendMiniRequest(path, platform, requestOptions)
  }
}

function sendMiniRequest(path: RequestPath<MiniRequestSuccess>, platform: { request: MiniRequestFunction }, options: MiniRequestOptions) {
  const { auth, success, fail, complete } = options
  // The platform's own options: a copy without ours. Deleted, not a rest pattern, which at ES2017 pulls a helper
  // into every mini-program bundle.
  const rest: PlatformOptions = Object.assign({}, options)
  for (const key of OURS) delete rest[key]
  const abortHandle = createAbortHandle()
  const calls: Array<[(typeof FORWARDED)[number], unknown[]]> = []
  let current: Partial<MiniRequestTask> | undefined | void
  const forward = (name: (typeof FORWARDED)[number], args: unknown[]) => {
    if (current && current[name]) (current[name] as (...a: unknown[]) => void)(...args)
  }

  const promise = sendWithTokens(
    path,
    { url: String(rest.url), optedOut: auth === false, signal: abortHandle.signal },
    (token) =>
      new Promise<MiniRequestSuccess>((resolve, reject) => {
        // `rest` is our own copy: a replay sets the same header again, and the signer signs it again.
        const sent = token === undefined ? rest : path.apply(rest, (rest.header = Object.assign({}, rest.header)), token)
        const answered = (result: MiniRequestSuccess) => {
          path.noteRetryAfter(result, result.statusCode, result.header)
          resolve(result)
        }
        current = platform.request(Object.assign({}, sent, { success: answered, fail: reject }))
        for (const [name, args] of calls) forward(name, args)
      }),
  ).catch((error: unknown) => {
    throw withErrMsg(error)
  })
  // With callbacks, the callbacks are how the caller hears of a failure: no unhandled rejection on top.
  if (success || fail || complete) {
    promise.then(
      (result) => {
        callBack(success, result)
        callBack(complete, result)
      },
      (error: unknown) => {
        callBack(fail, error)
        callBack(complete, error)
      },
    )
  }

  const task = {
    abort() {
      abortHandle.abort()
      if (current && current.abort) current.abort()
    },
  } as MiniRequestTask
  for (const name of FORWARDED) {
    task[name] = (...args: unknown[]) => {
      calls.push([name, args])
      forward(name, args)
    }
  }
  return { promise, task }
}
