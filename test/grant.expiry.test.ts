// Grants whose response states no expiry (RuoYi-style `{ token }`, or a bare JWT): the access token's JWT `exp`
// is the expiry, else the `defaultLifetimeMs` option, else the grant is refused as before. `Infinity` never
// expires by time: no timer is ever set from it, a 401 or `refresh()` replaces it, and it survives a restart
// (stored with `expiresAt: null`, as JSON has no Infinity). A JWT already expired on arrival is refused.
import { describe, expect, it } from 'vitest'
import type { Grant } from '../machines/token.types.ts'
import { InvalidTokenResponseError, TokenError } from '../src/errors.ts'
import { parseStoredToken, parseTokenResponse, serializeGrant } from '../src/grant.ts'
import { createTokenController, type TokenControllerEvent, type TokenResponse, type TokenStorage } from '../src/index.ts'
import { createVirtualClock } from './helpers/virtual-clock.ts'

const RECEIVED_AT = 1_700_000_000_000
const OPAQUE = 'opaque-SeCrEt-1'
const DAY_MS = 86_400_000

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
/** A JWT access token with this payload (the signature is never checked: only the server does that). */
const jwt = (payload: Record<string, unknown>) =>
  `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ sub: 'SeCrEt', ...payload }))}.sig`

function grantOf(response: unknown, defaultLifetimeMs?: number): Grant {
  const result = parseTokenResponse(response, RECEIVED_AT, defaultLifetimeMs)
  if (result instanceof TokenError) throw new Error(`expected a grant, got ${result.message}`)
  return result
}

function problemWith(response: unknown, defaultLifetimeMs?: number): InvalidTokenResponseError {
  const result = parseTokenResponse(response, RECEIVED_AT, defaultLifetimeMs)
  expect(result).toBeInstanceOf(InvalidTokenResponseError)
  expect(result).toMatchObject({ code: 'INVALID_TOKEN_RESPONSE' })
  expect((result as Error).message).not.toContain('SeCrEt')
  return result as InvalidTokenResponseError
}

describe('parseTokenResponse: a response that states no expiry', () => {
  const expSeconds = RECEIVED_AT / 1000 + 3600

  it.each([
    ['accessToken', { accessToken: jwt({ exp: expSeconds }) }],
    ['access_token', { access_token: jwt({ exp: expSeconds }), refresh_token: 'r1' }],
    ['access_token with the expiry fields null', { access_token: jwt({ exp: expSeconds }), expires_in: null, expiresAt: null }],
  ])("takes the JWT's exp (epoch seconds) as the expiry, in epoch ms (%s)", (_, response) => {
    expect(grantOf(response).expiresAt).toBe(expSeconds * 1000)
  })

  it('prefers a stated expiry to the JWT exp, and the JWT exp to defaultLifetimeMs', () => {
    expect(grantOf({ access_token: jwt({ exp: expSeconds }), expires_in: 60 }).expiresAt).toBe(RECEIVED_AT + 60_000)
    expect(grantOf({ accessToken: jwt({ exp: expSeconds }), expiresAt: RECEIVED_AT + 5 }).expiresAt).toBe(RECEIVED_AT + 5)
    expect(grantOf({ accessToken: jwt({ exp: expSeconds }) }, Infinity).expiresAt).toBe(expSeconds * 1000)
  })

  it('gives an opaque token, or a JWT without exp, defaultLifetimeMs from when it arrived', () => {
    expect(grantOf({ accessToken: OPAQUE }, 2 * 3_600_000).expiresAt).toBe(RECEIVED_AT + 7_200_000)
    expect(grantOf({ access_token: jwt({ iat: 1 }), expires_in: null }, 1000).expiresAt).toBe(RECEIVED_AT + 1000)
  })

  it('gives it an expiry of Infinity with defaultLifetimeMs Infinity, keeping the refresh token', () => {
    const grant = grantOf({ access_token: OPAQUE, refresh_token: 'r1' }, Infinity)

    expect(grant.expiresAt).toBe(Infinity)
    expect([grant.accessToken, grant.refreshToken]).toEqual([OPAQUE, 'r1'])
  })

  it('refuses it without defaultLifetimeMs, as before, saying how to accept it', () => {
    expect(problemWith({ accessToken: OPAQUE }).message).toMatch(/no expiry stated.*JWT exp.*defaultLifetimeMs/)
    expect(problemWith({ accessToken: jwt({ exp: 'soon' }) }).message).toMatch(/defaultLifetimeMs/)
  })

  it('still refuses an expiry that is stated but unusable: a server bug, not a token without expiry', () => {
    for (const response of [
      { access_token: OPAQUE, expires_in: 'soon' },
      { accessToken: OPAQUE, expiresIn: Number.NaN },
      { accessToken: OPAQUE, expiresAt: '2030-01-01' },
      { accessToken: jwt({ exp: expSeconds }), expiresIn: Infinity },
    ]) {
      expect(problemWith(response, Infinity).message).toMatch(/no usable expiry/)
    }
  })

  it.each([
    ['an exp already past', RECEIVED_AT / 1000 - 1],
    ['an exp exactly now', RECEIVED_AT / 1000],
  ])('refuses a JWT with %s like any past expiry, whatever defaultLifetimeMs says', (_, exp) => {
    expect(problemWith({ accessToken: jwt({ exp }) }).message).toMatch(/in the past/)
    expect(problemWith({ accessToken: jwt({ exp }) }, Infinity).message).toMatch(/device clock/)
  })
})

