// axios interceptors mapped onto the shared policy: the request interceptor authorizes and signs, the response
// interceptor replays an unauthorized answer through the instance. Opt out with `tokenAuth: false` (`auth` is basic auth).
import type { TokenController } from '../controller.ts'
import { createAuthPolicy, joinUrl, noteRetryAfter, sentToken, stampToken, type AuthPolicyOptions, type HeadersLike } from './policy.ts'

/**
 * The config fields the adapter reads. Add `tokenAuth` to axios's types with the augmentation shown below.
 *
 * @example
 * await api.post('https://api.example.com/token', creds, { tokenAuth: false }) // no token on this one
 */
export interface AxiosConfigLike {
  url?: string
  baseURL?: string
  headers?: any
  signal?: any
  /** `false`: send without a token. Declare it once: `declare module 'axios' { interface AxiosRequestConfig { tokenAuth?: boolean } }` */
  tokenAuth?: boolean
  tokenReplays?: number // set by the adapter on a replay
  [key: string]: unknown
}

/**
 * The parts of an axios response the adapter reads. A real `AxiosResponse` fits.
 *
 * @example
 * attachToAxios(api, tokens, { isUnauthorized: (response: AxiosResponseLike) => response.status === 401 })
 */
export interface AxiosResponseLike {
  status: number
  data?: unknown
  headers?: HeadersLike
  config: AxiosConfigLike
}

type Use = { use(onFulfilled: (value: any) => any, onRejected?: (error: any) => any): number; eject(id: number): void }
/**
 * The parts of an axios instance the adapter uses; `axios.create()` fits.
 *
 * @example
 * const api: AxiosInstanceLike = axios.create({ baseURL: 'https://api.example.com' })
 * attachToAxios(api, tokens)
 */
export interface AxiosInstanceLike {
  interceptors: { request: Use; response: Use }
  request(config: any): Promise<any>
}

/**
 * Options for {@link attachToAxios}: the shared {@link AuthPolicyOptions} over axios responses.
 *
 * @example
 * attachToAxios(api, tokens, { header: 'Authorization', maxReplays: 1 })
 */
export type AxiosAdapterOptions = AuthPolicyOptions<AxiosResponseLike>

/**
 * Wires a controller into an axios instance. Returns a function that detaches it.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' })
 * attachToAxios(api, tokens)
 * await api.get('/orders')
 * await api.post('/token', form, { tokenAuth: false }) // no token
 */
export function attachToAxios(instance: AxiosInstanceLike, tokens: TokenController, options: AxiosAdapterOptions = {}): () => void {
  const policy = createAuthPolicy(tokens, options, (response: AxiosResponseLike) => response.status)
  const requestId = instance.interceptors.request.use(async (config: AxiosConfigLike) => {
    if (config.tokenAuth === false) return config
    const token = await policy.authorize(joinUrl(config.baseURL, config.url), config.signal)
    // AxiosHeaders inside interceptors; a plain object if another interceptor replaced it.
    if (typeof config.headers?.set === 'function') config.headers.set(policy.header, policy.format(token))
    else policy.putToken((config.headers = Object.assign({}, config.headers)), token)
    // Stamped after signing: a `sign` that returns a new config must not lose the token it carries.
    return stampToken(policy.signed(config, token), token)
  })

  // The replay's answer, or the answer as it stands: an error stays one; a 2xx "unauthorized" by business code resolves.
  async function judge(response: AxiosResponseLike, error?: unknown): Promise<unknown> {
    const { config } = response
    const replays = config.tokenReplays ?? 0
    const verdict = config.tokenAuth === false ? 'pass' : await policy.verdict(response, sentToken(config), replays)
    // A string key, not a symbol: axios's mergeConfig copies only string keys into the replay's config.
    if (verdict === 'replay') return instance.request(Object.assign({}, config, { tokenReplays: replays + 1 }))
    if (error !== undefined) throw error
    return response
  }

  const responseId = instance.interceptors.response.use(
    (response: AxiosResponseLike) => judge(response),
    (error: { response?: AxiosResponseLike } | null) => {
      const response = error?.response
      if (!response?.config) return Promise.reject(error)
      // A 429 from the token endpoint (fetchToken through this instance) tells the machine how long to wait.
      noteRetryAfter(error, response.status, response.headers)
      return judge(response, error)
    },
  )
  return () => {
    instance.interceptors.request.eject(requestId)
    instance.interceptors.response.eject(responseId)
  }
}
