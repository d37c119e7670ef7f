// The device clock jumping by hours (the user resets it, or the network time corrects it) while tokens come
// from the real loopback server. The controller reads the wall clock through `now` for freshness and wait
// deadlines; its timers (fetch timeout, backoff, Retry-After, the deadline timer) run on `clock`, which a
// jump does not move. Forward: the token looks stale, one refresh, everyone served. Backwards: no crash,
// the token is still served, and parked requests still settle. What a jump does to wait deadlines is
// spelled out below: they are instants of `now()`, and the shared deadline timer re-checks them.
import { describe, expect, it } from 'vitest'
import { flush, isToken, ledger, useFaultRig, VIAS } from './fault-rig.ts'
import { createVirtualClock, MAX_TIMER_MS } from '../helpers/virtual-clock.ts'

const rig = useFaultRig()

const HOUR = 3_600_000
const N = 5

describe.each(VIAS)('the clock jumps, fetchToken through $path', ({ via }) => {
  async function started(options: { serverNow?: () => number } = {}) {
    const server = await rig.startServer({ ttlSeconds: 3_600, now: options.serverNow })
    const clock = createVirtualClock()
    const client = rig.connect(via, server, { clock, now: clock.now })
    const warmUp = ledger()
    const [first] = [await warmUp.track(client.send(0))]
    return { server, clock, client, firstToken: client.tokenOf(first) }
  }

  async function burst(client: ReturnType<typeof rig.connect>, n = N) {
    const requests = ledger()
    for (let i = 0; i < n; i++) requests.track(client.send(i))
    const outcomes = await requests.settle()
    requests.expectNothingLost(client.tokens, client.events)
    return outcomes.map((o) => (o.status === 'fulfilled' ? client.tokenOf(o.value) : undefined))
  }

  it('forward by hours: the token is stale, one refresh serves the whole burst with a new token', async () => {
    const { server, clock, client, firstToken } = await started()

    clock.jump(5 * HOUR)
    const served = await burst(client)

    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    expect(served[0] === firstToken).toBe(false)
    expect(client.events.of('refresh.started').map((e) => e.reason)).toEqual(['missing', 'expired'])
    expect(server.calls('/token')).toBe(2)
    // The new token's expiry is counted from the jumped clock: it is fresh, the next burst fetches nothing.
    await burst(client)
    expect(server.calls('/token')).toBe(2)
  })

  it('backwards by hours: no crash, the same token is still served, no fetch', async () => {
    const { server, clock, client, firstToken } = await started()

    clock.jump(-5 * HOUR)
    const served = await burst(client)

    expect(served.every((t) => t === firstToken)).toBe(true)
    expect(client.tokens.state).toBe('valid')
    expect(server.calls('/token')).toBe(1)
  })

  it('forward and back again: one refresh for the jump forward, none for the jump back', async () => {
    const { server, clock, client } = await started()

    clock.jump(5 * HOUR)
    const afterForward = await burst(client)
    clock.jump(-5 * HOUR)
    const afterBack = await burst(client)

    expect(afterBack.every((t) => t === afterForward[0])).toBe(true)
    expect(server.calls('/token')).toBe(2)
  })

  it('does not move the wait for a Retry-After: a jump either way neither shortens nor lengthens it', async () => {
    const { server, clock, client } = await started()
    server.setTokenBehaviour({ tokenStatus: 429, retryAfterSeconds: 2, failTimes: 1 })
    clock.jump(5 * HOUR) // stale: the next burst refreshes, meets the 429 and waits

    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(client.send(i))
    await client.events.when('refresh.retrying')
    clock.jump(-10 * HOUR)
    clock.advance(1_999)
    expect(client.fetches()).toBe(2)
    clock.jump(20 * HOUR)
    clock.advance(1)
    expect(client.fetches()).toBe(3)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o.status).toBe('fulfilled')
    requests.expectNothingLost(client.tokens, client.events)
  })
})

describe('the clock jumps backwards while the server keeps time', () => {
  it('serves the token past its real expiry until the server refuses it, then one refresh and a replay heal every request', async () => {
    // The controller thinks it has hours left; the server, whose clock did not move, says expired.
    const serverTime = { offsetMs: 0 }
    const server = await rig.startServer({ ttlSeconds: 3_600, now: () => Date.now() + serverTime.offsetMs })
    const clock = createVirtualClock({ start: Date.now() })
    const { http, tokens, events } = rig.luchClient(server, { clock, now: clock.now })
    await http.get('/api/warm-up')

    clock.jump(-5 * HOUR)
    serverTime.offsetMs = HOUR + 1 // an hour passes for the server: the token has expired there
    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(http.get(`/api/item/${i}`))
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    requests.expectNothingLost(tokens, events)
    expect(events.of('refresh.started').map((e) => e.reason)).toEqual(['missing', 'invalidated'])
    expect(server.calls('/token')).toBe(2)
  })
})

