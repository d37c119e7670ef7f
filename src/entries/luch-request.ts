// painless-token/luch-request: the luch-request adapter (also exported from the root, as before). Exports only.
/**
 * The luch-request adapter (also exported from the root).
 *
 * @module painless-token/luch-request
 */
export { attachTokenController } from '../adapters/luch-request.ts'
export type { LuchRequestAdapterOptions, LuchRequestInstance, LuchRequestConfig, LuchResponse } from '../adapters/luch-request.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
