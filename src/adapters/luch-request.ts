// luch-request interceptors mapped onto the shared policy: the request interceptor authorizes and signs, the
// response interceptor replays an unauthorized answer through the whole chain. Opt out with `custom: { auth: false }`.
import type { AbortSignalLike } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import { createAuthPolicy, joinUrl, noteRetryAfter, sentToken, stampToken, type AuthPolicyOptions, type Verdict } from './policy.ts'

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

// A symbol: kept across luch-request's config merge, invisible to JSON and to the server.
const REPLAYS = Symbol('painless-token.replays')

/**
 * Wires a controller into a luch-request instance. Returns a function that detaches it.
 * Register it after your own interceptors, so a replay's answer passes them once.
 *
 * @example
 * const http = new Request({ baseURL: 'https://api.example.com' })
 * attachTokenController(http, tokens)
 * http.get('/orders', { custom: { auth: false } }) // skips the token
 * http.get('/orders', { custom: { signal } }) // an abort while waiting for the token rejects with ABORTED
 */
export function attachTokenController(
  http: LuchRequestInstance,
  tokens: TokenController,
  options: LuchRequestAdapterOptions = {},
): () => void {
  const policy = createAuthPolicy(tokens, options, (response: LuchResponse) => response.statusCode)
  const optedOut = (config: LuchRequestConfig | undefined) => !config || config.custom?.auth === false

  // Not async, and neither is judge: a parked request holds one `then` instead of a suspended async frame, and
  // an answer that is not unauthorized passes on without the extra promise hops an async function costs.
  function authorize(config: LuchRequestConfig): LuchRequestConfig | Promise<LuchRequestConfig> {
    if (optedOut(config)) return config
    const url = joinUrl(config.baseURL, config.url)
    const signal = config.custom?.signal as AbortSignalLike | undefined
    // A fresh token goes on at once: returning the config itself spares luch-request's chain two promise hops.
    const token = signal?.aborted ? undefined : tokens.currentToken()
    if (token !== undefined) {
      policy.checkUrl(url)
      return apply(config, token)
    }
    return policy.authorize(url, signal).then((token) => apply(config, token))
  }

  function apply(config: LuchRequestConfig, token: string): LuchRequestConfig {
    // luch-request merges a fresh header object into every request's config (a replay's too): set ours in place.
    policy.putToken(config.header || (config.header = {}), token)
    // Stamped after signing: a `sign` that returns a new config must not lose the token it carries.
    return stampToken(policy.signed(config, token), token)
  }

  // The answer as it stands, the replay's answer, or a rejection with an unauthorized answer whose replays are spent.
  function judge(answer: unknown, rejected: boolean): unknown {
    const config = (answer as LuchResponse | null)?.config
    if (!config || optedOut(config)) return conclude(answer, rejected, 'pass', config, 0)
    const replays = (config.custom?.[REPLAYS] as number | undefined) ?? 0
    const verdict = policy.verdict(answer as LuchResponse, sentToken(config), replays)
    return typeof verdict === 'string'
      ? conclude(answer, rejected, verdict, config, replays)
      : verdict.then((settled) => conclude(answer, rejected, settled, config, replays))
  }

  function conclude(answer: unknown, rejected: boolean, verdict: Verdict, config: LuchRequestConfig | undefined, replays: number): unknown {
    // Through the whole chain again, so the replay is re-authorised and re-signed.
    if (verdict === 'replay')
      return http.middleware(Object.assign({}, config, { custom: Object.assign({}, config?.custom, { [REPLAYS]: replays + 1 }) }))
    // An unauthorized 2xx (a business code) with its replays spent is rejected, as a 401 is.
    if (verdict === 'pass' && !rejected) return answer
    throw answer
  }

  const requestId = http.interceptors.request.use(authorize)
  const responseId = http.interceptors.response.use(
    (response: LuchResponse) => judge(response, false),
    (error: unknown) => {
      // A 429 from the token endpoint (fetchToken through this instance) tells the machine how long to wait.
      noteRetryAfter(error, (error as LuchResponse | null)?.statusCode, (error as LuchResponse | null)?.header)
      return judge(error, true)
    },
  )
  return () => {
    // At run time use() returns the handler's index; luch-request's typings say void.
    if (typeof requestId === 'number') http.interceptors.request.eject?.(requestId)
    if (typeof responseId === 'number') http.interceptors.response.eject?.(responseId)
  }
}
