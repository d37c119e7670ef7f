// fetch mapped onto the request path: a fetch-compatible function that sets the header and replays a refused
// answer. Opt out with `auth: false` in the init object (stripped before the real fetch sees it).
import type { TokenController } from '../controller.ts'
import type { FetchAdapterOptions, FetchLike, ResponseLike, TokenRequestInit } from './fetch.types.ts'
import { createRequestPath, sendWithTokens } from './request-path.ts'

export type { FetchAdapterOptions, FetchLike, ResponseLike, TokenRequestInit } from './fetch.types.ts'

// Module-local: src has no DOM types, and mini-programs have none of these. Read only inside withTokens.
declare const Headers: (new (init?: unknown) => { set(name: string, value: string): void }) | undefined

interface RequestLike {
  url: string
  method: string
  headers: unknown
  text(): Promise<string>
  signal?: any
  clone(): RequestLike
}

/**
 * Wraps a fetch so every call carries the token. A replay sends the same body: a `Request` is cloned before
 * each send, and strings, buffers, Blobs, FormData and URLSearchParams are reusable. A ReadableStream body is
 * one-shot: it is sent once and its unauthorized answer is returned as it is, never replayed.
 * Waiting for a token aborted by the signal rejects with `ABORTED` (a `TokenError`), not an AbortError.
 *
 * With `sign`, what is signed is what is sent: the URL, the method and the body of the `Request` when given one
 * (its body read as text from a clone), `init`'s where it sets them. A string body is signed as it is,
 * URLSearchParams as its `toString()`, a plain object or array as JSON. A FormData, Blob, ArrayBuffer, typed
 * array or ReadableStream body has no text to sign: the call rejects with a `TypeError` naming it, and nothing is sent.
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
  const path = createRequestPath(tokens, options, (response: R) => response.status)

  return async function fetchWithTokens(input: unknown, init?: TokenRequestInit): Promise<R> {
    // Our own copy without `auth`, which is ours, not fetch's.
    const rest: TokenRequestInit = Object.assign({}, init)
    const auth = rest.auth
    delete rest.auth
    const request = isRequest(input) ? input : undefined
    const url = request ? request.url : String(input)
    const signal = rest.signal ?? request?.signal
    const answer = await sendWithTokens(
      path,
      { url, signal, optedOut: auth === false, replayable: !isStream(rest.body) },
      async (token) => {
        if (token === undefined) return fetch(input, rest)
        const headers = new HeadersClass(rest.headers ?? request?.headers)
        const sent: TokenRequestInit = Object.assign({}, rest, { headers, url })
        // Signed as sent: a Request's own method and body unless init replaces them. The body goes to the signer as
        // `data` (which fetch ignores), so the Request's bytes, not their text, are what is sent.
        if (request && options.sign) {
          sent.method = rest.method ?? request.method
          if (rest.body === undefined) sent.data = await request.clone().text()
        }
        // A Request's body is read when sent: send a clone, keep the original for a replay.
        return fetch(request ? request.clone() : input, path.apply(sent, headers, token))
      },
    )
    path.noteRetryAfter(answer, answer.status, answer.headers)
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
