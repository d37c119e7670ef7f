// luch-request interceptors mapped onto the request path: the request interceptor authorizes and applies the
// token, the response interceptor replays a refused answer through the whole chain. Opt out with `custom: { auth: false }`.
import type { AbortSignalLike } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { joinUrl } from './http.ts'
import type { LuchRequestAdapterOptions, LuchRequestConfig, LuchRequestInstance, LuchResponse } from './luch-request.types.ts'
import { applyAndRemember, createRequestPath, sentToken } from './request-path.ts'

export type { LuchRequestAdapterOptions, LuchRequestConfig, LuchRequestInstance, LuchResponse } from './luch-request.types.ts'

/**
 * Wires a controller into a luch-request instance. Returns a function that detaches it.
 * Register it after your own interceptors, so a replay's answer passes them once.
 *
 * @example
 * const http = new Request({ baseURL: 'https://api.example.com' })
 * attachTokenController(http, tokens)
 * http.get('/orders', { custom: { auth: false } }) // skips the token
 * http.get('/orders', { custom: { signal } }) // an abort while waiting for the token rejects with ABORTED
 */
export function attachTokenController(
  http: LuchRequestInstance,
  tokens: TokenController,
  options: LuchRequestAdapterOptions = {},
): () => void {
  const path = createRequestPath(tokens, options, (response: LuchResponse) => response.statusCode)

  // Not async, and neither is judge: a fresh token goes on in the same tick and an answer that is not refused
  // passes on, each without a promise hop; a parked request holds one `then` instead of a suspended async frame.
  function authorize(config: LuchRequestConfig): LuchRequestConfig | Promise<LuchRequestConfig> {
    if (config.custom?.auth === false) return config
    const token = path.authorize(joinUrl(config.baseURL, config.url), config.custom?.signal as AbortSignalLike | undefined)
    return typeof token === 'string' ? apply(config, token) : token.then((token) => apply(config, token))
  }

  // luch-request merges a fresh header object into every request's config (a replay's too): set ours in place.
  const apply = (config: LuchRequestConfig, token: string) => applyAndRemember(path, config, config.header || (config.header = {}), token)

  function judge(answer: LuchResponse, rejected: boolean): unknown {
    const config = answer?.config
    const again = config ? path.afterAnswer(answer, sentToken(config), config.custom ?? {}) : false
    return typeof again === 'boolean' ? conclude(again, answer, rejected) : again.then((settled) => conclude(settled, answer, rejected))
  }

  function conclude(again: boolean, answer: LuchResponse, rejected: boolean): unknown {
    const config = answer?.config as LuchRequestConfig
    // Through the whole chain again, so the replay is authorized and signed afresh; `custom` survives the merge.
    if (again) return http.middleware(Object.assign({}, config, { custom: path.countReplay(config.custom ?? {}) }))
    // As luch-request settles it: a status it rejects stays rejected, an answer it resolves (a 200) resolves.
    if (rejected) throw answer
    return answer
  }

  const requestId = http.interceptors.request.use(authorize)
  const responseId = http.interceptors.response.use(
    (response: LuchResponse) => judge(response, false),
    (error: LuchResponse) => {
      // A 429 from the token endpoint (fetchToken through this instance) tells the machine how long to wait.
      path.noteRetryAfter(error, error?.statusCode, error?.header)
      return judge(error, true)
    },
  )
  return () => {
    // At run time use() returns the handler's index; luch-request's typings say void.
    if (typeof requestId === 'number') http.interceptors.request.eject?.(requestId)
    if (typeof responseId === 'number') http.interceptors.response.eject?.(responseId)
  }
}
