// The upload and download scenarios against uni, wx and Alipay in this Node process, over the real loopback server
// with real multipart bodies.
import { describe, it } from 'vitest'
import type { Driver } from './harness.ts'
import { transferDrivers } from './drivers/node.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { transferScenarios } from './transfer-scenarios.ts'

const runScenario = useScenarioRunner()

describe.each(transferDrivers)('uploads and downloads through the $name adapter', ({ driver }) => {
  for (const scenario of transferScenarios) it(scenario.name, () => runScenario(driver as Driver, scenario))
})
