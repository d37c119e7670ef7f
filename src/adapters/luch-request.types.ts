// The shapes of luch-request the adapter reads and writes, and its options. Types only.
import type { AuthPolicyOptions } from './request-path.ts'

/**
 * The parts of a luch-request config the adapter reads and writes (luch-request's own typings do not fit).
 * `custom: { auth: false }` sends the request without a token.
 *
 * @example
 * http.post('/token', creds, { custom: { auth: false } }) // no token, no https check: fetchToken may use this
 */
export interface LuchRequestConfig {
  url?: string
  baseURL?: string
  header?: Record<string, unknown>
  custom?: Record<string | symbol, unknown>
  [key: string]: unknown
}

/**
 * The parts of a luch-request response the adapter reads (`statusCode`, `data`, `header`, `config`).
 *
 * @example
 * attachTokenController(http, tokens, { isUnauthorized: (response: LuchResponse) => response.statusCode === 401 })
 */
export interface LuchResponse {
  statusCode?: number
  data?: unknown
  header?: Record<string, unknown>
  config?: LuchRequestConfig
  [key: string]: unknown
}

type Use = { use(onFulfilled: (value: any) => any, onRejected?: (error: any) => any): unknown; eject?(id: number): void }
/**
 * The parts of a luch-request instance the adapter uses. Loose, so luch-request's own typings fit (use() "returns void").
 *
 * @example
 * import Request from 'luch-request'
 * const http: LuchRequestInstance = new Request({ baseURL: 'https://api.example.com' })
 * const detach = attachTokenController(http, tokens)
 */
export interface LuchRequestInstance {
  interceptors: { request: Use; response: Use }
  middleware(config: any): Promise<unknown>
}

/**
 * Options for {@link attachTokenController}: the shared {@link AuthPolicyOptions} (header, format, requireHttps,
 * maxReplays, isUnauthorized, sign) over luch-request responses.
 *
 * @example
 * attachTokenController(http, tokens, { isUnauthorized: (r) => r.statusCode === 401 || r.data?.code === 401 })
 */
export type LuchRequestAdapterOptions = AuthPolicyOptions<LuchResponse>
