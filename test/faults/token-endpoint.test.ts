// The token endpoint misbehaving over real loopback HTTP: a 500 or 401, a body that is not a token (broken JSON,
// HTML, nothing, JSON without access_token), a reset connection, and an answer that never comes. Each is
// run through both ways an app calls it: its own HTTP client, and the same luch-request instance with
// `auth: false`. For each: the documented REFRESH_FAILED and its cause, recovery once the fault passes,
// every request settled (allSettled), none lost, and no socket left open.
import { describe, expect, it } from 'vitest'
import type { TokenBehaviour, TokenServer } from '../helpers/token-server.ts'
import { isToken, ledger, useFaultRig, VIAS, type ClientOptions, type Via } from './fault-rig.ts'
import { createVirtualClock } from '../helpers/virtual-clock.ts'

const rig = useFaultRig()

interface Fault {
  name: string
  behaviour: TokenBehaviour
  /** The last attempt's error, as REFRESH_FAILED's cause, and the code refresh.failed reports. */
  ownClient: { cause: object; code: string }
  luchRequest: { cause: object; code: string }
}

// What the app's own client rejects with on a 200 it cannot parse (test/helpers/token-client.ts).
const notJson = { status: 200, message: expect.stringContaining('not JSON') }
// luch-request keeps a body that is not JSON as a string, and a string is no token: the controller says so.
const notAToken = { code: 'INVALID_TOKEN_RESPONSE', message: expect.stringContaining('expected an object, got string') }

const faults: Fault[] = [
  {
    name: 'answers 500',
    behaviour: { tokenStatus: 500 },
    ownClient: { cause: { status: 500 }, code: 'FETCH_FAILED' },
    luchRequest: { cause: { statusCode: 500, data: { error: 'server_error' } }, code: 'FETCH_FAILED' },
  },
  {
    // Through the attached instance the token call opts out with `auth: false`: no invalidation, no replay loop.
    name: 'answers 401, refusing the client credentials',
    behaviour: { tokenStatus: 401 },
    ownClient: { cause: { status: 401 }, code: 'FETCH_FAILED' },
    luchRequest: { cause: { statusCode: 401 }, code: 'FETCH_FAILED' },
  },
  {
    name: 'answers 200 with malformed JSON',
    behaviour: { tokenFault: 'malformed' },
    ownClient: { cause: notJson, code: 'FETCH_FAILED' },
    luchRequest: { cause: notAToken, code: 'INVALID_TOKEN_RESPONSE' },
  },
  {
    name: 'answers 200 with an HTML page',
    behaviour: { tokenFault: 'html' },
    ownClient: { cause: notJson, code: 'FETCH_FAILED' },
    luchRequest: { cause: notAToken, code: 'INVALID_TOKEN_RESPONSE' },
  },
  {
    name: "answers 502 with a gateway's HTML page",
    behaviour: { tokenStatus: 502, tokenFault: 'html' },
    ownClient: { cause: { status: 502 }, code: 'FETCH_FAILED' },
    luchRequest: { cause: { statusCode: 502, data: expect.stringContaining('502 Bad Gateway') }, code: 'FETCH_FAILED' },
  },
  {
    name: 'answers 200 with an empty body',
    behaviour: { tokenFault: 'empty' },
    ownClient: { cause: notJson, code: 'FETCH_FAILED' },
    luchRequest: { cause: notAToken, code: 'INVALID_TOKEN_RESPONSE' },
  },
  {
    name: 'answers 200 with JSON that holds no access_token',
    behaviour: { tokenFault: 'missing-token' },
    ownClient: { cause: { code: 'INVALID_TOKEN_RESPONSE' }, code: 'INVALID_TOKEN_RESPONSE' },
    luchRequest: { cause: { code: 'INVALID_TOKEN_RESPONSE' }, code: 'INVALID_TOKEN_RESPONSE' },
  },
  {
    name: 'resets the connection',
    behaviour: { tokenFault: 'reset' },
    ownClient: { cause: { code: 'ECONNRESET' }, code: 'ECONNRESET' },
    // uni reports a request without an answer through `fail`: an errMsg and no statusCode.
    luchRequest: { cause: { errMsg: expect.stringMatching(/^request:fail /) }, code: 'FETCH_FAILED' },
  },
]

const expectedVia = (via: Via, fault: Fault) => (via === 'own' ? fault.ownClient : fault.luchRequest)

const N = 5

