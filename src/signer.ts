// Signs requests: a canonical string of the request, HMAC-SHA256 (or MD5) with a shared secret, sent as headers.
// Mini-program safe: URLs parsed by hand, and the nonce never uses crypto-js's WordArray.random (throws there).
import HmacSHA256 from 'crypto-js/hmac-sha256'
import MD5 from 'crypto-js/md5'
import Hex from 'crypto-js/enc-hex'
import type CryptoJS from 'crypto-js'
import { headerWriter, joinUrl, type WritableHeaders } from './adapters/http.ts'

// Module-local: src has no DOM/node types, and mini-programs have no `crypto` global at all.
declare const crypto: { getRandomValues?: (array: Uint8Array) => Uint8Array } | undefined

/**
 * The parts of a request config the signer reads, and the headers it writes: `header` for luch-request, uni and
 * wx; `headers` for axios (AxiosHeaders or a plain object) and for `withTokens` (a `Headers`, with `url` and `body`).
 *
 * @example
 * const config: SignableConfig = { method: 'POST', baseURL: 'https://api.example.com', url: '/orders?page=2', data: { id: 7 } }
 * sign(config).header['X-Signature'] // lower-case hex
 */
export interface SignableConfig {
  url?: string
  baseURL?: string
  method?: string
  params?: Record<string, unknown>
  data?: unknown
  /** fetch's name for the body; read when there is no `data`. */
  body?: unknown
  header?: Record<string, string>
  headers?: Record<string, unknown> | { set(name: string, value: string): unknown }
}

/**
 * The signature algorithm of {@link createSigner}: `'HMAC-SHA256'` (default, keyed with the secret) or `'MD5'`
 * (the canonical string + `'\n'` + secret, for servers that still ask for it).
 *
 * @example
 * const sign = createSigner({ secret, algorithm: 'MD5' })
 */
export type SignAlgorithm = 'HMAC-SHA256' | 'MD5'

/**
 * Options for {@link createSigner}. `secret` is required and never logged; the rest have defaults. A bad option
 * throws a `TypeError` naming it.
 *
 * @example
 * const sign = createSigner({
 *   secret: appSecret,
 *   headers: { timestamp: 'X-Ts', nonce: 'X-Nonce', signature: 'X-Sign' },
 *   now: () => Date.now() + serverClockSkewMs,
 * })
 */
export interface SignerOptions {
  /** Shared with the server. Never logged, never put in an error message. */
  secret: string
  /** Default `'HMAC-SHA256'`. `'MD5'` hashes the canonical string + `'\n'` + secret. */
  algorithm?: SignAlgorithm
  /** Header names. Defaults: `X-Timestamp`, `X-Nonce`, `X-Signature`. */
  headers?: { timestamp?: string; nonce?: string; signature?: string }
  /** A value unique per request (not secret). Default: 32 random hex chars. */
  nonce?: () => string
  /** Epoch ms. Default `() => Date.now()`. */
  now?: () => number
}

/**
 * Sets the timestamp, nonce and signature headers on `config.header` (creating it) and returns `config`.
 *
 * @example
 * const sign: Sign = createSigner({ secret })
 * attachTokenController(http, tokens, { sign })
 */
export type Sign = <C extends SignableConfig>(config: C, token?: string) => Signed<C>

/**
 * What {@link Sign} returns: the same config, with `header` when it had no `headers` of its own (luch-request, uni,
 * wx); an axios or fetch config keeps its `headers`, which the signer wrote to.
 *
 * @example
 * const signed: Signed<{ url: string }> = sign({ url: '/orders' })
 * signed.header['X-Signature'] // lower-case hex
 */
export type Signed<C> = C extends { headers: object } ? C : C & { header: Record<string, string> }

const ALGORITHMS: readonly SignAlgorithm[] = ['HMAC-SHA256', 'MD5']
const ORIGIN = /^([a-z][a-z\d+\-.]*:)?\/\/[^/]*/i

