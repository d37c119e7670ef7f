// Alipay's my.request / my.uploadFile / my.downloadFile shapes, as far as the adapter reads them. Types only.
import type { MiniRequestFunction, MiniTransferTask } from './mini-request.types.ts'
import type { AuthPolicyOptions } from './request-path.ts'

/**
 * `my.request` options: `headers` (not `header`), plus `auth: false` to send without a token (not passed on).
 *
 * @example
 * request({ url: 'https://api.example.com/orders', method: 'POST', data: { id: 7 }, headers: { 'X-Trace': id } })
 */
export interface AlipayRequestOptions {
  url: string
  headers?: Record<string, unknown>
  auth?: boolean
  success?: (result: AlipayRequestSuccess) => void
  /** A platform fail result (`error`, `errorMessage`; an HTTP error also has `status`), or a `TokenError`. */
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * What `my.request`'s success gets: `status` and `headers` (not statusCode/header). A 429 also carries `retryAfterMs`.
 *
 * @example
 * createAlipayRequest(tokens)({ url, success: ({ status, data }) => render(status, data) })
 */
export interface AlipayRequestSuccess {
  status: number
  data: unknown
  headers: Record<string, unknown>
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * `my.uploadFile` options: `filePath`, the field name (`name`; `fileName` on older base libraries), `fileType`
 * (`image` / `video` / `audio`), `header`, `formData` (signed as a POST body when `sign` is set).
 *
 * @example
 * request.uploadFile({ url: 'https://api.example.com/avatar', filePath, name: 'file', fileName: 'file', fileType: 'image' })
 */
export interface AlipayUploadOptions {
  url: string
  filePath: string
  fileType?: string
  name?: string
  fileName?: string
  formData?: Record<string, unknown>
  header?: Record<string, unknown>
  auth?: boolean
  success?: (result: { data: string; statusCode: number | string; header?: Record<string, unknown> }) => void
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * `my.downloadFile` options; success gets `apFilePath` (and `tempFilePath` on newer base libraries).
 *
 * @example
 * request.downloadFile({ url: 'https://api.example.com/ticket.png', success: ({ apFilePath }) => my.previewImage({ urls: [apFilePath] }) })
 */
export interface AlipayDownloadOptions {
  url: string
  header?: Record<string, unknown>
  auth?: boolean
  success?: (result: { apFilePath?: string; tempFilePath?: string; statusCode?: number; [field: string]: unknown }) => void
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * The task a call hands back: abort() (also while it waits for its token: fail gets `ABORTED`), and the
 * platform task's listeners, attached once the call goes out.
 *
 * @example
 * const task = createAlipayRequest(tokens)({ url }); task.abort()
 */
export type AlipayTask = MiniTransferTask

/**
 * The parts of `my` the adapter calls.
 *
 * @example
 * createAlipayRequest(tokens, { my }) // the global `my` is the default
 */
export interface AlipayPlatform {
  request: MiniRequestFunction
  uploadFile?: MiniRequestFunction
  downloadFile?: MiniRequestFunction
}

/**
 * Options for `createAlipayRequest`: the shared {@link AuthPolicyOptions} (`isUnauthorized` reads
 * `status`, or an upload's `statusCode`), plus the `my` object to use.
 *
 * @example
 * const request = createAlipayRequest(tokens, { isUnauthorized: (r) => r.status === 401 || r.data?.code === 401 })
 */
export interface AlipayAdapterOptions extends AuthPolicyOptions {
  /** The runtime's `my`. Default: the global `my`, looked up per call. */
  my?: AlipayPlatform
}

/**
 * What `createAlipayRequest` returns: `my.request`'s options in, a task out; `uploadFile` and `downloadFile` the same.
 *
 * @example
 * const request: AlipayRequest = createAlipayRequest(tokens)
 * request({ url: 'https://api.example.com/me', success: ({ data }) => render(data) })
 */
export interface AlipayRequest {
  (options: AlipayRequestOptions): AlipayTask
  /** `my.uploadFile` with the token: header, signing of `formData`, replay after a 401 with the same `filePath`. */
  uploadFile(options: AlipayUploadOptions): AlipayTask
  /** `my.downloadFile` with the token, replayed after a 401. */
  downloadFile(options: AlipayDownloadOptions): AlipayTask
}
