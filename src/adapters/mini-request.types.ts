// uni.request's and wx.request's shapes (the same options, callbacks and RequestTask). Types only.

/**
 * `uni.request` / `wx.request` options, plus `auth: false` to send without a token (not passed on).
 *
 * @example
 * request({ url: 'https://api.example.com/orders', method: 'POST', data: { id: 7 }, header: { 'X-Trace': id } })
 * request({ url: 'https://api.example.com/token', auth: false }) // no token
 */
export interface MiniRequestOptions {
  url: string
  header?: Record<string, unknown>
  auth?: boolean
  success?: (result: MiniRequestSuccess) => void
  /** A platform fail result (`errMsg`), or a `TokenError` (with `errMsg` added) when no token could be had. */
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * What `success` gets: any HTTP answer, 401 included. A 429 also carries `retryAfterMs`.
 *
 * @example
 * const { statusCode, data, header } = await createUniRequest(tokens)({ url: 'https://api.example.com/me' })
 */
export interface MiniRequestSuccess {
  statusCode: number
  data: unknown
  header: Record<string, unknown>
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * The platform's RequestTask methods; listeners given before the request goes out are attached when it does.
 *
 * @example
 * const task = createWxRequest(tokens)({ url: 'https://api.example.com/feed' })
 * task.onHeadersReceived((res) => showHeaders(res.header)) // attached once the request goes out
 * task.abort()
 */
export interface MiniRequestTask {
  abort(): void
  onHeadersReceived(listener: (result: unknown) => void): void
  offHeadersReceived(listener?: (result: unknown) => void): void
  onChunkReceived(listener: (result: unknown) => void): void
  offChunkReceived(listener?: (result: unknown) => void): void
}

/**
 * `uni.request` or `wx.request`.
 *
 * @example
 * createWxRequest(tokens, { wx: { request: wx.request } })
 */
export type MiniRequestFunction = (options: any) => Partial<MiniRequestTask> | undefined | void

/**
 * `uploadFile` options (uni, wx): the file at `filePath` goes as the multipart field `name`, `formData` as the
 * other fields. `formData` is what a `sign` option signs as the body (method POST); `auth: false` sends no token.
 * A replay after a 401 sends the same `filePath` again.
 *
 * @example
 * request.uploadFile({ url: 'https://api.example.com/avatar', filePath: tempFilePath, name: 'file', formData: { kind: 'avatar' } })
 */
export interface MiniUploadOptions {
  url: string
  filePath: string
  name?: string
  formData?: Record<string, unknown>
  header?: Record<string, unknown>
  auth?: boolean
  success?: (result: MiniUploadSuccess) => void
  /** A platform fail result (`errMsg`), or a `TokenError` (with `errMsg` added) when no token could be had. */
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * What an upload's `success` gets: any HTTP answer. `data` is the body as text (parse it yourself).
 *
 * @example
 * const { statusCode, data } = await createUniRequest(tokens).uploadFile({ url, filePath, name: 'file' })
 * const body = JSON.parse(data)
 */
export interface MiniUploadSuccess {
  statusCode: number
  data: string
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * `downloadFile` options (uni, wx), plus `auth: false` to send no token. Signed (if `sign` is set) as a GET with
 * no body.
 *
 * @example
 * request.downloadFile({ url: 'https://api.example.com/invoice.pdf', success: (res) => wx.openDocument({ filePath: res.tempFilePath }) })
 */
export interface MiniDownloadOptions {
  url: string
  header?: Record<string, unknown>
  filePath?: string
  auth?: boolean
  success?: (result: MiniDownloadSuccess) => void
  /** A platform fail result (`errMsg`), or a `TokenError` (with `errMsg` added) when no token could be had. */
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * What a download's `success` gets: the HTTP status and where the body was saved.
 *
 * @example
 * const { statusCode, tempFilePath } = await createUniRequest(tokens).downloadFile({ url })
 */
export interface MiniDownloadSuccess {
  statusCode: number
  tempFilePath: string
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * The platform's UploadTask / DownloadTask methods; listeners given while the call waits for its token are
 * attached once it goes out. abort() works while waiting too.
 *
 * @example
 * const task = createWxRequest(tokens).uploadFile({ url, filePath, name: 'file' })
 * task.onProgressUpdate(({ progress }) => setProgress(progress))
 */
export interface MiniTransferTask {
  abort(): void
  onProgressUpdate(listener: (result: { progress: number; [field: string]: unknown }) => void): void
  offProgressUpdate(listener?: (result: any) => void): void
  onHeadersReceived(listener: (result: unknown) => void): void
  offHeadersReceived(listener?: (result: unknown) => void): void
}

/**
 * The platform object a request adapter calls: `request`, and `uploadFile` / `downloadFile` when those are used.
 *
 * @example
 * createWxRequest(tokens, { wx: { request: wx.request, uploadFile: wx.uploadFile, downloadFile: wx.downloadFile } })
 */
export interface MiniPlatform {
  request: MiniRequestFunction
  uploadFile?: MiniRequestFunction
  downloadFile?: MiniRequestFunction
}
