// uni.request, uni.uploadFile and uni.downloadFile mapped onto the request path, promise style: the promise keeps
// the task's methods (abort() among them), and an abort while the call waits for its token rejects with ABORTED
// and sends nothing. Opt out with `auth: false`.
import type { TokenController } from '../controller.ts'
import {
  createMiniClient,
  WX_SHAPE,
  type MiniDownloadOptions,
  type MiniDownloadSuccess,
  type MiniPlatform,
  type MiniRequestOptions,
  type MiniRequestSuccess,
  type MiniTransferTask,
  type MiniUploadOptions,
  type MiniUploadSuccess,
} from './mini-request.ts'
import type { AuthPolicyOptions } from './request-path.ts'

// Module-local: looked up at call time, behind typeof, never assumed at import.
declare const uni: MiniPlatform | undefined

/**
 * Options for {@link createUniRequest}: the shared {@link AuthPolicyOptions}, plus the `uni` object to use.
 *
 * @example
 * const request = createUniRequest(tokens, { maxReplays: 1, isUnauthorized: (r) => r.statusCode === 401 })
 */
export interface UniAdapterOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /**
   * The runtime's `uni` (anything with uni's `request`, and `uploadFile` / `downloadFile` if you use them).
   * Default: the global `uni`, looked up per call.
   */
  uni?: MiniPlatform
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
 * What an upload or download resolves with, as a promise that keeps the task's methods: abort() (also while it
 * waits for its token: rejects `ABORTED`, nothing sent) and onProgressUpdate, attached once the call goes out.
 *
 * @example
 * const upload = createUniRequest(tokens).uploadFile({ url, filePath, name: 'file' })
 * upload.onProgressUpdate(({ progress }) => (percent.value = progress))
 * const { statusCode, data } = await upload
 */
export interface UniTransferPromise<Result> extends Promise<Result>, MiniTransferTask {}

/**
 * What {@link createUniRequest} returns: `uni.request`'s options in, a promise with `abort()` out; and the same
 * for `uni.uploadFile` and `uni.downloadFile` as its methods.
 *
 * @example
 * const request: UniRequest = createUniRequest(tokens)
 * const { statusCode, data } = await request({ url: 'https://api.example.com/me' })
 * const { tempFilePath } = await request.downloadFile({ url: 'https://api.example.com/report.pdf' })
 */
export interface UniRequest {
  (options: MiniRequestOptions): UniRequestPromise
  /** `uni.uploadFile` with the token: header, signing of `formData`, replay after a 401 with the same `filePath`. */
  uploadFile(options: MiniUploadOptions): UniTransferPromise<MiniUploadSuccess>
  /** `uni.downloadFile` with the token, replayed after a 401. */
  downloadFile(options: MiniDownloadOptions): UniTransferPromise<MiniDownloadSuccess>
}

/**
 * A `uni.request` that carries the token: waits for it (one refresh however many requests wait), sets the
 * header, and replays an unauthorized answer with the new token. success/fail/complete are called if given.
 *
 * @example
 * const request = createUniRequest(tokens)
 * const { data } = await request({ url: 'https://api.example.com/orders' })
 * const pending = request({ url: 'https://api.example.com/slow' }); pending.abort() // rejects
 * request({ url: 'https://api.example.com/token', method: 'POST', auth: false }) // no token
 * const { data } = await request.uploadFile({ url: 'https://api.example.com/avatar', filePath, name: 'file' })
 */
export function createUniRequest(tokens: TokenController, options: UniAdapterOptions = {}): UniRequest {
  const runtime = () => options.uni || (typeof uni !== 'undefined' ? uni : undefined)
  return createMiniClient(
    tokens,
    options,
    runtime,
    'createUniRequest',
    'uni',
    ({ promise, task }) => Object.assign(promise, task),
    WX_SHAPE,
  )
}
