// The `my` an Alipay mini-program gets, implemented here in Node over the uni shim's real HTTP (request over
// node:http, uploadFile/downloadFile over fetch with a real multipart body), mapped to Alipay's shapes:
// my.request takes `headers` and answers `{ status, headers, data }`; my.uploadFile answers `statusCode` as a
// string; my.downloadFile answers `apFilePath`; failures carry `error` and `errorMessage`. With `httpErrorsFail`
// an HTTP status of 400 or more arrives through fail as `{ error: 19, errorMessage, status, data, headers }`, as
// older base libraries deliver it (fly's Alipay adapter reads the same shape). Storage takes `{ key, data }`.
import { createUniShim, type UniRequestFailure } from '../helpers/uni-shim.ts'

export interface AlipayRuntime {
  my: Record<string, unknown>
  /** Calls the library made to my.request / my.uploadFile / my.downloadFile. */
  readonly calls: number
  readonly storage: Map<string, unknown>
  close(): void
}

export interface AlipayRuntimeOptions {
  /** Deliver HTTP errors (status >= 400) through fail with `error: 19`, as older base libraries do. */
  httpErrorsFail?: boolean
}

type Callbacks = { success?: (result: unknown) => void; fail?: (result: unknown) => void; complete?: (result: unknown) => void }

export function createAlipayRuntime(options: AlipayRuntimeOptions = {}): AlipayRuntime {
  const shim = createUniShim()
  const storage = new Map<string, unknown>()
  let calls = 0

  // The shim answers in uni's shape; this hands it on in Alipay's, through success or (HTTP errors, failures) fail.
  const answer =
    (callbacks: Callbacks, shaped: (result: any) => Record<string, unknown>) =>
    (result: { statusCode: number; data?: unknown; header: Record<string, unknown> }) => {
      const settle = (ok: boolean, value: unknown) => {
        if (ok) callbacks.success?.(value)
        else callbacks.fail?.(value)
        callbacks.complete?.(value)
      }
      if (options.httpErrorsFail && result.statusCode >= 400) {
        settle(false, {
          error: 19,
          errorMessage: 'http status error',
          status: result.statusCode,
          data: result.data,
          headers: result.header,
        })
      } else {
        settle(true, shaped(result))
      }
    }
  const failed = (callbacks: Callbacks) => (failure: UniRequestFailure) => {
    const value = { error: /abort/.test(failure.errMsg) ? 9 : 12, errorMessage: failure.errMsg }
    callbacks.fail?.(value)
    callbacks.complete?.(value)
  }

  const my = {
    request(o: Callbacks & { url: string; headers?: Record<string, unknown>; method?: string; data?: unknown; dataType?: string }) {
      calls++
      return shim.request({
        url: o.url,
        method: o.method,
        header: o.headers,
        data: o.data,
        dataType: o.dataType ?? 'json',
        success: answer(o, (r) => ({ status: r.statusCode, headers: r.header, data: r.data })) as never,
        fail: failed(o),
      })
    },
    uploadFile(
      o: Callbacks & {
        url: string
        filePath: string
        name?: string
        fileName?: string
        header?: Record<string, unknown>
        formData?: Record<string, unknown>
      },
    ) {
      calls++
      return shim.uploadFile({
        url: o.url,
        filePath: o.filePath,
        name: o.name ?? o.fileName,
        header: o.header,
        formData: o.formData,
        success: answer(o, (r) => ({ statusCode: String(r.statusCode), data: r.data, header: r.header })),
        fail: failed(o),
      })
    },
    downloadFile(o: Callbacks & { url: string; header?: Record<string, unknown> }) {
      calls++
      return shim.downloadFile({
        url: o.url,
        header: o.header,
        success: answer(o, (r) => ({ apFilePath: r.tempFilePath, statusCode: r.statusCode })),
        fail: failed(o),
      })
    },
    getStorageSync: ({ key }: { key: string }) => ({ data: storage.has(key) ? JSON.parse(JSON.stringify(storage.get(key))) : null }),
    setStorageSync: ({ key, data }: { key: string; data: unknown }) => void storage.set(key, JSON.parse(JSON.stringify(data))),
    removeStorageSync: ({ key }: { key: string }) => void storage.delete(key),
  }
  return {
    my,
    get calls() {
      return calls
    },
    storage,
    close: () => shim.close(),
  }
}
