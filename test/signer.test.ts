// The signer: RFC digest vectors through the crypto-js path it uses, canonicalisation, headers, options, nonces.
// Expected signatures come from node:crypto, an implementation independent of crypto-js.
import { createHash, createHmac } from 'node:crypto'
import Hex from 'crypto-js/enc-hex'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { canonicalRequest, createSigner, hmacSha256Hex, md5Hex, md5Upper, type SignableConfig } from '../src/signer.ts'

const bytes = (byte: number, count: number) => Hex.parse(byte.toString(16).padStart(2, '0').repeat(count))
const nodeHmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex')
const nodeMd5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex')

// Runs `body` with the `crypto` global replaced (or removed), restoring Node's getter afterwards.
function withCrypto<T>(value: unknown, body: () => T): T {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  Object.defineProperty(globalThis, 'crypto', { value, configurable: true, writable: true })
  try {
    return body()
  } finally {
    if (original) Object.defineProperty(globalThis, 'crypto', original)
    else delete (globalThis as { crypto?: unknown }).crypto
  }
}

describe('md5Hex', () => {
  it('matches the RFC 1321 test suite', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(md5Hex('a')).toBe('0cc175b9c0f1b6a831c399e269772661')
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72')
    expect(md5Hex('message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0')
    expect(md5Hex('abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b')
    expect(md5Hex('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')).toBe('d174ab98d277d9f5a5611c2c9f419d9f')
    expect(md5Hex('1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a')
  })

  it('hashes non-ASCII text as UTF-8', () => {
    expect(md5Hex('密码')).toBe(nodeMd5('密码'))
  })

  it('has an upper-case twin for the "MD5 the password, upper-case it" rule', () => {
    expect(md5Upper('abc')).toBe('900150983CD24FB0D6963F7D28E17F72')
  })
})

describe('hmacSha256Hex', () => {
  it('matches RFC 4231 test cases 1, 2, 3, 4, 6 and 7', () => {
    expect(hmacSha256Hex(bytes(0x0b, 20), 'Hi There')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7')
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    expect(hmacSha256Hex(bytes(0xaa, 20), bytes(0xdd, 50))).toBe('773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe')
    expect(hmacSha256Hex(Hex.parse('0102030405060708090a0b0c0d0e0f10111213141516171819'), bytes(0xcd, 50))).toBe(
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    )
    expect(hmacSha256Hex(bytes(0xaa, 131), 'Test Using Larger Than Block-Size Key - Hash Key First')).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    )
    const case7 =
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
      'The key needs to be hashed before being used by the HMAC algorithm.'
    expect(hmacSha256Hex(bytes(0xaa, 131), case7)).toBe('9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2')
  })

  it('matches the example in its documentation', () => {
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    )
  })
})

describe('canonicalRequest', () => {
  const lines = (config: SignableConfig) => canonicalRequest(config, 1700000000000, 'n0nce').split('\n')
  const pathOf = (config: SignableConfig) => lines(config)[1]
  const queryOf = (config: SignableConfig) => lines(config)[2]

  it('joins method, path, query, body, timestamp and nonce with newlines', () => {
    expect(canonicalRequest({ method: 'post', url: '/orders?b=2&a=1', data: { n: 1 } }, 1700000000000, 'abc')).toBe(
      'POST\n/orders\na=1&b=2\n{"n":1}\n1700000000000\nabc',
    )
  })

  it('matches the example in its documentation', () => {
    const config = { method: 'post', baseURL: 'https://api.example.com/v1', url: 'orders?b=2&a=1', data: { n: 1 } }
    expect(canonicalRequest(config, 1700000000000, 'abc')).toBe('POST\n/v1/orders\na=1&b=2\n{"n":1}\n1700000000000\nabc')
  })

  it('upper-cases the method and defaults it to GET', () => {
    expect(lines({ url: '/a', method: 'delete' })[0]).toBe('DELETE')
    expect(lines({ url: '/a' })[0]).toBe('GET')
    expect(lines({ url: '/a', method: '' })[0]).toBe('GET')
  })

  it('joins a relative url to baseURL with exactly one slash, as luch-request does', () => {
    expect(pathOf({ baseURL: 'https://api.example.com/v1/', url: '/orders' })).toBe('/v1/orders')
    expect(pathOf({ baseURL: 'https://api.example.com/v1//', url: '/orders' })).toBe('/v1/orders')
    expect(pathOf({ baseURL: 'https://api.example.com/v1', url: 'orders' })).toBe('/v1/orders')
  })

  it('signs the baseURL path when the url is empty', () => {
    expect(pathOf({ baseURL: 'https://api.example.com/v1' })).toBe('/v1')
    expect(pathOf({ baseURL: 'https://api.example.com/v1', url: '' })).toBe('/v1')
  })

  it('ignores baseURL when the url is absolute or protocol-relative', () => {
    expect(pathOf({ baseURL: 'https://api.example.com/v1', url: 'https://other.example.com/x/y' })).toBe('/x/y')
    expect(pathOf({ baseURL: 'https://api.example.com/v1', url: '//cdn.example.com/a' })).toBe('/a')
    // luch-request's isAbsoluteURL reads a leading '//' as a host too, so '//orders' is the host 'orders'.
    expect(pathOf({ baseURL: 'https://api.example.com/v1', url: '//orders' })).toBe('/')
  })

  it('strips the origin, including credentials and port, and signs / for an empty path', () => {
    expect(pathOf({ url: 'https://user:pw@api.example.com:8443/p' })).toBe('/p')
    expect(pathOf({ url: 'https://api.example.com' })).toBe('/')
    expect(pathOf({ url: 'https://api.example.com?x=1' })).toBe('/')
    expect(queryOf({ url: 'https://api.example.com?x=1' })).toBe('x=1')
    expect(pathOf({})).toBe('/')
  })

  it('gives a relative url with no baseURL the leading slash the server will see', () => {
    expect(pathOf({ url: 'users/7' })).toBe('/users/7')
  })

  it('drops the fragment, and anything after # is neither path nor query', () => {
    expect(pathOf({ url: '/a#frag?x=1' })).toBe('/a')
    expect(queryOf({ url: '/a#frag?x=1' })).toBe('')
    expect(queryOf({ url: '/a?y=2#frag' })).toBe('y=2')
  })

  it('merges the url query with params, params winning, sorted by key', () => {
    const config = { url: '/s?b=2&a=1&c=url', params: { c: 'param', d: 4, e: null, f: undefined, aa: true } }
    expect(queryOf(config)).toBe('a=1&aa=true&b=2&c=param&d=4')
  })

  it('keeps a url key when the param of that name is null', () => {
    expect(queryOf({ url: '/s?c=url', params: { c: null } })).toBe('c=url')
  })

  it('signs values as given: url values stay encoded, params stay raw', () => {
    expect(queryOf({ url: '/s?q=a%20b', params: { r: 'x y' } })).toBe('q=a%20b&r=x y')
  })

  it('sorts by code unit, so upper case comes before lower case', () => {
    expect(queryOf({ url: '/s?b=1&B=2&a=3' })).toBe('B=2&a=3&b=1')
  })

  it('keeps repeated url keys in their order, and a bare key as key=', () => {
    expect(queryOf({ url: '/s?a=2&flag&a=1&&' })).toBe('a=2&a=1&flag=')
  })

  it('signs a string body as is, an object as JSON, and no body as an empty line', () => {
    const body = (data: unknown) => lines({ url: '/', data })[3]
    expect(body('a=1&b=2')).toBe('a=1&b=2')
    expect(body({ b: [1, 2], a: 'x' })).toBe('{"b":[1,2],"a":"x"}')
    expect(body(undefined)).toBe('')
    expect(body(null)).toBe('')
    expect(body('')).toBe('')
  })

  it('signs URLSearchParams as its text, and reads `body` when there is no `data` (fetch)', () => {
    expect(lines({ url: '/', data: new URLSearchParams({ b: '2', a: '1 2' }) })[3]).toBe('b=2&a=1+2')
    expect(lines({ url: '/', body: [1, 2] })[3]).toBe('[1,2]')
  })

  it.each([
    ['FormData', () => new FormData()],
    ['Blob', () => new Blob(['x'])],
    ['ArrayBuffer', () => new ArrayBuffer(2)],
    ['Uint8Array', () => new Uint8Array(2)],
    ['DataView', () => new DataView(new ArrayBuffer(2))],
    ['ReadableStream', () => new ReadableStream()],
  ])('refuses a %s body with a TypeError naming it, rather than sign it as "{}"', (kind, body) => {
    expect(() => lines({ url: '/', data: body() })).toThrow(TypeError)
    expect(() => lines({ url: '/', data: body() })).toThrow(`a ${kind} body has no text to sign`)
  })
})

describe('createSigner', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  const fixed = { nonce: () => 'fixed-nonce', now: () => 1700000000000 }

  it('sets X-Timestamp, X-Nonce and an HMAC-SHA256 X-Signature by default', () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    const config = { method: 'post', url: '/orders', data: { n: 1 } }

    const signed = sign(config, 'token')

    expect(signed).toBe(config)
    expect(signed.header).toEqual({
      'X-Timestamp': '1700000000000',
      'X-Nonce': 'fixed-nonce',
      'X-Signature': nodeHmac('s3cret', 'POST\n/orders\n\n{"n":1}\n1700000000000\nfixed-nonce'),
    })
  })

  it('keeps the headers already on the config', () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    const signed = sign({ url: '/a', header: { Authorization: 'Bearer t' } })
    expect(signed.header).toMatchObject({ Authorization: 'Bearer t', 'X-Nonce': 'fixed-nonce' })
  })

  // axios reads `headers` (AxiosHeaders, or a plain object) and fetch a Headers: a `header` there is never sent.
  it('writes through headers.set() where the config has one (AxiosHeaders, Headers), adding no header field', () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    const headers = new Headers({ Authorization: 'Bearer t' })
    const config = { method: 'GET', url: 'https://api.example.com/orders?b=2&a=1', headers }

    const signed = sign(config)

    expect(signed).not.toHaveProperty('header')
    const sent: Record<string, string> = {}
    headers.forEach((value, name) => (sent[name] = value))
    expect(sent).toEqual({
      authorization: 'Bearer t',
      'x-timestamp': '1700000000000',
      'x-nonce': 'fixed-nonce',
      'x-signature': nodeHmac('s3cret', 'GET\n/orders\na=1&b=2\n\n1700000000000\nfixed-nonce'),
    })
  })

  it("writes into a plain headers object, and signs fetch's body when there is no data", () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    const config = { method: 'POST', url: '/orders', headers: { 'Content-Type': 'application/json' }, body: '{"n":1}' }

    sign(config)

    expect(config.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Timestamp': '1700000000000',
      'X-Nonce': 'fixed-nonce',
      'X-Signature': nodeHmac('s3cret', 'POST\n/orders\n\n{"n":1}\n1700000000000\nfixed-nonce'),
    })
  })

  it('keeps writing header when a config has both (luch-request, uni and wx read header)', () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    const config = { url: '/a', header: {} as Record<string, string>, headers: { other: 'x' } }
    sign(config)
    expect(config.header['X-Nonce']).toBe('fixed-nonce')
    expect(config.headers).toEqual({ other: 'x' })
  })

  it('hashes the canonical string, a newline and the secret in MD5 mode', () => {
    const sign = createSigner({ secret: 's3cret', algorithm: 'MD5', ...fixed })
    const config = { url: '/a?x=1' }
    const signature = sign(config).header['X-Signature']
    expect(signature).toBe(nodeMd5(canonicalRequest(config, 1700000000000, 'fixed-nonce') + '\ns3cret'))
    expect(signature).toMatch(/^[0-9a-f]{32}$/)
  })

  it('writes to the header names it is given', () => {
    const sign = createSigner({
      secret: 's3cret',
      headers: { timestamp: 'ts', nonce: 'rand', signature: 'sign' },
      ...fixed,
    })
    const header = sign({ url: '/a' }).header
    expect(Object.keys(header).sort()).toEqual(['rand', 'sign', 'ts'])
    expect(header.ts).toBe('1700000000000')
  })

  it('keeps the default for a header name left out', () => {
    const sign = createSigner({ secret: 's3cret', headers: { signature: 'Sign' }, ...fixed })
    expect(Object.keys(sign({ url: '/a' }).header).sort()).toEqual(['Sign', 'X-Nonce', 'X-Timestamp'])
  })

  it('calls the nonce and clock it is given once per request', () => {
    let nonces = 0
    let clock = 1000
    const sign = createSigner({ secret: 's3cret', nonce: () => `n${++nonces}`, now: () => ++clock })
    const first = sign({ url: '/a' }).header
    const second = sign({ url: '/a' }).header
    expect([first['X-Nonce'], first['X-Timestamp']]).toEqual(['n1', '1001'])
    expect([second['X-Nonce'], second['X-Timestamp']]).toEqual(['n2', '1002'])
    expect(first['X-Signature']).not.toBe(second['X-Signature'])
  })

  it('reads Date.now at sign time by default, so fake timers reach it', () => {
    vi.useFakeTimers()
    vi.setSystemTime(1234567890123)
    const sign = createSigner({ secret: 's3cret' })
    expect(sign({ url: '/a' }).header['X-Timestamp']).toBe('1234567890123')
    vi.setSystemTime(1234567899999)
    expect(sign({ url: '/a' }).header['X-Timestamp']).toBe('1234567899999')
  })

  it('does not sign the token, so one signature fits any token', () => {
    const sign = createSigner({ secret: 's3cret', ...fixed })
    expect(sign({ url: '/a' }, 'one').header['X-Signature']).toBe(sign({ url: '/a' }, 'two').header['X-Signature'])
  })

  it('throws a TypeError naming the option for a missing or empty secret', () => {
    expect(() => createSigner({} as never)).toThrow(TypeError)
    expect(() => createSigner({} as never)).toThrow(/`secret`/)
    expect(() => createSigner({ secret: '' })).toThrow(/`secret`/)
    expect(() => createSigner({ secret: 42 as never })).toThrow(/`secret`/)
    expect(() => createSigner(undefined as never)).toThrow(/`secret`/)
  })

  it('throws a TypeError naming the option for an unknown algorithm', () => {
    expect(() => createSigner({ secret: 's', algorithm: 'SHA1' as never })).toThrow(TypeError)
    expect(() => createSigner({ secret: 's', algorithm: 'hmac-sha256' as never })).toThrow(/`algorithm`/)
  })

  it('throws a TypeError for a nonce or clock that is not a function, or an empty header name', () => {
    expect(() => createSigner({ secret: 's', nonce: 'abc' as never })).toThrow(/`nonce`/)
    expect(() => createSigner({ secret: 's', now: 5 as never })).toThrow(/`now`/)
    expect(() => createSigner({ secret: 's', headers: { nonce: '' } })).toThrow(/`headers.nonce`/)
  })

  it('never puts the secret in an error message', () => {
    expect(() => createSigner({ secret: 'TOPSECRET', algorithm: 'nope' as never })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('TOPSECRET') }),
    )
  })
})

