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
