// The shapes of Taro's request interceptor chain (`Taro.addInterceptor`) the adapter reads, and its options. Types only.
import type { AbortSignalLike } from '../abort.ts'
import type { AuthPolicyOptions } from './request-path.ts'

/**
 * `Taro.request`'s options as an interceptor sees them (`chain.requestParams`), plus `auth: false` to send
 * without a token. Declare `auth` once for Taro's types with the augmentation shown below.
 *
 * @example
 * // declare module '@tarojs/taro' { namespace request { interface Option<T, U> { auth?: boolean } } }
 * Taro.request({ url: 'https://api.example.com/token', method: 'POST', auth: false }) // no token
 */
export interface TaroRequestParams {
  url: string
  header?: Record<string, unknown>
  /** `false`: no token, no https check, no replay. Left in the options (platforms ignore what they do not know). */
  auth?: boolean
  /** H5's `signal` (Taro passes it to fetch): here it also aborts a request that waits for its token. */
  signal?: AbortSignalLike
  [option: string]: unknown
}

/**
 * What `Taro.request` resolves with: any HTTP answer, 401 included. A 429 also carries `retryAfterMs`.
 *
 * @example
 * const { statusCode, data, header } = await Taro.request({ url: 'https://api.example.com/me' })
 */
export interface TaroResponse {
  statusCode: number
  data: unknown
  header: Record<string, unknown>
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * The chain Taro hands each interceptor: `proceed` calls the interceptors inside this one, then the platform.
 *
 * @example
 * const logInterceptor = (chain: TaroChain) => chain.proceed(chain.requestParams)
 */
export interface TaroChain {
  requestParams: TaroRequestParams
  proceed(requestParams: TaroRequestParams): PromiseLike<TaroResponse> & { abort?: () => void }
}

/**
 * What the interceptor returns: Taro copies its `abort` onto the promise `Taro.request` returns.
 *
 * @example
 * const pending = Taro.request({ url: 'https://api.example.com/slow' })
 * pending.abort() // waiting for the token: rejects with ABORTED, sends nothing; in flight: the platform's abort
 */
export interface TaroRequestPromise extends Promise<TaroResponse> {
  /** Aborts the request: while it waits for a token (rejects `ABORTED`, nothing sent) or in flight. */
  abort(): void
}

/**
 * An interceptor for `Taro.addInterceptor`.
 *
 * @example
 * const interceptor: TaroInterceptor = createTaroInterceptor(tokens)
 * Taro.addInterceptor(interceptor)
 */
export type TaroInterceptor = (chain: TaroChain) => TaroRequestPromise

/**
 * Options for {@link createTaroInterceptor}: the shared {@link AuthPolicyOptions} over Taro's answers.
 *
 * @example
 * createTaroInterceptor(tokens, { isUnauthorized: (res) => res.statusCode === 401 || (res.data as any)?.code === 401 })
 */
export type TaroAdapterOptions = AuthPolicyOptions<TaroResponse>
