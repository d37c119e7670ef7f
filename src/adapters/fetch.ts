// fetch mapped onto the shared policy: a fetch-compatible function that sets the header and replays an
// unauthorized answer. Opt out with `auth: false` in the init object (stripped before the real fetch sees it).
import type { TokenController } from '../controller.ts'
import { createAuthPolicy, noteRetryAfter, sendWithPolicy, type AuthPolicyOptions, type HeadersLike } from './policy.ts'

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

// Module-local: src has no DOM types, and mini-programs have none of these. Read only inside withTokens.
declare const Headers: (new (init?: unknown) => { set(name: string, value: string): void }) | undefined

interface RequestLike {
  url: string
  headers: unknown
  signal?: any
  clone(): RequestLike
}

/**
 * Wraps a fetch so every call carries the token. A replay sends the same body: a `Request` is cloned before
 * each send, and strings, buffers, Blobs, FormData and URLSearchParams are reusable. A ReadableStream body is
 * one-shot: it is sent once and its unauthorized answer is returned as it is, never replayed.
 * Waiting for a token aborted by the signal rejects with `ABORTED` (a `TokenError`), not an AbortError.
 *
 * @example
 * const api = withTokens(fetch, tokens)
 * const orders = await (await api('https://api.example.com/orders')).json()
 * await api('https://api.example.com/token', { method: 'POST', auth: false }) // no token
 */
export function withTokens<R extends ResponseLike>(
  fetch: FetchLike<R>,
  tokens: TokenController,
  options: FetchAdapterOptions = {},
): FetchLike<R> {
  if (typeof fetch !== 'function') throw new TypeError('withTokens: fetch must be a function')
  if (typeof Headers !== 'function') throw new TypeError('withTokens: this platform has no Headers class, so no fetch to wrap')
  const HeadersClass = Headers
  const policy = createAuthPolicy(tokens, options, (response: R) => response.status)

  return async function fetchWithTokens(input: unknown, init?: TokenRequestInit): Promise<R> {
    // Our own copy without `auth`, which is ours, not fetch's.
    const rest: TokenRequestInit = Object.assign({}, init)
    const auth = rest.auth
    delete rest.auth
    const request = isRequest(input) ? input : undefined
    const url = request ? request.url : String(input)
    const signal = rest.signal ?? request?.signal
    const answer = await sendWithPolicy(policy, { url, signal, optedOut: auth === false, replayable: !isStream(rest.body) }, (token) => {
      if (token === undefined) return fetch(input, rest)
      const headers = new HeadersClass(rest.headers ?? request?.headers)
      headers.set(policy.header, policy.format(token))
      // A Request's body is read when sent: send a clone, keep the original for a replay.
      return fetch(request ? request.clone() : input, policy.signed(Object.assign({}, rest, { headers, url }), token))
    })
    noteRetryAfter(answer, answer.status, answer.headers)
    return answer
  }
}

// By shape, not instanceof: no Request global is needed, and a polyfilled Request fits too.
function isRequest(input: unknown): input is RequestLike {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as RequestLike).url === 'string' &&
    typeof (input as RequestLike).clone === 'function'
  )
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { getReader?: unknown }).getReader === 'function'
}
