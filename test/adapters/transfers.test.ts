// The upload and download scenarios against uni, wx and Alipay in this Node process, over the real loopback server
// with real multipart bodies.
import { describe, expect, it } from 'vitest'
import type { Driver } from './harness.ts'
import { transferDrivers } from './drivers/node.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { transferScenarios } from './transfer-scenarios.ts'

const runScenario = useScenarioRunner()

describe.each(transferDrivers)('uploads and downloads through the $name adapter', ({ driver, cannot = {} }) => {
  // A scenario the client's API cannot express is not run; `cannot` gives the reason.
  for (const scenario of transferScenarios) if (!(scenario.name in cannot)) it(scenario.name, () => runScenario(driver as Driver, scenario))

  it('leaves out only scenarios that exist', () => {
    for (const name of Object.keys(cannot)) expect(transferScenarios.map((s) => s.name)).toContain(name)
  })
})
