// uni.addInterceptor('request'), and the same for 'uploadFile' and 'downloadFile', mapped onto the request path, within what uni-app's interceptor runtime allows
// (uni-api src/helpers/interceptor.ts, as published in 3.0.0-5000720260410001, shared by H5 and mp-weixin):
// - an invoke hook may return a promise; its resolved value BECOMES the options (undefined breaks the call, and
//   false throws), a rejection is never handled (the call neither goes out nor settles), so we resolve with the
//   options, and on a TokenError call the request's own fail/complete and leave the call pending: nothing is sent;
// - with a promise from invoke, uni.request returns a Promise of the RequestTask, not the task: callback-style
//   `uni.request({...}).abort()` breaks, and nothing can abort a request waiting for its token (createUniRequest can);
// - success/fail/complete hooks get (result, options) since 3.0.0-3070320230222001, and a promise they return
//   replaces the result: that is how a replay's answer reaches the caller. Older runtimes: the token, no replay;
// - after one hook returned a promise, later hooks of the same kind do not run properly (issue #5422): install
//   this last, after the app's own request interceptors. Hooks before ours see the 401 and then the replay's answer;
// - once a success/complete hook returned a promise, uni calls the caller's callback in its `.then` and catches
//   nothing: a callback that throws would be an unhandled rejection. So invoke guards the caller's callbacks (the
//   options it resolves with are the ones uni calls): one that throws is thrown again from a timer, as the platform
//   surfaces a throwing callback, and the other callbacks still run.
import type { TokenController } from '../controller.ts'
import type { MiniRequestOptions, MiniRequestSuccess } from './mini-request.types.ts'
import { applyToCall, callBack, withErrMsg, type MiniCall } from './mini-program.ts'
import { createRequestPath, rememberToken, sentToken } from './request-path.ts'
import type { UniInterceptorHost, UniInterceptorOptions } from './uni-interceptor.types.ts'

export type { UniInterceptorHost, UniInterceptorOptions } from './uni-interceptor.types.ts'

declare const uni: UniInterceptorHost | undefined

// The request's final answer (after any replay), for its complete hook.
const FINAL = Symbol('painless-token.final')
type Options = MiniRequestOptions & { [FINAL]?: Promise<unknown> }
const CALLBACKS = ['success', 'fail', 'complete'] as const
// Left pending on purpose: uni then neither sends the request nor calls its callbacks again.
const NEVER = new Promise<never>(() => undefined)
// uni runs interceptors for its task APIs alike: an upload or a download is authorized and replayed as a request is.
const CALLS: MiniCall[] = ['request', 'uploadFile', 'downloadFile']

/**
 * Makes every `uni.request`, `uni.uploadFile` and `uni.downloadFile` carry the token. Returns a function that
 * removes the interceptors. Opt out per call with `auth: false`. Prefer `createUniRequest` when you need abort()
 * or the task.
 *
 * @example
 * installUniInterceptor(tokens) // last, after your own uni.addInterceptor('request', …)
 * uni.request({ url: 'https://api.example.com/orders', success: (res) => showOrders(res.data) })
 * uni.uploadFile({ url: 'https://api.example.com/avatar', filePath, name: 'file' }) // token, replay after a 401
 */
export function installUniInterceptor(tokens: TokenController, options: UniInterceptorOptions = {}): () => void {
  const path = createRequestPath(tokens, options, (result: MiniRequestSuccess) => result.statusCode)
  const host = options.uni ?? (typeof uni !== 'undefined' ? uni : undefined)
  if (!host || typeof host.addInterceptor !== 'function')
    throw new TypeError('installUniInterceptor: no uni.addInterceptor here; pass options.uni')

  // uni.request, uni.uploadFile and uni.downloadFile by name, for a replay (called on `uni`, as uni's own are).
  const platform = host as unknown as Record<MiniCall, (options: unknown) => unknown>
  const interceptors = CALLS.map((call) => interceptorFor(call))
  CALLS.forEach((call, i) => host.addInterceptor(call, interceptors[i] as Record<string, unknown>))
  return () => CALLS.forEach((call, i) => host.removeInterceptor(call, interceptors[i]))

  function interceptorFor(call: MiniCall) {
    return {
      invoke(args: Options) {
        if (args.auth === false) {
          delete args.auth
          return undefined
        }
        for (const name of CALLBACKS) {
          const callback = args[name] as ((value: unknown) => void) | undefined
          if (callback) args[name] = (value: unknown) => callBack(callback, value)
        }
        // In the executor, so INSECURE_URL (thrown) ends in the request's fail like a refused token.
        return (
          new Promise<string>((resolve) => resolve(path.authorize(String(args.url))))
            .then((token) => rememberToken(applyToCall(path, call, args, 'header', token), token))
            // Also what `format` or `sign` throws: uni drops a rejected invoke silently, so the caller hears it here.
            .then(undefined, (error: unknown) => {
              const failure = withErrMsg(error, call)
              callBack(args.fail, failure)
              callBack(args.complete, failure)
              return NEVER
            })
        )
      },
      success(result: MiniRequestSuccess, params?: Options) {
        path.noteRetryAfter(result, result.statusCode, result.header)
        if (!params || sentToken(params) === undefined) return undefined
        // In the executor, so an isUnauthorized that throws ends in the request's fail instead of in uni's callback.
        const final = new Promise((resolve) => resolve(path.afterAnswer(result, sentToken(params), params))).then((again) => {
          if (!again) return result
          return new Promise((resolve, reject) => {
            // Through uni.request again, so our invoke sets the new token; the replay's own answer is judged too.
            // The replay settles this request; the caller's complete still runs once, on the original.
            const replay = Object.assign(path.countReplay(params), { success: resolve, fail: reject })
            delete replay.complete
            platform[call](replay)
          })
        })
        Object.defineProperty(params, FINAL, { value: final, configurable: true })
        // A replay that got no answer ends in the request's fail, and its success never runs.
        return final.then(undefined, (error: unknown) => {
          callBack(params.fail, error)
          return NEVER
        })
      },
      // complete waits for success's verdict, so it sees the final answer, not the 401 before the replay.
      complete: (result: unknown, params?: Options) => params?.[FINAL]?.then(undefined, (error: unknown) => error) ?? result,
    }
  }
}
