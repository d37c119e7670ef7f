// Token responses in, grants out: both spellings, seconds to epoch ms, every way a response is
// unusable (never quoting the token), non-enumerable secrets, and the stored form read back.
import { describe, expect, it } from 'vitest'
import type { Grant } from '../machines/token.types.ts'
import { InvalidTokenResponseError, TokenError } from '../src/errors.ts'
import { createGrant, parseStoredToken, parseTokenResponse, serializeGrant } from '../src/grant.ts'

const RECEIVED_AT = 1_700_000_000_000
const ACCESS = 'access-SeCrEt-1'
const REFRESH = 'refresh-SeCrEt-1'

function grantOf(response: unknown): Grant {
  const result = parseTokenResponse(response, RECEIVED_AT)
  if (result instanceof TokenError) throw new Error(`expected a grant, got ${result.code}`)
  return result
}

function problemWith(response: unknown): InvalidTokenResponseError {
  const result = parseTokenResponse(response, RECEIVED_AT)
  expect(result).toBeInstanceOf(InvalidTokenResponseError)
  return result as InvalidTokenResponseError
}

describe('parseTokenResponse: usable responses', () => {
  it('reads the camelCase shape, counting expiresIn seconds from when the response arrived', () => {
    const grant = grantOf({ accessToken: ACCESS, expiresIn: 3600, refreshToken: REFRESH })

    expect(grant.accessToken).toBe(ACCESS)
    expect(grant.expiresAt).toBe(RECEIVED_AT + 3_600_000)
    expect(grant.refreshToken).toBe(REFRESH)
  })

  it('reads the snake_case shape most OAuth servers send', () => {
    const grant = grantOf({ access_token: ACCESS, token_type: 'Bearer', expires_in: 7200, refresh_token: REFRESH })

    expect(grant.accessToken).toBe(ACCESS)
    expect(grant.expiresAt).toBe(RECEIVED_AT + 7_200_000)
    expect(grant.refreshToken).toBe(REFRESH)
  })

  it.each([
    ['7200', 7_200_000],
    [' 7200 ', 7_200_000],
    ['1.5', 1500],
  ])('accepts the numeric string expires_in %j', (expiresIn, ms) => {
    expect(grantOf({ access_token: ACCESS, expires_in: expiresIn }).expiresAt).toBe(RECEIVED_AT + ms)
  })

  it('lets an absolute expiresAt win over expiresIn', () => {
    const grant = grantOf({ accessToken: ACCESS, expiresIn: 60, expiresAt: RECEIVED_AT + 5000 })

    expect(grant.expiresAt).toBe(RECEIVED_AT + 5000)
  })

  it('takes expiresAt alone as epoch ms', () => {
    expect(grantOf({ accessToken: ACCESS, expiresAt: RECEIVED_AT + 1 }).expiresAt).toBe(RECEIVED_AT + 1)
  })

  it('leaves refreshToken undefined when the response has none', () => {
    const grant = grantOf({ accessToken: ACCESS, expiresIn: 60 })

    expect(grant.refreshToken).toBeUndefined()
  })
})

describe('parseTokenResponse: unusable responses', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a bare token string', ACCESS],
    ['a number', 42],
    ['a boolean', true],
  ])('refuses %s as not an object', (_, response) => {
    expect(problemWith(response).code).toBe('INVALID_TOKEN_RESPONSE')
  })

  it.each([
    ['no token', { expiresIn: 60 }],
    ['an empty token', { accessToken: '', expiresIn: 60 }],
    ['a numeric token', { accessToken: 12345, expiresIn: 60 }],
    ['an object token', { access_token: { value: ACCESS }, expires_in: 60 }],
    ['an array', [ACCESS, 60]],
  ])('refuses a response with %s', (_, response) => {
    expect(problemWith(response).code).toBe('INVALID_TOKEN_RESPONSE')
  })

  it.each([
    ['no expiry at all', { accessToken: ACCESS }],
    ['a NaN expiresIn', { accessToken: ACCESS, expiresIn: Number.NaN }],
    ['an Infinity expiresIn', { accessToken: ACCESS, expiresIn: Infinity }],
    ['a NaN expiresAt and nothing else', { accessToken: ACCESS, expiresAt: Number.NaN }],
    ['a non-numeric string expires_in', { access_token: ACCESS, expires_in: 'soon' }],
    ['a hex string expires_in', { access_token: ACCESS, expires_in: '0x10' }],
    ['an empty string expires_in', { access_token: ACCESS, expires_in: '' }],
    ['an expires_in of null', { access_token: ACCESS, expires_in: null }],
  ])('refuses %s', (_, response) => {
    expect(problemWith(response).message).toMatch(/expiry/)
  })

  it.each([
    ['a zero expiresIn', { accessToken: ACCESS, expiresIn: 0 }],
    ['a negative expires_in', { access_token: ACCESS, expires_in: -5 }],
    ['a negative numeric string', { access_token: ACCESS, expires_in: '-5' }],
    ['an expiresAt now', { accessToken: ACCESS, expiresAt: RECEIVED_AT }],
    ['an expiresAt in the past', { accessToken: ACCESS, expiresAt: RECEIVED_AT - 1 }],
  ])('refuses %s as an expiry in the past', (_, response) => {
    expect(problemWith(response).message).toMatch(/past/)
  })

  it.each([
    ['an empty refresh token', { accessToken: ACCESS, expiresIn: 60, refreshToken: '' }],
    ['a numeric refresh_token', { access_token: ACCESS, expires_in: 60, refresh_token: 7 }],
  ])('refuses %s', (_, response) => {
    expect(problemWith(response).code).toBe('INVALID_TOKEN_RESPONSE')
  })

  it('is a TokenError whose message, JSON and string form never quote a token', () => {
    const responses: unknown[] = [
      ACCESS,
      { accessToken: ACCESS },
      { accessToken: ACCESS, expiresIn: -1, refreshToken: REFRESH },
      { accessToken: ACCESS, expiresIn: 'soon' },
      { access_token: ACCESS, expires_in: 60, refresh_token: 7 },
      { accessToken: 12345, refreshToken: REFRESH },
    ]
    for (const response of responses) {
      const error = problemWith(response)
      expect(error).toBeInstanceOf(TokenError)
      expect(error.name).toBe('InvalidTokenResponseError')
      for (const text of [error.message, String(error), JSON.stringify(error), error.stack ?? '']) {
        expect(text).not.toContain('SeCrEt')
      }
    }
  })
})

