// The test support itself: the loopback token server, its fetchToken, and the uni shim that lets the
// real luch-request run on Node. Everything else's tests stand on these.
import { createHmac } from 'node:crypto'
import Request from 'luch-request'
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { DEMO_ACCOUNT, startTokenServer, type TokenServer, type TokenServerOptions } from './helpers/token-server.ts'
import { createUniShim, installUniShim, type UniShim } from './helpers/uni-shim.ts'

async function serve(options?: TokenServerOptions): Promise<TokenServer> {
  const server = await startTokenServer(options)
  onTestFinished(() => server.close())
  return server
}

function useUniShim(): UniShim {
  const shim = createUniShim()
  const uninstall = installUniShim(shim)
  onTestFinished(() => shim.close())
  onTestFinished(() => uninstall())
  return shim
}

async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init)
  return { status: res.status, body: await res.json() }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('the token server', () => {
  it('issues an opaque bearer token whose expires_in is in seconds', async () => {
    const server = await serve({ ttlSeconds: 120 })

    const token = await server.fetchToken({ attempt: 1 })

    expect(token).toEqual({ access_token: expect.stringMatching(/^[\w-]{32}$/), token_type: 'Bearer', expires_in: 120 })
    expect(server.issued()).toBe(1)
    expect(server.calls('/token')).toBe(1)
  })

  it('issues a different token each time, with a refresh_token when asked', async () => {
    const server = await serve({ refreshToken: true })

    const [a, b] = await Promise.all([server.fetchToken(), server.fetchToken()])

    expect(a.access_token).not.toBe(b.access_token)
    expect(a.refresh_token).toEqual(expect.any(String))
  })

  it('echoes the request to a caller with a live token', async () => {
    const server = await serve()
    const { access_token } = await server.fetchToken()

    const answer = await getJson(`${server.url}/api/echo?b=2&a=1`, {
      method: 'POST',
      headers: { ...bearer(access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ x: 1 }),
    })

    expect(answer).toEqual({
      status: 200,
      body: { code: 200, data: { path: '/api/echo', method: 'POST', query: { a: '1', b: '2' }, body: { x: 1 } } },
    })
    expect(server.lastHeaders('/api/echo')).toMatchObject(bearer(access_token))
  })

  it('refuses a missing or unknown token with a 401 JSON body', async () => {
    const server = await serve()

    const missing = await getJson(`${server.url}/api/echo`)
    const unknown = await getJson(`${server.url}/api/echo`, { headers: bearer('not-a-token') })

    for (const answer of [missing, unknown]) {
      expect(answer).toEqual({ status: 401, body: { code: 401, message: expect.any(String) } })
    }
  })

  it('refuses every token issued before revokeAll, and accepts later ones', async () => {
    const server = await serve()
    const before = await server.fetchToken()

    server.revokeAll()
    const after = await server.fetchToken()

    expect((await getJson(`${server.url}/api/echo`, { headers: bearer(before.access_token) })).status).toBe(401)
    expect((await getJson(`${server.url}/api/echo`, { headers: bearer(after.access_token) })).status).toBe(200)
  })

  it('expires a token after ttlSeconds by its own clock, fractions included', async () => {
    let clock = 1_000_000
    const server = await serve({ ttlSeconds: 0.2, now: () => clock })
    const { access_token } = await server.fetchToken()
    const call = () => getJson(`${server.url}/api/echo`, { headers: bearer(access_token) })

    clock += 199
    expect((await call()).status).toBe(200)
    clock += 1
    expect(await call()).toEqual({ status: 401, body: { code: 401, message: 'expired token' } })
  })

  it('answers a bad token under /biz/ with HTTP 200 and business code 401', async () => {
    const server = await serve()
    const { access_token } = await server.fetchToken()

    expect(await getJson(`${server.url}/biz/orders`)).toEqual({ status: 200, body: { code: 401, message: expect.any(String) } })
    expect(await getJson(`${server.url}/biz/orders`, { headers: bearer(access_token) })).toMatchObject({
      status: 200,
      body: { code: 200, data: { path: '/biz/orders' } },
    })
  })

  it('refuses even a live token on /always401', async () => {
    const server = await serve()
    const { access_token } = await server.fetchToken()

    expect((await getJson(`${server.url}/always401`, { headers: bearer(access_token) })).status).toBe(401)
  })

  it('never writes to the console', async () => {
    const log = vi.spyOn(console, 'log')
    const error = vi.spyOn(console, 'error')
    onTestFinished(() => {
      vi.restoreAllMocks()
    })
    const server = await serve()
    const { access_token } = await server.fetchToken()

    await getJson(`${server.url}/api/echo`, { headers: bearer(access_token) })

    expect(log).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })
})

