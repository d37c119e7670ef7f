// Real luch-request over the uni shim: the server refuses a token (401, or code 401 inside a 200), the
// adapter invalidates the token that request carried and replays it once. One refresh per revocation, no loop.
import { describe, expect, it } from 'vitest'
import { burst, carried, count, useLuchFixture } from '../helpers/luch-fixture.ts'

const { setup, wrapUniRequest } = useLuchFixture()

/** Holds the answers to one path in the uni layer until released: "this 401 arrives late". */
function holdAnswers(path: string) {
  let arrive!: () => void
  let release!: () => void
  const arrived = new Promise<void>((resolve) => (arrive = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  wrapUniRequest((options, send) =>
    send({
      ...options,
      complete: (result) => {
        if (new URL(options.url).pathname !== path) return options.complete?.(result)
        arrive()
        void released.then(() => options.complete?.(result))
      },
    }),
  )
  return { arrived, release }
}

describe('luch-request: a revoked token', () => {
  it('invalidates the token a 401 answered and replays the request once with the new token', async () => {
    const { server, http, issued, events } = await setup()
    await http.get('/api/warm-up')

    server.revokeAll()
    const response = await http.get('/api/echo', { params: { page: 2 } })

    expect(response).toMatchObject({ statusCode: 200, data: { data: { path: '/api/echo', query: { page: '2' } } } })
    expect(carried(response, issued[1])).toBe(true)
    expect(server.calls('/api/echo')).toBe(2)
    expect(server.calls('/token')).toBe(2)
    expect(events.filter((e) => e.type === 'refresh.started').map((e) => e.reason)).toEqual(['missing', 'invalidated'])
  })

  it('replays a POST with its body', async () => {
    const { server, http } = await setup()
    await http.get('/api/warm-up')

    server.revokeAll()
    const response = await http.post('/api/orders', { sku: 'A-1', qty: 3 })

    expect(response.data).toMatchObject({ data: { method: 'POST', body: { sku: 'A-1', qty: 3 } } })
    expect(server.calls('/api/orders')).toBe(2)
  })

  it('makes one refresh for 20 in-flight requests refused for the same token, replaying each once', async () => {
    const { server, http, issued, events } = await setup()
    await http.get('/api/warm-up')

    server.revokeAll()
    const outcomes = await burst(20, (i) => http.get(`/api/item/${i}`))

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.statusCode === 200 && carried(o.value, issued[1]))).toHaveLength(20)
    expect(server.calls('/token')).toBe(2)
    expect(count(events, 'refresh.started')).toBe(2)
    expect(count(events, 'token.invalidated')).toBe(1)
    for (let i = 0; i < 20; i++) expect(server.calls(`/api/item/${i}`)).toBe(2)
  })

  it('does not start a second refresh for a 401 that answered an older token', async () => {
    const { server, http, issued, events } = await setup()
    await http.get('/api/warm-up')
    server.revokeAll()
    const late = holdAnswers('/api/slow')
    const slow = http.get('/api/slow') // sent with the first token; its 401 is held back
    await late.arrived

    const prompt = await http.get('/api/echo') // 401, refresh, replay with the second token
    late.release()
    const [outcome] = await Promise.allSettled([slow])

    expect(carried(prompt, issued[1])).toBe(true)
    expect(outcome?.status === 'fulfilled' && outcome.value.statusCode === 200 && carried(outcome.value, issued[1])).toBe(true)
    expect(server.calls('/token')).toBe(2)
    expect(count(events, 'refresh.started')).toBe(2)
    expect(server.calls('/api/slow')).toBe(2)
  })
})

