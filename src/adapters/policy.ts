// What every HTTP adapter decides the same way: the https rule, how the header looks, when an answer means
// "unauthorized", which token to invalidate, how often to replay, and what a 429 asks for. Adapters only map
// their client's shapes (config, options, callbacks, Response) onto this; none of them keeps state.
import type { AbortSignalLike } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { AbortedError, InsecureUrlError } from '../errors.ts'
import { isThenable } from '../thenable.ts'

/**
 * The options every adapter shares: which header carries the token and how, the https rule, the replay limit,
 * what counts as unauthorized, and optional request signing. Each default is on its option.
 *
 * @example
 * const options: AuthPolicyOptions = {
 *   header: 'X-Access-Token',
 *   format: (token) => token,              // no "Bearer " prefix
 *   maxReplays: 1,
 *   isUnauthorized: (response) => response.statusCode === 401 || response.data?.code === 40101,
 * }
 */
export interface AuthPolicyOptions<Answer = any> {
  /** Header that carries the token. Default `'Authorization'`. */
  header?: string
  /** Header value for a token. Default `token => 'Bearer ' + token`. */
  format?: (token: string) => string
  /**
   * Refuse `http://` URLs with `INSECURE_URL` before sending (mini-programs only allow https).
   * Default: on, except for localhost / 127.0.0.1 / [::1] during development. `true` refuses those too.
   */
  requireHttps?: boolean
  /** Replays per request after an unauthorized answer, each with the token that replaced the refused one. Default 1. */
  maxReplays?: number
  /**
   * Whether an answer means "this token was refused". Default: HTTP status 401. For business codes e.g.
   * `r => r.data?.code === 401`; may return a promise (fetch: `async r => (await r.clone().json()).code === 401`).
   */
  isUnauthorized?: (answer: Answer) => boolean | PromiseLike<boolean>
  /** Signs the request after the token is set, and again on each replay, e.g. `createSigner({ secret })`. */
  sign?: (request: any, token: string) => unknown
}

/** What a request tells the policy before it is sent. */
export interface OutgoingRequest {
  /** The full URL (baseURL joined), for the https rule. */
  url: string
  /** The caller's opt-out (`auth: false`, `custom.auth`, `tokenAuth`): no token, no check, no replay. */
  optedOut?: boolean
  /** Aborts waiting for a token with `ABORTED`. */
  signal?: AbortSignalLike
  /** False when the request cannot be sent twice (a one-shot stream body): an unauthorized answer is final. */
  replayable?: boolean
}

export interface AuthPolicy<Answer> {
  readonly header: string
  readonly maxReplays: number
  format(token: string): string
  /** Sets the token header on `headers` in place, dropping the same header spelled in another case. */
  putToken(headers: Record<string, unknown>, token: string): void
  /** Throws `INSECURE_URL` for a plain-http URL the policy refuses. */
  checkUrl(url: string): void
  /** Checks the URL, then resolves with a token (parking while a refresh runs). Synchronous up to the park. */
  authorize(url: string, signal?: AbortSignalLike): Promise<string>
  /** Calls `sign` if given; returns what it returned, or `request` when it returned nothing. */
  signed<R extends object>(request: R, token: string): R
  /**
   * Judges an answer to a request sent with `sentToken` and replayed `replays` times: `'pass'` (not unauthorized),
   * `'replay'` (the sent token is already invalidated, a no-op if another request got there first) or
   * `'refused'` (unauthorized, and its replays are spent). Synchronous when `isUnauthorized` is (the default),
   * so an interceptor chain passes an ordinary answer on without a promise hop.
   */
  verdict(answer: Answer, sentToken: string | undefined, replays: number): Verdict | Promise<Verdict>
}

export type Verdict = 'pass' | 'replay' | 'refused'

