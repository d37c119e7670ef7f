// Alipay's my.request, my.uploadFile and my.downloadFile on the one mini-program algorithm (mini-request.ts); only
// the shapes differ from wx: my.request takes `headers` and answers `status`/`headers`, an upload answers
// `statusCode`, and older base libraries deliver an HTTP error status through fail (`error: 19`, with `status`):
// such a failure is judged as an answer (a 401 replays), then failed as the platform failed it.
import type { TokenController } from '../controller.ts'
import { createMiniClient, taskOnly, type MiniShape } from './mini-request.ts'
import type { AlipayAdapterOptions, AlipayPlatform, AlipayRequest } from './alipay.types.ts'

export type {
  AlipayAdapterOptions,
  AlipayDownloadOptions,
  AlipayPlatform,
  AlipayRequest,
  AlipayRequestOptions,
  AlipayRequestSuccess,
  AlipayTask,
  AlipayUploadOptions,
} from './alipay.types.ts'

// Module-local: looked up at call time, behind typeof, never assumed at import.
declare const my: AlipayPlatform | undefined

// Alipay's error code for "HTTP error" (a status the base library did not count as success).
const HTTP_ERROR = 19

type AlipayAnswer = { status?: unknown; statusCode?: unknown; headers?: Record<string, unknown>; header?: Record<string, unknown> }

const ALIPAY_SHAPE: MiniShape = {
  requestHeader: 'headers',
  // my.request says `status`; my.uploadFile `statusCode`, documented as a string.
  status: (answer: AlipayAnswer) => Number(answer.status !== undefined ? answer.status : answer.statusCode),
  headers: (answer: AlipayAnswer) => answer.headers || answer.header,
  failedAnswer: (failure: { error?: unknown } | null) => !!failure && failure.error === HTTP_ERROR,
}

/**
 * A `my.request` that carries the token: waits for it (one refresh however many requests wait), sets the header
 * (in `headers`), and replays an unauthorized answer with the new token, also one that an older base library
 * delivers through fail. Same options and callbacks as `my.request`; returns the task (no promise, as with
 * `createWxRequest`). `fail` also gets a `TokenError` (with `code`) when no token could be had.
 *
 * @example
 * const request = createAlipayRequest(tokens)
 * request({ url: 'https://api.example.com/orders', success: ({ status, data }) => showOrders(data) })
 * request.uploadFile({ url: 'https://api.example.com/avatar', filePath, name: 'file', fileType: 'image' })
 */
export function createAlipayRequest(tokens: TokenController, options: AlipayAdapterOptions = {}): AlipayRequest {
  const runtime = () => options.my || (typeof my !== 'undefined' ? my : undefined)
  return createMiniClient(tokens, options, runtime, 'createAlipayRequest', 'my', taskOnly, ALIPAY_SHAPE)
}
