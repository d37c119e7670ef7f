// Runs a bundled scenario client inside a fresh mini-program sandbox per client. The scenarios stay outside
// (vitest needs globalThis); the library, the adapter and the client's own code run inside. Outcomes cross back
// as JSON, so assertions compare plain host objects.
import type { Driver, TransferClient } from '../adapters/harness.ts'
import { createMiniProgramSandbox } from './mini-program-sandbox.ts'
import { createWxRuntime, type WxRuntime } from './wx-runtime.ts'

export interface SandboxRun {
  deleteGlobalThis: boolean
  uniOnWx: boolean
  /** The project's files, e.g. the miniprogram_npm/ WeChat's builder wrote, which the client requires by name. */
  files?: Readonly<Record<string, string>>
  /** Every wx runtime a client of this driver used, for checks on wx.request. */
  runtimes: WxRuntime[]
}

/** A platform runtime for the sandbox: `wx` (wx-runtime.ts) or `my` (alipay-runtime.ts). */
type Runtime = { wx?: Record<string, unknown>; my?: Record<string, unknown>; close(): void }

export function sandboxDriver(
  code: string,
  run: Omit<SandboxRun, 'runtimes'>,
  createRuntime: () => Runtime = createWxRuntime,
): Driver & { runtimes: WxRuntime[] } {
  const runtimes: WxRuntime[] = []
  const driver: Driver = (config) => {
    const runtime = createRuntime()
    // Only wx runtimes have the wx.request counters the wx checks read.
    if (runtime.wx) runtimes.push(runtime as WxRuntime)
    const sandbox = createMiniProgramSandbox({ wx: runtime.wx, my: runtime.my, ...run })
    const client = sandbox.load(code, 'scenario-client.js').start(config) as TransferClient
    // Outcomes cross back as JSON; uploads and downloads too, where the client has them.
    const crossing = (sent: { outcome: unknown; abort(): void }) => ({
      outcome: Promise.resolve(sent.outcome).then((o) => JSON.parse(JSON.stringify(o))),
      abort: () => sent.abort(),
    })
    return {
      send: (path, options) => crossing(client.send(path, options)),
      upload: (path: string, options: Parameters<TransferClient['upload']>[1]) => crossing(client.upload(path, options)),
      download: (path: string) => crossing(client.download(path)),
      settles: (status) => client.settles(status),
      advanceClock: (ms) => client.advanceClock(ms),
      whenParked: (count) => Promise.resolve(client.whenParked(count)),
      get state() {
        return client.state
      },
      stop() {
        client.stop()
        sandbox.dispose()
        runtime.close()
      },
    }
  }
  return Object.assign(driver, { runtimes })
}