describe('the default nonce', () => {
  const nonceOf = (sign: ReturnType<typeof createSigner>) => sign({ url: '/a' }).header['X-Nonce'] as string

  it('gives 10,000 distinct 32-hex-char nonces', () => {
    const sign = createSigner({ secret: 's' })
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) seen.add(nonceOf(sign))
    expect(seen.size).toBe(10_000)
    expect([...seen].filter((nonce) => !/^[0-9a-f]{32}$/.test(nonce))).toEqual([])
  })

  it('uses crypto.getRandomValues when the platform has it', () => {
    const fake = {
      getRandomValues: (array: Uint8Array) => {
        array.forEach((_, i) => (array[i] = i))
        return array
      },
    }
    const nonce = withCrypto(fake, () => nonceOf(createSigner({ secret: 's' })))
    expect(nonce).toBe('000102030405060708090a0b0c0d0e0f')
  })

  it('still gives distinct nonces with no crypto global, as in a mini-program', () => {
    const seen = withCrypto(undefined, () => {
      expect(typeof crypto).toBe('undefined')
      const sign = createSigner({ secret: 's' })
      const nonces = new Set<string>()
      for (let i = 0; i < 10_000; i++) nonces.add(nonceOf(sign))
      return nonces
    })
    expect(seen.size).toBe(10_000)
    expect([...seen].filter((nonce) => !/^[0-9a-f]{32}$/.test(nonce))).toEqual([])
    expect(typeof crypto.getRandomValues).toBe('function')
  })

  it('still gives distinct nonces with the clock frozen and no crypto global', () => {
    vi.useFakeTimers()
    vi.setSystemTime(1700000000000)
    try {
      const seen = withCrypto(undefined, () => {
        const sign = createSigner({ secret: 's' })
        return new Set(Array.from({ length: 1000 }, () => nonceOf(sign)))
      })
      expect(seen.size).toBe(1000)
    } finally {
      vi.useRealTimers()
    }
  })

  it('falls back when getRandomValues throws, as a polyfill without entropy does', () => {
    const throwing = {
      getRandomValues: () => {
        throw new Error('no entropy')
      },
    }
    const nonce = withCrypto(throwing, () => nonceOf(createSigner({ secret: 's' })))
    expect(nonce).toMatch(/^[0-9a-f]{32}$/)
  })
})
