// The `wx` a uni-app mp-weixin page meets, on top of test/sandbox/wx-runtime.ts: preloadAssets and
// stopPullDownRefresh, both only recorded. uni-app's runtime asks preloadAssets for a remote image 3 s after
// start: WeChat would fetch it, the sandbox never does. Everything else uni-app reads at start (getAppBaseInfo,
// getLaunchOptionsSync, onAppShow …) it probes first and falls back from, so the base runtime is left as it is.
export interface UniAppWx {
  wx: Record<string, unknown>
  /** What preloadAssets was asked for. */
  readonly preloads: unknown[]
  /** How often the page ended a pull-down refresh. */
  readonly pullDownStops: number
  /** Resolves at the first stopPullDownRefresh. */
  readonly pullDownStopped: Promise<void>
}

export function uniAppWx(base: Record<string, unknown>): UniAppWx {
  const preloads: unknown[] = []
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
  }
  return {
    wx,
    preloads,
    pullDownStopped,
    get pullDownStops() {
      return pullDownStops
    },
  }
}
