// luch-request interceptors: ask the controller for a token, set the header, and on an
// unauthorized answer invalidate the token that request carried and replay it. No state of its own.
import type { TokenController } from '../controller.ts'
import { createAuthPolicy, joinUrl, retryAfterMs, type AuthPolicyOptions } from './policy.ts'

export interface LuchRequestConfig {
  url?: string
  baseURL?: string
  header?: Record<string, unknown>
  custom?: Record<string | symbol, unknown>
  [key: string]: unknown
}

export interface LuchResponse {
  statusCode?: number
  data?: unknown
  config?: LuchRequestConfig
  [key: string]: unknown
}

/**
 * The parts of a luch-request instance the adapter uses. Loose on purpose: luch-request's own typings
 * declare `use()` as returning void and its callbacks as returning configs, so `new Request()` must fit.
 */
export interface LuchRequestInstance {
  interceptors: {
    request: { use(onFulfilled: (config: any) => any, onRejected?: (error: any) => any): unknown; eject?(id: number): void }
    response: { use(onFulfilled: (response: any) => any, onRejected?: (error: any) => any): unknown; eject?(id: number): void }
  }
  middleware(config: any): Promise<unknown>
}

export interface LuchRequestAdapterOptions extends AuthPolicyOptions {
  /** Default `response.statusCode === 401`; for business codes e.g. `r => r.data?.code === 401`. */
  isUnauthorized?: (response: LuchResponse) => boolean
  /** Signs the request after the token is set, e.g. `createSigner({ secret })`. */
  sign?: (config: any, token: string) => unknown
}

// Symbols: kept across luch-request's config merge, invisible to JSON and to the server.
const REPLAYS = Symbol('painless-token.replays')
const SENT_TOKEN = Symbol('painless-token.sentToken')

/**
 * Wires a controller into a luch-request instance. Returns a function that detaches it.
 * Register it after your own interceptors, so a replay's answer passes them once.
 *
 * @example
 * const http = new Request({ baseURL: 'https://api.example.com' })
 * attachTokenController(http, tokens)
 * http.get('/orders', { custom: { auth: false } }) // skips the token
 */
export function attachTokenController(http: LuchRequestInstance, tokens: TokenController, options: LuchRequestAdapterOptions = {}): () => void {
  const policy = createAuthPolicy(options)
  const isUnauthorized = options.isUnauthorized ?? ((response: LuchResponse) => response.statusCode === 401)
  const optedOut = (config: LuchRequestConfig | undefined) => !config || config.custom?.auth === false

  async function authorize(config: LuchRequestConfig): Promise<LuchRequestConfig> {
    if (optedOut(config)) return config
    policy.checkUrl(joinUrl(config.baseURL, config.url))
    const token = await tokens.getToken()
    config.header = { ...config.header, [policy.header]: policy.format(token) }
    Object.defineProperty(config, SENT_TOKEN, { value: token, configurable: true })
    return options.sign ? ((options.sign(config, token) as LuchRequestConfig | undefined) ?? config) : config
  }

  function replay(response: LuchResponse): Promise<unknown> {
    const config = response.config as LuchRequestConfig
    const replays = (config.custom?.[REPLAYS] as number | undefined) ?? 0
    if (replays >= policy.maxReplays) return Promise.reject(response)
    const sent = (config as { [SENT_TOKEN]?: string })[SENT_TOKEN]
    if (sent !== undefined) tokens.invalidate(sent)
    // Through the whole chain again, so the replay is re-authorised and re-signed.
    return http.middleware({ ...config, custom: { ...config.custom, [REPLAYS]: replays + 1 } })
  }

  const canReplay = (response: unknown): response is LuchResponse =>
    typeof response === 'object' && response !== null && !optedOut((response as LuchResponse).config) && isUnauthorized(response as LuchResponse)

  const requestId = http.interceptors.request.use(authorize)
  // A 429 from the token endpoint (fetchToken through this instance) tells the machine how long to wait.
  const responseId = http.interceptors.response.use(
    (response: LuchResponse) => (canReplay(response) ? replay(response) : response),
    (error: unknown) => (canReplay(error) ? replay(error) : Promise.reject(withRetryAfter(error))),
  )
  return () => {
    // At run time use() returns the handler's index; luch-request's typings say void.
    if (typeof requestId === 'number') http.interceptors.request.eject?.(requestId)
    if (typeof responseId === 'number') http.interceptors.response.eject?.(responseId)
  }
}

function withRetryAfter(error: unknown): unknown {
  const response = error as LuchResponse & { header?: Record<string, unknown>; retryAfterMs?: number }
  if (typeof error !== 'object' || error === null || response.statusCode !== 429 || !response.header) return error
  const name = Object.keys(response.header).find((key) => key.toLowerCase() === 'retry-after')
  const delay = name === undefined ? undefined : retryAfterMs(response.header[name], Date.now())
  if (delay !== undefined) response.retryAfterMs = delay
  return error
}
