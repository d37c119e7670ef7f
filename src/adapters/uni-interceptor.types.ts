// The parts of uni-app the interceptor uses, and its options. Types only.
import type { MiniRequestSuccess } from './mini-request.types.ts'
import type { AuthPolicyOptions } from './request-path.ts'

/**
 * The parts of the `uni` object the interceptor uses.
 *
 * @example
 * installUniInterceptor(tokens, { uni }) // the global `uni` is the default
 */
export interface UniInterceptorHost {
  addInterceptor(method: string, interceptor: Record<string, unknown>): void
  removeInterceptor(method: string, interceptor?: Record<string, unknown>): void
  request(options: any): unknown
  /** Called to replay an upload refused with a 401. */
  uploadFile?(options: any): unknown
  /** Called to replay a download refused with a 401. */
  downloadFile?(options: any): unknown
}

/**
 * Options for {@link installUniInterceptor}: the shared {@link AuthPolicyOptions}, plus the `uni` object to use.
 *
 * @example
 * const uninstall = installUniInterceptor(tokens, { header: 'Authorization' })
 */
export interface UniInterceptorOptions extends AuthPolicyOptions<MiniRequestSuccess> {
  /** The runtime's `uni`. Default: the global `uni`. */
  uni?: UniInterceptorHost
}
