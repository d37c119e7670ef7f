// The slice of the uni-app runtime that luch-request and our storage touch, on Node: uni.request over
// node:http(s), answering through success/fail/complete as uni does, uni.uploadFile / uni.downloadFile over Node's
// fetch (a real multipart body from the file on disk; the download saved to a temp file), and sync storage
// backed by a Map.
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

export interface UniRequestOptions {
  url: string
  method?: string
  header?: Record<string, unknown>
  data?: unknown
  timeout?: number
  dataType?: string
  responseType?: 'text' | 'arraybuffer'
  success?: (result: UniRequestSuccess) => void
  fail?: (result: UniRequestFailure) => void
  complete?: (result: UniRequestSuccess | UniRequestFailure) => void
  [other: string]: unknown
}

export interface UniRequestSuccess {
  statusCode: number
  data: unknown
  header: Record<string, string | string[] | undefined>
  cookies: string[]
  errMsg: 'request:ok'
}

/** A request that got no HTTP answer. No statusCode: that is how luch-request tells it apart. */
export interface UniRequestFailure {
  errMsg: string
}

export interface UniRequestTask {
  abort(): void
}

/** uni.uploadFile's / uni.downloadFile's task: abort, and progress listeners (one event when the body is through). */
export interface UniTransferTask extends UniRequestTask {
  onProgressUpdate(listener: (result: { progress: number; totalBytesSent?: number; totalBytesWritten?: number }) => void): void
  offProgressUpdate(listener?: (result: unknown) => void): void
  onHeadersReceived(listener: (result: { header: Record<string, string> }) => void): void
  offHeadersReceived(listener?: (result: unknown) => void): void
}

export interface UniTransferOptions {
  url: string
  header?: Record<string, unknown>
  /** uploadFile: the file on disk, sent as the multipart field `name` with `formData` as the other fields. */
  filePath?: string
  name?: string
  formData?: Record<string, unknown>
  success?: (result: any) => void
  fail?: (result: UniRequestFailure) => void
  complete?: (result: unknown) => void
  [other: string]: unknown
}

export interface UniShim {
  request(options: UniRequestOptions): UniRequestTask
  uploadFile(options: UniTransferOptions): UniTransferTask
  downloadFile(options: UniTransferOptions): UniTransferTask
  getStorageSync(key: string): unknown
  setStorageSync(key: string, value: unknown): void
  removeStorageSync(key: string): void
  clearStorageSync(): void
  /** What storage holds, for assertions. */
  readonly storage: Map<string, unknown>
  /** Requests sent to a path (no query); all requests without one. */
  calls(path?: string): number
  /** Frees the keep-alive sockets. */
  close(): void
}

