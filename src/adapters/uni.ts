// uni.request mapped onto the request path, promise style: the promise keeps the task's abort(), and an abort
// while the request waits for its token rejects with ABORTED and sends nothing. Opt out with `auth: false`.
import type { TokenController } from '../controller.ts'
import { createMiniRequest, type MiniRequestFunction, type MiniRequestOptions, type MiniRequestSuccess } from './mini-request.ts'
import type { AuthPolicyOptions } from './request-path.ts'

// Module-local: looked up at call time, behind typeof, never assumed at import.
declare const uni: { request: MiniRequestFunction } | undefined

/**
 * Options for {@link createUniRequest}: the shared {@link AuthPolicyOptions}, plus the `uni` object to use.
 *
 * @example
 * const request = createUniRequest(tokens, { maxReplays: 1, isUnauthorized: (r) => r.statusCode === 401 })
 */
export interface UniAdapterOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /** The runtime's `uni` (anything with uni's `request`). Default: the global `uni`, looked up per request. */
  uni?: { request: MiniRequestFunction }
}

/**
 * Resolves with the success result (any HTTP answer); rejects with the fail result or a `TokenError`.
 *
 * @example
 * const pending = createUniRequest(tokens)({ url: 'https://api.example.com/slow' })
 * pending.abort() // rejects; sends nothing if it was still waiting for a token
 */
export interface UniRequestPromise extends Promise<MiniRequestSuccess> {
  /** Aborts the request: while it waits for a token (rejects `ABORTED`, nothing sent) or in flight (uni's fail). */
  abort(): void
}

/**
 * What {@link createUniRequest} returns: `uni.request`'s options in, a promise with `abort()` out.
 *
 * @example
 * const request: UniRequest = createUniRequest(tokens)
 * const { statusCode, data } = await request({ url: 'https://api.example.com/me' })
 */
export type UniRequest = (options: MiniRequestOptions) => UniRequestPromise

/**
 * A `uni.request` that carries the token: waits for it (one refresh however many requests wait), sets the
 * header, and replays an unauthorized answer with the new token. success/fail/complete are called if given.
 *
 * @example
 * const request = createUniRequest(tokens)
 * const { data } = await request({ url: 'https://api.example.com/orders' })
 * const pending = request({ url: 'https://api.example.com/slow' }); pending.abort() // rejects
 * request({ url: 'https://api.example.com/token', method: 'POST', auth: false }) // no token
 */
export function createUniRequest(tokens: TokenController, options: UniAdapterOptions = {}): UniRequest {
  const runtime = () => options.uni || (typeof uni !== 'undefined' ? uni : undefined)
  const send = createMiniRequest(tokens, options, runtime, 'createUniRequest: no uni.request here; pass options.uni')
  return (requestOptions) => {
    const { promise, task } = send(requestOptions)
    return Object.assign(promise, { abort: task.abort })
  }
}
