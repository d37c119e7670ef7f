// The adapters' scenario clients in this Node process: uni and wx get the Node uni shim (uni.request over
// node:http, uploadFile/downloadFile over fetch), luch-request gets it as the global `uni`, alipay gets `my` in
// Alipay's shapes over the same shim (also as older base libraries deliver HTTP errors: through fail), axios and
// fetch use Node's own stacks.
import { createInterceptingUni } from '../uni-interceptor-host.ts'
import { createUniShim, installUniShim, type UniRequestOptions, type UniTransferOptions } from '../../helpers/uni-shim.ts'
import { createAlipayRuntime } from '../../sandbox/alipay-runtime.ts'
import type { ClientConfig, Driver, ScenarioClient, TransferClient } from '../harness.ts'
import { startAlipay } from './alipay.ts'
import { startAxios } from './axios.ts'
import { startFetch } from './fetch.ts'
import { startLuchRequest } from './luch-request.ts'
import { startUniInterceptor } from './uni-interceptor.ts'
import { startUni } from './uni.ts'
import { startWx } from './wx.ts'

/** Stops the client, then runs `cleanup`. */
function alsoOnStop(client: ScenarioClient, cleanup: () => void): ScenarioClient {
  const stop = client.stop.bind(client)
  return Object.assign(client, { stop: () => (stop(), cleanup()) })
}

const withShim =
  <C extends ScenarioClient>(start: (config: ClientConfig, shim: ReturnType<typeof createUniShim>) => C) =>
  (config: ClientConfig): C => {
    const shim = createUniShim()
    return alsoOnStop(start(config, shim), () => shim.close()) as C
  }

const withAlipay =
  (httpErrorsFail: boolean) =>
  (config: ClientConfig): TransferClient => {
    const runtime = createAlipayRuntime({ httpErrorsFail })
    return alsoOnStop(startAlipay(config, runtime.my as never, httpErrorsFail), () => runtime.close()) as TransferClient
  }

const interceptingShim = (config: ClientConfig, shim: ReturnType<typeof createUniShim>) =>
  startUniInterceptor(
    config,
    createInterceptingUni((options) => shim.request(options as UniRequestOptions), {
      uploadFile: (options) => shim.uploadFile(options as UniTransferOptions),
      downloadFile: (options) => shim.downloadFile(options as UniTransferOptions),
    }),
  )

export const ABORT_UPLOAD_WHILE_PARKED = 'rejects with ABORTED an upload aborted while it waits for its token, and sends nothing'

/** The adapters with uploadFile / downloadFile, for the transfer scenarios. */
export const transferDrivers: Array<{ name: string; driver: (config: ClientConfig) => TransferClient; cannot?: Record<string, string> }> = [
  { name: 'uni', driver: withShim((config, shim) => startUni(config, shim)) },
  { name: 'wx', driver: withShim((config, shim) => startWx(config, shim)) },
  { name: 'alipay', driver: withAlipay(false) },
  { name: 'alipay, HTTP errors through fail', driver: withAlipay(true) },
  {
    name: 'uni interceptor',
    driver: withShim(interceptingShim),
    cannot: { [ABORT_UPLOAD_WHILE_PARKED]: 'uni.addInterceptor gives no task and no signal while invoke waits for the token' },
  },
]

export interface DriverEntry {
  name: string
  driver: Driver
  /** Scenarios the client's API cannot express, with the reason. */
  cannot?: Record<string, string>
}

export const ABORT_WHILE_PARKED = 'rejects with ABORTED a request aborted while it waits for its token, and sends nothing'

export const nodeDrivers: DriverEntry[] = [
  {
    name: 'luch-request',
    driver: withShim((config, shim) => {
      const uninstall = installUniShim(shim)
      return alsoOnStop(startLuchRequest(config), uninstall)
    }),
  },
  { name: 'uni', driver: withShim((config, shim) => startUni(config, shim)) },
  { name: 'wx', driver: withShim((config, shim) => startWx(config, shim)) },
  { name: 'alipay', driver: withAlipay(false) },
  { name: 'alipay, HTTP errors through fail', driver: withAlipay(true) },
  {
    name: 'uni interceptor',
    driver: withShim(interceptingShim),
    cannot: { [ABORT_WHILE_PARKED]: 'uni.addInterceptor gives no task and no signal while invoke waits for the token' },
  },
  { name: 'axios', driver: startAxios },
  { name: 'fetch', driver: startFetch },
]
