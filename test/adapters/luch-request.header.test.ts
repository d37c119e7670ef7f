// Real luch-request over the uni shim against the loopback token server: the Authorization header, its
// options, the `auth: false` opt-out (a fetchToken through the same instance included) and detaching.
import Request, { type HttpError } from 'luch-request'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { attachTokenController, createTokenController } from '../../src/index.ts'
import { carried, useLuchFixture } from '../helpers/luch-fixture.ts'

const { setup, startServer } = useLuchFixture()

describe('luch-request: the Authorization header', () => {
  it('sends Bearer and the fetched token, which the server accepts', async () => {
    const { server, http, issued } = await setup()

    const response = await http.get('/api/echo')

    expect(response).toMatchObject({ statusCode: 200, data: { code: 200, data: { path: '/api/echo', method: 'GET' } } })
    expect(server.lastHeaders('/api/echo')?.authorization === `Bearer ${issued[0]}`).toBe(true)
    expect(server.calls('/token')).toBe(1)
  })

  it('keeps the headers the caller set next to Authorization', async () => {
    const { server, http } = await setup()

    await http.get('/api/echo', { header: { 'X-Trace': 'trace-1' } })

    expect(server.lastHeaders('/api/echo')).toMatchObject({ 'x-trace': 'trace-1', authorization: expect.stringMatching(/^Bearer .+/) })
  })

  it('reuses the token for later requests without fetching again', async () => {
    const { server, http, issued } = await setup()

    const outcomes = await Promise.allSettled([http.get('/api/a'), http.get('/api/b'), http.post('/api/c', { n: 1 })])
    const later = await http.get('/api/d')

    for (const o of outcomes) expect(o.status === 'fulfilled' && carried(o.value, issued[0])).toBe(true)
    expect(carried(later, issued[0])).toBe(true)
    expect(server.calls('/token')).toBe(1)
  })

  it('puts the token in the header named by `header`, shaped by `format`', async () => {
    // The server only reads Authorization, so it refuses; maxReplays 0 keeps it to one send.
    const { server, http, issued } = await setup({
      adapter: { header: 'X-Access-Token', format: (token) => `Token ${token}`, maxReplays: 0 },
    })

    await expect(http.get('/api/echo')).rejects.toMatchObject({ statusCode: 401 })

    const headers = server.lastHeaders('/api/echo')
    expect(headers?.['x-access-token'] === `Token ${issued[0]}`).toBe(true)
    expect(headers).not.toHaveProperty('authorization')
  })

  it('calls `format` for every send, a replay included, and keeps the default header', async () => {
    const format = vi.fn((token: string) => `Bearer ${token}`)
    const { server, http, issued } = await setup({ adapter: { format } })
    await http.get('/api/warm-up')

    server.revokeAll()
    await http.get('/api/echo')

    expect(format).toHaveBeenCalledTimes(3)
    expect(server.lastHeaders('/api/echo')?.authorization === `Bearer ${issued[1]}`).toBe(true)
  })
})

describe('luch-request: custom.auth false', () => {
  it('sends no Authorization header and fetches no token', async () => {
    const { server, http, tokens } = await setup()

    const outcome = await http.post('/token', {}, { custom: { auth: false } })

    expect(outcome).toMatchObject({ statusCode: 200, data: { token_type: 'Bearer' } })
    expect(server.lastHeaders('/token')).not.toHaveProperty('authorization')
    expect(server.calls('/token')).toBe(1) // this request itself: the controller fetched nothing
    expect(tokens.state).toBe('idle')
  })

  it('does not replay its 401: it rejects with the server’s answer after one send', async () => {
    const { server, http } = await setup()

    await expect(http.get('/api/echo', { custom: { auth: false } })).rejects.toMatchObject({
      statusCode: 401,
      data: { code: 401, message: 'missing bearer token' },
    })
    expect(server.calls('/api/echo')).toBe(1)
    expect(server.calls('/token')).toBe(0)
  })

  it('lets fetchToken call the token endpoint through the same instance without deadlocking', async () => {
    const server = await startServer()
    const http = new Request({ baseURL: server.url })
    const tokens = createTokenController({
      fetchToken: async () =>
        (
          await http.post(
            '/token',
            { grant_type: 'client_credentials' },
            {
              custom: { auth: false },
              header: { 'content-type': 'application/x-www-form-urlencoded' },
            },
          )
        ).data as { access_token: string; expires_in: number },
      retry: { baseDelayMs: 0 },
    })
    onTestFinished(() => tokens.stop())
    attachTokenController(http, tokens)

    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => http.get(`/api/item/${i}`)))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    expect(server.calls('/token')).toBe(1)
    expect(server.lastHeaders('/token')).not.toHaveProperty('authorization')
    expect(tokens.state).toBe('valid')
  })

  it('lets that same-instance fetchToken serve a refresh after a revocation', async () => {
    const server = await startServer()
    const http = new Request({ baseURL: server.url })
    const tokens = createTokenController({
      fetchToken: async () =>
        (await http.post('/token', {}, { custom: { auth: false } })).data as { access_token: string; expires_in: number },
      retry: { baseDelayMs: 0 },
    })
    onTestFinished(() => tokens.stop())
    attachTokenController(http, tokens)
    await http.get('/api/echo')

    server.revokeAll()
    const outcomes = await Promise.allSettled([http.get('/api/a'), http.get('/api/b'), http.get('/api/c')])

    for (const o of outcomes) expect(o).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
    expect(server.calls('/token')).toBe(2)
  })
})

describe('luch-request: detaching', () => {
  it('removes both interceptors: no header, no token fetch, no replay of a 401', async () => {
    const { server, http, detach } = await setup()

    detach()

    await expect(http.get('/api/echo')).rejects.toMatchObject({ statusCode: 401 })
    expect(server.lastHeaders('/api/echo')).not.toHaveProperty('authorization')
    expect(server.calls('/api/echo')).toBe(1)
    expect(server.calls('/token')).toBe(0)
  })

  it('stops replaying once detached, even after a token was fetched', async () => {
    const { server, http, detach } = await setup()
    await http.get('/api/echo')
    server.revokeAll()

    detach()

    await expect(http.get('/api/echo', { header: { Authorization: 'Bearer revoked' } })).rejects.toMatchObject({ statusCode: 401 })
    expect(server.calls('/api/echo')).toBe(2)
    expect(server.calls('/token')).toBe(1)
  })

  it('leaves the app’s own interceptors in place', async () => {
    const server = await startServer()
    const tokens = createTokenController({ fetchToken: ({ attempt }) => server.fetchToken({ attempt }), retry: { baseDelayMs: 0 } })
    onTestFinished(() => tokens.stop())
    const http = new Request({ baseURL: server.url })
    http.interceptors.request.use((config) => ({ ...config, header: { ...config.header, 'X-App': 'demo' } }))
    const seen: number[] = []
    http.interceptors.response.use(
      (response) => (seen.push(response.statusCode), response),
      (error: HttpError) => (seen.push(error.statusCode ?? 0), Promise.reject(error)),
    )
    const detach = attachTokenController(http, tokens)

    detach()
    const outcome = await http.get('/api/echo').catch((e: unknown) => e)

    expect(outcome).toMatchObject({ statusCode: 401 })
    expect(server.lastHeaders('/api/echo')).toMatchObject({ 'x-app': 'demo' })
    expect(server.lastHeaders('/api/echo')).not.toHaveProperty('authorization')
    expect(seen).toEqual([401])
  })
})
