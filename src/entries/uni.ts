// painless-token/uni: uni.request (and uploadFile/downloadFile), as promise-returning functions or as uni.addInterceptor hooks. Exports only.
/**
 * `uni.request` with the token: a promise-returning request function, or a `uni.addInterceptor` install.
 *
 * @module painless-token/uni
 */
export { createUniRequest } from '../adapters/uni.ts'
export type { UniAdapterOptions, UniRequest, UniRequestPromise, UniTransferPromise } from '../adapters/uni.ts'
export { installUniInterceptor } from '../adapters/uni-interceptor.ts'
export type { UniInterceptorHost, UniInterceptorOptions } from '../adapters/uni-interceptor.ts'
export type {
  MiniRequestOptions,
  MiniRequestSuccess,
  MiniRequestTask,
  MiniRequestFunction,
  MiniPlatform,
  MiniUploadOptions,
  MiniUploadSuccess,
  MiniDownloadOptions,
  MiniDownloadSuccess,
  MiniTransferTask,
} from '../adapters/mini-request.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
