// A stand-in for the app and network events of a mini-program global (wx, uni, my, tt): no platform runtime runs
// here, so the test plays the platform and fires the callbacks. Each platform's shape follows its documentation:
// which off* it has, what onNetworkStatusChange and getNetworkType's success hand over (wx/uni/tt: `networkType`
// 'none'; Alipay: 'NOTREACHABLE' and `networkAvailable`; Douyin before base library 1.91: no offNetworkStatusChange,
// and no `isConnected`, as uni-app's docs note for it).

export type LifecyclePlatform = 'wx' | 'uni' | 'my' | 'tt'

export interface FakeLifecycleOptions {
  /** Which platform's shapes to play. Default 'wx'. */
  platform?: LifecyclePlatform
  /** Online when attached (what getNetworkType answers). Default true. */
  online?: boolean
  /** getNetworkType answers through `fail` instead. */
  networkTypeFails?: boolean
}

type Kind = 'AppShow' | 'AppHide' | 'NetworkStatusChange'

export interface FakeLifecycle {
  /** The lifecycle members of the global: spread them into a wx/uni/my/tt object, or pass it as it is. */
  readonly api: Record<string, (...args: any[]) => unknown>
  show(): void
  hide(): void
  /** Fires onNetworkStatusChange as the platform would; `type` is the new network type when online. */
  setOnline(online: boolean, type?: string): void
  /** Listeners registered right now. */
  listeners(kind: Kind): number
  /** Calls of getNetworkType so far. */
  readonly networkTypeCalls: number
}

export function fakeMiniProgramLifecycle(options: FakeLifecycleOptions = {}): FakeLifecycle {
  const { platform = 'wx', networkTypeFails = false } = options
  let online = options.online ?? true
  let networkTypeCalls = 0
  const registered: Record<Kind, Array<(result?: unknown) => void>> = { AppShow: [], AppHide: [], NetworkStatusChange: [] }
  const alipay = platform === 'my'
  const typeOf = (isOnline: boolean, type = alipay ? 'WIFI' : 'wifi') => (isOnline ? type : alipay ? 'NOTREACHABLE' : 'none')
  const statusOf = (isOnline: boolean, type?: string) =>
    platform === 'tt' ? { networkType: typeOf(isOnline, type) } : { isConnected: isOnline, networkType: typeOf(isOnline, type) }

  const on = (kind: Kind) => (listener: (result?: unknown) => void) => void registered[kind].push(listener)
  // Every platform's off* removes the listener given (Douyin: its earliest registration), and all of them without one.
  const off = (kind: Kind) => (listener?: (result?: unknown) => void) => {
    const index = listener ? registered[kind].indexOf(listener) : -1
    if (!listener) registered[kind] = []
    else if (index >= 0) registered[kind].splice(index, 1)
  }
  const fire = (kind: Kind, result?: unknown) => {
    for (const listener of registered[kind].slice()) listener(result)
  }

  const api: Record<string, (...args: any[]) => unknown> = {
    onAppShow: on('AppShow'),
    onAppHide: on('AppHide'),
    offAppShow: off('AppShow'),
    offAppHide: off('AppHide'),
    onNetworkStatusChange: on('NetworkStatusChange'),
    offNetworkStatusChange: off('NetworkStatusChange'),
    // Asynchronous on every platform: the answer comes after the call returns.
    getNetworkType(call: { success?: (result: unknown) => void; fail?: (error: unknown) => void }) {
      networkTypeCalls++
      const answer = alipay
        ? { networkAvailable: online, networkType: typeOf(online) }
        : { networkType: typeOf(online), errMsg: 'getNetworkType:ok' }
      setTimeout(() => {
        if (networkTypeFails) call.fail?.({ errMsg: 'getNetworkType:fail' })
        else call.success?.(answer)
      }, 0)
    },
  }
  if (platform === 'tt') delete api.offNetworkStatusChange

  return {
    api,
    show: () => fire('AppShow', { path: 'pages/index/index', scene: 1001 }),
    hide: () => fire('AppHide'),
    setOnline(next, type) {
      online = next
      fire('NetworkStatusChange', statusOf(next, type))
    },
    listeners: (kind) => registered[kind].length,
    get networkTypeCalls() {
      return networkTypeCalls
    },
  }
}
