// painless-token/alipay: my.request, my.uploadFile and my.downloadFile with the token, and storage over `my`. Exports only.
/**
 * Alipay mini-programs: `my.request` (and uploadFile/downloadFile) with the token, and a `TokenStorage` over `my`.
 *
 * @module painless-token/alipay
 */
export { createAlipayRequest } from '../adapters/alipay.ts'
export type {
  AlipayAdapterOptions,
  AlipayDownloadOptions,
  AlipayPlatform,
  AlipayRequest,
  AlipayRequestOptions,
  AlipayRequestSuccess,
  AlipayTask,
  AlipayUploadOptions,
} from '../adapters/alipay.ts'
export { myStorage } from '../storage/alipay.ts'
export type { MyStorageApi } from '../storage/alipay.ts'
export type { MiniTransferTask, MiniRequestFunction } from '../adapters/mini-request.ts'
export type { AuthPolicyOptions } from '../adapters/request-path.ts'
export type { TokenStorage } from '../storage/types.ts'
