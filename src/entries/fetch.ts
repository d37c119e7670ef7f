// painless-token/fetch: a fetch-compatible function with the token and the replay rule. Exports only.
/**
 * A fetch-compatible function with the token and the replay rule.
 *
 * @module painless-token/fetch
 */
export { withTokens } from '../adapters/fetch.ts'
export type { FetchAdapterOptions, FetchLike, ResponseLike, TokenRequestInit } from '../adapters/fetch.ts'
export { retryAfterMs } from '../retry-after.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
