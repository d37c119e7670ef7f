// The shared scenario suite against every adapter in this Node process, over the real loopback token server.
import { describe, expect, it } from 'vitest'
import { nodeDrivers } from './drivers/node.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { scenarios } from './scenarios.ts'

const runScenario = useScenarioRunner()

describe.each(nodeDrivers)('the $name adapter', ({ driver, cannot = {} }) => {
  // A scenario the client's API cannot express at all is not run; `cannot` gives the reason (see the README).
  for (const scenario of scenarios) if (!(scenario.name in cannot)) it(scenario.name, () => runScenario(driver, scenario))

  if (Object.keys(cannot).length > 0) {
    it('leaves out only scenarios that exist, each with a reason', () => {
      const names = scenarios.map((scenario) => scenario.name)
      for (const [name, reason] of Object.entries(cannot)) {
        expect(names).toContain(name)
        expect(reason.length).toBeGreaterThan(10)
      }
    })
  }
})
