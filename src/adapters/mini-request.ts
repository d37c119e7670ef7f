// uni.request and wx.request take the same options (success/fail/complete) and hand back a RequestTask. This sends
// one such request through the policy: the platform is called only once the token is there, so a parked request
// holds none of wx's 10 concurrent slots. The task it returns works before the platform's task exists.
import { createAbortHandle } from '../abort.ts'
import { noteRetryAfter, sendWithPolicy, withErrMsg, type AuthPolicy } from './policy.ts'

/**
 * `uni.request` / `wx.request` options, plus `auth: false` to send without a token (not passed on).
 *
 * @example
 * request({ url: 'https://api.example.com/orders', method: 'POST', data: { id: 7 }, header: { 'X-Trace': id } })
 * request({ url: 'https://api.example.com/token', auth: false }) // no token
 */
export interface MiniRequestOptions {
  url: string
  header?: Record<string, unknown>
  auth?: boolean
  success?: (result: MiniRequestSuccess) => void
  /** A platform fail result (`errMsg`), or a `TokenError` (with `errMsg` added) when no token could be had. */
  fail?: (error: any) => void
  complete?: (resultOrError: any) => void
  [option: string]: unknown
}

/**
 * What `success` gets: any HTTP answer, 401 included. A 429 also carries `retryAfterMs`.
 *
 * @example
 * const { statusCode, data, header } = await createUniRequest(tokens)({ url: 'https://api.example.com/me' })
 */
export interface MiniRequestSuccess {
  statusCode: number
  data: unknown
  header: Record<string, unknown>
  retryAfterMs?: number
  [field: string]: unknown
}

/**
 * The platform's RequestTask methods; listeners given before the request goes out are attached when it does.
 *
 * @example
 * const task = createWxRequest(tokens)({ url: 'https://api.example.com/feed' })
 * task.onHeadersReceived((res) => showHeaders(res.header)) // attached once the request goes out
 * task.abort()
 */
export interface MiniRequestTask {
  abort(): void
  onHeadersReceived(listener: (result: unknown) => void): void
  offHeadersReceived(listener?: (result: unknown) => void): void
  onChunkReceived(listener: (result: unknown) => void): void
  offChunkReceived(listener?: (result: unknown) => void): void
}

/**
 * `uni.request` or `wx.request`.
 *
 * @example
 * createWxRequest(tokens, { wx: { request: wx.request } })
 */
export type MiniRequestFunction = (options: any) => Partial<MiniRequestTask> | undefined | void

const FORWARDED = ['onHeadersReceived', 'offHeadersReceived', 'onChunkReceived', 'offChunkReceived'] as const
const OURS = ['auth', 'success', 'fail', 'complete']

type PlatformOptions = { url: string; header?: Record<string, unknown>; [option: string]: unknown }

export function sendMiniRequest(policy: AuthPolicy<MiniRequestSuccess>, platformRequest: MiniRequestFunction, options: MiniRequestOptions) {
  const { auth, success, fail, complete } = options
  // The platform's own options: a copy without ours. Deleted, not a rest pattern, which at ES2017 pulls a helper
  // into every mini-program bundle.
  const rest: PlatformOptions = Object.assign({}, options)
  for (const key of OURS) delete rest[key]
  const abortHandle = createAbortHandle()
  const calls: Array<[(typeof FORWARDED)[number], unknown[]]> = []
  let current: Partial<MiniRequestTask> | undefined | void
  const forward = (name: (typeof FORWARDED)[number], args: unknown[]) =>
    current && current[name] && (current[name] as (...a: unknown[]) => void)(...args)

  const promise = sendWithPolicy(
    policy,
    { url: String(rest.url), optedOut: auth === false, signal: abortHandle.signal },
    (token) =>
      new Promise<MiniRequestSuccess>((resolve, reject) => {
        // `rest` is our own copy: a replay sets the same header again, and the signer signs it again.
        if (token !== undefined) policy.putToken((rest.header = Object.assign({}, rest.header)), token)
        const sent = token === undefined ? rest : policy.signed(rest, token)
        const answered = (result: MiniRequestSuccess) => (noteRetryAfter(result, result.statusCode, result.header), resolve(result))
        current = platformRequest(Object.assign({}, sent, { success: answered, fail: reject }))
        for (const [name, args] of calls) forward(name, args)
      }),
  ).catch((error: unknown) => {
    throw withErrMsg(error)
  })
  // With callbacks, the callbacks are how the caller hears of a failure: no unhandled rejection on top.
  if (success || fail || complete) {
    promise.then(
      (result) => (success?.(result), complete?.(result)),
      (error: unknown) => (fail?.(error), complete?.(error)),
    )
  }

  const task = { abort: () => (abortHandle.abort(), current?.abort?.()) } as MiniRequestTask
  for (const name of FORWARDED) task[name] = (...args: unknown[]) => (calls.push([name, args]), forward(name, args))
  return { promise, task }
}
