// A JWT's exp, read by hand (mini-programs have no atob, TextDecoder or Buffer): base64url to bytes, strict UTF-8
// to text, JSON to `exp` in epoch ms. Malformed input of any kind answers undefined, never throws. The decoders
// are checked against Node's own Buffer and TextDecoder (allowed here, in tests only) on arbitrary input.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64Url, decodeUtf8, jwtExpiresAt } from '../src/jwt.ts'
import { propertyParameters, propertyTimeoutMs } from './property/run-config.ts'

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
/** A compact JWS with this payload; the header and signature are never read. */
const jwt = (payload: unknown) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`

describe('jwtExpiresAt', () => {
  it('reads exp (epoch seconds) as epoch ms', () => {
    expect(jwtExpiresAt(jwt({ sub: 'u1', exp: 1_700_000_000 }))).toBe(1_700_000_000_000)
  })

  it('accepts a fractional exp (RFC 7519 NumericDate) and an unsigned token (alg none: empty signature)', () => {
    expect(jwtExpiresAt(jwt({ exp: 1_700_000_000.5 }))).toBe(1_700_000_000_500)
    expect(jwtExpiresAt(`${b64url('{"alg":"none"}')}.${b64url('{"exp":2}')}.`)).toBe(2000)
  })

  it('reads a payload holding any Unicode (Chinese names, emoji) around exp', () => {
    expect(jwtExpiresAt(jwt({ name: '张三', note: '🔑 ok', exp: 1_800_000_000 }))).toBe(1_800_000_000_000)
  })

  it.each([
    ['an opaque token', 'f3a9c1d2e4b5'],
    ['a RuoYi-style uuid token', '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d'],
    ['two parts', `${b64url('{}')}.${b64url('{"exp":2}')}`],
    ['an encrypted JWT (five parts)', `a.${b64url('{"exp":2}')}.c.d.e`],
    ['an empty payload', `${b64url('{}')}..sig`],
    ['a payload outside the base64url alphabet (+ and /)', `h.${Buffer.from('{"exp":2}>>?').toString('base64')}.s`],
    ['padded base64url', `h.${Buffer.from('{"exp":20}').toString('base64')}.s`],
    ['an impossible length', 'h.eyJle.s'],
    ['a payload that is not JSON', `h.${b64url('{"exp":2')}.s`],
    ['a payload that is not UTF-8', `h.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.s`],
    ['a JSON array', `h.${b64url('[2]')}.s`],
    ['JSON null', `h.${b64url('null')}.s`],
    ['a JSON number', `h.${b64url('2')}.s`],
    ['no exp', jwt({ sub: 'u1', iat: 1 })],
    ['a string exp', jwt({ exp: '1700000000' })],
    ['a null exp', jwt({ exp: null })],
    ['an exp that overflows to Infinity in ms', `h.${b64url('{"exp":1e306}')}.s`],
    ['an exp of 1e999 (Infinity once parsed)', `h.${b64url('{"exp":1e999}')}.s`],
  ])('answers undefined for %s', (_, token) => {
    expect(jwtExpiresAt(token)).toBeUndefined()
  })
})

describe('decodeBase64Url', () => {
  it.each([
    ['', []],
    ['AA', [0]],
    ['AAE', [0, 1]],
    ['AAEC', [0, 1, 2]],
    ['-_8', [0xfb, 0xff]],
  ])('decodes %j', (text, bytes) => {
    expect(decodeBase64Url(text)).toEqual(bytes)
  })

  it.each([['A'], ['AAAAA'], ['AA='], ['AA=='], ['A+'], ['A/'], ['A A'], ['AÀ']])('refuses %j', (text) => {
    expect(decodeBase64Url(text)).toBeUndefined()
  })

  it(
    'matches Buffer on arbitrary bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          expect(decodeBase64Url(Buffer.from(bytes).toString('base64url'))).toEqual(Array.from(bytes))
        }),
        propertyParameters('decodeBase64Url matches Buffer'),
      )
    },
    propertyTimeoutMs(),
  )

  it(
    'refuses any string with a character outside the alphabet, and accepts every other string Buffer decodes alike',
    () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), (text) => {
          const decoded = decodeBase64Url(text)
          if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) expect(decoded).toBeUndefined()
          else expect(decoded).toEqual(Array.from(Buffer.from(text, 'base64url')))
        }),
        propertyParameters('decodeBase64Url refuses outside the alphabet'),
      )
    },
    propertyTimeoutMs(),
  )
})

describe('decodeUtf8', () => {
  it.each([
    ['ASCII', [0x61, 0x62], 'ab'],
    ['two bytes', [0xc3, 0xa9], 'é'],
    ['three bytes', [0xe5, 0xbc, 0xa0], '张'],
    ['four bytes (a surrogate pair in JavaScript)', [0xf0, 0x9f, 0x94, 0x91], '🔑'],
    ['the largest code point', [0xf4, 0x8f, 0xbf, 0xbf], '\u{10ffff}'],
    ['a byte order mark, kept', [0xef, 0xbb, 0xbf, 0x61], '\ufeffa'],
  ])('decodes %s', (_, bytes, text) => {
    expect(decodeUtf8(bytes)).toBe(text)
  })

  it.each([
    ['a stray continuation byte', [0x80]],
    ['an overlong two-byte form', [0xc0, 0xaf]],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf]],
    ['an overlong four-byte form', [0xf0, 0x80, 0x80, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a first byte past 0xF4', [0xf5, 0x80, 0x80, 0x80]],
    ['a truncated sequence', [0xe5, 0xbc]],
    ['a continuation byte missing mid-sequence', [0xe5, 0x41, 0xa0]],
  ])('refuses %s', (_, bytes) => {
    expect(decodeUtf8(bytes)).toBeUndefined()
  })

  it(
    'matches a fatal TextDecoder on arbitrary bytes: the same text, or undefined where it throws',
    () => {
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
      // Mostly valid UTF-8 with some noise, so both outcomes come up often.
      const bytes = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }).map((text) => Array.from(Buffer.from(text, 'utf8'))),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 12 }),
        fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([text, at, byte]) => {
          const list = Array.from(Buffer.from(text, 'utf8'))
          list.splice(at % (list.length + 1), 0, byte)
          return list
        }),
      )
      fc.assert(
        fc.property(bytes, (list) => {
          let expected: string | undefined
          try {
            expected = decoder.decode(Uint8Array.from(list))
          } catch {
            expected = undefined
          }
          expect(decodeUtf8(list)).toBe(expected)
        }),
        propertyParameters('decodeUtf8 matches a fatal TextDecoder'),
      )
    },
    propertyTimeoutMs(),
  )
})

describe('the round trip a token takes', () => {
  it(
    'reads back exp from any UTF-8 JSON payload encoded by Buffer as base64url',
    () => {
      const payload = fc.record({
        exp: fc.integer({ min: 0, max: 32_503_680_000 }),
        claims: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue()),
      })
      fc.assert(
        fc.property(payload, ({ exp, claims }) => {
          const json = JSON.stringify({ ...claims, exp })
          const encoded = b64url(json)
          expect(decodeUtf8(decodeBase64Url(encoded) as number[])).toBe(json)
          expect(jwtExpiresAt(`h.${encoded}.s`)).toBe(exp * 1000)
        }),
        propertyParameters('jwt payload round trip'),
      )
    },
    propertyTimeoutMs(),
  )

  it(
    'never throws, whatever the token',
    () => {
      const token = fc.oneof(
        fc.string(),
        fc.tuple(fc.string(), fc.string(), fc.string()).map((parts) => parts.join('.')),
        fc.jsonValue().map((value) => `h.${b64url(JSON.stringify(value) ?? '')}.s`),
      )
      fc.assert(
        fc.property(token, (text) => {
          const exp = jwtExpiresAt(text)
          expect(exp === undefined || Number.isFinite(exp)).toBe(true)
        }),
        propertyParameters('jwtExpiresAt never throws'),
      )
    },
    propertyTimeoutMs(),
  )
})
