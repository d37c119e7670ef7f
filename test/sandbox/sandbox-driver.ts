// Runs a bundled scenario client inside a fresh mini-program sandbox per client. The scenarios stay outside
// (vitest needs globalThis); the library, the adapter and the client's own code run inside. Outcomes cross back
// as JSON, so assertions compare plain host objects.
import type { Driver, ScenarioClient } from '../adapters/harness.ts'
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

export function sandboxDriver(code: string, run: Omit<SandboxRun, 'runtimes'>): Driver & { runtimes: WxRuntime[] } {
  const runtimes: WxRuntime[] = []
  const driver: Driver = (config) => {
    const runtime = createWxRuntime()
    runtimes.push(runtime)
    const sandbox = createMiniProgramSandbox({ wx: runtime.wx, ...run })
    const client = sandbox.load(code, 'scenario-client.js').start(config) as ScenarioClient
    return {
      send(path, options) {
        const sent = client.send(path, options)
        return { outcome: Promise.resolve(sent.outcome).then((o) => JSON.parse(JSON.stringify(o))), abort: () => sent.abort() }
      },
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
