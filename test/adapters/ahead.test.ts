// Refresh-ahead through every adapter, over the real loopback token server (issue 17's acceptance): a burst that
// arrives inside the soft window goes out at once with the held token while one background /token call runs, and
// the next request carries the new token. With refreshAheadMs: 0 nothing starts before the hard window (as before).
import { describe, expect, it } from 'vitest'
import type { TokenControllerEvent } from '../../src/index.ts'
import type { TokenServer } from '../helpers/token-server.ts'
import { createUniShim } from '../helpers/uni-shim.ts'
import { nodeDrivers, type DriverEntry } from './drivers/node.ts'
import { startTaro } from './drivers/taro.ts'
import type { Driver, Outcome } from './harness.ts'
import { useScenarioRunner } from './run-scenario.ts'

const runScenario = useScenarioRunner()

const taroDriver: Driver = async (config) => {
  const shim = createUniShim()
  const client = await startTaro(config, shim)
  const stop = client.stop.bind(client)
  return Object.assign(client, { stop: () => (stop(), shim.close()) })
}

const drivers: DriverEntry[] = [...nodeDrivers, { name: 'taro', driver: taroDriver }]

const TOKEN_MS = 3_600_000 // the server's default ttl
const BURST = 10
const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const OK: Outcome = { settled: 'resolved', status: 200, code: 200 }

/** The controller's events as the app's onEvent hears them, and a promise for the first one a test waits on. */
function eventLog() {
  const events: TokenControllerEvent[] = []
  const watchers: Array<() => boolean> = []
  return {
    events,
    onEvent(event: TokenControllerEvent) {
      events.push(event)
      for (let i = watchers.length - 1; i >= 0; i--) if ((watchers[i] as () => boolean)()) watchers.splice(i, 1)
    },
    /** Events since index `from` of a type. */
    since(from: number, type: string) {
      return events.slice(from).filter((e) => e.type === type)
    },
    /** Resolves once an event of this type arrived at or after index `from`. */
    when(from: number, type: string) {
      return new Promise<void>((resolve) => {
        const check = () => (events.slice(from).some((e) => e.type === type) ? (resolve(), true) : false)
        if (!check()) watchers.push(check)
      })
    },
  }
}

const bearerOn = (server: TokenServer, path: string) => server.lastHeaders(path)?.authorization

describe.each(drivers)('refresh-ahead through the $name adapter', ({ driver }) => {
  it(`sends a burst of ${BURST} inside the soft window at once with the held token, and refreshes once in the background`, () =>
    runScenario(driver, {
      name: 'burst inside the soft window',
      async run({ server, start, advance }) {
        const log = eventLog()
        const client = await start({ onEvent: log.onEvent })
        expect(await client.send('/api/warm-up').outcome).toEqual(OK)
        const held = bearerOn(server, '/api/warm-up')
        expect(held).toMatch(/^Bearer /)

        // 4 minutes before expiry: inside the default 5-minute soft window, well outside the 30 s leeway. The
        // background /token answer is slowed so that it cannot land while the burst is being handed its tokens
        // (luch-request and axios ask for theirs a few microtasks later, from their interceptor chains).
        advance(TOKEN_MS - 240_000)
        server.setTokenBehaviour({ delayMs: 500 })
        const mark = log.events.length
        const burst = range(BURST).map((i) => client.send(`/api/burst/${i}`))
        const outcomes = await Promise.all(burst.map((sent) => sent.outcome))

        expect(outcomes).toEqual(range(BURST).map(() => OK))
        for (const i of range(BURST)) expect(bearerOn(server, `/api/burst/${i}`)).toBe(held)
        expect(log.since(mark, 'request.parked')).toEqual([])
        expect(log.since(mark, 'refresh.started').map((e) => e.reason)).toEqual(['ahead'])

        await log.when(mark, 'refresh.succeeded')
        expect(log.since(mark, 'refresh.succeeded')).toMatchObject([{ reason: 'ahead', attempts: 1, released: 0 }])
        expect(server.calls('/token')).toBe(2)
        expect(client.state).toBe('valid')

        expect(await client.send('/api/after').outcome).toEqual(OK)
        expect(bearerOn(server, '/api/after')).toMatch(/^Bearer /)
        expect(bearerOn(server, '/api/after')).not.toBe(held)
        expect(server.calls('/token')).toBe(2)
        expect(log.since(mark, 'request.parked')).toEqual([])
      },
    }))

  it('with refreshAheadMs: 0 starts nothing in what would be the soft window, and parks at the hard window as before', () =>
    runScenario(driver, {
      name: 'refreshAheadMs 0',
      async run({ server, start, advance }) {
        const log = eventLog()
        const client = await start({ onEvent: log.onEvent, refreshAheadMs: 0 })
        expect(await client.send('/api/warm-up').outcome).toEqual(OK)
        const held = bearerOn(server, '/api/warm-up')

        advance(TOKEN_MS - 240_000)
        const mark = log.events.length
        const outcomes = await Promise.all(range(BURST).map((i) => client.send(`/api/burst/${i}`).outcome))

        expect(outcomes).toEqual(range(BURST).map(() => OK))
        for (const i of range(BURST)) expect(bearerOn(server, `/api/burst/${i}`)).toBe(held)
        expect(log.since(mark, 'refresh.started')).toEqual([])
        expect(client.state).toBe('valid')
        expect(server.calls('/token')).toBe(1)

        // 20 s before expiry, inside the 30 s leeway: the request waits for a refresh, as it always did.
        advance(220_000)
        const late = client.send('/api/late')
        await client.whenParked(2)
        expect(await late.outcome).toEqual(OK)
        expect(log.since(mark, 'refresh.started').map((e) => e.reason)).toEqual(['expired'])
        expect(server.calls('/token')).toBe(2)
        expect(bearerOn(server, '/api/late')).not.toBe(held)
      },
    }))
})
