// The `wx` a uni-app mp-weixin page meets, on top of test/sandbox/wx-runtime.ts: preloadAssets, stopPullDownRefresh
// and reLaunch, all three shims that only record. uni-app's runtime asks preloadAssets for a remote image 3 s after
// start: WeChat would fetch it, the sandbox never does. reLaunch stands in for WeChat's page stack, which the sandbox
// does not have: it records the url and answers success; the test opens the page itself (program.openPage).
// Everything else uni-app reads at start (getAppBaseInfo, getLaunchOptionsSync, onAppShow …) it probes first and
// falls back from, so the base runtime is left as it is.
export interface UniAppWx {
  wx: Record<string, unknown>
  /** What preloadAssets was asked for. */
  readonly preloads: unknown[]
  /** How often the page ended a pull-down refresh. */
  readonly pullDownStops: number
  /** Resolves at the first stopPullDownRefresh. */
  readonly pullDownStopped: Promise<void>
  /** The urls reLaunch was asked to open, in order ('/pages/login/login' …). */
  readonly launches: readonly string[]
  /** Resolves once reLaunch has been called `count` times. */
  relaunched(count: number): Promise<void>
}

interface NavigateOptions {
  url: string
  success?: (result: { errMsg: string }) => void
  complete?: (result: { errMsg: string }) => void
}

export function uniAppWx(base: Record<string, unknown>): UniAppWx {
  const preloads: unknown[] = []
  const launches: string[] = []
  const launchWatchers = new Set<() => boolean>()
  let pullDownStops = 0
  let stopped = () => {}
  const pullDownStopped = new Promise<void>((resolve) => (stopped = resolve))
  const wx = {
    ...base,
    preloadAssets: (options: unknown) => void preloads.push(options),
    stopPullDownRefresh: () => {
      pullDownStops++
      stopped()
    },
    reLaunch: (options: NavigateOptions) => {
      launches.push(options.url)
      for (const watcher of launchWatchers) if (watcher()) launchWatchers.delete(watcher)
      // WeChat answers after the navigation, never in the caller's turn.
      setTimeout(() => {
        options.success?.({ errMsg: 'reLaunch:ok' })
        options.complete?.({ errMsg: 'reLaunch:ok' })
      }, 0)
    },
  }
  return {
    wx,
    preloads,
    pullDownStopped,
    get pullDownStops() {
      return pullDownStops
    },
    launches,
    relaunched: (count) =>
      new Promise<void>((resolve) => {
        const check = () => (launches.length >= count ? (resolve(), true) : false)
        if (!check()) launchWatchers.add(check)
      }),
  }
}
