// Runs one scenario with one driver: its own server (scenario options + a movable clock) and clients, all
// closed after the test, last first.
import { afterEach } from 'vitest'
import { startTokenServer } from '../helpers/token-server.ts'
import type { Driver, ScenarioClient } from './harness.ts'
import type { Scenario } from './scenarios.ts'

/** Hooks the file's afterEach; returns the runner to call inside a test. */
export function useScenarioRunner() {
  const cleanups: Array<() => unknown> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  return async function runScenario(driver: Driver, scenario: Scenario): Promise<void> {
    let offsetMs = 0
    const server = await startTokenServer({ ...scenario.server, now: () => Date.now() + offsetMs })
    cleanups.push(() => server.close())
    const clients: ScenarioClient[] = []
    await scenario.run({
      server,
      async start(config = {}) {
        const client = await driver({ ...config, serverUrl: server.url })
        clients.push(client)
        cleanups.push(() => client.stop())
        return client
      },
      advance(ms) {
        offsetMs += ms
        for (const client of clients) client.advanceClock(ms)
      },
    })
  }
}
