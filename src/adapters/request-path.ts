// The per-request algorithm, written once for every client: the https rule, the token (at once when one is fresh),
// the header, signing, remembering which token was sent, judging the answer, invalidating the refused token,
// counting replays, and a 429's Retry-After. Adapters map their client onto these steps and read its opt-out;
// interceptor clients (luch-request, axios, the uni interceptor) replay through their own chain, promise
// clients (fetch, uni, wx) through `sendWithTokens` below. Both run the same steps.
import type { AbortSignalLike } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { AbortedError, InsecureUrlError } from '../errors.ts'
import { retryAfterMs } from '../retry-after.ts'
import { isThenable } from '../thenable.ts'
import { headerValue, headerWriter, type HeadersLike, type WritableHeaders } from './http.ts'

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
  /**
   * Resends per request after an unauthorized answer, each with the token that replaced the refused one. Default 1.
   * The first unauthorized answer invalidates the token it carried whatever this is; `0` only means "never resend".
   * With no resend left, the answer settles as the client settles it: resolved if the client resolves it (a
   * business code inside an HTTP 200, any status for fetch/uni/wx), rejected if it rejects it (401 in luch-request, axios).
   */
  maxReplays?: number
  /**
   * Whether an answer means "this token was refused". Default: HTTP status 401. For business codes e.g.
   * `r => r.data?.code === 401`; may return a promise (fetch: `async r => (await r.clone().json()).code === 401`).
   */
  isUnauthorized?: (answer: Answer) => boolean | PromiseLike<boolean>
  /** Signs the request after the token is set, and again on each replay, e.g. `createSigner({ secret })`. */
  sign?: (request: any, token: string) => unknown
}

/** The steps of one request, in order. Made once per adapter by {@link createRequestPath}. */
export interface RequestPath<Answer> {
  /** The https rule (throws `INSECURE_URL`), then the token: the fresh one at once, else getToken's promise. */
  authorize(url: string, signal?: AbortSignalLike): string | Promise<string>
  /** Sets the token header on `headers` and signs `request`; returns what `sign` returned, or `request`. */
  apply<R extends object>(request: R, headers: WritableHeaders, token: string): R
  /**
   * After an answer to a request that carried `sent`: a refusal invalidates `sent` (the first one whatever
   * `maxReplays` is, later ones while a replay is left), and the result says whether to send the request again.
   * The replays so far are counted on `counter`.
   */
  afterAnswer(answer: Answer, sent: string | undefined, counter: object): boolean | PromiseLike<boolean>
  /** A copy of `counter` with one more replay counted on it. */
  countReplay<C extends object>(counter: C): C
  /** On a 429, sets `retryAfterMs` on `target` from its Retry-After, read on the controller's clock. */
  noteRetryAfter(target: unknown, status: unknown, headers: HeadersLike | undefined | null): void
}

// The one replay counter. A string key: axios's mergeConfig copies only string keys into a replay's config, and
// the holder is one the client keeps across a replay (luch-request's `custom`, axios's config, uni's options).
const REPLAYS = 'tokenReplays'
const SENT_TOKEN = Symbol('painless-token.sentToken')

