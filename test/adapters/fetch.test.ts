// withTokens beyond the shared scenarios, on Node's own fetch: what a replay resends, what the real fetch sees.
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { withTokens } from '../../src/entries/fetch.ts'
import { createSigner, createTokenController } from '../../src/index.ts'
import { setup } from './fixture.ts'

async function warmedUp() {
  const scenario = await setup()
  const api = withTokens(fetch, scenario.tokens)
  await api(scenario.server.url + '/api/warm-up')
  scenario.server.revokeAll()
  return { ...scenario, api }
}

describe('withTokens', () => {
  it('replays a POST with the same string body', async () => {
    const { server, api } = await warmedUp()

    const response = await api(server.url + '/api/orders', { method: 'POST', body: JSON.stringify({ sku: 'A-1' }) })

    expect(await response.json()).toMatchObject({ data: { method: 'POST', body: { sku: 'A-1' } } })
    expect(server.calls('/api/orders')).toBe(2)
  })

  it('replays a Request by sending clones: same body, its own headers kept beside the token', async () => {
    const { server, api } = await warmedUp()
    const request = new Request(server.url + '/api/orders', { method: 'POST', body: '{"qty":3}', headers: { 'x-trace': 't-1' } })

    const response = await api(request)

    expect(await response.json()).toMatchObject({ data: { body: { qty: 3 } } })
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.lastHeaders('/api/orders')).toMatchObject({ 'x-trace': 't-1', authorization: expect.stringMatching(/^Bearer /) })
  })

  it('sends a ReadableStream body once and returns its 401 as it is, refreshing nothing', async () => {
    const { server, api } = await warmedUp()
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{"qty":1}')), c.close()) })

    const response = await api(server.url + '/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)

    expect(response.status).toBe(401)
    expect(server.calls('/api/upload')).toBe(1)
    expect(server.calls('/token')).toBe(1)
  })

  it('never shows `auth` to the real fetch, and adds no token for auth: false', async () => {
    const { server, tokens } = await setup()
    const spy = vi.fn(fetch)
    const api = withTokens(spy, tokens)

    await api(server.url + '/api/public', { auth: false, headers: { 'x-app': '1' } } as RequestInit)

    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy.mock.calls[0]?.[1]).toEqual({ headers: { 'x-app': '1' } })
  })

  it('accepts a URL object as the input', async () => {
    const { server, tokens } = await setup()
    const response = await withTokens(fetch, tokens)(new URL('/api/echo', server.url))
    expect(response.status).toBe(200)
  })

  it('refuses to wrap where the platform has no Headers class, naming it', async () => {
    const { tokens } = await setup()
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'Headers') as PropertyDescriptor
    delete (globalThis as { Headers?: unknown }).Headers
    onTestFinished(() => {
      Object.defineProperty(globalThis, 'Headers', saved)
    })

    expect(() => withTokens(fetch, tokens)).toThrow(/withTokens: this platform has no Headers/)
  })
})

describe('withTokens with sign', () => {
  const secret = 'fetch-signing-secret'

  async function signing() {
    const scenario = await setup({ signatureSecret: secret })
    const spy = vi.fn(fetch)
    return { ...scenario, spy, api: withTokens(spy, scenario.tokens, { sign: createSigner({ secret }) }) }
  }

  it('signs a Request’s own method, URL and body, so the server accepts it', async () => {
    const { server, api } = await signing()
    const request = new Request(server.url + '/api/orders?b=2&a=1', { method: 'POST', body: '{"qty":3}' })

    const response = await api(request)

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ data: { method: 'POST', body: { qty: 3 } } })
  })

  it('signs what init replaces on a Request: its method and body', async () => {
    const { server, api } = await signing()
    const request = new Request(server.url + '/api/orders', { method: 'POST', body: '{"qty":3}' })

    const response = await api(request, { method: 'PUT', body: '{"qty":4}' })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ data: { method: 'PUT', body: { qty: 4 } } })
  })

  it('signs a URLSearchParams body as its text', async () => {
    const { server, api } = await signing()

    const response = await api(server.url + '/api/orders', { method: 'POST', body: new URLSearchParams({ sku: 'A-1', qty: '2' }) })

    expect(response.status).toBe(200)
  })

  it.each([
    ['FormData', () => new FormData()],
    ['Blob', () => new Blob(['{"qty":1}'])],
    ['ArrayBuffer', () => new ArrayBuffer(4)],
    ['Uint8Array', () => new Uint8Array([1, 2])],
    ['ReadableStream', () => new ReadableStream()],
  ])('rejects a %s body with a TypeError naming it, before anything is sent', async (kind, body) => {
    const { server, api, spy } = await signing()

    const sending = api(server.url + '/api/upload', { method: 'POST', body: body(), duplex: 'half' } as RequestInit)

    await expect(sending).rejects.toBeInstanceOf(TypeError)
    await expect(sending).rejects.toThrow(kind)
    expect(spy).not.toHaveBeenCalled()
    expect(server.calls('/api/upload')).toBe(0)
  })
})

describe('withTokens and a 429', () => {
  it('reads an HTTP-date Retry-After on the controller’s clock, not Date.now()', async () => {
    const now = Date.parse('2031-06-01T12:00:00Z')
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 'a', expires_in: 3600 }), now: () => now })
    onTestFinished(() => tokens.stop())
    const retryAfter = new Date(now + 7_000).toUTCString()
    const api = withTokens(async () => new Response('slow down', { status: 429, headers: { 'retry-after': retryAfter } }), tokens)

    const response = (await api('https://api.example.com/token', { auth: false })) as Response & { retryAfterMs?: number }

    expect(response.retryAfterMs).toBe(7_000)
  })
})
