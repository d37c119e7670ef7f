// The user-login session (issue 16) against a real, independently written OAuth 2.0 server: panva's oidc-provider on
// 127.0.0.1 (test/helpers/oauth-server.ts), with refresh-token rotation, revocation and introspection. The app is
// real luch-request over the uni shim, the controller attached to it, storage in uni's storage; the resource it calls
// is the provider's own userinfo endpoint (/me), which checks the bearer token. `fetchToken` refreshes through the
// same instance, so a refused refresh token reaches the controller as luch-request rejects it: the response with
// statusCode 400 and data.error 'invalid_grant', which the default isLoginRequired recognises. Tokens are compared
// as booleans, so a failing assertion never prints one.
import axios from 'axios'
import Request from 'luch-request'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  attachTokenController,
  createTokenController,
  LoginRequiredError,
  uniStorage,
  type LoginRequiredInfo,
  type TokenController,
  type TokenControllerEvent,
  type TokenResponse,
} from '../src/index.ts'
import { startOAuthServer, type OAuthServer } from './helpers/oauth-server.ts'
import { createUniShim, installUniShim, type UniShim } from './helpers/uni-shim.ts'
import { createVirtualClock, type VirtualClock } from './helpers/virtual-clock.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const STORAGE_KEY = 'painless-token'

interface Session {
  tokens: TokenController
  http: Request
  clock: VirtualClock
  events: TokenControllerEvent[]
  lost: LoginRequiredInfo[]
  /** What uni's storage holds for the controller, parsed; undefined when nothing is stored. */
  stored(): { accessToken: string; refreshToken?: string } | undefined
}

let server: OAuthServer
let shim: UniShim
let uninstallShim: () => void
let session: Session

beforeEach(async () => {
  server = await startOAuthServer()
  shim = createUniShim()
  uninstallShim = installUniShim(shim)
  session = startSession()
  await session.tokens.ready()
})

afterEach(async () => {
  session.tokens.stop()
  uninstallShim()
  shim.close()
  await server.close()
})

function startSession(): Session {
  const clock = createVirtualClock()
  const events: TokenControllerEvent[] = []
  const lost: LoginRequiredInfo[] = []
  const http = new Request({ baseURL: server.url })
  // Both endpoints take the client's credentials (client_secret_basic) and a form body; neither takes our token.
  const oauthPost = (path: string, data: Record<string, string>) =>
    http.post(path, data, { header: { ...FORM, Authorization: server.basicAuth }, custom: { auth: false } })
  const tokens = createTokenController({
    fetchToken: async ({ refreshToken }) => {
      // A refresh-token app: with no refresh token only the login page can help.
      if (refreshToken === undefined) throw new LoginRequiredError('no refresh token: sign in first')
      return (await oauthPost('/token', { grant_type: 'refresh_token', refresh_token: refreshToken })).data
    },
    revokeToken: async ({ accessToken, refreshToken }) => {
      // RFC 7009: one call per token. The refresh token first: revoking it ends the whole grant at this provider.
      if (refreshToken) await oauthPost('/token/revocation', { token: refreshToken, token_type_hint: 'refresh_token' })
      if (accessToken) await oauthPost('/token/revocation', { token: accessToken, token_type_hint: 'access_token' })
    },
    onLoginRequired: (info) => lost.push(info),
    onEvent: (event) => events.push(event),
    storage: uniStorage(),
    storageKey: STORAGE_KEY,
    now: clock.now,
    clock,
  })
  attachTokenController(http, tokens)
  return {
    tokens,
    http,
    clock,
    events,
    lost,
    stored() {
      const raw = shim.storage.get(STORAGE_KEY)
      return typeof raw === 'string' ? JSON.parse(raw) : undefined
    },
  }
}

const me = () => session.http.get('/me')
const burst = (n: number) => Promise.allSettled(Array.from({ length: n }, me))
const codeOf = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : 'fulfilled'
const countEvents = (type: string) => session.events.filter((event) => event.type === type).length
// Never a token in an event: every token the test saw, searched for in everything reported.
const leaks = (...tokens: Array<string | undefined>) =>
  tokens.filter((token) => token !== undefined && JSON.stringify(session.events).includes(token)).length