// URLs are judged as the WHATWG parser (browsers, fetch, axios, uni H5) will read them: it drops leading and
// trailing spaces and controls and every tab or newline, and reads `http:host`, `http:/host` and `http:\\host`
// as `http://host`. Checking the raw string for `http://` would let all of those through. Dropping every space
// and control, inner ones too, can only refuse more: such a URL would not parse anyway.
// oxlint-disable-next-line no-control-regex -- on purpose: the parser drops exactly these, so we must too.
const SPACES_AND_CONTROLS = /[\x00-\x20]/g
// `http:`, any slashes, then the authority: [user:password@]host[:port].
const PLAIN_HTTP_AUTHORITY = /^http:[/\\]*([^/\\?#]*)/i
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i

/**
 * The request path an adapter runs on. `statusOf` reads the HTTP status from the client's answer shape.
 * Bad options throw a `TypeError` naming the option.
 */
export function createRequestPath<Answer>(
  tokens: TokenController,
  options: AuthPolicyOptions<Answer> = {},
  statusOf: (answer: Answer) => unknown,
): RequestPath<Answer> {
  const {
    maxReplays = 1,
    requireHttps,
    sign,
    header = 'Authorization',
    format = (token: string) => 'Bearer ' + token,
    // The question "did this answer refuse its token?": changes nothing, synchronous when isUnauthorized is.
    isUnauthorized: isRefused = (answer: Answer) => statusOf(answer) === 401,
  } = options
  if (!Number.isInteger(maxReplays) || maxReplays < 0) throw new TypeError('maxReplays must be an integer of at least 0')
  for (const name of ['format', 'isUnauthorized', 'sign'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`${name} must be a function`)
  }
  if (!tokens || typeof tokens.getToken !== 'function') throw new TypeError('tokens must be a token controller')
  const writeToken = headerWriter(header)
  // The last URL found safe. The rule reads the URL alone, and requests mostly repeat the one before (a client
  // that joins baseURL hands back the same string then, see joinUrl): it is judged once, not per request.
  let safeUrl: string | undefined

  function checkUrl(url: string): void {
    if (url === safeUrl) return
    const plain = requireHttps !== false && PLAIN_HTTP_AUTHORITY.exec(url.replace(SPACES_AND_CONTROLS, ''))
    if (plain) {
      // The host only: no user:password in an error message (nor path or query).
      const host = (plain[1] as string).replace(/^.*@/, '')
      if (requireHttps !== undefined || !LOOPBACK_HOST.test(host)) throw new InsecureUrlError('http://' + host)
    }
    safeUrl = url
  }

  function afterRefusal(refused: unknown, sent: string | undefined, counter: object): boolean {
    // A request that carried no token (opted out) is not ours to resend.
    if (!refused || sent === undefined) return false
    const replays = replaysOf(counter)
    const replayLeft = replays < maxReplays
    // A request's first refusal invalidates its token, whatever maxReplays is. A replay refused with none left
    // changes nothing: an endpoint that always says 401 costs each request one refresh, not one per send.
    if (replays === 0 || replayLeft) tokens.invalidate(sent)
    return replayLeft
  }

  return {
    authorize(url, signal) {
      checkUrl(url)
      // A fresh token goes on at once: an interceptor chain then passes the request on without a promise hop.
      const token = signal && signal.aborted ? undefined : tokens.currentToken()
      return token === undefined ? tokens.getToken(signal && { signal }) : token
    },
    apply(request, headers, token) {
      writeToken(headers, format(token))
      // A `sign` that returns nothing signed the request in place.
      return (sign && (sign(request, token) as typeof request | undefined)) || request
    },
    afterAnswer(answer, sent, counter) {
      const refused = isRefused(answer)
      if (isThenable(refused)) return refused.then((settled) => afterRefusal(settled, sent, counter))
      return afterRefusal(refused, sent, counter)
    },
    countReplay: (counter) => Object.assign({}, counter, { [REPLAYS]: replaysOf(counter) + 1 }),
    noteRetryAfter(target, status, headers) {
      if (status !== 429 || !target || typeof target !== 'object') return
      const delay = retryAfterMs(headerValue(headers, 'retry-after'), tokens.now())
      if (delay !== undefined) (target as { retryAfterMs?: number }).retryAfterMs = delay
    },
  }
}

function replaysOf(counter: object): number {
  return (counter as { [REPLAYS]?: number })[REPLAYS] || 0
}

/**
 * `apply` for interceptor clients, whose answer comes back holding the request object: also remembers on what
 * goes out which token it carries (stamped after signing, so a `sign` that returns a new request keeps it).
 * A function, not a method, so the promise clients, which remember the token in a variable, do not ship it.
 */
export function applyAndRemember<R extends object>(path: RequestPath<unknown>, request: R, headers: WritableHeaders, token: string): R {
  return rememberToken(path.apply(request, headers, token), token)
}

/** Marks `sent` (what goes out, after `apply`) with the token it carries, for {@link sentToken}. Returns `sent`. */
export function rememberToken<R extends object>(sent: R, token: string): R {
  // Non-enumerable: no copy (a replay's config), JSON or server ever sees it. (A WeakMap instead costs more: with
  // thousands of requests in flight, measured 0.6-0.9 µs per request against 0.35 µs.)
  Object.defineProperty(sent, SENT_TOKEN, { value: token, configurable: true })
  return sent
}

/** The token `applyAndRemember` put on a request object, if any. */
export function sentToken(request: unknown): string | undefined {
  return typeof request === 'object' && request !== null ? (request as { [SENT_TOKEN]?: string })[SENT_TOKEN] : undefined
}

/** What a promise-style client tells {@link sendWithTokens} about a request. */
export interface OutgoingRequest {
  /** The full URL (baseURL joined), for the https rule. */
  url: string
  /** The caller's opt-out (`auth: false`): no token, no check, no replay. */
  optedOut?: boolean
  /** Aborts waiting for a token with `ABORTED`. */
  signal?: AbortSignalLike
  /** False for a one-shot (stream) body: its refusal still invalidates the token, but it is not sent again. */
  replayable?: boolean
}

/**
 * The request path for clients with one promise per send (fetch, uni, wx): authorize, `send(token)` (which
 * calls `apply`), then send again while `afterAnswer` says so. `send(undefined)` for an opted-out request. Resolves
 * with the last answer, refused or not. A function, not a method, so the interceptor adapters do not ship it.
 */
export async function sendWithTokens<Answer>(
  path: RequestPath<Answer>,
  request: OutgoingRequest,
  send: (token: string | undefined) => Answer | PromiseLike<Answer>,
): Promise<Answer> {
  const { signal } = request
  if (request.optedOut) return send(undefined)
  const token = await path.authorize(request.url, signal)
  // The token can arrive in the same tick as an abort: the abort wins and nothing is sent.
  if (signal && signal.aborted) throw new AbortedError(signal.reason)
  const answer = await send(token)
  const again = await path.afterAnswer(answer, token, request)
  return again && request.replayable !== false ? sendWithTokens(path, path.countReplay(request), send) : answer
}