describe('the stored form of a grant that never expires', () => {
  it('stores expiresAt Infinity as null (JSON has no Infinity) and reads it back as Infinity', () => {
    const raw = serializeGrant({ accessToken: OPAQUE, expiresAt: Infinity, refreshToken: 'r1' })

    expect(JSON.parse(raw)).toEqual({ accessToken: OPAQUE, expiresAt: null, refreshToken: 'r1' })
    const stored = parseStoredToken(raw)
    expect(stored.kind).toBe('grant')
    const grant = (stored as { grant: Grant }).grant
    expect([grant.accessToken, grant.expiresAt, grant.refreshToken]).toEqual([OPAQUE, Infinity, 'r1'])
  })

  it.each([
    ['no expiresAt at all', JSON.stringify({ accessToken: OPAQUE })],
    ['an expiresAt of "Infinity"', JSON.stringify({ accessToken: OPAQUE, expiresAt: 'Infinity' })],
    ['an expiresAt of 1e999 (Infinity once parsed, never written by us)', `{"accessToken":"${OPAQUE}","expiresAt":1e999}`],
    ['a null expiresAt with a null accessToken', JSON.stringify({ accessToken: null, expiresAt: null })],
  ])('still reads %s as foreign: removed, never a crash', (_, raw) => {
    expect(parseStoredToken(raw)).toEqual({ kind: 'foreign' })
  })
})

describe('the defaultLifetimeMs option', () => {
  const fetchToken = () => ({ accessToken: OPAQUE })

  it.each([[1], [60_000], [Number.MAX_SAFE_INTEGER], [Infinity]])('accepts %s', (defaultLifetimeMs) => {
    expect(() => createTokenController({ fetchToken, defaultLifetimeMs }).stop()).not.toThrow()
  })

  it.each([[0], [-1], [0.5], [Number.NaN], [-Infinity], [null], ['60000'], [{}]])('refuses %s with a TypeError naming it', (value) => {
    expect(() => createTokenController({ fetchToken, defaultLifetimeMs: value as number })).toThrow(
      new TypeError(`createTokenController: defaultLifetimeMs must be a number from 1 to Infinity, got ${String(value)}`),
    )
  })
})

