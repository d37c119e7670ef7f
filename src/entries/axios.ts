// painless-token/axios: axios interceptors with the token and the replay rule. Exports only.
/**
 * axios interceptors with the token and the replay rule.
 *
 * @module painless-token/axios
 */
export { attachToAxios } from '../adapters/axios.ts'
export type { AxiosAdapterOptions, AxiosInstanceLike, AxiosConfigLike, AxiosResponseLike } from '../adapters/axios.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
