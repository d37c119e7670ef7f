// A token endpoint that answers 429 with Retry-After, over real loopback HTTP. The server's word wins over
// the computed backoff, even past maxDelayMs: the error fetchToken rejects with carries `retryAfterMs`,
// set by the app's own client or by the luch-request adapter when the token call goes through the attached
// instance. The controller runs on a virtual clock, so waits of seconds or an hour take no time: each test
// reads the wait from `refresh.retrying` and checks that no attempt starts a millisecond early.
import { describe, expect, it } from 'vitest'
import type { TokenBehaviour } from '../helpers/token-server.ts'
import { isToken, ledger, useFaultRig, VIAS, type ClientOptions, type Via } from './fault-rig.ts'
import { createVirtualClock, MAX_TIMER_MS } from '../helpers/virtual-clock.ts'

const rig = useFaultRig()

const N = 5
// Small on purpose: every Retry-After below is far past it, and must still be waited out in full.
const retry = { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, jitter: false }

async function busy(via: Via, behaviour: TokenBehaviour, options: ClientOptions = {}) {
  const server = await rig.startServer({ tokenStatus: 429, ...behaviour })
  // Starts at the real time: an HTTP-date Retry-After is read on the controller's clock by the adapters, and on
  // Date.now() by a fetchToken that parses it itself.
  const clock = createVirtualClock({ start: Date.now() })
  const client = rig.connect(via, server, { clock, now: clock.now, retry, ...options })
  const requests = ledger()
  for (let i = 0; i < N; i++) requests.track(client.send(i))
  return { server, clock, client, requests }
}