describe.each(VIAS)('the token endpoint, called through $path', ({ via }) => {
  const connect = (server: TokenServer, options: ClientOptions) => rig.connect(via, server, options)
  const expected = (fault: Fault) => expectedVia(via, fault)

  describe.each(faults)('when it $name', (fault) => {
    it('rejects every request with REFRESH_FAILED carrying that cause, after the last attempt, sending none', async () => {
      const server = await rig.startServer(fault.behaviour)
      const client = connect(server, { retry: { attempts: 2, baseDelayMs: 0 } })
      const requests = ledger()

      for (let i = 0; i < N; i++) requests.track(client.send(i))
      const outcomes = await requests.settle()

      const { cause, code } = expected(fault)
      for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 2, cause } })
      requests.expectNothingLost(client.tokens, client.events)
      expect(client.events.of('refresh.failed')).toEqual([expect.objectContaining({ attempts: 2, code, rejected: N })])
      expect(client.tokens.state).toBe('failed')
      expect(server.calls('/token')).toBe(2)
      expect(client.apiCalls()).toBe(0)
      await server.whenIdle()
    })

    it('recovers within the cycle when only the first attempt meets it', async () => {
      const server = await rig.startServer({ ...fault.behaviour, failTimes: 1 })
      const client = connect(server, { retry: { attempts: 2, baseDelayMs: 0 } })
      const requests = ledger()

      for (let i = 0; i < N; i++) requests.track(client.send(i))
      const outcomes = await requests.settle()

      const tokens = outcomes.map((o) => (o.status === 'fulfilled' ? client.tokenOf(o.value) : undefined))
      expect(tokens.every(isToken)).toBe(true)
      expect(new Set(tokens).size).toBe(1)
      requests.expectNothingLost(client.tokens, client.events)
      expect(client.events.of('refresh.retrying')).toEqual([expect.objectContaining({ attempt: 1, code: expected(fault).code })])
      expect(server.calls('/token')).toBe(2)
      expect(server.issued()).toBe(1)
    })

    it('serves the next request once the endpoint heals', async () => {
      const server = await rig.startServer(fault.behaviour)
      const client = connect(server, { retry: { attempts: 2, baseDelayMs: 0 } })
      const failed = ledger()
      for (let i = 0; i < N; i++) failed.track(client.send(i))
      await failed.settle()
      expect(client.tokens.state).toBe('failed')

      server.setTokenBehaviour({ tokenStatus: undefined, tokenFault: undefined })
      const healed = ledger()
      for (let i = 0; i < N; i++) healed.track(client.send(i))
      const outcomes = await healed.settle()

      for (const o of outcomes) expect(o.status).toBe('fulfilled')
      failed.expectNothingLost()
      healed.expectNothingLost(client.tokens, client.events)
      expect(client.tokens.state).toBe('valid')
      expect(client.events.list.filter((e) => e.type.startsWith('refresh.') && e.type !== 'refresh.retrying').map((e) => e.type)).toEqual([
        'refresh.started',
        'refresh.failed',
        'refresh.started',
        'refresh.succeeded',
      ])
      expect(server.calls('/token')).toBe(2 + 1)
    })
  })

  describe('when it hangs past fetchTimeoutMs', () => {
    /** A controller on a virtual clock, so the fetch timeout fires when the test says, not after a sleep. */
    async function hanging(behaviour: TokenBehaviour) {
      const server = await rig.startServer({ tokenFault: 'hang', ...behaviour })
      const clock = createVirtualClock()
      const client = connect(server, { clock, now: clock.now, fetchTimeoutMs: 1_000, retry: { attempts: 2, baseDelayMs: 0 } })
      return { server, clock, client }
    }

    it('rejects every request with REFRESH_FAILED caused by FETCH_TIMEOUT, closing each hanging socket', async () => {
      const { server, clock, client } = await hanging({})
      const requests = ledger()
      for (let i = 0; i < N; i++) requests.track(client.send(i))

      await server.whenCalled('/token', 1)
      expect(server.inFlight('/token')).toBe(1)
      clock.advance(1_000) // the first attempt times out; the retry starts at once (0 ms backoff)
      await server.whenCalled('/token', 2)
      clock.advance(1_000)
      const outcomes = await requests.settle()

      for (const o of outcomes) {
        expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 2, cause: { code: 'FETCH_TIMEOUT' } } })
      }
      requests.expectNothingLost(client.tokens, client.events)
      // The signal aborted each attempt, and each client closed its socket: the server sees nothing left open.
      await server.whenIdle('/token')
      expect(server.inFlight()).toBe(0)
      expect(server.calls('/token')).toBe(2)
      expect(client.apiCalls()).toBe(0)
    })

    it('retries after a hanging attempt and serves every request with the token of the next one', async () => {
      const { server, clock, client } = await hanging({ failTimes: 1 })
      const requests = ledger()
      for (let i = 0; i < N; i++) requests.track(client.send(i))

      await server.whenCalled('/token', 1)
      clock.advance(1_000)
      const outcomes = await requests.settle()

      const tokens = outcomes.map((o) => (o.status === 'fulfilled' ? client.tokenOf(o.value) : undefined))
      expect(tokens.every(isToken)).toBe(true)
      expect(new Set(tokens).size).toBe(1)
      requests.expectNothingLost(client.tokens, client.events)
      expect(client.events.of('refresh.retrying')).toEqual([expect.objectContaining({ attempt: 1, code: 'FETCH_TIMEOUT' })])
      await server.whenIdle('/token')
      expect(server.issued()).toBe(1)
    })
  })
})

describe('the token endpoint answering after its attempt timed out', () => {
  it("lets the late answer change nothing: the retry's token serves everyone, once", async () => {
    const server = await rig.startServer()
    const clock = createVirtualClock()
    // The first answer is held back past its timeout and let in only after the retry has succeeded.
    let releaseFirst = () => {}
    let firstHeld = () => {}
    const held = new Promise<void>((resolve) => (firstHeld = resolve))
    let lateAnswer: Promise<unknown> = Promise.resolve()
    const { tokens, events } = rig.controller({
      clock,
      now: clock.now,
      fetchTimeoutMs: 1_000,
      retry: { attempts: 2, baseDelayMs: 0 },
      fetchToken: ({ attempt, signal }) => {
        const answer = server.fetchToken({ attempt, signal: signal as AbortSignal })
        if (attempt !== 1) return answer
        lateAnswer = answer.then(async (body) => {
          firstHeld()
          await new Promise<void>((resolve) => (releaseFirst = resolve))
          return body
        })
        return lateAnswer as typeof answer
      },
    })
    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(tokens.getToken())

    await held
    clock.advance(1_000)
    const outcomes = await requests.settle()
    releaseFirst()
    await lateAnswer

    const served = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined))
    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    expect((await tokens.getToken()) === served[0]).toBe(true)
    expect(events.count('refresh.succeeded')).toBe(1)
    expect(server.issued()).toBe(2)
    requests.expectNothingLost(tokens, events)
  })
})