describe('luch-request: business-code 401 inside a 200', () => {
  const isUnauthorized = (response: { data?: unknown }) => (response.data as { code?: number } | undefined)?.code === 401

  it('invalidates and replays when isUnauthorized says so', async () => {
    const { server, http, issued } = await setup({ adapter: { isUnauthorized } })
    await http.get('/biz/warm-up')

    server.revokeAll()
    const response = await http.get('/biz/orders')

    expect(response).toMatchObject({ statusCode: 200, data: { code: 200, data: { path: '/biz/orders' } } })
    expect(carried(response, issued[1])).toBe(true)
    expect(server.calls('/biz/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })

  it('makes one refresh for a burst refused with code 401', async () => {
    const { server, http } = await setup({ adapter: { isUnauthorized } })
    await http.get('/biz/warm-up')

    server.revokeAll()
    const outcomes = await burst(10, (i) => http.get(`/biz/item/${i}`))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { data: { code: 200 } } })
    expect(server.calls('/token')).toBe(2)
  })

  it('resolves with the 200 as it is without the option: the default only looks at statusCode', async () => {
    const { server, http } = await setup()
    await http.get('/biz/warm-up')

    server.revokeAll()
    const response = await http.get('/biz/orders')

    expect(response).toMatchObject({ statusCode: 200, data: { code: 401 } })
    expect(server.calls('/biz/orders')).toBe(1)
    expect(server.calls('/token')).toBe(1)
  })

  it('resolves with the server’s 200 once the replays are spent, as luch-request resolves a 200', async () => {
    // The token goes in a header the server does not read, so every answer is code 401.
    const { server, http } = await setup({ adapter: { isUnauthorized, header: 'X-Token' } })

    await expect(http.get('/biz/orders')).resolves.toMatchObject({ statusCode: 200, data: { code: 401 } })
    expect(server.calls('/biz/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })
})

describe('luch-request: the replay limit', () => {
  it('rejects with the server’s 401 after one replay, at the cost of one refresh', async () => {
    const { server, http } = await setup()
    await http.get('/api/warm-up')

    await expect(http.get('/always401')).rejects.toMatchObject({ statusCode: 401, data: { code: 401 } })
    expect(server.calls('/always401')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })

  it('costs one refresh for a burst of requests to an endpoint that always says 401', async () => {
    const { server, http, tokens } = await setup()
    await http.get('/api/warm-up')

    const outcomes = await burst(10, () => http.get('/always401'))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { statusCode: 401 } })
    expect(server.calls('/always401')).toBe(20)
    expect(server.calls('/token')).toBe(2)
    expect(tokens.state).toBe('valid')
  })

  it('allows two replays with maxReplays 2, each after a refresh', async () => {
    const { server, http } = await setup({ adapter: { maxReplays: 2 } })
    await http.get('/api/warm-up')

    await expect(http.get('/always401')).rejects.toMatchObject({ statusCode: 401 })
    expect(server.calls('/always401')).toBe(3)
    expect(server.calls('/token')).toBe(1 + 2)
  })

  it('does not replay with maxReplays 0, but invalidates the refused token: the next request carries a new one', async () => {
    const { server, http, issued, tokens } = await setup({ adapter: { maxReplays: 0 } })
    await http.get('/api/warm-up')

    server.revokeAll()
    await expect(http.get('/api/echo')).rejects.toMatchObject({ statusCode: 401 })
    expect(server.calls('/api/echo')).toBe(1)
    expect(tokens.currentToken()).toBeUndefined()

    const next = await http.get('/api/echo')
    expect(carried(next, issued[1])).toBe(true)
    expect(server.calls('/token')).toBe(2)
  })

  it('leaves other error answers alone: a 400 is neither replayed nor refreshed', async () => {
    const { server, http } = await setup({ server: { signatureSecret: 'unused' } })

    // With a signature secret set and no signer, the server answers 400 before looking at the token.
    await expect(http.get('/api/echo')).rejects.toMatchObject({ statusCode: 400 })
    expect(server.calls('/api/echo')).toBe(1)
    expect(server.calls('/token')).toBe(1)
  })

  it('keeps working after the limit: the next request uses the current token', async () => {
    const { server, http, issued } = await setup()
    await http.get('/always401').catch(() => undefined)

    const response = await http.get('/api/echo')

    expect(carried(response, issued[1])).toBe(true)
    expect(server.calls('/token')).toBe(2)
  })
})
