// painless-token/taro: an interceptor for Taro.addInterceptor with the token and the replay rule. Exports only.
/**
 * An interceptor for `Taro.addInterceptor`: the token on every `Taro.request`, one refresh, a replay after a 401.
 *
 * @module painless-token/taro
 */
export { createTaroInterceptor } from '../adapters/taro.ts'
export type {
  TaroAdapterOptions,
  TaroChain,
  TaroInterceptor,
  TaroRequestParams,
  TaroRequestPromise,
  TaroResponse,
} from '../adapters/taro.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