describe.each(VIAS)('a 429 with Retry-After, fetchToken through $path', ({ via }) => {
  it('waits the seconds the server asked, past maxDelayMs, then serves every request', async () => {
    const { server, clock, client, requests } = await busy(via, { retryAfterSeconds: 2, failTimes: 1 })

    const retrying = await client.events.when('refresh.retrying')
    expect(retrying).toMatchObject({ attempt: 1, delayMs: 2_000 })
    clock.advance(1_999)
    expect(client.fetches()).toBe(1)
    clock.advance(1)
    expect(client.fetches()).toBe(2)
    const outcomes = await requests.settle()

    const tokens = outcomes.map((o) => (o.status === 'fulfilled' ? client.tokenOf(o.value) : undefined))
    expect(tokens.every(isToken)).toBe(true)
    expect(new Set(tokens).size).toBe(1)
    requests.expectNothingLost(client.tokens, client.events)
    expect(server.calls('/token')).toBe(2)
  })

  it('waits out each Retry-After in turn, and rejects with the last 429 as the cause when attempts run out', async () => {
    const { server, clock, client, requests } = await busy(via, { retryAfterSeconds: 1 })

    await client.events.when('refresh.retrying', 1)
    clock.advance(1_000)
    await client.events.when('refresh.retrying', 2)
    clock.advance(1_000)
    // The last attempt's Retry-After has nothing left to wait for: the cycle fails at once.
    const outcomes = await requests.settle()

    const cause = via === 'own' ? { status: 429, retryAfterMs: 1_000 } : { statusCode: 429, retryAfterMs: 1_000 }
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 3, cause } })
    expect(client.events.of('refresh.retrying').map((e) => e.delayMs)).toEqual([1_000, 1_000])
    requests.expectNothingLost(client.tokens, client.events)
    expect(server.calls('/token')).toBe(3)
    expect(client.apiCalls()).toBe(0)
  })

  it('still times parked requests out by waitTimeoutMs while the server asks for an hour, and retries when the hour is up', async () => {
    // retry.maxRetryAfterMs lets the hour through: by default a Retry-After is cut to waitTimeoutMs.
    const { server, clock, client, requests } = await busy(
      via,
      { retryAfterSeconds: 3_600, failTimes: 1 },
      { waitTimeoutMs: 5_000, retry: { ...retry, maxRetryAfterMs: 3_600_000 } },
    )

    await client.events.when('refresh.retrying')
    clock.advance(5_000)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'WAIT_TIMEOUT' } })
    requests.expectNothingLost(client.tokens, client.events)
    expect(client.tokens.state).toBe('refreshing')
    expect(client.fetches()).toBe(1)

    clock.advance(3_600_000 - 5_000)
    expect(client.fetches()).toBe(2)
    await client.events.when('refresh.succeeded')
    const late = ledger()
    late.track(client.send(N))
    const [outcome] = await late.settle()
    expect(outcome?.status).toBe('fulfilled')
    expect(server.calls('/token')).toBe(2)
  })

  it('retries at once for Retry-After: 0, not after the backoff', async () => {
    const { clock, client, requests } = await busy(via, { retryAfterSeconds: 0, failTimes: 1 })

    expect(await client.events.when('refresh.retrying')).toMatchObject({ delayMs: 0 })
    clock.advance(0)
    expect(client.fetches()).toBe(2)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o.status).toBe('fulfilled')
    requests.expectNothingLost(client.tokens, client.events)
  })

  it('reads an HTTP-date Retry-After as the time left until that date', async () => {
    // HTTP dates have whole seconds: 5 s ahead, truncated, less the time the round trip took.
    const { clock, client, requests } = await busy(via, { retryAfterHeader: new Date(Date.now() + 5_000).toUTCString(), failTimes: 1 })

    const { delayMs } = await client.events.when('refresh.retrying')
    expect(delayMs).toBeGreaterThan(3_000)
    expect(delayMs).toBeLessThanOrEqual(5_000)
    clock.advance(delayMs as number)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o.status).toBe('fulfilled')
    requests.expectNothingLost(client.tokens, client.events)
  })

  it('falls back to the computed backoff when Retry-After is neither seconds nor a date', async () => {
    const { clock, client, requests } = await busy(via, { retryAfterHeader: 'soon', failTimes: 1 })

    expect(await client.events.when('refresh.retrying')).toMatchObject({ delayMs: retry.baseDelayMs })
    clock.advance(retry.baseDelayMs)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o.status).toBe('fulfilled')
    requests.expectNothingLost(client.tokens, client.events)
  })

  it('sends no retry after stop() during the wait, and rejects the parked requests with STOPPED', async () => {
    const { server, clock, client, requests } = await busy(via, { retryAfterSeconds: 60, failTimes: 1 })

    await client.events.when('refresh.retrying')
    client.tokens.stop()
    const outcomes = await requests.settle()
    clock.advance(60_000)

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    requests.expectNothingLost(client.tokens)
    expect(client.fetches()).toBe(1)
    expect(clock.pending()).toEqual([])
    expect(server.calls('/token')).toBe(1)
  })

  it('keeps one fetch at a time: requests arriving during the wait park and ride the retry', async () => {
    const { server, clock, client, requests } = await busy(via, { retryAfterSeconds: 2, failTimes: 1 })

    await client.events.when('refresh.retrying')
    for (let i = N; i < 2 * N; i++) requests.track(client.send(i))
    clock.advance(2_000)
    const outcomes = await requests.settle()

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2 * N)
    requests.expectNothingLost(client.tokens, client.events)
    expect(client.events.count('refresh.started')).toBe(1)
    expect(server.calls('/token')).toBe(2)
  })

  it('spaces attempts within a cycle only: after a cycle fails on 429s, the next request starts a new one at once', async () => {
    // Documented, not endorsed: the machine keeps no Retry-After across cycles, so an app that retries
    // right after REFRESH_FAILED reaches the server before the time it asked for has passed.
    const { server, clock, client, requests } = await busy(via, { retryAfterSeconds: 60 }, { retry: { ...retry, attempts: 1 } })
    const [failed] = await requests.settle()
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', cause: { retryAfterMs: 60_000 } } })

    server.setTokenBehaviour({ tokenStatus: undefined })
    const next = ledger()
    next.track(client.send(N))
    const [outcome] = await next.settle()

    expect(outcome?.status).toBe('fulfilled')
    expect(clock.pending().every((ms) => ms !== 60_000)).toBe(true)
    expect(server.calls('/token')).toBe(2)
    requests.expectNothingLost()
    next.expectNothingLost(client.tokens, client.events)
  })

  it('never hands the platform a timer longer than it can hold: a Retry-After of 25 days must not retry at once', async () => {
    // 2,147,484 s is just past setTimeout's 2^31 - 1 ms. Node fires such a timer after 1 ms (browsers at
    // once), so passed on as is, the wait the server asked for becomes an immediate retry: a hammering loop.
    const { clock, client, requests } = await busy(
      via,
      { retryAfterSeconds: 2_147_484, failTimes: 1 },
      { waitTimeoutMs: 1_000, retry: { ...retry, maxRetryAfterMs: MAX_TIMER_MS } },
    )

    await client.events.when('refresh.retrying')
    clock.advance(1_000)
    await requests.settle()

    expect(clock.requested.filter((ms) => ms > MAX_TIMER_MS)).toEqual([])
    expect(client.fetches()).toBe(1)
    requests.expectNothingLost(client.tokens, client.events)
  })
})

describe('a Retry-After on an answer other than 429', () => {
  it("is honoured when the app's own fetchToken puts it on the error: any error may carry retryAfterMs", async () => {
    const { clock, client, requests } = await busy('own', { tokenStatus: 503, retryAfterSeconds: 3, failTimes: 1 })

    expect(await client.events.when('refresh.retrying')).toMatchObject({ delayMs: 3_000 })
    clock.advance(2_999)
    expect(client.fetches()).toBe(1)
    clock.advance(1)
    const outcomes = await requests.settle()

    for (const o of outcomes) expect(o.status).toBe('fulfilled')
    requests.expectNothingLost(client.tokens, client.events)
  })
})
