// The request path's edges that no adapter scenario reaches: odd URL shapes, a signer that returns nothing.
import { describe, expect, it, vi } from 'vitest'
import { createRequestPath } from '../../src/adapters/request-path.ts'
import type { TokenController } from '../../src/index.ts'

function standIn() {
  return { getToken: vi.fn(() => Promise.resolve('t1')), currentToken: () => undefined, invalidate: vi.fn() } as unknown as TokenController
}
const status = (answer: { status: number }) => answer.status

describe('request path edges', () => {
  it('keeps the request when sign mutates it in place and returns nothing', () => {
    const sign = (request: { sig?: string }, token: string) => {
      request.sig = `signed ${token}`
    }
    const path = createRequestPath(standIn(), { sign }, status)
    const request: { sig?: string } = {}

    expect(path.apply(request, {}, 't1')).toBe(request)
    expect(request.sig).toBe('signed t1')
  })

  // What the WHATWG URL parser (fetch, axios, browsers) reads as plain http, however the string is written.
  it.each([
    [' http://api.example.com/a'],
    ['\u0000http://api.example.com/a'],
    ['ht\ttp://api.example.com/a'],
    ['http\n://api.example.com/a'],
    ['http:api.example.com/a'],
    ['http:/api.example.com/a'],
    ['http:\\\\api.example.com\\a'],
    ['http://localhost.evil.com/a'],
    ['http://localhost@evil.com/a'],
    ['http://127.0.0.1.evil.com/a'],
  ])('refuses %j with INSECURE_URL', (url) => {
    const path = createRequestPath(standIn(), {}, status)
    expect(() => path.authorize(url)).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }))
  })

  it.each([
    ['https://api.example.com/a'],
    [' https://api.example.com'],
    ['/relative/path'],
    ['http:localhost:8080/a'],
    ['http://[::1]/a'],
    ['HTTP://127.0.0.1:9/a'],
  ])('lets %j through by default', async (url) => {
    const path = createRequestPath(standIn(), {}, status)
    expect(await path.authorize(url)).toBe('t1')
  })

  it('lets a plain-http URL through with requireHttps: false', async () => {
    expect(await createRequestPath(standIn(), { requireHttps: false }, status).authorize('http://example.com')).toBe('t1')
  })

  it.each([
    ['http://api.example.com/orders?id=1', 'http://api.example.com'],
    ['HTTP://api.example.com:8080?id=1', 'http://api.example.com:8080'],
    ['http://alice:s3cr3t@api.example.com/orders', 'http://api.example.com'],
    ['http://api.example.com#top', 'http://api.example.com'],
    ['http://', 'http://'],
  ])('names only the origin of %s in INSECURE_URL, never its path or query', (url, origin) => {
    const path = createRequestPath(standIn(), { requireHttps: true }, status)
    expect(() => path.authorize(url)).toThrow(expect.objectContaining({ code: 'INSECURE_URL', message: expect.stringContaining(origin) }))
    expect(() => path.authorize(url)).not.toThrow(/orders|id=1|top/)
  })
})
