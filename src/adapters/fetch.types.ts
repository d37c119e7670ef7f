// The shapes of fetch the adapter reads, and its options. Types only: src has no DOM types.
import type { HeadersLike } from './http.ts'
import type { AuthPolicyOptions } from './request-path.ts'

/**
 * The parts of a `Response` the adapter reads. A 429 also gets `retryAfterMs`.
 *
 * @example
 * const api = withTokens(fetch, tokens) // a real Response fits ResponseLike
 */
export interface ResponseLike {
  status: number
  headers: HeadersLike
  clone(): ResponseLike
}

/**
 * `RequestInit` plus `auth: false` to send without a token.
 *
 * @example
 * await api('https://api.example.com/token', { method: 'POST', auth: false }) // no token
 */
export interface TokenRequestInit {
  auth?: boolean
  headers?: unknown
  body?: unknown
  signal?: any
  [option: string]: unknown
}

/**
 * A fetch-shaped function: the platform's `fetch`, a polyfill, or what {@link withTokens} returns.
 *
 * @example
 * const api: FetchLike = withTokens(fetch, tokens)
 */
export type FetchLike<R extends ResponseLike = ResponseLike> = (input: any, init?: any) => Promise<R>

/**
 * Options for {@link withTokens}: the shared {@link AuthPolicyOptions} over fetch responses.
 *
 * @example
 * const api = withTokens(fetch, tokens, { isUnauthorized: (response) => response.status === 401 })
 */
export type FetchAdapterOptions = AuthPolicyOptions<ResponseLike>
