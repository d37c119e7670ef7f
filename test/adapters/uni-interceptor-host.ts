// A `uni` whose request() runs interceptors the way uni-app's runtime does, for installUniInterceptor's tests.
// Written from uni-api's src/helpers/interceptor.ts and api/promise.ts as published in 3.0.0-5000720260410001
// (the same code in @dcloudio/uni-h5 and uni-mp-weixin's uni.api.esm.js):
// - hooks of one kind run in order with (data, options); a hook's plain return value is ignored, `false` from
//   invoke drops the call, and the first hook that returns a thenable decides: its resolved value REPLACES the
//   options (invoke) or the result (callbacks), and the hooks after it are lost (dcloudio/uni-app#5422);
// - without a thenable the call goes out synchronously and returns the platform's task; with one, it returns a
//   Promise of the task; a call with no callbacks returns a promise of the result (success resolves, fail rejects).
// test/e2e/uni-interceptor-real-runtime.e2e.test.ts checks the adapter against the real runtime where installed.

type Hook = (data: unknown, options?: Record<string, unknown>) => unknown
type Kind = 'invoke' | 'success' | 'fail' | 'complete'
type Interceptor = Partial<Record<Kind, Hook>>

export interface InterceptingUni {
  request(options: Record<string, unknown>): unknown
  uploadFile(options: Record<string, unknown>): unknown
  downloadFile(options: Record<string, unknown>): unknown
  addInterceptor(method: string, interceptor: Interceptor): void
  removeInterceptor(method: string, interceptor?: Interceptor): void
}

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === 'function'
const DROPPED: PromiseLike<never> = { then: () => DROPPED as never }

type PlatformCall = (options: Record<string, unknown>) => unknown
const CALLS = ['request', 'uploadFile', 'downloadFile'] as const

/** uni.uploadFile and uni.downloadFile run their own interceptors the same way (uni's task APIs share the code). */
export function createInterceptingUni(
  platformRequest: PlatformCall,
  transfers: { uploadFile?: PlatformCall; downloadFile?: PlatformCall } = {},
): InterceptingUni {
  const byCall = new Map<string, Interceptor[]>(CALLS.map((call) => [call, []]))
  const platform: Record<string, PlatformCall | undefined> = { request: platformRequest, ...transfers }
  const calling = (call: (typeof CALLS)[number]) => (options: Record<string, unknown>) => {
    const hasCallback = ['success', 'fail', 'complete'].some((name) => typeof options[name] === 'function')
    if (hasCallback) return invoke(call, { ...options })
    return new Promise((resolve, reject) => void invoke(call, { ...options, success: resolve, fail: reject }))
  }

  // Synchronous until a hook hands back a thenable, as uni's queue() is.
  function queue(hooks: Hook[], data: unknown, options?: Record<string, unknown>): PromiseLike<unknown> {
    for (const hook of hooks) {
      const result = hook(data, options)
      if (result === false) return DROPPED
      if (isThenable(result)) return hooks.indexOf(hook) === hooks.length - 1 ? Promise.resolve(result) : DROPPED
    }
    return { then: (onValue: (value: unknown) => unknown) => onValue(data) } as PromiseLike<unknown>
  }

  function invoke(call: string, options: Record<string, unknown>): unknown {
    const interceptors = byCall.get(call) ?? []
    const hooksOf = (kind: Kind) => interceptors.map((i) => i[kind]).filter((h): h is Hook => typeof h === 'function')
    return queue(hooksOf('invoke'), options).then((final) => {
      const sent = final as Record<string, unknown>
      for (const kind of ['success', 'fail', 'complete'] as const) {
        const hooks = hooksOf(kind)
        const callback = sent[kind] as ((value: unknown) => void) | undefined
        if (hooks.length) sent[kind] = (result: unknown) => void queue(hooks, result, sent).then((value) => callback?.(value))
      }
      return (platform[call] as PlatformCall)(sent)
    })
  }

  return {
    request: calling('request'),
    uploadFile: calling('uploadFile'),
    downloadFile: calling('downloadFile'),
    addInterceptor(method, interceptor) {
      byCall.get(method)?.push(interceptor)
    },
    removeInterceptor(method, interceptor) {
      const list = byCall.get(method)
      if (list) byCall.set(method, interceptor ? list.filter((i) => i !== interceptor) : [])
    },
  }
}
