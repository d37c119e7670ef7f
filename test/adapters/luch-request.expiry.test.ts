// Real luch-request over the uni shim: tokens that expire (the server's and the controller's clocks move
// together, no waiting) and a token endpoint that fails, then recovers.
import { describe, expect, it } from 'vitest'
import { burst, carried, count, useLuchFixture, type LuchSetupOptions } from '../helpers/luch-fixture.ts'

const fixture = useLuchFixture()

async function setup(options: LuchSetupOptions = {}) {
  // One clock for both sides, moved by hand: expiry without sleeping.
  const clock = { now: 1_700_000_000_000, serverAheadMs: 0 }
  const scenario = await fixture.setup({
    ...options,
    server: { now: () => clock.now + clock.serverAheadMs, ...options.server },
    tokens: { now: () => clock.now, ...options.tokens },
  })
  return { ...scenario, clock }
}

describe('luch-request: an expired token', () => {
  it('makes exactly one token call for a burst of 50 after expiry, and every request succeeds with the new token', async () => {
    const { server, http, issued, clock } = await setup({ server: { ttlSeconds: 3600 } })
    await http.get('/api/warm-up')

    clock.now += 3_600_000
    const outcomes = await burst(50, (i) => http.get(`/api/item/${i}`))

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.statusCode === 200 && carried(o.value, issued[1]))).toHaveLength(50)
    expect(server.calls('/token')).toBe(2)
    expect(server.issued()).toBe(2)
    // Refreshed before sending: no request went out with the old token to be replayed.
    expect(fixture.shim.calls()).toBe(1 + 50)
  })

  it('refreshes inside the leeway, before the server would refuse the token', async () => {
    const { server, http, issued, clock, events } = await setup({ server: { ttlSeconds: 60 }, tokens: { leewayMs: 10_000 } })
    await http.get('/api/warm-up')

    clock.now += 50_000 // 10 s left: fresh means expiresAt - leeway > now, so not fresh any more
    const outcomes = await burst(5, (i) => http.get(`/api/item/${i}`))

    for (const o of outcomes) expect(o.status === 'fulfilled' && carried(o.value, issued[1])).toBe(true)
    expect(server.calls('/token')).toBe(2)
    expect(events.filter((e) => e.type === 'refresh.started').map((e) => e.reason)).toEqual(['missing', 'expired'])
  })

  it('keeps using the token while it is fresh by the clock (no refresh ahead: the hard window alone)', async () => {
    const { server, http, clock } = await setup({ server: { ttlSeconds: 60 }, tokens: { leewayMs: 10_000, refreshAheadMs: 0 } })
    await http.get('/api/warm-up')

    clock.now += 49_999
    await http.get('/api/echo')

    expect(server.calls('/token')).toBe(1)
  })

  it('refreshes once per expiry across several expiries', async () => {
    const { server, http, clock } = await setup({ server: { ttlSeconds: 120 } })

    for (let round = 0; round < 3; round++) {
      const outcomes = await burst(20, (i) => http.get(`/api/round/${round}/${i}`))
      for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
      clock.now += 120_000
    }

    expect(server.calls('/token')).toBe(3)
  })

  it('replays the requests of a token the server saw expire first, with one refresh', async () => {
    const { server, http, issued, clock } = await setup({ server: { ttlSeconds: 3600 } })
    await http.get('/api/warm-up')

    clock.serverAheadMs = 3_600_000 // the controller still thinks the token fresh; the server does not
    const outcomes = await burst(10, (i) => http.get(`/api/item/${i}`))

    for (const o of outcomes) expect(o.status === 'fulfilled' && o.value.statusCode === 200 && carried(o.value, issued[1])).toBe(true)
    expect(server.calls('/token')).toBe(2)
    expect(fixture.shim.calls()).toBe(1 + 10 + 10)
  })
})

describe('luch-request: the token endpoint failing', () => {
  it('rejects every parked request with REFRESH_FAILED and sends none of them', async () => {
    const { server, http } = await setup({ server: { tokenStatus: 500 }, tokens: { retry: { attempts: 2, baseDelayMs: 0 } } })

    const outcomes = await burst(5, (i) => http.get(`/api/item/${i}`))

    for (const o of outcomes) {
      expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 2, cause: { status: 500 } } })
    }
    expect(server.calls('/token')).toBe(2)
    expect(fixture.shim.calls()).toBe(0)
  })

  it('serves the next request once the endpoint recovers', async () => {
    const { server, http, tokens, issued } = await setup({
      server: { tokenStatus: 500 },
      tokens: { retry: { attempts: 2, baseDelayMs: 0 } },
    })
    const failed = await burst(3, (i) => http.get(`/api/item/${i}`))
    expect(tokens.state).toBe('failed')

    server.setTokenBehaviour({ tokenStatus: undefined })
    const recovered = await burst(3, (i) => http.get(`/api/item/${i}`))

    for (const o of failed) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED' } })
    for (const o of recovered) expect(o.status === 'fulfilled' && o.value.statusCode === 200 && carried(o.value, issued[0])).toBe(true)
    expect(server.calls('/token')).toBe(3)
  })

  it('retries within the cycle: two 500s, then a token, and nobody notices', async () => {
    const { server, http, events } = await setup({ server: { failTimes: 2 }, tokens: { retry: { attempts: 3, baseDelayMs: 0 } } })

    const outcomes = await burst(10, (i) => http.get(`/api/item/${i}`))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    expect(server.calls('/token')).toBe(3)
    expect(count(events, 'refresh.retrying')).toBe(2)
    expect(count(events, 'refresh.succeeded')).toBe(1)
  })

  it('rejects a replay with REFRESH_FAILED, not the 401, when the refresh after a revocation fails', async () => {
    const { server, http } = await setup({ tokens: { retry: { attempts: 2, baseDelayMs: 0 } } })
    await http.get('/api/warm-up')
    server.revokeAll()
    server.setTokenBehaviour({ tokenStatus: 500 })

    // One request: with several, a late 401 could land after the failed cycle and start another one.
    const [outcome] = await Promise.allSettled([http.get('/api/echo')])

    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'REFRESH_FAILED', attempts: 2 } })
    expect(server.calls('/token')).toBe(1 + 2)
    // Sent once and refused; the replay never left, waiting for a token that never came.
    expect(fixture.shim.calls('/api/echo')).toBe(1)
  })
})
