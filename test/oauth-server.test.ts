// The OAuth 2.0 fixture itself (test/helpers/oauth-server.ts): panva's oidc-provider on loopback signs a person in,
// rotates refresh tokens, revokes and introspects, as the session scenarios rely on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OAuthError, startOAuthServer, type OAuthServer } from './helpers/oauth-server.ts'

// First in the file, so it pays for loading oidc-provider too: the whole cost a test file sees.
it('starts, cold, in under two seconds', async () => {
  const started = performance.now()
  const cold = await startOAuthServer()
  const ms = performance.now() - started
  await cold.close()
  expect(ms).toBeLessThan(2000)
})

describe('the oidc-provider fixture', () => {
  let server: OAuthServer
  beforeEach(async () => {
    server = await startOAuthServer({ accessTokenTtlSeconds: 120 })
  })
  afterEach(() => server.close())

  it('signs a person in: an access token, a refresh token and the configured lifetime', async () => {
    const grant = await server.login()
    expect(grant).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 120,
      token_type: 'Bearer',
    })
    expect(await server.introspect(grant.access_token)).toMatchObject({ active: true, sub: 'user-1', token_type: 'Bearer' })
    expect(await server.introspect(grant.refresh_token)).toMatchObject({ active: true, sub: 'user-1' })
    expect(server.tokenCalls()).toBe(1)
    expect(server.tokenCalls('authorization_code')).toBe(1)
  })

  it('rotates the refresh token on refresh: the old one is consumed', async () => {
    const grant = await server.login()
    server.setAccessTokenTtl(30)
    const next = await server.refresh(grant.refresh_token)
    expect(next.expires_in).toBe(30)
    expect(next.refresh_token).not.toBe(grant.refresh_token)
    expect(next.access_token).not.toBe(grant.access_token)
    expect(await server.introspect(grant.refresh_token)).toEqual({ active: false })
    expect(await server.introspect(next.refresh_token)).toMatchObject({ active: true })
    expect(server.tokenCalls('refresh_token')).toBe(1)
  })

  it('refuses a revoked refresh token with invalid_grant, and introspection says inactive', async () => {
    const grant = await server.login()
    await server.revoke(grant.refresh_token, 'refresh_token')
    expect(server.revocationCalls()).toBe(1)
    expect(await server.introspect(grant.refresh_token)).toEqual({ active: false })
    const refused = await server.refresh(grant.refresh_token).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(OAuthError)
    expect(refused).toMatchObject({ status: 400, data: { error: 'invalid_grant' } })
  })

  it('revokes an access token', async () => {
    const grant = await server.login()
    await server.revoke(grant.access_token)
    expect(await server.introspect(grant.access_token)).toEqual({ active: false })
  })

  it('keeps logins apart: two accounts, two grants', async () => {
    const [a, b] = await Promise.all([server.login('alice'), server.login('bob')])
    expect((await server.introspect(a.access_token)).sub).toBe('alice')
    expect((await server.introspect(b.access_token)).sub).toBe('bob')
  })
})