describe('the token endpoint misbehaving', () => {
  it('fails failTimes calls with 500, then issues a token', async () => {
    const server = await serve({ failTimes: 2 })

    await expect(server.fetchToken({ attempt: 1 })).rejects.toMatchObject({ status: 500 })
    await expect(server.fetchToken({ attempt: 2 })).rejects.toMatchObject({ status: 500 })
    await expect(server.fetchToken({ attempt: 3 })).resolves.toMatchObject({ token_type: 'Bearer' })
    expect(server.calls('/token')).toBe(3)
    expect(server.issued()).toBe(1)
    expect(server.lastHeaders('/token')).toMatchObject({ 'x-attempt': '3' })
  })

  it('fails every call while tokenStatus is set, until setTokenBehaviour clears it', async () => {
    const server = await serve({ tokenStatus: 503 })
    await expect(server.fetchToken()).rejects.toMatchObject({ status: 503 })
    await expect(server.fetchToken()).rejects.toMatchObject({ status: 503 })

    server.setTokenBehaviour({ tokenStatus: undefined })

    await expect(server.fetchToken()).resolves.toMatchObject({ token_type: 'Bearer' })
  })

  it('restarts the failTimes count when the behaviour changes', async () => {
    const server = await serve({ failTimes: 1 })
    await expect(server.fetchToken()).rejects.toMatchObject({ status: 500 })
    await expect(server.fetchToken()).resolves.toBeDefined()

    server.setTokenBehaviour({ failTimes: 1 })

    await expect(server.fetchToken()).rejects.toMatchObject({ status: 500 })
  })

  it('sends Retry-After with a 429, which fetchToken reports in ms', async () => {
    const server = await serve({ tokenStatus: 429, retryAfterSeconds: 2 })

    await expect(server.fetchToken()).rejects.toMatchObject({ status: 429, retryAfterMs: 2000 })
  })

  it.each(['malformed', 'html', 'empty'] as const)('answers 200 with a %s body, which fetchToken rejects', async (fault) => {
    const server = await serve({ tokenFault: fault })

    await expect(server.fetchToken()).rejects.toMatchObject({ status: 200, message: expect.stringMatching(/not JSON/) })
    expect(server.issued()).toBe(0)
  })

  it('answers JSON without an access_token, which fetchToken passes on for the caller to judge', async () => {
    const server = await serve({ tokenFault: 'missing-token' })

    const body = await server.fetchToken()

    expect(body).not.toHaveProperty('access_token')
  })

  it('resets the connection, which fetchToken rejects without a status', async () => {
    const server = await serve({ tokenFault: 'reset' })

    const error = await server.fetchToken().catch((e: unknown) => e)

    expect(error).toMatchObject({ code: 'ECONNRESET' })
    expect(error).not.toHaveProperty('status')
  })

  it('hangs until the caller aborts', async () => {
    const server = await serve({ tokenFault: 'hang' })
    const controller = new AbortController()

    const pending = server.fetchToken({ signal: controller.signal })
    await vi.waitFor(() => expect(server.calls('/token')).toBe(1))
    controller.abort(new Error('gave up'))

    await expect(pending).rejects.toThrow('gave up')
  })

  it('ends hanging and delayed requests when it closes', async () => {
    const server = await serve({ tokenFault: 'hang', failTimes: 1, delayMs: 60_000 })
    const pending = [server.fetchToken(), server.fetchToken()]
    await vi.waitFor(() => expect(server.calls('/token')).toBe(2))

    await server.close()

    for (const outcome of await Promise.allSettled(pending)) expect(outcome.status).toBe('rejected')
    expect(server.issued()).toBe(0)
  })
})

