// watchLifecycle: tells a token controller when the app is shown or hidden and when the network comes and goes, from a
// mini-program global (wx, uni, my, tt) or a web page's window and document. It only calls setAppVisible / setOnline;
// the machine decides.
import type { TokenController } from './controller.ts'
import type { LifecycleDocument, LifecycleHost, LifecycleWindow, NetworkStatus, WebLifecycleHost } from './lifecycle.types.ts'

/**
 * The two controller methods {@link watchLifecycle} calls: any `TokenController` has them.
 *
 * @example
 * const target: LifecycleTarget = createTokenController({ fetchToken })
 */
export type LifecycleTarget = Pick<TokenController, 'setAppVisible' | 'setOnline'>

type Api = Record<string, ((...args: unknown[]) => unknown) | undefined>
/** Tells the controller what the platform reported, while attached: shown / hidden, and online-ness when known. */
type Report = (visible: boolean | undefined, online: boolean | undefined) => void

/** One listener: how to add it, how to take it off, and the call to name if adding it throws. */
interface Registration {
  name: string
  on(): void
  off(): void
}

/**
 * Tells `tokens` when the app goes to the background or comes back, and when the network goes away or comes back, so
 * that no background refresh runs while hidden, a retry waits (spending no attempt) while offline, and a token inside
 * its soft window or expired is refreshed as the app comes back, before the first request asks.
 *
 * `host` is a mini-program global (`wx`, `uni`, `my`, `tt`: `onAppShow`/`onAppHide`, `onNetworkStatusChange`, and
 * `getNetworkType` read once now), a web `window` (its `document`'s `visibilitychange`, the window's `online` and
 * `offline`, its navigator's `onLine` read once now), or `{ window, document }`. Returns the function that detaches it:
 * listeners come off where the platform has `off*` (else later callbacks are ignored), and the controller is told
 * "shown" and "online" again if it was last told otherwise, as if never watched. Calling it twice does nothing.
 *
 * Throws a `TypeError` when `tokens` is not a controller, when `host` is neither shape, or when the platform throws
 * while a listener is added (then nothing stays attached).
 *
 * @example
 * // App.vue (uni-app) or app.js (WeChat: pass wx)
 * import { watchLifecycle } from 'painless-token/lifecycle'
 * const detach = watchLifecycle(tokens, uni)
 * @example
 * // A web app
 * const detach = watchLifecycle(tokens, window)
 */
export function watchLifecycle(tokens: LifecycleTarget, host: LifecycleHost): () => void {
  if (!tokens || typeof tokens.setAppVisible !== 'function' || typeof tokens.setOnline !== 'function') {
    throw new TypeError('watchLifecycle: tokens must be a token controller')
  }
  let attached = true
  // What the controller was last told; it starts out assuming shown and online.
  let visible = true
  let online = true
  const report: Report = (nextVisible, nextOnline) => {
    if (!attached) return
    if (nextVisible !== undefined) {
      visible = nextVisible
      tokens.setAppVisible(nextVisible)
    }
    // Mini-programs report every change of network type (wifi to 4g): only a change of online-ness is news.
    if (nextOnline !== undefined && nextOnline !== online) {
      online = nextOnline
      tokens.setOnline(nextOnline)
    }
  }
  const api = (host || {}) as Api
  const isMiniProgram =
    typeof api.onAppShow === 'function' || typeof api.onAppHide === 'function' || typeof api.onNetworkStatusChange === 'function'
  const detach = isMiniProgram ? watchMiniProgram(api, report) : watchWeb(api, report)
  return () => {
    if (!attached) return
    attached = false
    detach()
    if (!visible) tokens.setAppVisible(true)
    if (!online) tokens.setOnline(true)
  }
}

