// uni, wx and my (Alipay) have three calls that go over HTTP: request, uploadFile and downloadFile. All three take
// options with success/fail/complete and hand back a task; this sends any of them along the request path, one
// algorithm for the three: the platform is called only once the token is there, so a parked call holds none of
// wx's 10 concurrent slots, and the task it returns works before the platform's exists.
import { createAbortHandle } from '../abort.ts'
import type { TokenController } from '../controller.ts'
import type { HeadersLike } from './http.ts'
import { applyToCall, callBack, withErrMsg, type MiniCall } from './mini-program.ts'
import type { MiniPlatform, MiniRequestFunction, MiniRequestSuccess } from './mini-request.types.ts'
import { createRequestPath, sendWithTokens, type AuthPolicyOptions, type RequestPath } from './request-path.ts'

export type {
  MiniDownloadOptions,
  MiniDownloadSuccess,
  MiniPlatform,
  MiniRequestFunction,
  MiniRequestOptions,
  MiniRequestSuccess,
  MiniRequestTask,
  MiniTransferTask,
  MiniUploadOptions,
  MiniUploadSuccess,
} from './mini-request.types.ts'

// RequestTask's listeners and UploadTask's / DownloadTask's, in one list: each is forwarded if the task has it.
const FORWARDED = [
  'onHeadersReceived',
  'offHeadersReceived',
  'onChunkReceived',
  'offChunkReceived',
  'onProgressUpdate',
  'offProgressUpdate',
]
const OURS = ['auth', 'success', 'fail', 'complete']

/** How a platform's shapes read: wx's and uni's (`WX_SHAPE`), or Alipay's (see alipay.ts). */
export interface MiniShape {
  /** The request call's header option: `header` (uni, wx) or `headers` (my.request). Transfers take `header`. */
  requestHeader: string
  status(answer: any): unknown
  headers(answer: any): HeadersLike | undefined
  /** An HTTP answer the platform delivers through fail (Alipay's error 19): judged as an answer, then failed. */
  failedAnswer?(failure: any): boolean
}

/** uni's and wx's shapes. */
export const WX_SHAPE: MiniShape = {
  requestHeader: 'header',
  status: (answer: MiniRequestSuccess) => answer.statusCode,
  headers: (answer: MiniRequestSuccess) => answer.header,
}

/** What one call hands back: the outcome as a promise, and the task that works before the platform's exists. */
export interface MiniSent {
  promise: Promise<any>
  task: any
}

/** For callback-only clients (wx, my): the task. The callbacks are the only way out, so an uncallbacked failure stays quiet. */
export function taskOnly({ promise, task }: MiniSent): any {
  promise.catch(() => undefined)
  return task
}

type PlatformOptions = { url: string; formData?: unknown; [option: string]: unknown }
type Task = { [method: string]: ((...args: unknown[]) => void) | undefined }

/**
 * The three calls of a platform along one request path: `request` itself, with `uploadFile` and `downloadFile`
 * on it. `runtime()` finds the platform object (the option, else the global) at each call; without the call,
 * it throws a TypeError naming `name`. `finish` turns a call's promise and task into what the adapter returns.
 */
export function createMiniClient<R>(
  tokens: TokenController,
  options: AuthPolicyOptions,
  runtime: () => MiniPlatform | undefined,
  name: string,
  global: string,
  finish: (sent: MiniSent) => R,
  shape: MiniShape,
): ((options: any) => R) & { uploadFile(options: any): R; downloadFile(options: any): R } {
  const path = createRequestPath(tokens, options, shape.status)
  const method = (call: MiniCall) => (callOptions: PlatformOptions) => {
    // A programming error, thrown at once like the missing platform below: there is nothing to send or call back.
    if (!callOptions || typeof callOptions !== 'object') throw new TypeError(`${name}: ${call} needs an options object`)
    const platform = runtime()
    if (!platform || typeof platform[call] !== 'function') throw new TypeError(`${name}: no ${global}.${call} here; pass options.${global}`)
    return finish(sendMiniCall(path, shape, call, platform, callOptions))
  }
  return Object.assign(method('request'), { uploadFile: method('uploadFile'), downloadFile: method('downloadFile') })
}

function sendMiniCall(path: RequestPath<unknown>, shape: MiniShape, call: MiniCall, platform: MiniPlatform, options: PlatformOptions) {
  // The platform's own options: a copy without ours. Deleted, not a rest pattern, which at ES2017 pulls a helper
  // into every mini-program bundle.
  const rest: PlatformOptions = Object.assign({}, options)
  const { auth, success, fail, complete } = rest
  for (const key of OURS) delete rest[key]
  const headerKey = call === 'request' ? shape.requestHeader : 'header'
  const abortHandle = createAbortHandle()
  const calls: Array<[string, unknown[]]> = []
  let current: Task | undefined | void
  // Whether the last answer came through fail (Alipay's HTTP errors): after judging it, the caller's fail gets it.
  let failed = false
  const forward = (name: string, args: unknown[]) => {
    const listen = current && current[name]
    if (listen) listen.apply(current, args)
  }

  const promise = sendWithTokens(path, { url: String(rest.url), optedOut: auth === false, signal: abortHandle.signal }, (token) => {
    // `rest` is our own copy: a replay sets the same header again, and the signer signs it again.
    const sent = token === undefined ? rest : applyToCall(path, call, rest, headerKey, token)
    return new Promise((resolve, reject) => {
      const answered = (answer: unknown, viaFail: boolean) => {
        path.noteRetryAfter(answer, shape.status(answer), shape.headers(answer))
        failed = viaFail
        resolve(answer)
      }
      current = (platform[call] as MiniRequestFunction)(
        Object.assign({}, sent, {
          success: (answer: unknown) => answered(answer, false),
          fail: (failure: unknown) => (shape.failedAnswer && shape.failedAnswer(failure) ? answered(failure, true) : reject(failure)),
        }),
      ) as Task | undefined
      for (const [name, args] of calls) forward(name, args)
    })
  }).then(
    (answer) => {
      if (failed) throw answer
      return answer
    },
    (error: unknown) => {
      throw withErrMsg(error, call)
    },
  )
  // With callbacks, the callbacks are how the caller hears of a failure: no unhandled rejection on top.
  if (success || fail || complete) {
    promise.then(
      (result) => {
        callBack(success as (value: unknown) => void, result)
        callBack(complete as (value: unknown) => void, result)
      },
      (error: unknown) => {
        callBack(fail as (value: unknown) => void, error)
        callBack(complete as (value: unknown) => void, error)
      },
    )
  }

  const task: Task = {
    abort() {
      abortHandle.abort()
      forward('abort', [])
    },
  }
  for (const name of FORWARDED) {
    task[name] = (...args: unknown[]) => {
      calls.push([name, args])
      forward(name, args)
    }
  }
  return { promise, task }
}