// URLs are judged as the WHATWG parser (browsers, fetch, axios, uni H5) will read them: it drops leading and
// trailing spaces and controls and every tab or newline, and reads `http:host`, `http:/host` and `http:\\host`
// as `http://host`. Checking the raw string for `http://` would let all of those through. Dropping every space
// and control, inner ones too, can only refuse more: such a URL would not parse anyway.
const SPACES_AND_CONTROLS = /[\x00-\x20]/g
// `http:`, any slashes, then the authority: [user:password@]host[:port].
const PLAIN_HTTP_AUTHORITY = /^http:[/\\]*([^/\\?#]*)/i
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i

/**
 * The policy an adapter runs on. `statusOf` reads the HTTP status from the client's answer shape.
 * Bad options throw a `TypeError` naming the option.
 */
export function createAuthPolicy<Answer>(
  tokens: TokenController,
  options: AuthPolicyOptions<Answer> = {},
  statusOf: (answer: Answer) => unknown,
): AuthPolicy<Answer> {
  const maxReplays = options.maxReplays ?? 1
  if (!Number.isInteger(maxReplays) || maxReplays < 0) throw new TypeError('maxReplays must be an integer of at least 0')
  for (const name of ['format', 'isUnauthorized', 'sign'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`${name} must be a function`)
  }
  if (!tokens || typeof tokens.getToken !== 'function') throw new TypeError('tokens must be a token controller')
  const { requireHttps, sign } = options
  const isUnauthorized = options.isUnauthorized ?? ((answer: Answer) => statusOf(answer) === 401)
  const header = options.header ?? 'Authorization'
  // Lower-cased once: putToken runs on every request.
  const headerKey = header.toLowerCase()

  const policy: AuthPolicy<Answer> = {
    header,
    maxReplays,
    format: options.format ?? ((token) => 'Bearer ' + token),
    putToken(headers, token) {
      // `authorization` and `Authorization` both sent: XHR joins them ("Basic x, Bearer y") and the server refuses.
      for (const key in headers) if (key.toLowerCase() === headerKey) delete headers[key]
      headers[header] = policy.format(token)
    },
    checkUrl(url) {
      const plain = requireHttps !== false && PLAIN_HTTP_AUTHORITY.exec(url.replace(SPACES_AND_CONTROLS, ''))
      if (!plain) return
      // The host only: no user:password in an error message (nor path or query).
      const host = (plain[1] as string).replace(/^.*@/, '')
      if (requireHttps === undefined && LOOPBACK_HOST.test(host)) return
      throw new InsecureUrlError('http://' + host)
    },
    authorize(url, signal) {
      // getToken's own promise, with no wrapper: every request that waits for a token holds it.
      try {
        policy.checkUrl(url)
      } catch (error) {
        return Promise.reject(error)
      }
      return tokens.getToken(signal && { signal })
    },
    signed: (request, token) => (sign ? ((sign(request, token) as typeof request | undefined) ?? request) : request),
    verdict(answer, sentToken, replays) {
      const decide = (unauthorized: boolean): Verdict => {
        if (!unauthorized) return 'pass'
        if (replays >= maxReplays) return 'refused'
        if (sentToken !== undefined) tokens.invalidate(sentToken)
        return 'replay'
      }
      const unauthorized = isUnauthorized(answer)
      return isThenable(unauthorized) ? Promise.resolve(unauthorized).then(decide) : decide(Boolean(unauthorized))
    },
  }
  return policy
}

/**
 * The whole rule for clients with one promise per send (uni, wx, fetch): authorize, `send(token)`, replay while
 * allowed. `send(undefined)` for an opted-out request. Resolves with the last answer, unauthorized or not.
 * A function, not a policy method, so the interceptor adapters (luch-request, axios) do not ship it.
 */
export async function sendWithPolicy<Answer>(
  policy: AuthPolicy<Answer>,
  request: OutgoingRequest,
  send: (token: string | undefined) => Answer | PromiseLike<Answer>,
): Promise<Answer> {
  if (request.optedOut) return send(undefined)
  for (let replays = 0; ; replays++) {
    const token = await policy.authorize(request.url, request.signal)
    // The token can arrive in the same tick as an abort: the abort wins and nothing is sent.
    if (request.signal?.aborted) throw new AbortedError(request.signal.reason)
    const answer = await send(token)
    // A one-shot body cannot go twice: its answer is final, and the token stays (no replay, no refresh).
    const spent = request.replayable === false ? policy.maxReplays : replays
    if ((await policy.verdict(answer, token, spent)) !== 'replay') return answer
  }
}

/** Mini-program code reads `errMsg` on every failure, as the platform's own have: give a TokenError one. */
export function withErrMsg(error: unknown): unknown {
  const failure = error as { code?: unknown; errMsg?: string } | null | undefined
  // Only an object has a string `code` here, so `in` never meets a primitive.
  if (typeof failure?.code === 'string' && !('errMsg' in failure)) failure.errMsg = `request:fail ${failure.code}`
  return error
}

const SENT_TOKEN = Symbol('painless-token.sentToken')

/** Marks a request object with the token it carries. Non-enumerable: no copy, JSON or server ever sees it. */
export function stampToken<R extends object>(request: R, token: string): R {
  Object.defineProperty(request, SENT_TOKEN, { value: token, configurable: true })
  return request
}

/** The token `stampToken` put on a request object, if any. */
export function sentToken(request: unknown): string | undefined {
  return typeof request === 'object' && request !== null ? (request as { [SENT_TOKEN]?: string })[SENT_TOKEN] : undefined
}

/** Joins `baseURL` and `url` the way luch-request and axios do. */
export function joinUrl(baseURL: string | undefined, url: string | undefined): string {
  const requested = url ?? ''
  if (!baseURL || /^([a-z][a-z\d+\-.]*:)?\/\//i.test(requested)) return requested
  return requested ? baseURL.replace(/\/+$/, '') + '/' + requested.replace(/^\/+/, '') : baseURL
}

/** Headers as a plain object (uni, wx, luch-request, axios) or with `get()` (fetch's Headers, AxiosHeaders). */
export type HeadersLike = Record<string, unknown> | { get(name: string): unknown }

/** A header's value by case-insensitive name. */
export function headerValue(headers: HeadersLike | undefined | null, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined
  // Headers.get answers null for a missing header, and '' carries no value either.
  if (typeof headers.get === 'function') return (headers as { get(name: string): unknown }).get(name) || undefined
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase())
  return key && (headers as Record<string, unknown>)[key]
}

/**
 * The 429 rule: an answer (or the error carrying it) with status 429 gets `retryAfterMs` from its Retry-After
 * header, so a `fetchToken` that rejects with it makes the machine wait that long instead of its own backoff.
 */
export function noteRetryAfter(target: unknown, status: unknown, headers: HeadersLike | undefined | null): void {
  if (status !== 429 || typeof target !== 'object' || target === null) return
  const delay = retryAfterMs(headerValue(headers, 'retry-after'), Date.now())
  if (delay !== undefined) (target as { retryAfterMs?: number }).retryAfterMs = delay
}

/**
 * A 429's Retry-After in ms (delta-seconds or an HTTP date), for `fetchToken` errors: the machine
 * waits that long before the next attempt instead of its own backoff. Undefined when absent or unreadable.
 *
 * @example
 * fetchToken: async () => {
 *   const response = await fetch('/token', { method: 'POST' })
 *   if (response.status === 429) {
 *     throw Object.assign(new Error('rate limited'), { retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), Date.now()) })
 *   }
 *   return response.json()
 * }
 */
export function retryAfterMs(value: unknown, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (typeof text !== 'string' && typeof text !== 'number') return undefined
  const trimmed = String(text).trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return isNaN(date) ? undefined : Math.max(0, date - now)
}