function watchMiniProgram(api: Api, report: Report): () => void {
  const hasShow = typeof api.onAppShow === 'function'
  // Half a pair would leave the controller hidden for good, or never hidden.
  if (hasShow !== (typeof api.onAppHide === 'function')) throw new TypeError('watchLifecycle: host has onAppShow or onAppHide, not both')
  // A status change that arrives first is newer than getNetworkType's answer.
  let changed = false
  const registrations: Registration[] = []
  if (hasShow)
    registrations.push(
      platformListener(api, 'AppShow', () => report(true, undefined)),
      platformListener(api, 'AppHide', () => report(false, undefined)),
    )
  if (typeof api.onNetworkStatusChange === 'function') {
    registrations.push(
      platformListener(api, 'NetworkStatusChange', (status) => {
        changed = true
        report(undefined, isOnline(status))
      }),
    )
  }
  const detach = register(registrations)
  if (typeof api.getNetworkType === 'function') {
    const success = (status: unknown) => {
      if (!changed) report(undefined, isOnline(status))
    }
    // Best effort: a platform that fails or throws here leaves the controller assuming online.
    try {
      const answer = api.getNetworkType({ success, fail: ignore }) as PromiseLike<unknown> | undefined
      // Some platforms also hand back a promise (uni's and my's promisified calls): never leave it rejected unhandled.
      if (answer && typeof answer.then === 'function') answer.then(undefined, ignore)
    } catch {
      // assumed online
    }
  }
  return detach
}

/** `on<Name>(listener)` now, `off<Name>(listener)` on detach where the platform has it; never a bare `off<Name>()`, which removes everyone's. */
function platformListener(api: Api, name: string, listener: (status?: unknown) => void): Registration {
  return {
    name: `on${name}`,
    on: () => api[`on${name}`]!(listener),
    off() {
      if (typeof api[`off${name}`] === 'function') api[`off${name}`]!(listener)
    },
  }
}

function watchWeb(api: Api, report: Report): () => void {
  const host = api as Partial<WebLifecycleHost> & Partial<LifecycleWindow>
  // A real window is its own `window`, so one rule reads both shapes: window, and { window, document }.
  const win = (host.window || host) as LifecycleWindow
  const doc = host.document as LifecycleDocument
  if (!isEventTarget(win) || !isEventTarget(doc)) {
    throw new TypeError(
      'watchLifecycle: host must be wx, uni, my, tt (onAppShow, onAppHide, onNetworkStatusChange), a window or { window, document }',
    )
  }
  const nav = host.navigator || win.navigator
  const detach = register([
    domListener(doc, 'visibilitychange', () => report(isVisible(doc), undefined)),
    domListener(win, 'online', () => report(undefined, true)),
    domListener(win, 'offline', () => report(undefined, false)),
  ])
  // Only what differs from the controller's assumption (shown, online) is news: attaching starts no fetch.
  // onLine true promises nothing (a captive portal); false is sure.
  report(isVisible(doc) ? undefined : false, nav && nav.onLine === false ? false : undefined)
  return detach
}

function isEventTarget(target: LifecycleDocument | undefined): boolean {
  return !!target && typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function'
}

// 'prerender' (old engines) counts as hidden: no background refresh before anyone sees the page.
function isVisible(doc: LifecycleDocument): boolean {
  return doc.visibilityState === undefined ? doc.hidden !== true : doc.visibilityState === 'visible'
}

function domListener(target: LifecycleDocument | LifecycleWindow, type: string, listener: () => void): Registration {
  return {
    name: `${type} listener`,
    on: () => target.addEventListener(type, listener),
    off: () => target.removeEventListener(type, listener),
  }
}

/** Adds every listener; if the platform throws, takes off those already added and names the call that failed. */
function register(registrations: Registration[]): () => void {
  const added: Registration[] = []
  for (const registration of registrations) {
    try {
      registration.on()
    } catch (cause) {
      removeAll(added)
      const error: TypeError & { cause?: unknown } = new TypeError(`watchLifecycle: adding the host's ${registration.name} threw`)
      // set by hand: older mini-program engines ignore Error's `cause` option
      error.cause = cause
      throw error
    }
    added.push(registration)
  }
  return () => removeAll(added)
}

// Detaching never throws: a platform whose off* throws still has its callbacks ignored from now on.
function removeAll(added: Registration[]): void {
  for (const registration of added) {
    try {
      registration.off()
    } catch {
      // ignored
    }
  }
}

/**
 * Online-ness from a platform's network status, or undefined when it says nothing usable: `isConnected`, else
 * Alipay's `networkAvailable`, else `networkType` ('none', or Alipay's 'NOTREACHABLE', is offline).
 */
function isOnline(status: unknown): boolean | undefined {
  const { isConnected, networkAvailable, networkType } = (status || {}) as NetworkStatus
  if (typeof isConnected === 'boolean') return isConnected
  if (typeof networkAvailable === 'boolean') return networkAvailable
  return typeof networkType === 'string' ? !/^(none|notreachable)$/i.test(networkType) : undefined
}

function ignore(): void {}
