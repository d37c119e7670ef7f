// A real, independently written OAuth 2.0 server on 127.0.0.1 for the session tests (issue 16): panva's
// `oidc-provider` with one confidential client (client_secret_basic), the authorization-code and refresh_token
// grants, refresh-token rotation, revocation (RFC 7009) and introspection (RFC 7662). `login()` signs a person in as
// an app's login page would: the authorization-code flow with PKCE, driven over HTTP with fetch, where our own
// interaction route stands in for the login and consent pages. Nothing here logs a token.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The token endpoint's answer, as a login page hands it to the app. */
export interface LoginGrant {
  access_token: string
  refresh_token: string
  expires_in: number
  token_type: string
}

/** RFC 7662's answer, the fields the tests read. */
export interface Introspection {
  active: boolean
  token_type?: string
  client_id?: string
  sub?: string
  exp?: number
}

/** A token endpoint's refusal (RFC 6749 §5.2): `status` and the parsed body, as an HTTP client would see them. */
export class OAuthError extends Error {
  readonly status: number
  readonly data: { error?: string; error_description?: string }
  constructor(status: number, data: { error?: string; error_description?: string }) {
    super(`token endpoint answered ${status} ${data.error ?? ''}`.trim())
    this.name = 'OAuthError'
    this.status = status
    this.data = data
  }
}

export interface OAuthServerOptions {
  /** Access-token lifetime in whole seconds (oidc-provider counts in seconds). Default 3600. */
  accessTokenTtlSeconds?: number
}

export interface OAuthServer {
  /** e.g. http://127.0.0.1:54321, also the issuer. */
  url: string
  clientId: string
  /** The client's credentials as an `Authorization: Basic …` value. */
  basicAuth: string
  /** A person signs in (authorization code + PKCE, `offline_access`, `prompt=consent`): a grant with a refresh token. */
  login(accountId?: string): Promise<LoginGrant>
  /** POST /token grant_type=refresh_token. Rejects with OAuthError on a refusal (`invalid_grant` for a dead token). */
  refresh(refreshToken: string): Promise<LoginGrant>
  /** POST /token/revocation (RFC 7009). Resolves on the provider's 200 (which it also answers for unknown tokens). */
  revoke(token: string, hint?: 'access_token' | 'refresh_token'): Promise<void>
  /** POST /token/introspection (RFC 7662). */
  introspect(token: string): Promise<Introspection>
  /** POST /token calls answered (every grant type); `grantType` counts one. */
  tokenCalls(grantType?: string): number
  /** POST /token/revocation calls received. */
  revocationCalls(): number
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void
  close(): Promise<void>
}

const CLIENT_ID = 'painless-app'
const CLIENT_SECRET = 'painless-app-secret'
const REDIRECT_URI = 'http://127.0.0.1/callback'

type ProviderModule = typeof import('oidc-provider')
let providerModule: Promise<ProviderModule> | undefined

// oidc-provider 9 warns "Unsupported runtime" on import when Node is older than 22 LTS; it works on Node 20, which
// this repository supports. Only that one line is kept out of the test output.
function loadProvider(): Promise<ProviderModule> {
  providerModule ??= (async () => {
    const warn = console.warn
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes('Unsupported runtime')) warn(...args)
    }
    try {
      return await import('oidc-provider')
    } finally {
      console.warn = warn
    }
  })()
  return providerModule
}

// ID tokens (scope `openid`, which /me needs) are signed: one P-256 key per process, made in a millisecond where an
// RSA key takes hundreds; the client asks for ES256.
let signingKey: Record<string, unknown> | undefined
function jwks(): { keys: Array<Record<string, unknown>> } {
  signingKey ??= {
    ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    use: 'sig',
    kid: 'test',
  }
  return { keys: [signingKey] }
}

/**
 * oidc-provider's storage, one per server: its default in-memory adapter is shared by every provider in the process
 * and prints a warning; this one keeps each test's server to itself.
 */
