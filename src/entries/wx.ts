// painless-token/wx: wx.request (and uploadFile/downloadFile) with the token, same options, callbacks and tasks. Exports only.
/**
 * `wx.request` with the token: same options, callbacks and RequestTask.
 *
 * @module painless-token/wx
 */
export { createWxRequest } from '../adapters/wx.ts'
export type { WxAdapterOptions, WxRequest } from '../adapters/wx.ts'
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