/** A controller on the virtual clock whose fetchToken answers at once with the next response given. */
function controllerWith(options: {
  responses: TokenResponse[]
  defaultLifetimeMs?: number
  storage?: TokenStorage
  refreshAheadMs?: number
}) {
  const clock = createVirtualClock({ start: RECEIVED_AT })
  const events: TokenControllerEvent[] = []
  const reasons: string[] = []
  const responses = [...options.responses]
  const tokens = createTokenController({
    fetchToken: ({ reason }) => {
      reasons.push(reason)
      const response = responses.shift()
      if (response === undefined) throw new Error('no response left')
      return response
    },
    clock,
    now: clock.now,
    retry: { attempts: 1 },
    refreshAheadMs: options.refreshAheadMs,
    defaultLifetimeMs: options.defaultLifetimeMs,
    storage: options.storage,
    onEvent: (event) => events.push(event),
  })
  return { tokens, clock, events, reasons }
}

function recordingStorage(initial?: string): TokenStorage & { raw: string | undefined } {
  const storage = {
    raw: initial,
    get: () => storage.raw,
    set: (_key: string, value: string) => void (storage.raw = value),
    remove: () => void (storage.raw = undefined),
  }
  return storage
}

describe('a controller with defaultLifetimeMs Infinity', () => {
  it('keeps the token for ten years without a fetch, and sets no timer from its expiry', async () => {
    const { tokens, clock, events, reasons } = controllerWith({ responses: [{ accessToken: 'token-A' }], defaultLifetimeMs: Infinity })

    expect(await tokens.getToken()).toBe('token-A')
    clock.advance(3650 * DAY_MS)

    expect(tokens.currentToken()).toBe('token-A')
    expect(await tokens.getToken()).toBe('token-A')
    expect(reasons).toEqual(['missing'])
    expect(clock.requested.every((ms) => Number.isFinite(ms))).toBe(true)
    expect(clock.timers()).toEqual([])
    expect(events.find((event) => event.type === 'refresh.succeeded')).toMatchObject({ expiresAt: Infinity })
    expect(events.some((event) => event.type === 'leeway.shortened')).toBe(false)
    tokens.stop()
  })

  it('replaces it when a request is refused (invalidate, as on a 401) or on refresh()', async () => {
    const { tokens, reasons } = controllerWith({
      responses: [{ accessToken: 'token-A' }, { accessToken: 'token-B' }, { accessToken: 'token-C' }],
      defaultLifetimeMs: Infinity,
    })
    await tokens.getToken()

    tokens.invalidate('token-A')
    expect(await tokens.getToken()).toBe('token-B')
    expect(await tokens.refresh()).toBe('token-C')
    expect(reasons).toEqual(['missing', 'invalidated', 'forced'])
    tokens.stop()
  })

  it('survives a restart: the stored grant is read back as never expiring, with no fetch', async () => {
    const storage = recordingStorage()
    const first = controllerWith({ responses: [{ access_token: 'token-A', refresh_token: 'r1' }], defaultLifetimeMs: Infinity, storage })
    await first.tokens.getToken()
    first.tokens.stop()
    expect(JSON.parse(storage.raw as string)).toEqual({ accessToken: 'token-A', expiresAt: null, refreshToken: 'r1' })

    // The next start needs no defaultLifetimeMs to read it: the stored grant says "never".
    const second = controllerWith({ responses: [], storage })
    second.clock.advance(365 * DAY_MS)

    expect(second.tokens.currentToken()).toBe('token-A')
    expect(await second.tokens.getToken()).toBe('token-A')
    expect(second.reasons).toEqual([])
    expect(second.events.find((event) => event.type === 'token.restored')).toMatchObject({ expiresAt: Infinity })
    second.tokens.stop()
  })

  it('removes a corrupt stored grant and fetches a new one, never crashing', async () => {
    const storage = recordingStorage('{"accessToken":"token-old","expiresAt":"never"}')
    const { tokens, reasons } = controllerWith({ responses: [{ accessToken: 'token-A' }], defaultLifetimeMs: Infinity, storage })

    expect(await tokens.getToken()).toBe('token-A')
    expect(reasons).toEqual(['missing'])
    expect(JSON.parse(storage.raw as string)).toEqual({ accessToken: 'token-A', expiresAt: null })
    tokens.stop()
  })
})

