// wx.request mapped onto the request path, with wx's own shape: success/fail/complete and a RequestTask back.
// wx.request is called only once the token is there, so parked requests hold none of its 10 concurrent slots.
import type { TokenController } from '../controller.ts'
import {
  createMiniRequest,
  type MiniRequestFunction,
  type MiniRequestOptions,
  type MiniRequestSuccess,
  type MiniRequestTask,
} from './mini-request.ts'
import type { AuthPolicyOptions } from './request-path.ts'

// Module-local: looked up at call time, behind typeof, never assumed at import.
declare const wx: { request: MiniRequestFunction } | undefined

/**
 * Options for {@link createWxRequest}: the shared {@link AuthPolicyOptions}, plus the `wx` object to use.
 *
 * @example
 * const request = createWxRequest(tokens, { isUnauthorized: (r) => r.statusCode === 401 })
 */
export interface WxAdapterOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /** The runtime's `wx` (anything with wx's `request`). Default: the global `wx`, looked up per request. */
  wx?: { request: MiniRequestFunction }
}

/**
 * What {@link createWxRequest} returns: `wx.request`'s options (success/fail/complete) in, a RequestTask out.
 *
 * @example
 * const request: WxRequest = createWxRequest(tokens)
 * const task = request({ url: 'https://api.example.com/me', success: (res) => render(res.data) })
 * task.abort()
 */
export type WxRequest = (options: MiniRequestOptions) => MiniRequestTask

/**
 * A `wx.request` that carries the token. Same options and callbacks; `fail` also gets a `TokenError` (with
 * `errMsg`) when no token could be had. The task's abort() works while waiting too: fail gets `ABORTED`.
 *
 * @example
 * const request = createWxRequest(tokens)
 * const task = request({ url: 'https://api.example.com/orders', success: (res) => showOrders(res.data) })
 * request({ url: 'https://api.example.com/token', method: 'POST', auth: false }) // no token
 */
export function createWxRequest(tokens: TokenController, options: WxAdapterOptions = {}): WxRequest {
  const runtime = () => options.wx || (typeof wx !== 'undefined' ? wx : undefined)
  const send = createMiniRequest(tokens, options, runtime, 'createWxRequest: no wx.request here; pass options.wx')
  return (requestOptions) => {
    const sent = send(requestOptions)
    // wx.request has no promise: the callbacks are the only way out, so an uncallbacked failure stays quiet.
    sent.promise.catch(() => undefined)
    return sent.task
  }
}
