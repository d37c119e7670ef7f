// Runs one scenario with one driver: its own server (scenario options + a movable clock) and clients, all
// closed by onTestFinished after the test, last first.
import { onTestFinished } from 'vitest'
import { startTokenServer } from '../helpers/token-server.ts'
import type { Driver, ScenarioClient } from './harness.ts'
import type { Scenario } from './scenarios.ts'

/** Returns the runner to call inside a test. */
export function useScenarioRunner() {
  return async function runScenario(driver: Driver, scenario: Scenario): Promise<void> {
    let offsetMs = 0
    const server = await startTokenServer({ ...scenario.server, now: () => Date.now() + offsetMs })
    onTestFinished(() => server.close())
    const clients: ScenarioClient[] = []
    await scenario.run({
      server,
      async start(config = {}) {
        const client = await driver({ ...config, serverUrl: server.url })
        clients.push(client)
        onTestFinished(() => client.stop())
        return client
      },
      advance(ms) {
        offsetMs += ms
        for (const client of clients) client.advanceClock(ms)
      },
    })
  }
}
