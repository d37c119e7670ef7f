// The simulated token endpoint and API, in the page: no network. Tokens are random 32-character strings
// like a real server's, recorded so a test can prove none reaches the DOM. "Revoke" makes the API refuse
// every token issued so far with 401, as a server-side logout would. A login hands out a refresh token too;
// while the client holds one, its fetches are refresh-token grants, refused with OAuth's `invalid_grant` once
// the server has revoked it (`refuseRefreshTokens`, or the client's own `revokeToken` on logout). Offline, every
// call fails as a dropped network does (`NETWORK_DOWN`), answered or not when the network went.
import type { FetchTokenContext, RevokeTokenContext, TokenResponse } from '../../../src/index.ts'
import type { Knobs } from './knobs.ts'
import type { VirtualClock } from './virtual-clock.ts'

export interface SimResponse {
  status: number
  headers: Headers
  clone(): SimResponse
}

export interface SimServer {
  /** A client-credential grant, or a refresh-token grant when the context carries a refresh token. */
  fetchToken(context: FetchTokenContext): Promise<TokenResponse>
  /** The API: 200 for a live token in the Authorization header, 401 otherwise. */
  api(url: string, init?: { headers?: Headers }): Promise<SimResponse>
  /** A person logs in: an access token with the TTL knob's lifetime and a refresh token. */
  login(): TokenResponse
  /** RFC 7009 revocation, as `revokeToken` calls it on `logout()`. */
  revokeToken(context: RevokeTokenContext): Promise<void>
  revokeAll(): void
  /** Every refresh token issued so far is refused from now on (`invalid_grant`). */
  refuseRefreshTokens(): void
  /** The network drops (false) or comes back: while it is down, the token endpoint and the API fail. */
  setOnline(online: boolean): void
  readonly online: boolean
  /** Every access and refresh token issued so far (for tests: none may appear in the page). */
  readonly issued: readonly string[]
  readonly tokenCalls: number
  /** Token calls that presented a refresh token. */
  readonly refreshGrants: number
  readonly revocations: number
}

const API_LATENCY_MS = 20

export function createSimServer(clock: VirtualClock, knobs: () => Knobs): SimServer {
  const issued: string[] = []
  const live = new Map<string, number>()
  const liveRefreshTokens = new Set<string>()
  let tokenCalls = 0
  let refreshGrants = 0
  let revocations = 0
  let online = true

  const after = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms))
  const issueAccessToken = () => {
    const token = randomToken()
    issued.push(token)
    const expiresAt = clock.now() + knobs().ttlMs
    live.set(token, expiresAt)
    return { access_token: token, expiresAt }
  }

  return {
    fetchToken({ signal, refreshToken }) {
      tokenCalls++
      if (refreshToken !== undefined) refreshGrants++
      const { latencyMs, failureRate, tooManyRate } = knobs()
      return new Promise<TokenResponse>((resolve, reject) => {
        const timer = clock.setTimeout(() => {
          if (!online) return reject(networkDown())
          const roll = Math.random()
          if (roll < failureRate) return reject(endpointError('HTTP_500'))
          if (roll < failureRate + tooManyRate) return reject(Object.assign(endpointError('HTTP_429'), { retryAfterMs: 1000 }))
          if (refreshToken !== undefined && !liveRefreshTokens.has(refreshToken)) return reject(invalidGrant())
          // No rotation: the client keeps the refresh token it holds when a grant brings none.
          resolve(issueAccessToken())
        }, latencyMs)
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer)
          reject(endpointError('ABORTED'))
        })
      })
    },
    async api(_url, init) {
      await after(API_LATENCY_MS)
      if (!online) throw networkDown()
      const token = /^Bearer (.+)$/.exec(init?.headers?.get('Authorization') ?? '')?.[1]
      const expiresAt = token === undefined ? undefined : live.get(token)
      return response(expiresAt !== undefined && expiresAt > clock.now() ? 200 : 401)
    },
    login() {
      const refreshToken = randomToken()
      issued.push(refreshToken)
      liveRefreshTokens.add(refreshToken)
      return { ...issueAccessToken(), refresh_token: refreshToken }
    },
    async revokeToken({ accessToken, refreshToken }) {
      await after(API_LATENCY_MS)
      revocations++
      if (accessToken !== undefined) live.delete(accessToken)
      if (refreshToken !== undefined) liveRefreshTokens.delete(refreshToken)
    },
    revokeAll() {
      live.clear()
    },
    refuseRefreshTokens() {
      liveRefreshTokens.clear()
    },
    setOnline(next) {
      online = next
    },
    get online() {
      return online
    },
    get issued() {
      return issued
    },
    get tokenCalls() {
      return tokenCalls
    },
    get refreshGrants() {
      return refreshGrants
    },
    get revocations() {
      return revocations
    },
  }
}

function response(status: number): SimResponse {
  const make = (): SimResponse => ({ status, headers: new Headers(), clone: make })
  return make()
}

function endpointError(code: string): Error & { code: string } {
  return Object.assign(new Error(`token endpoint: ${code}`), { code })
}

/** What a call fails with while the simulated network is down. */
export function networkDown(): Error & { code: string } {
  return endpointError('NETWORK_DOWN')
}

export function isNetworkDown(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'NETWORK_DOWN'
}

// What a luch-request / uni.request call rejects with for a 400 invalid_grant: the default isLoginRequired knows it.
function invalidGrant(): Error {
  return Object.assign(endpointError('HTTP_400'), { statusCode: 400, data: { error: 'invalid_grant' } })
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}
