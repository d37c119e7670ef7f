// Taro's request interceptor chain mapped onto the request path: one interceptor in Taro's onion waits for the
// token and sets the header; a refused answer is sent again by a second `chain.proceed`, so the interceptors
// inside this one and the platform see the replay as a request of its own. Opt out with `auth: false`.
import { createAbortHandle } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { callBack, withErrMsg } from './mini-program.ts'
import { createRequestPath, sendWithTokens } from './request-path.ts'
import type { TaroAdapterOptions, TaroInterceptor, TaroResponse } from './taro.types.ts'

export type { TaroAdapterOptions, TaroChain, TaroInterceptor, TaroRequestParams, TaroRequestPromise, TaroResponse } from './taro.types.ts'

/**
 * An interceptor for `Taro.addInterceptor` that carries the token: waits for it (one refresh however many
 * requests wait), sets the header, and replays an unauthorized answer with the new token. Add it after your own
 * interceptors: they then see each request once, with its final answer. `Taro.request(...).abort()` works while
 * the request waits for its token too (rejects with `ABORTED`, sends nothing).
 *
 * @example
 * Taro.addInterceptor(createTaroInterceptor(tokens))
 * const { data } = await Taro.request({ url: 'https://api.example.com/orders' })
 * Taro.request({ url: 'https://api.example.com/token', method: 'POST', auth: false }) // no token
 */
export function createTaroInterceptor(tokens: TokenController, options: TaroAdapterOptions = {}): TaroInterceptor {
  const path = createRequestPath(tokens, options, (response: TaroResponse) => response.statusCode)
  return (chain) => {
    const params = chain.requestParams
    const optedOut = params.auth === false
    // Taro's request calls success/fail/complete on each send: a replay would call success twice (the 401, then its
    // answer), and a TokenError never reaches fail. So a request with the token goes down the chain without them,
    // and they are called once here, on the outcome. An opted-out request goes as it came: one send, Taro calls them.
    const { success, fail, complete } = params as { [callback: string]: ((value: unknown) => void) | undefined }
    const abortHandle = createAbortHandle()
    // H5's own signal aborts the fetch once it is sent; before that, it must also end the wait for a token.
    // Its listener goes once the request settles: one signal may serve a page's every request.
    const callerSignal = params.signal
    let forget = () => {}
    if (callerSignal) {
      const abortWait = () => abortHandle.abort(callerSignal.reason)
      if (callerSignal.aborted) abortWait()
      callerSignal.addEventListener('abort', abortWait)
      forget = () => callerSignal.removeEventListener('abort', abortWait)
    }
    // What the chain is doing now, for abort(): the platform's abort travels up the chain as Taro copies it.
    let inFlight: { abort?: () => void } | undefined
    const promise = sendWithTokens(path, { url: String(params.url), optedOut, signal: abortHandle.signal }, (token) => {
      // A copy per send, so the caller's params and header object are never written to.
      const copy = Object.assign({}, params)
      delete copy.success
      delete copy.fail
      delete copy.complete
      const sent = token === undefined ? params : path.apply(copy, (copy.header = Object.assign({}, params.header)), token)
      const answer = chain.proceed(sent)
      inFlight = answer
      return answer.then((response) => {
        path.noteRetryAfter(response, response.statusCode, response.header)
        return response
      })
    }).then(
      (response) => {
        forget()
        if (!optedOut) {
          callBack(success, response)
          callBack(complete, response)
        }
        return response
      },
      (error: unknown) => {
        forget()
        const failure = withErrMsg(error)
        if (!optedOut) {
          callBack(fail, failure)
          callBack(complete, failure)
        }
        throw failure
      },
    )
    return Object.assign(promise, {
      abort() {
        abortHandle.abort()
        if (inFlight && inFlight.abort) inFlight.abort()
      },
    })
  }
}