describe('a controller given a JWT with no stated expiry', () => {
  const nowS = RECEIVED_AT / 1000

  it('refreshes it leewayMs before its exp, with no option needed (no refresh ahead: the hard window alone)', async () => {
    const { tokens, clock, reasons } = controllerWith({
      responses: [{ access_token: jwt({ exp: nowS + 3600 }) }, { access_token: jwt({ exp: nowS + 7200 }) }],
      refreshAheadMs: 0,
    })
    const first = await tokens.getToken()

    clock.advance(3_600_000 - 30_001)
    expect(tokens.currentToken()).toBe(first)
    clock.advance(1)
    expect(tokens.currentToken()).toBeUndefined()
    expect(await tokens.getToken()).not.toBe(first)
    expect(reasons).toEqual(['missing', 'expired'])
    tokens.stop()
  })

  it('gives a JWT that lives no longer than leewayMs half its lifetime as leeway, like any short grant', async () => {
    const { tokens, clock, events } = controllerWith({ responses: [{ accessToken: jwt({ exp: nowS + 20 }) }] })
    const token = await tokens.getToken()

    clock.advance(9_999)
    expect(tokens.currentToken()).toBe(token)
    clock.advance(1)
    expect(tokens.currentToken()).toBeUndefined()
    expect(events.filter((event) => event.type === 'leeway.shortened')).toEqual([
      { type: 'leeway.shortened', generation: 1, leewayMs: 10_000 },
    ])
    tokens.stop()
  })

  it('refuses a JWT already expired on arrival: REFRESH_FAILED with cause INVALID_TOKEN_RESPONSE, nothing stored', async () => {
    const storage = recordingStorage()
    const { tokens } = controllerWith({ responses: [{ accessToken: jwt({ exp: nowS - 60 }) }], defaultLifetimeMs: Infinity, storage })

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'INVALID_TOKEN_RESPONSE' } })
    expect(storage.raw).toBeUndefined()
    tokens.stop()
  })

  it('refuses an opaque token with no expiry and no defaultLifetimeMs, as before', async () => {
    const { tokens } = controllerWith({ responses: [{ accessToken: OPAQUE }] })

    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED', cause: { code: 'INVALID_TOKEN_RESPONSE' } })
    tokens.stop()
  })
})

describe('setGrant with a grant that states no expiry', () => {
  const nowS = RECEIVED_AT / 1000

  it('applies the same rules as a fetched grant: a JWT exp, then defaultLifetimeMs, else INVALID_TOKEN_RESPONSE', async () => {
    const withJwt = controllerWith({ responses: [] })
    const token = jwt({ exp: nowS + 3600 })
    withJwt.tokens.setGrant({ access_token: token })
    await expect(withJwt.tokens.getToken()).resolves.toBe(token)
    withJwt.clock.advance(3_600_000 - 30_000)
    expect(withJwt.tokens.currentToken()).toBeUndefined()
    withJwt.tokens.stop()

    const forever = controllerWith({ responses: [], defaultLifetimeMs: Infinity })
    forever.tokens.setGrant({ access_token: OPAQUE })
    forever.clock.advance(3650 * DAY_MS)
    expect(forever.tokens.currentToken()).toBe(OPAQUE)
    expect(forever.reasons).toEqual([])
    forever.tokens.stop()

    const refused = controllerWith({ responses: [] })
    expect(() => refused.tokens.setGrant({ access_token: OPAQUE })).toThrow(InvalidTokenResponseError)
    expect(refused.tokens.currentToken()).toBeUndefined()
    refused.tokens.stop()
  })
})