describe('a login grant handed over with setGrant', () => {
  it('stores the grant, answers hasSession, and authorizes requests with no refresh', async () => {
    expect(session.tokens.hasSession()).toBe(false)

    const grant = await server.login()
    session.tokens.setGrant(grant)

    expect(session.tokens.hasSession()).toBe(true)
    expect(session.stored()?.accessToken === grant.access_token).toBe(true)
    expect(session.stored()?.refreshToken === grant.refresh_token).toBe(true)
    await expect(me()).resolves.toMatchObject({ statusCode: 200, data: { sub: 'user-1' } })
    expect(server.tokenCalls('refresh_token')).toBe(0)
  })

  it('a cold start with no session is login required at once; the login page’s setGrant ends it', async () => {
    const outcomes = await burst(5)
    expect(outcomes.map(codeOf)).toEqual(Array(5).fill('LOGIN_REQUIRED'))
    expect(session.lost).toHaveLength(1)
    expect(server.tokenCalls()).toBe(0)

    session.tokens.setGrant(await server.login())
    await expect(me()).resolves.toMatchObject({ statusCode: 200 })
    expect(session.lost).toHaveLength(1)
  })
})

describe('expiry and refresh with rotation', () => {
  it('a burst after expiry makes one refresh at the provider and stores the rotated refresh token', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    session.clock.advance(grant.expires_in * 1000)

    const outcomes = await burst(20)

    expect(outcomes.map(codeOf)).toEqual(Array(20).fill('fulfilled'))
    expect(server.tokenCalls('refresh_token')).toBe(1)
    // Each request reached /me once, after the refresh: none was sent with the expired token.
    expect(shim.calls('/me')).toBe(20)
    const stored = session.stored()
    expect(stored?.refreshToken === undefined || stored.refreshToken === grant.refresh_token).toBe(false)
    expect(stored?.accessToken === grant.access_token).toBe(false)
    expect(await server.introspect(stored!.refreshToken!)).toMatchObject({ active: true, sub: 'user-1' })
    expect(await server.introspect(stored!.accessToken)).toMatchObject({ active: true, sub: 'user-1' })
    // Rotation: the provider consumed the old refresh token.
    expect(await server.introspect(grant.refresh_token)).toEqual({ active: false })
    expect(leaks(grant.access_token, grant.refresh_token, stored?.accessToken, stored?.refreshToken)).toBe(0)
  })

  it('refreshes again with the rotated token on the next expiry', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      session.clock.advance(grant.expires_in * 1000)
      expect((await burst(5)).map(codeOf)).toEqual(Array(5).fill('fulfilled'))
      expect(server.tokenCalls('refresh_token')).toBe(cycle)
    }
    expect(await server.introspect(session.stored()!.refreshToken!)).toMatchObject({ active: true })
  })
})

describe('the refresh token revoked at the provider', () => {
  it('rejects the burst with LOGIN_REQUIRED after one refused refresh, and calls onLoginRequired once', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    await server.revoke(grant.refresh_token, 'refresh_token')
    session.clock.advance(grant.expires_in * 1000)

    const outcomes = await burst(20)

    expect(outcomes.map(codeOf)).toEqual(Array(20).fill('LOGIN_REQUIRED'))
    expect(server.tokenCalls('refresh_token')).toBe(1)
    expect(shim.calls('/me')).toBe(0)
    expect(session.lost).toEqual([{ reason: 'rejected' }])
    expect(countEvents('session.lost')).toBe(1)

    // No retry storm: later requests are refused at once, with no call to the provider.
    expect((await burst(10)).map(codeOf)).toEqual(Array(10).fill('LOGIN_REQUIRED'))
    await expect(session.tokens.getToken()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' })
    await expect(session.tokens.refresh()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' })
    expect(server.tokenCalls('refresh_token')).toBe(1)
    expect(shim.calls('/me')).toBe(0)
    expect(session.lost).toHaveLength(1)
    expect(leaks(grant.access_token, grant.refresh_token)).toBe(0)
  })

  it('an unexpired access token refused with 401 (the grant revoked) ends the same way: one refresh, then login', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    await expect(me()).resolves.toMatchObject({ statusCode: 200 })
    // Revoking the refresh token revokes the whole grant here, the access token too: the next /me answers 401.
    await server.revoke(grant.refresh_token, 'refresh_token')

    const outcomes = await burst(10)

    expect(outcomes.map(codeOf)).toEqual(Array(10).fill('LOGIN_REQUIRED'))
    expect(server.tokenCalls('refresh_token')).toBe(1)
    expect(session.lost).toHaveLength(1)
  })

  it('setGrant after a new login leaves the login-required state', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    await server.revoke(grant.refresh_token, 'refresh_token')
    session.clock.advance(grant.expires_in * 1000)
    await expect(me()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' })

    session.tokens.setGrant(await server.login())

    await expect(me()).resolves.toMatchObject({ statusCode: 200, data: { sub: 'user-1' } })
    expect(session.tokens.hasSession()).toBe(true)
    expect(session.lost).toHaveLength(1)
  })
})

