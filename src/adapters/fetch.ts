// fetch mapped onto the request path: a fetch-compatible function that sets the header and replays a refused
// answer. Opt out with `auth: false` in the init object (stripped before the real fetch sees it).
import type { TokenController } from '../controller.ts'
import type { FetchAdapterOptions, FetchLike, ResponseLike, TokenRequestInit } from './fetch.types.ts'
import { createRequestPath, sendWithTokens } from './request-path.ts'

export type { FetchAdapterOptions, FetchLike, ResponseLike, TokenRequestInit } from './fetch.types.ts'

// Module-local: src has no DOM types, and mini-programs have none of these. Read only inside withTokens.
declare const Headers: (new (init?: unknown) => { set(name: string, value: string): void }) | undefined
declare const TextDecoder: (new (label: string, options: object) => { decode(bytes: ArrayBuffer): string }) | undefined

interface RequestLike {
  url: string
  method: string
  headers: unknown
  arrayBuffer(): Promise<ArrayBuffer>
  signal?: any
  clone(): RequestLike
}

/**
 * Wraps a fetch so every call carries the token. A replay sends the same body: a `Request` is cloned before
 * each send, and strings, buffers, Blobs, FormData and URLSearchParams are reusable. A ReadableStream body is
 * one-shot: it is sent once and its unauthorized answer is returned as it is, never replayed.
 * Waiting for a token aborted by the signal rejects with `ABORTED` (a `TokenError`), not an AbortError.
 *
 * With `sign`, what is signed is exactly the bytes sent, as text; when those bytes cannot be known before sending
 * or are not text, the call rejects with a `TypeError` and nothing is sent. The URL, method and body are the
 * `Request`'s when given one, `init`'s where it sets them. `init.body`: a string is signed as it is,
 * URLSearchParams as its `toString()`, a plain object or array as JSON; a FormData, Blob, ArrayBuffer, typed array
 * or ReadableStream is refused (fetch itself produces its bytes, e.g. a random multipart boundary). A `Request`'s
 * body: its bytes (read from a clone) are signed when they are UTF-8 text, a multipart body included, exactly as
 * the Request built it; a body that is not UTF-8 (an image, `new Uint8Array([0xff])`) is refused, and so is any
 * non-empty one on a platform without `TextDecoder`.
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
          if (rest.body === undefined) sent.data = await bodyText(request)
        }
        // A Request's body is read when sent: send a clone, keep the original for a replay.
        return fetch(request ? request.clone() : input, path.apply(sent, headers, token))
      },
    )
    path.noteRetryAfter(answer, answer.status, answer.headers)
    return answer
  }
}

// A Request's body as the text of the bytes it sends. `fatal`: text that is not UTF-8 would be signed lossily
// (U+FFFD for each bad byte) and never verify; `ignoreBOM`: a leading BOM is part of the bytes, so of the text.
async function bodyText(request: RequestLike): Promise<string> {
  const bytes = await request.clone().arrayBuffer()
  if (bytes.byteLength === 0) return ''
  // Looked up behind typeof, as Headers is: a mini-program has none, and then there is nothing to sign with.
  const Decoder = typeof TextDecoder === 'function' ? TextDecoder : undefined
  if (!Decoder) throw new TypeError('withTokens: no TextDecoder here, so a Request body cannot be signed')
  try {
    return new Decoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new TypeError('withTokens: a Request body that is not UTF-8 text cannot be signed')
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