describe('grants keep their secrets non-enumerable', () => {
  it('shows no token to Object.keys, JSON.stringify or a spread, yet reads them', () => {
    const grant = grantOf({ access_token: ACCESS, expires_in: 60, refresh_token: REFRESH })

    expect(Object.keys(grant)).toEqual(['expiresAt'])
    expect(JSON.stringify(grant)).not.toContain('SeCrEt')
    expect(JSON.stringify({ ...grant })).not.toContain('SeCrEt')
    expect([grant.accessToken, grant.refreshToken]).toEqual([ACCESS, REFRESH])
  })

  it('holds for createGrant and for a grant read back from storage', () => {
    const stored = parseStoredToken(serializeGrant({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: REFRESH }))

    for (const grant of [createGrant(ACCESS, RECEIVED_AT, REFRESH), stored.kind === 'grant' ? stored.grant : null]) {
      expect(grant).not.toBeNull()
      expect(Object.keys(grant as Grant)).toEqual(['expiresAt'])
      expect(JSON.stringify(grant)).not.toContain('SeCrEt')
    }
  })

  it('has no refreshToken property at all when none was given', () => {
    expect('refreshToken' in createGrant(ACCESS, RECEIVED_AT)).toBe(false)
  })
})

describe('the stored form', () => {
  it('is the JSON string { accessToken, expiresAt, refreshToken }', () => {
    expect(JSON.parse(serializeGrant({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: REFRESH }))).toEqual({
      accessToken: ACCESS,
      expiresAt: RECEIVED_AT,
      refreshToken: REFRESH,
    })
    expect(JSON.parse(serializeGrant({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: null }))).toEqual({
      accessToken: ACCESS,
      expiresAt: RECEIVED_AT,
    })
  })

  it.each([
    ['with', REFRESH],
    ['without', null],
  ])('round-trips through parseStoredToken %s a refresh token', (_, refreshToken) => {
    const stored = parseStoredToken(serializeGrant({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken }))

    expect(stored.kind).toBe('grant')
    const grant = (stored as { grant: Grant }).grant
    expect([grant.accessToken, grant.expiresAt, grant.refreshToken]).toEqual([ACCESS, RECEIVED_AT, refreshToken ?? undefined])
  })

  it('reads back a stored token that has expired: freshness is for the machine to judge', () => {
    expect(parseStoredToken(JSON.stringify({ accessToken: ACCESS, expiresAt: 1 })).kind).toBe('grant')
  })

  it('reads a stored token with keys it does not know as a grant, ignoring them (another version of the app wrote it)', () => {
    const raw = JSON.stringify({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: 'r1', user: 'x', version: 2 })

    const stored = parseStoredToken(raw)

    expect(stored.kind).toBe('grant')
    const grant = (stored as { grant: { accessToken: string; expiresAt: number; refreshToken?: string } }).grant
    expect([grant.accessToken, grant.expiresAt, grant.refreshToken]).toEqual([ACCESS, RECEIVED_AT, 'r1'])
    expect(JSON.stringify(grant)).not.toContain('user')
  })

  it.each([[''], [null], [undefined]])('reads %j as absent', (raw) => {
    expect(parseStoredToken(raw)).toEqual({ kind: 'absent' })
  })

  it.each([
    ['the snake_case shape', JSON.stringify({ access_token: ACCESS, expires_in: 60 })],
    ['a string expiresAt', JSON.stringify({ accessToken: ACCESS, expiresAt: String(RECEIVED_AT) })],
    ['no expiresAt', JSON.stringify({ accessToken: ACCESS })],
    ['a numeric accessToken', JSON.stringify({ accessToken: 1, expiresAt: RECEIVED_AT })],
    ['an empty accessToken', JSON.stringify({ accessToken: '', expiresAt: RECEIVED_AT })],
    ['a numeric refreshToken', JSON.stringify({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: 1 })],
    ['an empty refreshToken', JSON.stringify({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: '' })],
    ['a null refreshToken', JSON.stringify({ accessToken: ACCESS, expiresAt: RECEIVED_AT, refreshToken: null })],
    ['an empty object', '{}'],
    ['an array', JSON.stringify([ACCESS, RECEIVED_AT])],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', JSON.stringify(ACCESS)],
    ['a bare token, not JSON', ACCESS],
    ['truncated JSON', '{"accessToken":"abc","expiresAt":17'],
    ['an object, not a string', { accessToken: ACCESS, expiresAt: RECEIVED_AT }],
    ['a number, not a string', 42],
  ])('reads %s as foreign', (_, raw) => {
    expect(parseStoredToken(raw)).toEqual({ kind: 'foreign' })
  })
})
