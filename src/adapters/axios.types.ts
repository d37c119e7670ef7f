// The shapes of axios the adapter reads and writes, and its options. Types only.
import type { HeadersLike } from './http.ts'
import type { AuthPolicyOptions } from './request-path.ts'

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
