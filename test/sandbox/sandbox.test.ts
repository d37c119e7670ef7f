// The library in a mini-program's runtime: a vm context with only what WeChat's JS runtime declares, wx.request
// reaching the loopback server. The shared adapter scenarios run there through painless-token/wx as WeChat's own
// "Build npm" ships it (packNpm's miniprogram_npm/, required by name), and through luch-request on a uni built on wx
// with the library bundled from source as uni-app's bundler does, with and without globalThis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Driver } from '../adapters/harness.ts'
import { useScenarioRunner } from '../adapters/run-scenario.ts'
import { scenarios } from '../adapters/scenarios.ts'
import { transferScenarios } from '../adapters/transfer-scenarios.ts'
import { bundleForMiniProgram, freeGlobals } from './bundle.ts'
import { createMiniProgramSandbox, OFFERED_GLOBALS } from './mini-program-sandbox.ts'
import { sandboxDriver } from './sandbox-driver.ts'
import { buildWithWeChat, type WeChatBuild } from './wechat-build.ts'
import { createWxRuntime, WX_MAX_IN_FLIGHT } from './wx-runtime.ts'

const MISSING = [
  'window',
  'fetch',
  'XMLHttpRequest',
  'AbortController',
  'AbortSignal',
  'URL',
  'URLSearchParams',
  'TextEncoder',
  'TextDecoder',
  'atob',
  'btoa',
  'queueMicrotask',
  'structuredClone',
  'crypto',
  'process',
  'Buffer',
  'self',
  'setImmediate',
  'Headers',
  'Request',
  'WebAssembly',
  'uni',
]

/**
 * Globals the bundles refer to that the runtime lacks, each reviewed: probed (typeof, or a flag set by typeof)
 * before any use, with a fallback. A new name here fails the static check below until someone reviews it.
 */
const REVIEWED: Record<string, string> = {
  AbortController: 'src/abort.ts: typeof probe; falls back to its own minimal signal',
  globalThis: "xstate's and crypto-js's global lookups: typeof probes",
  window: "crypto-js's crypto lookup and xstate's dev-tools lookup: typeof probes",
  self: "crypto-js's crypto lookup and xstate's global lookup: typeof probes",
  define: "crypto-js's UMD wrapper: typeof define === 'function'",
  URLSearchParams: "luch-request's isURLSearchParams: typeof probe",
  Buffer: "luch-request's clone: useBuffer = typeof Buffer != 'undefined'",
  crypto: "src/signer.ts's default nonce (the scenarios sign): typeof probe; falls back to time + counter + Math.random",
}

const runScenario = useScenarioRunner()
const code: Record<string, string> = {}
let wechat: WeChatBuild | undefined
/** miniprogram_npm/painless-token/*.js as WeChat's builder wrote them. */
let shipped: Record<string, string> = {}

beforeAll(async () => {
  wechat = await buildWithWeChat()
  shipped = Object.fromEntries(Object.entries(wechat.files).filter(([file]) => file.startsWith('miniprogram_npm/painless-token/')))
  code.wx = await bundleForMiniProgram({ entry: 'test/sandbox/entries/wx-client.ts' }, { library: 'package' })
  code.luch = await bundleForMiniProgram({ entry: 'test/sandbox/entries/luch-client.ts' })
  // createUniRequest on a uni built on wx: uni-app's compiled mini-program bundles the library (inline).
  code.uni = await bundleForMiniProgram({
    contents: "export { startUni as start } from '../adapters/drivers/uni.ts'",
    resolveDir: 'test/sandbox',
  })
  code.control = await bundleForMiniProgram({
    contents: 'queueMicrotask(() => undefined)\nexport const start = () => undefined',
    resolveDir: '.',
  })
}, 60_000)

afterAll(() => wechat?.remove())