describe('the clock jumps while a refresh is in flight', () => {
  /** A controller whose one fetch over HTTP is held back, answered when the test says. */
  async function heldRefresh() {
    const server = await rig.startServer({ ttlSeconds: 3_600 })
    const clock = createVirtualClock()
    let release = () => {}
    let arrived = () => {}
    const answered = new Promise<void>((resolve) => (arrived = resolve))
    const { tokens, events } = rig.controller({
      clock,
      now: clock.now,
      fetchToken: async ({ attempt, signal }) => {
        const body = await server.fetchToken({ attempt, signal: signal as AbortSignal })
        arrived()
        await new Promise<void>((resolve) => (release = resolve))
        return body
      },
    })
    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(tokens.getToken())
    await answered
    return { server, clock, tokens, events, requests, release: () => release() }
  }

  it.each([
    ['forward', 5 * HOUR],
    ['backwards', -5 * HOUR],
  ])('%s by hours: the token counts its lifetime from the jumped clock, serves the waiting requests and stays fresh', async (_, jumpMs) => {
    const { server, clock, tokens, events, requests, release } = await heldRefresh()

    clock.jump(jumpMs)
    release()
    const outcomes = await requests.settle()

    const served = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined))
    expect(served.every(isToken)).toBe(true)
    expect(new Set(served).size).toBe(1)
    requests.expectNothingLost(tokens, events)
    expect(events.of('refresh.succeeded')).toEqual([expect.objectContaining({ expiresAt: clock.now() + HOUR })])
    expect((await tokens.getToken()) === served[0]).toBe(true)
    expect(server.calls('/token')).toBe(1)
  })
})

describe('wait deadlines when the clock jumps (they are instants of now(); the shared deadline timer re-checks them)', () => {
  /** N requests parked behind a token endpoint that never answers; fetchTimeoutMs is long unless told. */
  async function parkedBehindHang(options: { fetchTimeoutMs?: number; attempts?: number } = {}) {
    const server = await rig.startServer({ tokenFault: 'hang' })
    const clock = createVirtualClock()
    const client = rig.controller({
      clock,
      now: clock.now,
      waitTimeoutMs: 5_000,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 10 * HOUR,
      retry: { attempts: options.attempts ?? 1, baseDelayMs: 0 },
      fetchToken: rig.directFetch(server),
    })
    const requests = ledger()
    for (let i = 0; i < N; i++) requests.track(client.tokens.getToken())
    await server.whenCalled('/token', 1)
    return { server, clock, ...client, requests }
  }

  it('backwards: a jump of two hours postpones every wait deadline by two hours; the timer fires on time, finds none due, and waits again', async () => {
    const { clock, tokens, events, requests } = await parkedBehindHang()

    clock.jump(-2 * HOUR)
    clock.advance(5_000)
    await flush()
    expect(requests.settled).toBe(0)
    expect(clock.pending()).toContain(2 * HOUR)

    clock.advance(2 * HOUR)
    const outcomes = await requests.settle()
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'WAIT_TIMEOUT' } })
    requests.expectNothingLost(tokens, events)
  })

  it('backwards: the refresh cycle still bounds the wait, since fetch timeouts and backoff run on the timer', async () => {
    const { server, clock, tokens, events, requests } = await parkedBehindHang({ fetchTimeoutMs: 10_000, attempts: 2 })

    clock.jump(-2 * HOUR)
    clock.advance(10_000) // attempt 1 times out; attempt 2 starts at once
    await server.whenCalled('/token', 2)
    clock.advance(10_000)
    const outcomes = await requests.settle()

    for (const o of outcomes) {
      expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', cause: { code: 'FETCH_TIMEOUT' } } })
    }
    requests.expectNothingLost(tokens, events)
    await server.whenIdle('/token')
  })

  it('forward: deadlines come closer by the jump; requests expire when the deadline timer next fires, not before', async () => {
    const { clock, tokens, events, requests } = await parkedBehindHang()
    clock.advance(4_000)
    const younger = ledger()
    younger.track(tokens.getToken()) // its own deadline is 5 s away

    clock.jump(2 * HOUR)
    clock.advance(999)
    await flush()
    expect(requests.settled + younger.settled).toBe(0)
    clock.advance(1) // the timer armed for the oldest fires: by now() every deadline has passed
    const outcomes = [...(await requests.settle()), ...(await younger.settle())]

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'WAIT_TIMEOUT' } })
    requests.expectNothingLost()
    younger.expectNothingLost(tokens, events)
  })

  it('backwards by 30 days: the deadline timer is never asked for a delay the platform would overflow into 1 ms', async () => {
    // Past 2^31 - 1 ms (24.8 days) setTimeout fires after 1 ms: re-armed with the remaining 30 days each
    // time, the deadline timer would spin every millisecond until the requests settle some other way.
    const { clock, requests } = await parkedBehindHang()

    clock.jump(-30 * 24 * HOUR)
    clock.advance(5_000 + 100)
    await flush()

    expect(clock.requested.filter((ms) => ms > MAX_TIMER_MS)).toEqual([])
    expect(requests.settled).toBe(0)
  })
})