describe("a person's session: /login, the refresh_token grant, /revoke", () => {
  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
  const refreshGrant = (server: TokenServer, refreshToken: string) =>
    getJson(`${server.url}/token`, form({ grant_type: 'refresh_token', refresh_token: refreshToken }))
  async function signIn(server: TokenServer): Promise<{ access_token: string; refresh_token: string }> {
    const { status, body } = await getJson(`${server.url}/login`, form(DEMO_ACCOUNT))
    expect(status).toBe(200)
    return body as { access_token: string; refresh_token: string }
  }

  it('signs the demo account in, by form or JSON, with a refresh token and the same lifetime as /token', async () => {
    const server = await serve({ ttlSeconds: 20, expiresInSeconds: 5 })

    const byForm = await getJson(`${server.url}/login`, form(DEMO_ACCOUNT))
    const byJson = await getJson(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO_ACCOUNT),
    })

    for (const answer of [byForm, byJson]) {
      expect(answer).toEqual({
        status: 200,
        body: {
          access_token: expect.stringMatching(/^[\w-]{32}$/),
          token_type: 'Bearer',
          expires_in: 5,
          refresh_token: expect.stringMatching(/^[\w-]{32}$/),
        },
      })
    }
    const { access_token } = byForm.body as { access_token: string }
    expect((await getJson(`${server.url}/api/echo`, { headers: bearer(access_token) })).status).toBe(200)
    expect(server.liveSessions()).toBe(2)
    expect(server.issued()).toBe(2)
  })

  it('refuses wrong credentials with 401 invalid_credentials, and takes another account when given one', async () => {
    const server = await serve({ account: { username: 'ann', password: 'secret' } })

    expect(await getJson(`${server.url}/login`, form(DEMO_ACCOUNT))).toEqual({ status: 401, body: { error: 'invalid_credentials' } })
    expect(await getJson(`${server.url}/login`, form({ username: 'ann', password: 'wrong' }))).toMatchObject({ status: 401 })
    expect((await getJson(`${server.url}/login`, form({ username: 'ann', password: 'secret' }))).status).toBe(200)
    expect(server.liveSessions()).toBe(1)
  })

  it('rotates a live refresh token on the refresh_token grant, and refuses the old one with 400 invalid_grant', async () => {
    const server = await serve({ ttlSeconds: 60 })
    const login = await signIn(server)

    const refreshed = await refreshGrant(server, login.refresh_token)
    const replayed = await refreshGrant(server, login.refresh_token)

    const next = refreshed.body as { access_token: string; refresh_token: string }
    expect(refreshed).toEqual({
      status: 200,
      body: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 60, refresh_token: expect.any(String) },
    })
    expect(next.refresh_token).not.toBe(login.refresh_token)
    expect(replayed).toEqual({ status: 400, body: { error: 'invalid_grant' } })
    expect((await refreshGrant(server, next.refresh_token)).status).toBe(200)
    expect(await refreshGrant(server, 'never-issued')).toEqual({ status: 400, body: { error: 'invalid_grant' } })
    expect(server.refreshGrants()).toEqual({ rotated: 2, refused: 2 })
    expect(server.liveSessions()).toBe(1)
  })

  it('lets a failing token endpoint win over the refresh_token grant, as over any grant', async () => {
    const server = await serve({ tokenStatus: 503 })
    const login = await signIn(server)

    expect((await refreshGrant(server, login.refresh_token)).status).toBe(503)
    server.setTokenBehaviour({ tokenStatus: undefined })
    expect((await refreshGrant(server, login.refresh_token)).status).toBe(200)
  })

  it('forgets a refresh token given to /revoke, answers 200 for an unknown one, and kills every session on revokeSessions', async () => {
    const server = await serve()
    const [a, b, c] = [await signIn(server), await signIn(server), await signIn(server)]

    expect((await fetch(`${server.url}/revoke`, form({ token: a.refresh_token, token_type_hint: 'refresh_token' }))).status).toBe(200)
    expect((await fetch(`${server.url}/revoke`, form({ token: 'never-issued' }))).status).toBe(200)

    expect(server.revoked()).toBe(1)
    expect((await refreshGrant(server, a.refresh_token)).status).toBe(400)
    expect((await refreshGrant(server, b.refresh_token)).status).toBe(200)
    server.revokeSessions()
    expect(server.liveSessions()).toBe(0)
    expect(await refreshGrant(server, c.refresh_token)).toEqual({ status: 400, body: { error: 'invalid_grant' } })
    // Access tokens live on: a session ends when its refresh token is refused, not at once.
    expect((await getJson(`${server.url}/api/echo`, { headers: bearer(c.access_token) })).status).toBe(200)
  })
})

