// The hosts watchLifecycle reads: a mini-program global (wx, uni, my, tt) or a web page's window and document. Only
// the members it calls are named; the platforms' own types (miniprogram-api-typings, @dcloudio/types, lib.dom) fit them.

/**
 * What a mini-program hands to `onNetworkStatusChange` listeners and to `getNetworkType`'s `success`, across platforms.
 * Offline: `isConnected` false (wx, uni, my, tt; Douyin may leave it out), `networkAvailable` false (Alipay's
 * `getNetworkType`), else `networkType` `'none'` (wx, uni, tt) or `'NOTREACHABLE'` (Alipay).
 *
 * @example
 * const isOffline = (status: NetworkStatus) => status.isConnected === false || status.networkType === 'none'
 * wx.onNetworkStatusChange((status) => showOfflineBanner(isOffline(status)))
 */
export interface NetworkStatus {
  isConnected?: boolean
  networkAvailable?: boolean
  networkType?: string
}

/**
 * A mini-program global: `wx` (WeChat), `uni` (uni-app), `my` (Alipay), `tt` (Douyin). App show/hide is watched
 * when it has `onAppShow` and `onAppHide`, the network when it has `onNetworkStatusChange` (read once at the start
 * with `getNetworkType`). The `off*` functions are used where the platform has them; elsewhere later callbacks are
 * ignored.
 *
 * @example
 * const detach = watchLifecycle(tokens, wx)
 */
export interface MiniProgramLifecycleHost {
  onAppShow?(listener: (...args: any[]) => void): unknown
  onAppHide?(listener: (...args: any[]) => void): unknown
  offAppShow?(listener: (...args: any[]) => void): unknown
  offAppHide?(listener: (...args: any[]) => void): unknown
  onNetworkStatusChange?(listener: (status: NetworkStatus) => void): unknown
  offNetworkStatusChange?(listener: (status: NetworkStatus) => void): unknown
  getNetworkType?(options: { success?: (status: NetworkStatus) => void; fail?: (error: any) => void }): unknown
}

/**
 * The parts of a web `document` watchLifecycle reads: `visibilitychange`, and `visibilityState` (or, on old
 * engines, `hidden`).
 *
 * @example
 * watchLifecycle(tokens, { window, document })
 */
export interface LifecycleDocument {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
  readonly visibilityState?: string
  readonly hidden?: boolean
}

/**
 * The parts of a web `window` watchLifecycle reads: the `online` and `offline` events, its navigator's `onLine` once at the
 * start, and its `document` when the window is passed alone.
 *
 * @example
 * watchLifecycle(tokens, window)
 */
export interface LifecycleWindow {
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
  readonly document?: LifecycleDocument
  readonly navigator?: { readonly onLine?: boolean }
}

/**
 * A web window and document passed apart (an iframe's, or stand-ins in tests). `navigator` defaults to the
 * window's own.
 *
 * @example
 * watchLifecycle(tokens, { window, document })
 */
export interface WebLifecycleHost {
  window: LifecycleWindow
  document: LifecycleDocument
  navigator?: { readonly onLine?: boolean }
}

/**
 * What {@link watchLifecycle} accepts: a mini-program global (`wx`, `uni`, `my`, `tt`), a web `window` (its
 * `document` and `navigator` are read from it), or `{ window, document }`.
 *
 * @example
 * watchLifecycle(tokens, typeof wx === 'object' ? wx : window)
 */
export type LifecycleHost = MiniProgramLifecycleHost | LifecycleWindow | WebLifecycleHost