describe('logout()', () => {
  it('revokes both tokens at the provider, forgets them, and requires a login', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    await expect(me()).resolves.toMatchObject({ statusCode: 200 })

    await session.tokens.logout()

    expect(server.revocationCalls()).toBe(2)
    expect(await server.introspect(grant.access_token)).toEqual({ active: false })
    expect(await server.introspect(grant.refresh_token)).toEqual({ active: false })
    expect(session.tokens.hasSession()).toBe(false)
    expect(session.stored()).toBeUndefined()
    expect(session.lost).toEqual([{ reason: 'logout' }])
    await expect(me()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' })
    expect(server.tokenCalls('refresh_token')).toBe(0)
    expect(leaks(grant.access_token, grant.refresh_token)).toBe(0)
  })

  it('revokes the rotated refresh token, the one held at logout', async () => {
    const grant = await server.login()
    session.tokens.setGrant(grant)
    session.clock.advance(grant.expires_in * 1000)
    await expect(me()).resolves.toMatchObject({ statusCode: 200 })
    const held = session.stored()!

    await session.tokens.logout()

    expect(await server.introspect(held.refreshToken!)).toEqual({ active: false })
    expect(await server.introspect(held.accessToken)).toEqual({ active: false })
  })
})

describe('other HTTP clients in fetchToken', () => {
  // A controller of its own, no adapter: getToken() alone shows how fetchToken's rejection is read.
  async function revokedSession(fetchToken: (refreshToken: string) => Promise<TokenResponse>) {
    const lost: LoginRequiredInfo[] = []
    const clock = createVirtualClock()
    const tokens = createTokenController({
      fetchToken: ({ refreshToken }) => fetchToken(refreshToken!),
      onLoginRequired: (info) => lost.push(info),
      now: clock.now,
      clock,
    })
    const grant = await server.login()
    tokens.setGrant(grant)
    await server.revoke(grant.refresh_token, 'refresh_token')
    clock.advance(grant.expires_in * 1000)
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.getToken()))
    tokens.stop()
    return { codes: outcomes.map(codeOf), lost }
  }

  it('axios: the default isLoginRequired reads invalid_grant in the error’s response', async () => {
    const client = axios.create({ baseURL: server.url, headers: { ...FORM, Authorization: server.basicAuth } })
    const { codes, lost } = await revokedSession(
      async (refreshToken) =>
        (await client.post('/token', new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }))).data,
    )
    expect(codes).toEqual(Array(5).fill('LOGIN_REQUIRED'))
    expect(lost).toHaveLength(1)
    expect(server.tokenCalls('refresh_token')).toBe(1)
  })

  it('fetch: a Response is read by the app, which throws LoginRequiredError on invalid_grant', async () => {
    const { codes, lost } = await revokedSession(async (refreshToken) => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { ...FORM, Authorization: server.basicAuth },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      })
      const body = await response.json()
      if (body.error === 'invalid_grant') throw new LoginRequiredError('the refresh token was refused')
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`)
      return body
    })
    expect(codes).toEqual(Array(5).fill('LOGIN_REQUIRED'))
    expect(lost).toHaveLength(1)
    expect(server.tokenCalls('refresh_token')).toBe(1)
  })
})