describe('request signatures', () => {
  const secret = 'test-signing-secret'

  function sign(method: string, path: string, sortedQuery: string, body: string, timestamp: string, nonce: string) {
    return createHmac('sha256', secret).update([method, path, sortedQuery, body, timestamp, nonce].join('\n')).digest('hex')
  }

  it('accepts a request whose signature covers method, path, sorted raw query, body, timestamp and nonce', async () => {
    const server = await serve({ signatureSecret: secret })
    const { access_token } = await server.fetchToken()
    const body = '{"amount":5}'
    const headers = {
      ...bearer(access_token),
      'x-timestamp': '1700000000000',
      'x-nonce': 'n-1',
      'x-signature': sign('POST', '/api/pay', 'a=1&b=x%20y&c', body, '1700000000000', 'n-1'),
    }

    const answer = await getJson(`${server.url}/api/pay?c&b=x%20y&a=1`, { method: 'POST', headers, body })

    expect(answer.status).toBe(200)
    expect(server.lastHeaders('/api/pay')).toMatchObject({ 'x-nonce': 'n-1' })
  })

  it('answers 400 bad signature to a wrong or missing signature, before looking at the token', async () => {
    const server = await serve({ signatureSecret: secret })
    const { access_token } = await server.fetchToken()
    const wrong = { 'x-timestamp': '1', 'x-nonce': 'n', 'x-signature': sign('GET', '/api/other', '', '', '1', 'n') }

    const answers = [
      await getJson(`${server.url}/api/echo`, { headers: { ...bearer(access_token), ...wrong } }),
      await getJson(`${server.url}/api/echo`, { headers: bearer(access_token) }),
      await getJson(`${server.url}/api/echo`, { headers: wrong }),
    ]

    for (const answer of answers) expect(answer).toEqual({ status: 400, body: { code: 400, message: 'bad signature' } })
  })

  it('refuses a reused nonce when asked to', async () => {
    const server = await serve({ signatureSecret: secret, rejectReusedNonce: true })
    const { access_token } = await server.fetchToken()
    const signature = sign('GET', '/api/echo', '', '', '1', 'once')
    const headers = { ...bearer(access_token), 'x-timestamp': '1', 'x-nonce': 'once', 'x-signature': signature }

    expect((await getJson(`${server.url}/api/echo`, { headers })).status).toBe(200)
    expect((await getJson(`${server.url}/api/echo`, { headers })).status).toBe(400)
  })
})

describe('luch-request through the uni shim', () => {
  it('reaches the server and resolves with parsed JSON', async () => {
    const server = await serve()
    const shim = useUniShim()
    const { access_token } = await server.fetchToken()
    const http = new Request({ baseURL: server.url, header: { Authorization: `Bearer ${access_token}` } })

    const got = await http.get('/api/echo', { params: { q: 'a b' } })
    const posted = await http.post('/api/echo', { x: 1 })

    expect(got).toMatchObject({ statusCode: 200, data: { code: 200, data: { method: 'GET', query: { q: 'a b' } } } })
    expect(posted.data).toMatchObject({ data: { method: 'POST', body: { x: 1 } } })
    expect(shim.calls('/api/echo')).toBe(2)
  })

  it('puts a GET request’s data in the query string, as uni does', async () => {
    const server = await serve()
    useUniShim()
    const { access_token } = await server.fetchToken()
    const http = new Request({ baseURL: server.url, header: { Authorization: `Bearer ${access_token}` } })

    const got = await http.request({ url: '/api/echo?z=0', method: 'GET', data: { page: 2 } })

    expect(got.data).toMatchObject({ data: { query: { z: '0', page: '2' }, body: null } })
  })

  it('rejects a 401 with the response: statusCode, body and config', async () => {
    const server = await serve()
    useUniShim()
    const http = new Request({ baseURL: server.url })

    await expect(http.get('/api/echo', { custom: { tag: 'x' } })).rejects.toMatchObject({
      statusCode: 401,
      data: { code: 401 },
      config: { url: '/api/echo', custom: { tag: 'x' } },
    })
  })

  it('rejects a network failure with request:fail and no statusCode', async () => {
    const server = await startTokenServer()
    await server.close()
    useUniShim()

    const failure = await new Request().get(`${server.url}/api/echo`).catch((e: unknown) => e)

    expect(failure).toMatchObject({ errMsg: expect.stringMatching(/^request:fail /), config: expect.any(Object) })
    expect(failure).not.toHaveProperty('statusCode')
  })

  it('rejects with request:fail abort when the task is aborted', async () => {
    const server = await serve({ tokenFault: 'hang' })
    useUniShim()

    const pending = new Request().post(`${server.url}/token`, {}, { getTask: (task) => task.abort() })

    await expect(pending).rejects.toMatchObject({ errMsg: 'request:fail abort' })
  })

  it('rejects with request:fail timeout when the server does not answer in time', async () => {
    const server = await serve({ tokenFault: 'hang' })
    useUniShim()

    await expect(new Request({ timeout: 20 }).post(`${server.url}/token`)).rejects.toMatchObject({ errMsg: 'request:fail timeout' })
  })
})

describe('the uni shim', () => {
  it('keeps storage like uni: copies in and out, and empty string for a missing key', () => {
    const shim = createUniShim()
    const value = { token: 't' }

    shim.setStorageSync('k', value)
    value.token = 'changed'

    expect(shim.getStorageSync('k')).toEqual({ token: 't' })
    expect(shim.getStorageSync('missing')).toBe('')
    shim.removeStorageSync('k')
    expect(shim.getStorageSync('k')).toBe('')
  })

  it('installs as globalThis.uni and puts back what was there', () => {
    const global = globalThis as { uni?: unknown }
    const shim = createUniShim()

    const uninstall = installUniShim(shim)
    expect(global.uni).toBe(shim)
    uninstall()

    expect('uni' in global).toBe(false)
  })
})