/** Builds a uni runtime for Node. Install it with installUniShim. */
export function createUniShim(): UniShim {
  // wx.request allows 10 requests in flight; keep Node's pool as narrow.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 10 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 10 }),
  }
  const callsByPath = new Map<string, number>()
  const storage = new Map<string, unknown>()

  function request(options: UniRequestOptions): UniRequestTask {
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let req: http.ClientRequest | undefined
    // First of answer, failure, timeout and abort wins; the rest are ignored.
    const claim = () => {
      if (settled) return false
      settled = true
      clearTimeout(timer)
      return true
    }
    const deliver = (result: UniRequestSuccess | UniRequestFailure) => {
      if ('statusCode' in result) options.success?.(result)
      else options.fail?.(result)
      options.complete?.(result)
    }
    const settle = (result: UniRequestSuccess | UniRequestFailure) => claim() && deliver(result)
    // Callbacks never run inside the call that caused them (request() or abort()), as on a device.
    const settleLater = (result: UniRequestFailure) => claim() && queueMicrotask(() => deliver(result))

    try {
      const method = (options.method ?? 'GET').toUpperCase()
      const header = headersOf(options.header)
      const { url, body } = place(method, options.url, options.data, header)
      callsByPath.set(url.pathname, (callsByPath.get(url.pathname) ?? 0) + 1)
      const client = url.protocol === 'https:' ? https : http
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:']
      req = client.request(url, { method, headers: header, agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', (error) => settle({ errMsg: `request:fail ${error.message}` }))
        res.on('end', () =>
          settle({
            statusCode: res.statusCode ?? 0,
            data: decode(Buffer.concat(chunks), options),
            header: { ...res.headers },
            cookies: res.headers['set-cookie'] ?? [],
            errMsg: 'request:ok',
          }),
        )
      })
      req.on('error', (error) => settle({ errMsg: `request:fail ${error.message}` }))
      if (options.timeout !== undefined && options.timeout > 0) {
        timer = setTimeout(() => {
          settle({ errMsg: 'request:fail timeout' })
          req?.destroy()
        }, options.timeout)
      }
      req.end(body)
    } catch (error) {
      // A bad URL or header value: uni reports it through fail, never throws.
      settleLater({ errMsg: `request:fail ${error instanceof Error ? error.message : String(error)}` })
    }

    return {
      abort() {
        settleLater({ errMsg: 'request:fail abort' })
        req?.destroy()
      },
    }
  }

  // Node 20's fetch with the standard FormData and Blob: a real multipart body, encoded by the platform as a
  // mini-program's native uploadFile encodes it, not by us.
  function transfer(kind: 'uploadFile' | 'downloadFile', options: UniTransferOptions): UniTransferTask {
    const controller = new AbortController()
    const progress = new Set<(result: any) => void>()
    const headersListeners = new Set<(result: any) => void>()
    let settled = false
    const finish = (result: { errMsg: string; [field: string]: unknown }, ok: boolean) => {
      if (settled) return
      settled = true
      if (ok) options.success?.(result)
      else options.fail?.(result)
      options.complete?.(result)
    }
    const run = async () => {
      const url = new URL(options.url)
      callsByPath.set(url.pathname, (callsByPath.get(url.pathname) ?? 0) + 1)
      const headers = headersOf(options.header)
      let body: FormData | undefined
      let sent = 0
      if (kind === 'uploadFile') {
        const bytes = readFileSync(options.filePath as string)
        sent = bytes.length
        body = new FormData()
        for (const [key, value] of Object.entries(options.formData ?? {})) body.append(key, String(value))
        body.append(options.name ?? 'file', new Blob([bytes]), basename(options.filePath as string))
      }
      const response = await fetch(url, { method: kind === 'uploadFile' ? 'POST' : 'GET', headers, body, signal: controller.signal })
      const header: Record<string, string> = {}
      response.headers.forEach((value, name) => void (header[name] = value))
      for (const listener of headersListeners) listener({ header })
      const bytes = Buffer.from(await response.arrayBuffer())
      for (const listener of progress) listener({ progress: 100, totalBytesSent: sent, totalBytesWritten: bytes.length })
      if (kind === 'uploadFile')
        return finish({ statusCode: response.status, data: bytes.toString('utf8'), header, errMsg: 'uploadFile:ok' }, true)
      const dir = join(tmpdir(), 'painless-token-downloads')
      mkdirSync(dir, { recursive: true })
      const tempFilePath = join(dir, randomUUID())
      writeFileSync(tempFilePath, bytes)
      finish({ statusCode: response.status, tempFilePath, header, errMsg: 'downloadFile:ok' }, true)
    }
    // Started after this call returns, as on a device: a listener given on the task at once sees the events.
    setTimeout(() =>
      run().catch((error: Error) => finish({ errMsg: `${kind}:fail ${controller.signal.aborted ? 'abort' : error.message}` }, false)),
    )
    return {
      abort: () => controller.abort(),
      onProgressUpdate: (listener) => void progress.add(listener),
      offProgressUpdate: (listener) => (listener ? void progress.delete(listener) : progress.clear()),
      onHeadersReceived: (listener) => void headersListeners.add(listener),
      offHeadersReceived: (listener) => (listener ? void headersListeners.delete(listener) : headersListeners.clear()),
    }
  }

  return {
    request,
    uploadFile: (options) => transfer('uploadFile', options),
    downloadFile: (options) => transfer('downloadFile', options),
    // uni hands back a copy, and '' for a key it does not hold.
    getStorageSync: (key) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
    setStorageSync: (key, value) => void storage.set(key, structuredClone(value)),
    removeStorageSync: (key) => void storage.delete(key),
    clearStorageSync: () => storage.clear(),
    storage,
    calls: (path) => (path === undefined ? [...callsByPath.values()].reduce((a, b) => a + b, 0) : (callsByPath.get(path) ?? 0)),
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}

/** Sets globalThis.uni to the shim; the returned function puts back whatever was there. */
export function installUniShim(shim: UniShim): () => void {
  const global = globalThis as { uni?: unknown }
  const had = 'uni' in global
  const previous = global.uni
  global.uni = shim
  return () => {
    if (had) global.uni = previous
    else delete global.uni
  }
}

function headersOf(header: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(header ?? {})) {
    if (value !== undefined && value !== null) headers[name] = String(value)
  }
  return headers
}

// Where uni puts `data`: a GET's goes into the query string; any other method's is the body, JSON unless
// the content-type says form-urlencoded. Like wx, the content-type defaults to application/json.
function place(method: string, rawUrl: string, data: unknown, header: Record<string, string>): { url: URL; body?: string | Buffer } {
  const contentTypeName = Object.keys(header).find((name) => name.toLowerCase() === 'content-type')
  if (contentTypeName === undefined) header['content-type'] = 'application/json'
  const contentType = header[contentTypeName ?? 'content-type'] ?? ''
  if (data === undefined || data === null) return { url: new URL(rawUrl) }
  if (method === 'GET') {
    const query = typeof data === 'string' ? data : urlEncode(data)
    const joined = query === '' ? rawUrl : `${rawUrl}${rawUrl.includes('?') ? '&' : '?'}${query}`
    return { url: new URL(joined) }
  }
  if (typeof data === 'string') return { url: new URL(rawUrl), body: data }
  if (data instanceof ArrayBuffer) return { url: new URL(rawUrl), body: Buffer.from(data) }
  if (ArrayBuffer.isView(data)) return { url: new URL(rawUrl), body: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }
  const body = contentType.includes('x-www-form-urlencoded') ? urlEncode(data) : JSON.stringify(data)
  return { url: new URL(rawUrl), body }
}

function urlEncode(data: unknown): string {
  return Object.entries(data as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
      return `${encodeURIComponent(key)}=${encodeURIComponent(text)}`
    })
    .join('&')
}

// With dataType 'json' (luch-request's default) uni itself tries JSON.parse and keeps the text when it
// fails; luch-request's forcedJSONParsing then only sees strings that were not JSON.
function decode(body: Buffer, options: UniRequestOptions): unknown {
  if (options.responseType === 'arraybuffer') return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)
  const text = body.toString('utf8')
  if (options.dataType !== 'json') return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
