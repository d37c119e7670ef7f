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

  it('sends a ReadableStream body once, returns its 401 as it is, and refreshes the token the 401 refused', async () => {
    const { server, api, tokens } = await warmedUp()
    const body = new ReadableStream({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode('{"qty":1}'))
        controller.close()
      },
    })

    const response = await api(server.url + '/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)
    const refused = server.lastHeaders('/api/upload')?.authorization
    // The refusal invalidated the token it carried: the next token comes from a refresh, not from the cache.
    const next = await tokens.getToken()

    expect(response.status).toBe(401)
    expect(server.calls('/api/upload')).toBe(1)
    expect(server.calls('/token')).toBe(2)
    expect(`Bearer ${next}`).not.toBe(refused)
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

  it('signs a Request’s multipart FormData body over the exact bytes the Request sends, so the server accepts it', async () => {
    const { server, api } = await signing()
    const form = new FormData()
    form.append('sku', 'A-1')
    form.append('note', new Blob(['naïve ✓'], { type: 'text/plain' }), 'note.txt')
    const request = new Request(server.url + '/api/upload', { method: 'POST', body: form })

    const response = await api(request)

    expect(response.status).toBe(200)
    const { data } = (await response.json()) as { data: { body: string } }
    expect(data.body).toMatch(/^--.+\r\nContent-Disposition: form-data; name="sku"\r\n\r\nA-1\r\n/)
    expect(data.body).toContain('naïve ✓')
  })

  it('signs a Request body that starts with a byte order mark with the mark, as it is sent', async () => {
    const { server, api } = await signing()
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"qty":5}')])

    const response = await api(new Request(server.url + '/api/orders', { method: 'POST', body }))

    expect(response.status).toBe(200)
  })

  it.each([
    ['bytes that are not UTF-8', () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['a Blob of an image', () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff])], { type: 'image/png' })],
    [
      'a FormData holding a binary file',
      () => {
        const form = new FormData()
        form.append('photo', new Blob([new Uint8Array([0xff, 0xd8, 0xff])]), 'photo.jpg')
        return form
      },
    ],
  ])('rejects a Request whose body is %s with a TypeError, before anything is sent', async (_kind, body) => {
    const { server, api, spy } = await signing()

    const sending = api(new Request(server.url + '/api/upload', { method: 'POST', body: body() }))

    await expect(sending).rejects.toThrow(new TypeError('withTokens: a Request body that is not UTF-8 text cannot be signed'))
    expect(spy).not.toHaveBeenCalled()
    expect(server.calls('/api/upload')).toBe(0)
  })

  it('rejects a Request with a body where the platform has no TextDecoder, and still signs one without a body', async () => {
    const { server, api, spy } = await signing()
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'TextDecoder') as PropertyDescriptor
    delete (globalThis as { TextDecoder?: unknown }).TextDecoder
    onTestFinished(() => {
      Object.defineProperty(globalThis, 'TextDecoder', saved)
    })

    const sending = api(new Request(server.url + '/api/upload', { method: 'POST', body: '{"qty":1}' }))
    await expect(sending).rejects.toThrow(new TypeError('withTokens: no TextDecoder here, so a Request body cannot be signed'))
    expect(spy).not.toHaveBeenCalled()
    const response = await api(new Request(server.url + '/api/orders'))

    expect(response.status).toBe(200)
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
