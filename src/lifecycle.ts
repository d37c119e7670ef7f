// watchLifecycle: tells a token controller when the app is shown or hidden and when the network comes and goes, from a
// mini-program global (wx, uni, my, tt) or a web window. It only calls setAppVisible / setOnline: the machine decides.
import type { TokenController } from './controller.ts'
import type { LifecycleDocument, LifecycleHost, LifecycleWindow, NetworkStatus, WebLifecycleHost } from './lifecycle.types.ts'

/**
 * The two controller methods {@link watchLifecycle} calls: any `TokenController` has them.
 *
 * @example
 * const target: LifecycleTarget = createTokenController({ fetchToken })
 */
export type LifecycleTarget = Pick<TokenController, 'setAppVisible' | 'setOnline'>

type Listener = (status?: NetworkStatus) => void
type Api = Record<string, ((...args: unknown[]) => unknown) | undefined>

/** What the platform reported, passed on to the controller while attached. */
interface Reporter {
  visible(visible: boolean): void
  online(online: boolean): void
}

/** One listener: how to add it, how to take it off again, and the call to name if adding it throws. */
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
 * `offline`, `navigator.onLine` read once now), or `{ window, document }`. Returns the function that detaches it:
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
    throw new TypeError('watchLifecycle: tokens must be a token controller (with setAppVisible and setOnline)')
  }
  if (!host || (typeof host !== 'object' && typeof host !== 'function')) throw notAHost()
  let attached = true
  // What the controller was last told; it starts out assuming shown and online.
  let visible = true
  let online = true
  const report: Reporter = {
    visible(next) {
      if (!attached) return
      visible = next
      tokens.setAppVisible(next)
    },
    // Mini-programs report every change of network type (wifi to 4g): only a change of online-ness is news.
    online(next) {
      if (!attached || next === online) return
      online = next
      tokens.setOnline(next)
    },
  }
  const detach = isMiniProgram(host) ? watchMiniProgram(host as Api, report) : watchWeb(host, report)
  return () => {
    if (!attached) return
    attached = false
    detach()
    if (!visible) tokens.setAppVisible(true)
    if (!online) tokens.setOnline(true)
  }
}

function notAHost(): TypeError {
  return new TypeError(
    'watchLifecycle: host must be a mini-program global (wx, uni, my or tt: onAppShow and onAppHide, or onNetworkStatusChange), ' +
      'a web window (addEventListener, document) or { window, document }',
  )
}

function isMiniProgram(host: object): boolean {
  const api = host as Api
  return typeof api.onAppShow === 'function' || typeof api.onAppHide === 'function' || typeof api.onNetworkStatusChange === 'function'
}

function watchMiniProgram(api: Api, report: Reporter): () => void {
  const hasShow = typeof api.onAppShow === 'function'
  if (hasShow !== (typeof api.onAppHide === 'function')) {
    // Half a pair would leave the controller hidden for good, or never hidden.
    throw new TypeError('watchLifecycle: the host needs both onAppShow and onAppHide, or neither')
  }
  // A status change that arrives first is newer than getNetworkType's answer.
  let changed = false
  const registrations: Registration[] = []
  if (hasShow) {
    registrations.push(platformListener(api, 'AppShow', () => report.visible(true)))
    registrations.push(platformListener(api, 'AppHide', () => report.visible(false)))
  }
  if (typeof api.onNetworkStatusChange === 'function') {
    registrations.push(
      platformListener(api, 'NetworkStatusChange', (status) => {
        const next = isOnline(status)
        if (next === undefined) return
        changed = true
        report.online(next)
      }),
    )
  }
  const detach = register(registrations)
  if (typeof api.getNetworkType === 'function') {
    const success = (status: NetworkStatus) => {
      const next = isOnline(status)
      if (!changed && next !== undefined) report.online(next)
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

/** `on<Name>(listener)` now, `off<Name>(listener)` on detach where the platform has it. Never `off<Name>()` bare: that removes everyone's. */
function platformListener(api: Api, name: string, listener: Listener): Registration {
  return {
    name: `on${name}`,
    on: () => void api[`on${name}`]!(listener),
    off() {
      if (typeof api[`off${name}`] === 'function') api[`off${name}`]!(listener)
    },
  }
}

function watchWeb(host: object, report: Reporter): () => void {
  const pair = host as Partial<WebLifecycleHost> & Partial<LifecycleWindow>
  // A real window is its own `window`, so one rule reads both shapes: window, and { window, document }.
  const win = (pair.window ?? host) as LifecycleWindow
  const doc = pair.document
  if (!isEventTarget(win) || !isEventTarget(doc)) throw notAHost()
  const navigator = pair.navigator ?? win.navigator
  const onVisibility = () => report.visible(isVisible(doc))
  const detach = register([
    domListener(doc, 'visibilitychange', onVisibility),
    domListener(win, 'online', () => report.online(true)),
    domListener(win, 'offline', () => report.online(false)),
  ])
  // Only what differs from the controller's assumption (shown, online) is news: attaching starts no fetch.
  if (!isVisible(doc)) report.visible(false)
  // navigator.onLine true promises nothing (a captive portal); false is sure.
  if (navigator && navigator.onLine === false) report.online(false)
  return detach
}

function isEventTarget(target: unknown): target is LifecycleDocument {
  const candidate = target as LifecycleDocument | null | undefined
  return !!candidate && typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function'
}

// 'prerender' (old engines) counts as hidden: no background refresh before anyone sees the page.
function isVisible(doc: LifecycleDocument): boolean {
  return doc.visibilityState === undefined ? doc.hidden !== true : doc.visibilityState === 'visible'
}

function domListener(target: LifecycleDocument | LifecycleWindow, type: string, listener: () => void): Registration {
  return {
    name: `addEventListener('${type}')`,
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
      const error: TypeError & { cause?: unknown } = new TypeError(`watchLifecycle: the host's ${registration.name} threw, so nothing is watched`)
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

/** Online-ness from a platform's network status, or undefined when it says nothing usable. */
function isOnline(status: NetworkStatus | undefined): boolean | undefined {
  if (!status || typeof status !== 'object') return undefined
  if (typeof status.isConnected === 'boolean') return status.isConnected
  if (typeof status.networkAvailable === 'boolean') return status.networkAvailable
  if (typeof status.networkType !== 'string') return undefined
  const type = status.networkType.toLowerCase()
  return type !== 'none' && type !== 'notreachable'
}

function ignore(): void {}