/**
 * Creates a request signer. Bad options throw a `TypeError` naming the option.
 *
 * A nonce must be unique per request, not secret: a server refuses a nonce it has seen for as long as
 * it accepts the timestamp. The default uses `crypto.getRandomValues` where the platform has it, else time +
 * counter + `Math.random` (WeChat mini-programs have no synchronous secure random source).
 *
 * The body (`data`, else `body`) is signed as text: a string as it is, URLSearchParams as its `toString()`, a
 * plain object or array as JSON. A FormData, Blob, ArrayBuffer, typed array or stream has no text to sign: the
 * signer throws a `TypeError` naming it, so the request fails before it is sent instead of with a bad signature.
 *
 * @example
 * const sign = createSigner({ secret: appSecret })
 * http.interceptors.request.use((config) => sign(config))
 * // config.header now has X-Timestamp, X-Nonce and X-Signature
 */
export function createSigner(options: SignerOptions): Sign {
  const { secret, algorithm = 'HMAC-SHA256', headers, nonce = defaultNonce, now = () => Date.now() } = options ?? ({} as SignerOptions)
  if (typeof secret !== 'string' || secret === '') throw new TypeError('createSigner: `secret` must be a non-empty string')
  if (ALGORITHMS.indexOf(algorithm) === -1) {
    throw new TypeError(`createSigner: \`algorithm\` must be 'HMAC-SHA256' or 'MD5', got ${JSON.stringify(algorithm)}`)
  }
  if (typeof nonce !== 'function') throw new TypeError('createSigner: `nonce` must be a function')
  if (typeof now !== 'function') throw new TypeError('createSigner: `now` must be a function')
  const writeTimestamp = headerWriter(headerName(headers?.timestamp, 'X-Timestamp', 'timestamp'))
  const writeNonce = headerWriter(headerName(headers?.nonce, 'X-Nonce', 'nonce'))
  const writeSignature = headerWriter(headerName(headers?.signature, 'X-Signature', 'signature'))

  // `token` is accepted so every adapter can call a signer the same way; it is not part of the signed string.
  return (config) => {
    const timestamp = Math.floor(now())
    const nonceText = String(nonce())
    const text = canonicalRequest(config, timestamp, nonceText)
    const signature = algorithm === 'MD5' ? md5Hex(text + '\n' + secret) : hmacSha256Hex(secret, text)
    const target = headersOf(config)
    writeTimestamp(target, String(timestamp))
    writeNonce(target, nonceText)
    writeSignature(target, signature)
    return config as Signed<typeof config>
  }
}

/**
 * The string the signer hashes: method, path, sorted query, body, timestamp and nonce, joined by `'\n'`.
 * Pure, so a server (or a test) can rebuild it.
 *
 * @example
 * canonicalRequest({ method: 'post', baseURL: 'https://api.example.com/v1', url: 'orders?b=2&a=1', data: { n: 1 } }, 1700000000000, 'abc')
 * // 'POST\n/v1/orders\na=1&b=2\n{"n":1}\n1700000000000\nabc'
 */
export function canonicalRequest(config: SignableConfig, timestamp: number, nonce: string): string {
  const { path, query } = splitUrl(joinUrl(config.baseURL, config.url))
  return [
    (config.method || 'GET').toUpperCase(),
    path,
    sortedQuery(query, config.params),
    bodyText(config.data !== undefined ? config.data : config.body),
    String(timestamp),
    nonce,
  ].join('\n')
}

/**
 * Lower-case hex MD5 of `text` (UTF-8).
 *
 * @example
 * md5Hex('abc') // '900150983cd24fb0d6963f7d28e17f72'
 */
export function md5Hex(text: string): string {
  return Hex.stringify(MD5(text))
}

/**
 * Upper-case hex MD5 of `text`, for the common "MD5 the password, upper-case it" credential rule.
 *
 * @example
 * md5Upper('abc') // '900150983CD24FB0D6963F7D28E17F72'
 */
export function md5Upper(text: string): string {
  return md5Hex(text).toUpperCase()
}

/**
 * Lower-case hex HMAC-SHA256. Strings are read as UTF-8; pass a crypto-js WordArray for raw bytes.
 *
 * @example
 * hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')
 * // 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
 */
export function hmacSha256Hex(key: string | CryptoJS.lib.WordArray, message: string | CryptoJS.lib.WordArray): string {
  return Hex.stringify(HmacSHA256(message, key))
}

