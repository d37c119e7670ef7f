// painless-token/alipay in an Alipay-shaped mini-program runtime: the sandbox with `my` only (no `wx`, no `uni`),
// the library bundled as a mini-program ships it, `my` reaching the loopback server in Alipay's shapes (also as
// older base libraries deliver HTTP errors: through fail). The shared adapter scenarios and the upload/download
// scenarios run there; the wx adapter's uploads and downloads run in sandbox.test.ts, on WeChat's Build npm output.
import { beforeAll, describe, expect, it } from 'vitest'
import type { Driver } from '../adapters/harness.ts'
import { useScenarioRunner } from '../adapters/run-scenario.ts'
import { scenarios } from '../adapters/scenarios.ts'
import { transferScenarios } from '../adapters/transfer-scenarios.ts'
import { createTokenController } from '../../src/index.ts'
import { myStorage } from '../../src/entries/alipay.ts'
import { createAlipayRuntime } from './alipay-runtime.ts'
import { bundleForMiniProgram, freeGlobals } from './bundle.ts'
import { createMiniProgramSandbox, OFFERED_GLOBALS } from './mini-program-sandbox.ts'
import { sandboxDriver } from './sandbox-driver.ts'

const runScenario = useScenarioRunner()
const code: Record<string, string> = {}

beforeAll(async () => {
  const client = (module: string, name: string) => `export { ${name} as start } from '../adapters/drivers/${module}.ts'`
  code.alipay = await bundleForMiniProgram({ contents: client('alipay', 'startAlipay'), resolveDir: 'test/sandbox' })
  // The old base library's client reads fail's HTTP errors as rejected answers.
  code.alipayOld = await bundleForMiniProgram({
    contents: `import { startAlipay } from '../adapters/drivers/alipay.ts'\nexport const start = (config) => startAlipay(config, undefined, true)`,
    resolveDir: 'test/sandbox',
  })
})

describe('the Alipay-shaped sandbox', () => {
  it('offers `my` and neither `wx` nor `uni`', () => {
    const sandbox = createMiniProgramSandbox({ my: createAlipayRuntime().my })
    expect(['my', 'wx', 'uni'].map((name) => sandbox.evaluate(`typeof ${name}`))).toEqual(['object', 'undefined', 'undefined'])
  })

  it('runs a bundle that reads every global the runtime may lack behind typeof (`my` included)', () => {
    const offered = new Set<string>(OFFERED_GLOBALS.filter((name) => name !== 'wx'))
    const found = freeGlobals({ alipay: code.alipay as string }).alipay ?? {}

    expect(found).toHaveProperty('my')
    for (const [name, seen] of Object.entries(found)) if (!offered.has(name)) expect([name, seen.typeofRefs > 0]).toEqual([name, true])
  })
})

const runs = [
  { name: 'painless-token/alipay', bundle: 'alipay', httpErrorsFail: false },
  { name: 'painless-token/alipay, HTTP errors through fail (older base libraries)', bundle: 'alipayOld', httpErrorsFail: true },
] as const

describe.each(runs)('in the Alipay sandbox, through $name', ({ bundle, httpErrorsFail }) => {
  let driver: Driver
  beforeAll(() => {
    driver = sandboxDriver(code[bundle] as string, { deleteGlobalThis: true, uniOnWx: false }, () =>
      createAlipayRuntime({ httpErrorsFail }),
    )
  })
  for (const scenario of [...scenarios, ...transferScenarios]) it(scenario.name, () => runScenario(driver, scenario))
})

describe('myStorage on an Alipay runtime', () => {
  it('keeps the token across a restart in my.setStorageSync({ key, data }) and reads it back from { data }', async () => {
    const runtime = createAlipayRuntime()
    const fetchToken = async () => ({ access_token: 'alipay-token', expires_in: 3600 })
    const first = createTokenController({ fetchToken, storage: myStorage(runtime.my as never) })
    expect(await first.getToken()).toBe('alipay-token')
    first.stop()

    const second = createTokenController({
      fetchToken: async () => Promise.reject(new Error('no fetch expected')),
      storage: myStorage(runtime.my as never),
    })
    expect(await second.getToken()).toBe('alipay-token')
    second.clear()
    expect(runtime.storage.size).toBe(0)
    second.stop()
    runtime.close()
  })
})
