// The adapter scenario suite, written once: each scenario drives a ScenarioClient (any adapter, in Node or in the
// mini-program sandbox) against the real loopback token server and asserts on what the server saw.
import { expect } from 'vitest'
import type { TokenServer, TokenServerOptions } from '../helpers/token-server.ts'
import { SCENARIO_SECRET, type ClientConfig, type Outcome, type ScenarioClient } from './harness.ts'

export interface ScenarioContext {
  server: TokenServer
  /** Starts the adapter's client against the server, stopped after the test. */
  start(config?: Omit<ClientConfig, 'serverUrl'>): Promise<ScenarioClient>
  /** Moves the server's clock and every started client's. */
  advance(ms: number): void
}

export interface Scenario {
  name: string
  server?: TokenServerOptions
  run(context: ScenarioContext): Promise<void>
}

const HOUR_MS = 3_600_000
const all = (sent: Array<{ outcome: Promise<Outcome> }>) => Promise.all(sent.map((s) => s.outcome))
const range = (n: number) => Array.from({ length: n }, (_, i) => i)
/** An HTTP 200 with `code: 200`, resolved. */
const OK: Outcome = { settled: 'resolved', status: 200, code: 200 }
/** An HTTP answer, settled as this client settles that status on its own. */
const answered = (client: ScenarioClient, status: number, code: unknown): Outcome => ({ settled: client.settles(status), status, code })

export const scenarios: Scenario[] = [
  {
    name: 'makes one token call for a burst after the token expired',
    async run({ server, start, advance }) {
      const client = await start()
      expect(await client.send('/api/warm-up').outcome).toEqual(OK)

      advance(HOUR_MS + 1)
      const outcomes = await all(range(10).map((i) => client.send(`/api/item/${i}`)))

      expect(outcomes).toEqual(range(10).map(() => OK))
      expect(server.calls('/token')).toBe(2)
      for (const i of range(10)) expect(server.calls(`/api/item/${i}`)).toBe(1)
    },
  },
  {
    name: 'replays each request of a burst refused after revocation, with one refresh',
    async run({ server, start }) {
      const client = await start()
      await client.send('/api/warm-up').outcome

      server.revokeAll()
      const outcomes = await all(range(10).map((i) => client.send(`/api/item/${i}`)))

      expect(outcomes).toEqual(range(10).map(() => OK))
      expect(server.calls('/token')).toBe(2)
      for (const i of range(10)) expect(server.calls(`/api/item/${i}`)).toBe(2)
    },
  },
  ...(['in-place', 'copy'] as const).map((sign): Scenario => ({
    name: `signs every send and replay so the server accepts it (createSigner, ${sign === 'copy' ? 'returning a signed copy' : 'in place'})`,
    server: { signatureSecret: SCENARIO_SECRET },
    async run({ server, start }) {
      const client = await start({ sign })
      expect(await client.send('/api/warm-up').outcome).toEqual(OK)

      server.revokeAll()
      const outcomes = await all(range(3).map((i) => client.send(`/api/item/${i}`)))

      // A bad signature is a 400; a lost sent token would replay the revoked one and end in 401.
      expect(outcomes).toEqual(range(3).map(() => OK))
      expect(server.calls('/token')).toBe(2)
      for (const i of range(3)) expect(server.calls(`/api/item/${i}`)).toBe(2)
    },
  })),
  {
    name: 'replays a request refused with business code 401 inside an HTTP 200',
    async run({ server, start }) {
      const client = await start({ businessCodes: true })
      await client.send('/biz/warm-up').outcome

      server.revokeAll()
      const outcome = await client.send('/biz/orders').outcome

      expect(outcome).toEqual(OK)
      expect(server.calls('/biz/orders')).toBe(2)
      expect(server.calls('/token')).toBe(2)
    },
  },
  {
    name: 'gives up after one replay on an endpoint that always says 401, at the cost of one refresh',
    async run({ server, start }) {
      const client = await start()
      await client.send('/api/warm-up').outcome

      const outcomes = await all(range(5).map(() => client.send('/always401')))

      expect(outcomes).toEqual(range(5).map(() => answered(client, 401, 401)))
      expect(server.calls('/always401')).toBe(10)
      expect(server.calls('/token')).toBe(2)
      expect(client.state).toBe('valid')
    },
  },
  {
    name: 'settles a refused answer with no replay left as the client itself settles it, having invalidated its token',
    async run({ server, start }) {
      const client = await start({ businessCodes: true, maxReplays: 0 })
      await client.send('/biz/warm-up').outcome

      server.revokeAll()
      const business = await client.send('/biz/orders').outcome
      const next = await client.send('/api/after').outcome
      const status = await client.send('/always401').outcome

      // A business-code 401 inside an HTTP 200 resolves, as every client resolves a 200; an HTTP 401 stays
      // what the client makes of it (rejected by luch-request and axios, resolved by fetch, uni and wx).
      expect(business).toEqual({ settled: 'resolved', status: 200, code: 401 })
      expect(status).toEqual(answered(client, 401, 401))
      // maxReplays 0 resends nothing, but the refusal invalidated the token: the next request gets a new one.
      expect(server.calls('/biz/orders')).toBe(1)
      expect(next).toEqual(OK)
      expect(server.calls('/token')).toBe(2)
    },
  },
  {
    name: 'rejects every waiting request with REFRESH_FAILED when the token endpoint keeps failing, sending none',
    server: { tokenStatus: 500 },
    async run({ server, start }) {
      const client = await start({ attempts: 2 })

      const outcomes = await all(range(3).map(() => client.send('/api/orders')))

      expect(outcomes).toEqual(range(3).map(() => ({ settled: 'rejected', error: 'REFRESH_FAILED', attempts: 2 })))
      expect(server.calls('/token')).toBe(2)
      expect(server.calls('/api/orders')).toBe(0)
    },
  },
  {
    name: 'rejects with ABORTED a request aborted while it waits for its token, and sends nothing',
    server: { tokenFault: 'hang' },
    async run({ server, start }) {
      const client = await start()

      const sent = client.send('/api/parked')
      await client.whenParked(1)
      sent.abort()

      expect(await sent.outcome).toEqual({ settled: 'rejected', error: 'ABORTED' })
      expect(server.calls('/api/parked')).toBe(0)
      expect(client.state).toBe('refreshing')
    },
  },
  {
    name: 'sends an opted-out request without a token, fetching none, and never replays it',
    async run({ server, start }) {
      const client = await start()

      const outcome = await client.send('/api/public', { auth: false }).outcome

      expect(outcome).toEqual(answered(client, 401, 401))
      expect(server.lastHeaders('/api/public')).not.toHaveProperty('authorization')
      expect(server.calls('/api/public')).toBe(1)
      expect(server.calls('/token')).toBe(0)
    },
  },
  {
    name: "hands a 429's Retry-After from the token endpoint to the controller as retryAfterMs",
    server: { tokenStatus: 429, retryAfterSeconds: 2 },
    async run({ server, start }) {
      const client = await start({ attempts: 1 })

      const outcome = await client.send('/api/orders').outcome

      expect(outcome).toEqual({ settled: 'rejected', error: 'REFRESH_FAILED', attempts: 1, causeRetryAfterMs: 2000 })
      expect(server.calls('/token')).toBe(1)
    },
  },
]
