// The shared policy's edges that no adapter scenario reaches: odd URL and header shapes, a signer that
// returns nothing, a replay without a sent token, and Retry-After values that are not text.
import { describe, expect, it, vi } from 'vitest'
import { createAuthPolicy, headerValue, joinUrl, retryAfterMs, sentToken, stampToken } from '../../src/adapters/policy.ts'
import type { TokenController } from '../../src/index.ts'

function standIn() {
  return { getToken: vi.fn(() => Promise.resolve('t1')), invalidate: vi.fn() } as unknown as TokenController & {
    invalidate: ReturnType<typeof vi.fn>
  }
}
const status = (answer: { status: number }) => answer.status

describe('policy edges', () => {
  it('keeps the request when sign mutates it in place and returns nothing', () => {
    const policy = createAuthPolicy(
      standIn(),
      { sign: (request: { sig?: string }, token) => void (request.sig = `signed ${token}`) },
      status,
    )
    const request: { sig?: string } = {}

    expect(policy.signed(request, 't1')).toBe(request)
    expect(request.sig).toBe('signed t1')
  })

  it('uses what sign returns when it returns a new request', () => {
    const policy = createAuthPolicy(standIn(), { sign: (request: object, token) => ({ ...request, token }) }, status)
    expect(policy.signed({ a: 1 }, 't1')).toEqual({ a: 1, token: 't1' })
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
    const policy = createAuthPolicy(standIn(), {}, status)
    expect(() => policy.checkUrl(url)).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }))
  })

  it.each([
    ['https://api.example.com/a'],
    [' https://api.example.com'],
    ['/relative/path'],
    ['http:localhost:8080/a'],
    ['http://[::1]/a'],
    ['HTTP://127.0.0.1:9/a'],
  ])('lets %j through by default', (url) => {
    const policy = createAuthPolicy(standIn(), {}, status)
    expect(() => policy.checkUrl(url)).not.toThrow()
  })

  it('sets the token header once, replacing the same header in another case, and keeps the others', () => {
    const policy = createAuthPolicy(standIn(), {}, status)
    const headers = { authorization: 'Basic abc', AUTHORIZATION: 'x', 'X-Other': '1' }

    policy.putToken(headers, 't1')

    expect(headers).toEqual({ Authorization: 'Bearer t1', 'X-Other': '1' })
  })

  it('replays an unauthorized answer to a request sent without a token, invalidating nothing', async () => {
    const tokens = standIn()
    const policy = createAuthPolicy(tokens, {}, status)

    expect(await policy.verdict({ status: 401 }, undefined, 0)).toBe('replay')
    expect(tokens.invalidate).not.toHaveBeenCalled()
  })

  it.each([
    ['http://api.example.com/orders?id=1', 'http://api.example.com'],
    ['HTTP://api.example.com:8080?id=1', 'http://api.example.com:8080'],
    ['http://alice:s3cr3t@api.example.com/orders', 'http://api.example.com'],
    ['http://api.example.com#top', 'http://api.example.com'],
    ['http://', 'http://'],
  ])('names only the origin of %s in INSECURE_URL, never its path or query', (url, origin) => {
    const policy = createAuthPolicy(standIn(), { requireHttps: true }, status)
    expect(() => policy.checkUrl(url)).toThrow(expect.objectContaining({ code: 'INSECURE_URL', message: expect.stringContaining(origin) }))
    expect(() => policy.checkUrl(url)).not.toThrow(/orders|id=1|top/)
  })
})

describe('joinUrl', () => {
  it('gives the base URL alone for a missing or empty url', () => {
    expect(joinUrl('https://api.example.com', undefined)).toBe('https://api.example.com')
    expect(joinUrl('https://api.example.com', '')).toBe('https://api.example.com')
  })

  it('gives an empty string with neither', () => {
    expect(joinUrl(undefined, undefined)).toBe('')
  })
})

describe('sentToken', () => {
  it('finds nothing on a value that is not an object', () => {
    expect(sentToken(undefined)).toBeUndefined()
    expect(sentToken(null)).toBeUndefined()
    expect(sentToken('request')).toBeUndefined()
  })

  it('finds the stamped token on an object', () => {
    expect(sentToken(stampToken({}, 't1'))).toBe('t1')
  })
})

describe('headerValue', () => {
  it('reads nothing from missing headers', () => {
    expect(headerValue(undefined, 'retry-after')).toBeUndefined()
    expect(headerValue(null, 'retry-after')).toBeUndefined()
  })

  it('turns a get() that answers null (fetch Headers) into undefined', () => {
    expect(headerValue({ get: () => null }, 'retry-after')).toBeUndefined()
    expect(headerValue({ get: (name: string) => `${name}!` }, 'retry-after')).toBe('retry-after!')
  })

  it('reads a plain object by case-insensitive name, and nothing for an absent one', () => {
    expect(headerValue({ 'Retry-After': '3' }, 'retry-after')).toBe('3')
    expect(headerValue({ 'content-type': 'text/plain' }, 'retry-after')).toBeUndefined()
  })
})

describe('retryAfterMs', () => {
  it('reads a number of seconds given as a number', () => {
    expect(retryAfterMs(2, 0)).toBe(2000)
  })

  it.each([[undefined], [null], [{}], [true], [[]]])('gives undefined for %o', (value) => {
    expect(retryAfterMs(value, 0)).toBeUndefined()
  })
})