function memoryAdapter() {
  const store = new Map<string, Record<string, any>>()
  return class MemoryAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`
    }
    async upsert(id: string, payload: Record<string, any>) {
      store.set(this.key(id), payload)
      if (payload.grantId) {
        const grantKey = `grant:${payload.grantId}`
        const ids = (store.get(grantKey)?.ids as string[] | undefined) ?? []
        store.set(grantKey, { ids: [...ids, this.key(id)] })
      }
      if (payload.uid) store.set(`uid:${payload.uid}`, { id })
      if (payload.userCode) store.set(`userCode:${payload.userCode}`, { id })
    }
    async find(id: string) {
      return store.get(this.key(id))
    }
    async findByUid(uid: string) {
      const entry = store.get(`uid:${uid}`)
      return entry && this.find(entry.id as string)
    }
    async findByUserCode(userCode: string) {
      const entry = store.get(`userCode:${userCode}`)
      return entry && this.find(entry.id as string)
    }
    async consume(id: string) {
      const payload = store.get(this.key(id))
      if (payload) payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id: string) {
      store.delete(this.key(id))
    }
    async revokeByGrantId(grantId: string) {
      const grantKey = `grant:${grantId}`
      for (const key of (store.get(grantKey)?.ids as string[] | undefined) ?? []) store.delete(key)
      store.delete(grantKey)
    }
  }
}

const base64url = (bytes: Buffer) => bytes.toString('base64url')

/** A cookie jar for one login: oidc-provider keeps the interaction's state in cookies between redirects. */
function cookieJar() {
  const cookies = new Map<string, string>()
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    take(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const pair = line.split(';')[0] ?? ''
        const at = pair.indexOf('=')
        cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1))
      }
    },
  }
}

/** Starts the provider on 127.0.0.1 at a free port. Close it in afterEach/afterAll. */
export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthServer> {
  const { default: Provider } = await loadProvider()
  let accessTokenTtl = options.accessTokenTtlSeconds ?? 3600
  const tokenCalls = new Map<string, number>()
  let revocations = 0

  // The issuer must be known before the port is: listen first on a plain server, then hand it the provider's app.
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(url, {
    adapter: memoryAdapter(),
    jwks: jwks(),
    cookies: { keys: [base64url(randomBytes(32))] },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    features: {
      // No built-in HTML pages: our route below answers the login and consent pages.
      devInteractions: { enabled: false },
      revocation: { enabled: true, allowedPolicy: async () => true },
      introspection: { enabled: true, allowedPolicy: async () => true },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    renderError: async (ctx: { type: string; body: unknown }, out: unknown) => {
      ctx.type = 'json'
      ctx.body = out
    },
    // Every lifetime set, so oidc-provider prints no "default function called" notice.
    ttl: {
      AccessToken: () => accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 14 * 24 * 3600,
    },
  })

  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token/revocation') revocations += 1
    if (ctx.method === 'POST' && ctx.path === '/token') {
      // The grant type is known once the provider has read the body (reading it here would starve its parser).
      await next()
      const type = String((ctx.oidc?.params?.grant_type as string | undefined) ?? '')
      tokenCalls.set(type, (tokenCalls.get(type) ?? 0) + 1)
      return
    }
    if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next()
    // The login page and the consent page at once: the account signs in and grants every scope asked for.
    const details = await provider.interactionDetails(ctx.req, ctx.res)
    // login() names the account in login_hint, as a login form would send the user's name.
    const accountId = String(details.params.login_hint ?? 'user-1')
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) })
    grant.addOIDCScope(String(details.params.scope))
    const grantId = await grant.save()
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    )
    ctx.status = 303
    ctx.redirect(to)
  })

  server.on('request', provider.callback())
  const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`

  async function post(path: string, form: Record<string, string>): Promise<{ status: number; data: any }> {
    const response = await fetch(url + path, {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    const text = await response.text()
    return { status: response.status, data: text ? JSON.parse(text) : undefined }
  }

  async function tokenRequest(form: Record<string, string>): Promise<LoginGrant> {
    const { status, data } = await post('/token', form)
    if (status !== 200) throw new OAuthError(status, data ?? {})
    return {
      access_token: data.access_token,
      refresh_token: data.refresh_token,
      expires_in: data.expires_in,
      token_type: data.token_type,
    }
  }

  async function login(accountId = 'user-1'): Promise<LoginGrant> {
    const verifier = base64url(randomBytes(32))
    const state = base64url(randomBytes(8))
    const authorize = new URL('/auth', url)
    authorize.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid offline_access',
      prompt: 'consent',
      login_hint: accountId,
      state,
      code_challenge: base64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString()
    // /auth → /interaction/:uid (ours) → /auth/:uid → the redirect URI with ?code=…
    const jar = cookieJar()
    let next = authorize.href
    for (let hop = 0; hop < 5 && !next.startsWith(REDIRECT_URI); hop += 1) {
      const response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } })
      jar.take(response)
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new Error(`login stopped at ${new URL(next).pathname} with ${response.status}: ${await response.text()}`)
      }
      await response.body?.cancel()
      next = new URL(location, url).href
    }
    const callback = new URL(next)
    const code = callback.searchParams.get('code')
    if (!code || callback.searchParams.get('state') !== state) throw new Error(`login ended without a code: ${callback.search}`)
    return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier })
  }

  return {
    url,
    clientId: CLIENT_ID,
    basicAuth,
    login,
    refresh: (refreshToken) => tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    async revoke(token, hint) {
      const { status, data } = await post('/token/revocation', hint ? { token, token_type_hint: hint } : { token })
      if (status !== 200) throw new OAuthError(status, data ?? {})
    },
    async introspect(token) {
      const { status, data } = await post('/token/introspection', { token })
      if (status !== 200) throw new OAuthError(status, data ?? {})
      return data as Introspection
    },
    tokenCalls: (grantType) =>
      grantType === undefined ? [...tokenCalls.values()].reduce((sum, n) => sum + n, 0) : (tokenCalls.get(grantType) ?? 0),
    revocationCalls: () => revocations,
    setAccessTokenTtl(seconds) {
      accessTokenTtl = seconds
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