// Where the client reads headers from: `header` (luch-request, uni, wx), else `headers` (axios, fetch). Writing
// `header` on an axios config would sign nothing.
function headersOf(config: SignableConfig): WritableHeaders {
  const { headers } = config
  if (config.header === undefined && headers && typeof headers === 'object') return headers
  return config.header ?? (config.header = {})
}

function headerName(given: string | undefined, fallback: string, option: string): string {
  if (given === undefined) return fallback
  if (typeof given !== 'string' || given === '') {
    throw new TypeError(`createSigner: \`headers.${option}\` must be a non-empty string`)
  }
  return given
}

function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#')
  const noHash = hash === -1 ? url : url.slice(0, hash)
  const mark = noHash.indexOf('?')
  const query = mark === -1 ? '' : noHash.slice(mark + 1)
  let path = (mark === -1 ? noHash : noHash.slice(0, mark)).replace(ORIGIN, '')
  // The server always sees a leading slash, even when the request URL was relative with no baseURL.
  if (path.charAt(0) !== '/') path = '/' + path
  return { path, query }
}

function sortedQuery(query: string, params: Record<string, unknown> | undefined): string {
  const pairs: Array<[string, string]> = []
  const fromParams: Record<string, string> = {}
  if (params) {
    for (const key of Object.keys(params)) {
      const value = params[key]
      // luch-request drops null/undefined params from the URL, so they are not signed either.
      if (value !== null && value !== undefined) fromParams[key] = String(value)
    }
  }
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const key = eq === -1 ? part : part.slice(0, eq)
    if (!Object.prototype.hasOwnProperty.call(fromParams, key)) pairs.push([key, eq === -1 ? '' : part.slice(eq + 1)])
  }
  for (const key of Object.keys(fromParams)) pairs.push([key, fromParams[key] as string])
  // Code-unit order (not localeCompare) so every runtime and server language sorts alike; the index
  // tie-break keeps repeated URL keys in order on engines whose sort is not stable.
  const order = pairs.map((pair, index) => ({ pair, index }))
  order.sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.index - b.index))
  return order.map(({ pair }) => pair[0] + '=' + pair[1]).join('&')
}

// Bodies with no text of their own are refused, not signed as JSON.stringify would see them ("{}").
const NO_TEXT = /^(FormData|Blob|File|ArrayBuffer|SharedArrayBuffer|ReadableStream)$/

function bodyText(data: unknown): string {
  if (data === undefined || data === null) return ''
  if (typeof data === 'string') return data
  const kind = Object.prototype.toString.call(data).slice(8, -1)
  if (kind === 'URLSearchParams') return String(data)
  if (NO_TEXT.test(kind) || ArrayBuffer.isView(data) || typeof (data as { getReader?: unknown }).getReader === 'function') {
    throw new TypeError(`createSigner: a ${kind} body has no text to sign; send a string, URLSearchParams or JSON body`)
  }
  return JSON.stringify(data)
}

let nonceCounter = 0

function defaultNonce(): string {
  if (typeof crypto !== 'undefined' && crypto && typeof crypto.getRandomValues === 'function') {
    try {
      const bytes = crypto.getRandomValues(new Uint8Array(16))
      let hex = ''
      for (let i = 0; i < bytes.length; i++) hex += ((bytes[i] as number) + 0x100).toString(16).slice(1)
      return hex
    } catch {
      // A polyfill that throws (no entropy source) is as good as none: fall through.
    }
  }
  // Unique, not unpredictable: the time and a per-load counter make it unique here, Math.random across app
  // instances. Same 32-hex shape as above: 12 of time, 8 of counter, 12 of Math.random.
  nonceCounter = (nonceCounter + 1) % 0x100000000
  return (
    pad(Date.now().toString(16), 12) +
    pad(nonceCounter.toString(16), 8) +
    pad(Math.floor(Math.random() * 0x1000000).toString(16), 6) +
    pad(Math.floor(Math.random() * 0x1000000).toString(16), 6)
  )
}

function pad(hex: string, width: number): string {
  while (hex.length < width) hex = '0' + hex
  return hex.slice(-width)
}
