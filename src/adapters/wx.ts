// wx.request, wx.uploadFile and wx.downloadFile mapped onto the request path, with wx's own shape:
// success/fail/complete and a task back. The platform is called only once the token is there, so parked calls
// hold none of wx's 10 concurrent slots.
import type { TokenController } from '../controller.ts'
import {
  createMiniClient,
  WX_SHAPE,
  taskOnly,
  type MiniDownloadOptions,
  type MiniPlatform,
  type MiniRequestOptions,
  type MiniRequestSuccess,
  type MiniRequestTask,
  type MiniTransferTask,
  type MiniUploadOptions,
} from './mini-request.ts'
import type { AuthPolicyOptions } from './request-path.ts'

// Module-local: looked up at call time, behind typeof, never assumed at import.
declare const wx: MiniPlatform | undefined

/**
 * Options for {@link createWxRequest}: the shared {@link AuthPolicyOptions}, plus the `wx` object to use.
 *
 * @example
 * const request = createWxRequest(tokens, { isUnauthorized: (r) => r.statusCode === 401 })
 */
export interface WxAdapterOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /**
   * The runtime's `wx` (anything with wx's `request`, and `uploadFile` / `downloadFile` if you use them); also
   * Douyin's `tt`, QQ's `qq` and the other wx-shaped runtimes. Default: the global `wx`, looked up per call.
   */
  wx?: MiniPlatform
}

/**
 * What {@link createWxRequest} returns: `wx.request`'s options (success/fail/complete) in, a RequestTask out; and
 * the same for `wx.uploadFile` and `wx.downloadFile` as its methods (an UploadTask / DownloadTask out).
 *
 * @example
 * const request: WxRequest = createWxRequest(tokens)
 * const task = request({ url: 'https://api.example.com/me', success: (res) => render(res.data) })
 * task.abort()
 * request.uploadFile({ url: 'https://api.example.com/avatar', filePath, name: 'file', success: (res) => JSON.parse(res.data) })
 */
export interface WxRequest {
  (options: MiniRequestOptions): MiniRequestTask
  /** `wx.uploadFile` with the token: header, signing of `formData`, replay after a 401 with the same `filePath`. */
  uploadFile(options: MiniUploadOptions): MiniTransferTask
  /** `wx.downloadFile` with the token, replayed after a 401. */
  downloadFile(options: MiniDownloadOptions): MiniTransferTask
}

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
  return createMiniClient(tokens, options, runtime, 'createWxRequest', 'wx', taskOnly, WX_SHAPE)
}
