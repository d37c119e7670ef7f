// uni.addInterceptor('request') mapped onto the shared policy, within what uni-app's interceptor runtime allows
// (uni-api src/helpers/interceptor.ts, as published in 3.0.0-5000720260410001, shared by H5 and mp-weixin):
// - an invoke hook may return a promise; its resolved value BECOMES the options (undefined breaks the call, and
//   false throws), a rejection is never handled (the call neither goes out nor settles), so we resolve with the
//   options, and on a TokenError call the request's own fail/complete and leave the call pending: nothing is sent;
// - with a promise from invoke, uni.request returns a Promise of the RequestTask, not the task: callback-style
//   `uni.request({...}).abort()` breaks, and nothing can abort a request waiting for its token (createUniRequest can);
// - success/fail/complete hooks get (result, options) since 3.0.0-3070320230222001, and a promise they return
//   replaces the result: that is how a replay's answer reaches the caller. Older runtimes: the token, no replay;
// - after one hook returned a promise, later hooks of the same kind do not run properly (issue #5422): install
//   this last, after the app's own request interceptors. Hooks before ours see the 401 and then the replay's answer.
import type { TokenController } from '../controller.ts'
import type { MiniRequestOptions, MiniRequestSuccess } from './mini-request.ts'
import { createAuthPolicy, noteRetryAfter, sentToken, stampToken, withErrMsg, type AuthPolicyOptions } from './policy.ts'

/**
 * The parts of the `uni` object the interceptor uses.
 *
 * @example
 * installUniInterceptor(tokens, { uni }) // the global `uni` is the default
 */
export interface UniInterceptorHost {
  addInterceptor(method: string, interceptor: Record<string, unknown>): void
  removeInterceptor(method: string, interceptor?: Record<string, unknown>): void
  request(options: any): unknown
}

/**
 * Options for {@link installUniInterceptor}: the shared {@link AuthPolicyOptions}, plus the `uni` object to use.
 *
 * @example
 * const uninstall = installUniInterceptor(tokens, { header: 'Authorization' })
 */
export interface UniInterceptorOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /** The runtime's `uni`. Default: the global `uni`. */
  uni?: UniInterceptorHost
}

declare const uni: UniInterceptorHost | undefined

const REPLAYS = Symbol('painless-token.replays')
const FINAL = Symbol('painless-token.final')
type Options = MiniRequestOptions & { [REPLAYS]?: number; [FINAL]?: Promise<unknown> }
// Left pending on purpose: uni then neither sends the request nor calls its callbacks again.
const NEVER = new Promise<never>(() => undefined)

/**
 * Makes every `uni.request` carry the token. Returns a function that removes the interceptor.
 * Opt out per request with `auth: false`. Prefer `createUniRequest` when you need abort() or the task.
 *
 * @example
 * installUniInterceptor(tokens) // last, after your own uni.addInterceptor('request', …)
 * uni.request({ url: 'https://api.example.com/orders', success: (res) => showOrders(res.data) })
 */
export function installUniInterceptor(tokens: TokenController, options: UniInterceptorOptions = {}): () => void {
  const policy = createAuthPolicy(tokens, options, (result: MiniRequestSuccess) => result.statusCode)
  const host = options.uni ?? (typeof uni !== 'undefined' ? uni : undefined)
  if (!host || typeof host.addInterceptor !== 'function')
    throw new TypeError('installUniInterceptor: no uni.addInterceptor here; pass options.uni')

  const interceptor = {
    invoke(args: Options) {
      if (args.auth === false) return void delete args.auth
      return (
        policy
          .authorize(String(args.url))
          .then(
            (token) => (
              policy.putToken((args.header = Object.assign({}, args.header)), token),
              stampToken(policy.signed(args, token), token)
            ),
          )
          // Also what `format` or `sign` throws: uni drops a rejected invoke silently, so the caller hears it here.
          .then(undefined, (error: unknown) => {
            return (withErrMsg(error), args.fail?.(error), args.complete?.(error), NEVER)
          })
      )
    },
    success(result: MiniRequestSuccess, params?: Options) {
      noteRetryAfter(result, result.statusCode, result.header)
      if (!params || sentToken(params) === undefined) return undefined
      const replays = params[REPLAYS] ?? 0
      // In the executor, so an isUnauthorized that throws ends in the request's fail instead of in uni's callback.
      const final = new Promise((resolve) => resolve(policy.verdict(result, sentToken(params), replays))).then((verdict) =>
        verdict !== 'replay'
          ? result
          : new Promise((resolve, reject) => {
              // Through uni.request again, so our invoke sets the new token; the replay's own answer is judged too.
              // The replay settles this request; the caller's complete still runs once, on the original.
              const replay = Object.assign({}, params, { [REPLAYS]: replays + 1, success: resolve, fail: reject })
              delete replay.complete
              host.request(replay)
            }),
      )
      Object.defineProperty(params, FINAL, { value: final, configurable: true })
      // A replay that got no answer ends in the request's fail, and its success never runs.
      return final.then(undefined, (error: unknown) => (params.fail?.(error), NEVER))
    },
    // complete waits for success's verdict, so it sees the final answer, not the 401 before the replay.
    complete: (result: unknown, params?: Options) => params?.[FINAL]?.then(undefined, (error: unknown) => error) ?? result,
  }
  host.addInterceptor('request', interceptor)
  return () => host.removeInterceptor('request', interceptor)
}