describe('the mini-program sandbox', () => {
  it.each([false, true])('offers only the runtime’s globals, no eval, and no globalThis when deleted (%s)', (deleteGlobalThis) => {
    const sandbox = createMiniProgramSandbox({ wx: {}, deleteGlobalThis })
    for (const name of OFFERED_GLOBALS) expect([name, sandbox.evaluate(`typeof ${name}`)]).not.toEqual([name, 'undefined'])
    for (const name of MISSING) expect([name, sandbox.evaluate(`typeof ${name}`)]).toEqual([name, 'undefined'])
    expect(sandbox.evaluate('typeof globalThis')).toBe(deleteGlobalThis ? 'undefined' : 'object')
    expect(() => sandbox.evaluate("eval('1')")).toThrow(/code generation from strings disallowed/i)
    expect(() => sandbox.evaluate("new Function('return 1')")).toThrow(/code generation from strings disallowed/i)
  })

  it('fails a bundle that touches queueMicrotask, which the same bundle survives in Node (negative control)', () => {
    const sandbox = createMiniProgramSandbox({ wx: {} })

    expect(() => sandbox.load(code.control as string, 'control.js')).toThrow(/queueMicrotask is not defined/)
    expect(() => new Function('require', 'module', 'exports', code.control as string)(require, { exports: {} }, {})).not.toThrow()
  })

  it('finds no global in the bundles and the shipped files that the runtime lacks, beyond the reviewed probes; and flags the control', () => {
    const found = freeGlobals({ ...shipped, wx: code.wx as string, luch: code.luch as string, control: code.control as string })
    const offered = new Set<string>(OFFERED_GLOBALS)
    const unreviewed = (bundle: string, extra: string[] = []) =>
      Object.keys(found[bundle] ?? {}).filter((name) => !offered.has(name) && !(name in REVIEWED) && !extra.includes(name))

    expect(Object.keys(shipped)).toContain('miniprogram_npm/painless-token/index.js')
    // `uni`: uniStorage() and createUniRequest read it when called, which only a uni-app project does.
    for (const file of Object.keys(shipped)) expect([file, unreviewed(file, ['uni'])]).toEqual([file, []])
    expect(unreviewed('wx')).toEqual([])
    expect(unreviewed('luch', ['uni'])).toEqual([])
    expect(unreviewed('control')).toEqual(['queueMicrotask'])
    for (const bundle of [...Object.keys(shipped), 'wx', 'luch']) {
      for (const [name, seen] of Object.entries(found[bundle] ?? {}))
        if (name in REVIEWED) expect([bundle, name, seen.typeofRefs > 0]).toEqual([bundle, name, true])
    }
  })
})

const runs = [
  { name: 'painless-token/wx as WeChat’s Build npm ships it', bundle: 'wx', uniOnWx: false },
  { name: 'luch-request on a uni built on wx', bundle: 'luch', uniOnWx: true },
] as const

describe.each(runs)('in the sandbox, through $name', ({ bundle, uniOnWx }) => {
  describe.each([
    ['with globalThis', false],
    ['with globalThis deleted', true],
  ])('%s', (_, deleteGlobalThis) => {
    let driver: ReturnType<typeof sandboxDriver>
    beforeAll(() => void (driver = sandboxDriver(code[bundle] as string, { deleteGlobalThis, uniOnWx, files: shipped })))

    // Uploads and downloads too, through the files WeChat's builder shipped (luch-request has no transfers).
    for (const scenario of bundle === 'wx' ? [...scenarios, ...transferScenarios] : scenarios) {
      it(scenario.name, async () => {
        await runScenario(driver as Driver, scenario)
        for (const runtime of driver.runtimes) expect(runtime.peakInFlight).toBeLessThanOrEqual(WX_MAX_IN_FLIGHT)
      })
    }
  })
})

describe('in the sandbox, uploads and downloads through createUniRequest on a uni built on wx', () => {
  let driver: ReturnType<typeof sandboxDriver>
  beforeAll(() => void (driver = sandboxDriver(code.uni as string, { deleteGlobalThis: true, uniOnWx: true })))

  for (const scenario of transferScenarios) it(scenario.name, () => runScenario(driver as Driver, scenario))
})

describe('wx.request’s 10 concurrent requests, in the sandbox', () => {
  it('are not held by parked requests: 30 of them wait for the token without calling wx.request', async () => {
    const { startTokenServer } = await import('../helpers/token-server.ts')
    const server = await startTokenServer({ tokenFault: 'hang' })
    const driver = sandboxDriver(code.wx as string, { deleteGlobalThis: false, uniOnWx: false, files: shipped })
    const client = await driver({ serverUrl: server.url })
    try {
      const sent = Array.from({ length: 30 }, (_, i) => client.send(`/api/item/${i}`))
      await client.whenParked(30)

      const runtime = driver.runtimes[0] as ReturnType<typeof createWxRuntime>
      expect(runtime.calls).toBe(1) // the token request alone
      expect(runtime.inFlight).toBe(1)
      for (const s of sent) s.abort()
      expect(await Promise.all(sent.map((s) => s.outcome))).toEqual(sent.map(() => ({ settled: 'rejected', error: 'ABORTED' })))
      expect(server.calls('/api/item/0')).toBe(0)
    } finally {
      client.stop()
      await server.close()
    }
  })
})
