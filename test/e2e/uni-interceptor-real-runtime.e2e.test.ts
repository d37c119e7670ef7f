// installUniInterceptor against uni-app's real runtime: the `uni` of @dcloudio/uni-mp-weixin's uni.api.esm.js
// (its interceptor code is uni-api's, shared with H5), bundled with esbuild, on a `wx` whose request is the Node
// uni shim. Runs the shared scenarios where that package is installed: by examples/uni-app (npm ci there), or in
// the node_modules directory named by UNI_RUNTIME_MODULES. Without it the suite fails, saying how to install it.
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { installUniInterceptor } from '../../src/entries/uni.ts'
import { setup } from '../adapters/fixture.ts'
import { createUniShim, type UniShim } from '../helpers/uni-shim.ts'
import { startUniInterceptor } from '../adapters/drivers/uni-interceptor.ts'
import { ABORT_UPLOAD_WHILE_PARKED, ABORT_WHILE_PARKED } from '../adapters/drivers/node.ts'
import type { Driver } from '../adapters/harness.ts'
import { useScenarioRunner } from '../adapters/run-scenario.ts'
import { scenarios } from '../adapters/scenarios.ts'
import { transferScenarios } from '../adapters/transfer-scenarios.ts'
import { watchProcessErrors } from '../helpers/process-errors.ts'
import { bundleRuntime, installed, loadUniRuntime, modules, runtimeFile } from './support/uni-mp-runtime.ts'

/** A fresh runtime per client: uni-app keeps interceptors in module state. */
function loadUni(code: string, shim: UniShim) {
  const wx = { request: shim.request, uploadFile: shim.uploadFile, downloadFile: shim.downloadFile }
  return loadUniRuntime(code, wx) as Parameters<typeof startUniInterceptor>[1]
}

const runScenario = useScenarioRunner()

describe(`the uni interceptor on uni-app's own runtime (${path.relative('.', runtimeFile)})`, () => {
  beforeAll(() => {
    if (!installed)
      throw new Error(`needs @dcloudio/uni-mp-weixin in ${modules}: run \`npm ci --prefix examples/uni-app\`, or set UNI_RUNTIME_MODULES`)
  })

  let code = ''
  const driver: Driver = async (config) => {
    code ||= await bundleRuntime()
    const shim = createUniShim()
    const client = startUniInterceptor(config, loadUni(code, shim))
    return Object.assign(client, { stop: ((stop) => () => (stop(), shim.close()))(client.stop) })
  }
  // uni's interceptor gives no task or signal while invoke waits, so abort-while-parked is not a scenario it can run.
  for (const scenario of scenarios) if (scenario.name !== ABORT_WHILE_PARKED) it(scenario.name, () => runScenario(driver, scenario))
  // uni.uploadFile / uni.downloadFile through the same runtime's interceptors (its task APIs share the code).
  for (const scenario of transferScenarios)
    if (scenario.name !== ABORT_UPLOAD_WHILE_PARKED)
      it(`${scenario.name} (uni.uploadFile/downloadFile)`, () => runScenario(driver, scenario))
})

describe("a caller's callback that throws, on uni-app's own runtime", () => {
  let runtime = ''
  it.each([
    ['success', false],
    ['complete', false],
    ['success', true],
    ['complete', true],
  ] as const)(
    '%s throwing (after a 401 and its replay: %s) runs the other callbacks and is thrown from a timer, never rejected unhandled',
    async (name, revoked) => {
      if (!installed) throw new Error(`needs @dcloudio/uni-mp-weixin in ${modules}`)
      const scenario = await setup()
      runtime ||= await bundleRuntime()
      const uni = loadUni(runtime, scenario.shim)
      installUniInterceptor(scenario.tokens, { uni })
      await uni.request({ url: scenario.server.url + '/api/warm-up' })
      if (revoked) scenario.server.revokeAll()
      const { unhandled, thrown } = watchProcessErrors()
      const seen: string[] = []

      await new Promise<void>((resolve) => {
        const record = (callback: string, done?: () => void) => (answer: { statusCode?: number }) => {
          seen.push(`${callback} ${answer.statusCode}`)
          if (done) done()
          if (callback === name) throw new Error(`thrown by ${name}`)
        }
        uni.request({
          url: scenario.server.url + '/api/orders',
          success: record('success'),
          fail: record('fail'),
          complete: record('complete', resolve),
        })
      })
      await new Promise((resolve) => setTimeout(resolve, 10))

      expect(seen).toEqual(['success 200', 'complete 200'])
      expect(scenario.server.calls('/api/orders')).toBe(revoked ? 2 : 1)
      expect(thrown).toHaveBeenCalledWith(expect.objectContaining({ message: `thrown by ${name}` }), expect.anything())
      expect(unhandled).not.toHaveBeenCalled()
    },
  )
})
