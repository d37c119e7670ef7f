// The shared scenario suite against every adapter in this Node process, over the real loopback token server.
import { describe, it } from 'vitest'
import { nodeDrivers } from './drivers/node.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { scenarios } from './scenarios.ts'

const runScenario = useScenarioRunner()

describe.each(nodeDrivers)('the $name adapter', ({ driver, cannot = {} }) => {
  for (const scenario of scenarios) {
    const reason = cannot[scenario.name]
    // Skipped, reason: the adapter's client cannot do this scenario at all; `reason` says why and is in the test name.
    if (reason) it.skip(`${scenario.name} (cannot: ${reason})`, () => undefined)
    else it(scenario.name, () => runScenario(driver, scenario))
  }
})
