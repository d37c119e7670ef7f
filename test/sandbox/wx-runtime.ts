// The `wx` a sandboxed mini-program gets, implemented here in Node: request reaches the loopback server over
// node:http (the uni shim's request, which answers as wx does), at most 10 in flight with the rest queued as
// WeChat queues them; uploadFile and downloadFile the shim's too (a real multipart body from the file on disk,
// the download saved to a temp file); storage in memory; the app and network events (onAppShow, onAppHide,
// onNetworkStatusChange, their off*, getNetworkType) fired by the test through `lifecycle`. It records what the
// library asked of it.
import { fakeMiniProgramLifecycle, type FakeLifecycle } from '../helpers/mini-program-lifecycle.ts'
import { createUniShim, type UniRequestOptions, type UniRequestTask, type UniTransferOptions } from '../helpers/uni-shim.ts'

export const WX_MAX_IN_FLIGHT = 10

export interface WxRuntime {
  wx: Record<string, unknown>
  /** Requests the library handed to wx.request, queued or not. */
  readonly calls: number
  readonly inFlight: number
  /** The most requests in flight at once. */
  readonly peakInFlight: number
  readonly storage: Map<string, unknown>
  /** Plays WeChat's app and network events: `lifecycle.hide()`, `show()`, `setOnline(false)`. */
  readonly lifecycle: FakeLifecycle
  close(): void
}

export interface WxRuntimeOptions {
  /** Rewrites each URL before it is sent, e.g. https://api.example.com/… to the loopback server. */
  route?: (url: string) => string
}

export function createWxRuntime(options: WxRuntimeOptions = {}): WxRuntime {
  const shim = createUniShim()
  const lifecycle = fakeMiniProgramLifecycle({ platform: 'wx' })
  const storage = new Map<string, unknown>()
  const queue: Array<() => void> = []
  let calls = 0
  let inFlight = 0
  let peakInFlight = 0

  const route = options.route
  function request(options: UniRequestOptions): UniRequestTask {
    calls++
    let task: UniRequestTask | undefined
    let aborted = false
    const start = () => {
      inFlight++
      peakInFlight = Math.max(peakInFlight, inFlight)
      const done = () => {
        inFlight--
        queue.shift()?.()
      }
      const url = route ? route(options.url) : options.url
      // wx.request's dataType defaults to 'json': the body arrives parsed.
      task = shim.request({ dataType: 'json', ...options, url, complete: (result) => (done(), options.complete?.(result)) })
      if (aborted) task.abort()
    }
    if (inFlight < WX_MAX_IN_FLIGHT) start()
    else queue.push(start)
    return { abort: () => (task ? task.abort() : void (aborted = true)) }
  }

  const copy = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)))
  // Uploads and downloads go out at once (wx queues them apart from requests; the scenarios send few at a time).
  const transfer = (call: 'uploadFile' | 'downloadFile') => (options: UniTransferOptions) =>
    shim[call]({ ...options, url: route ? route(options.url) : options.url })
  const wx = {
    ...lifecycle.api,
    request,
    uploadFile: transfer('uploadFile'),
    downloadFile: transfer('downloadFile'),
    // wx hands back a copy, and '' for a key it does not hold.
    getStorageSync: (key: string) => (storage.has(key) ? copy(storage.get(key)) : ''),
    setStorageSync: (key: string, value: unknown) => void storage.set(key, copy(value)),
    removeStorageSync: (key: string) => void storage.delete(key),
    getSystemInfoSync: () => ({ platform: 'devtools', SDKVersion: '3.8.0', language: 'en' }),
    login: (options: { success?: (result: unknown) => void; complete?: (result: unknown) => void }) => {
      const result = { code: 'wx-login-code', errMsg: 'login:ok' }
      setTimeout(() => (options.success?.(result), options.complete?.(result)), 0)
    },
  }
  return {
    wx,
    get calls() {
      return calls
    },
    get inFlight() {
      return inFlight
    },
    get peakInFlight() {
      return peakInFlight
    },
    storage,
    lifecycle,
    close: () => shim.close(),
  }
}
