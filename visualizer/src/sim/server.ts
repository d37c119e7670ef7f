// The simulated token endpoint and API, in the page: no network. Tokens are random 32-character strings
// like a real server's, recorded so a test can prove none reaches the DOM. "Revoke" makes the API refuse
// every token issued so far with 401, as a server-side logout would.
import type { FetchTokenContext, TokenResponse } from '../../../src/index.ts'
import type { Knobs } from './knobs.ts'
import type { VirtualClock } from './virtual-clock.ts'

export interface SimResponse {
  status: number
  headers: Headers
  clone(): SimResponse
}

export interface SimServer {
  fetchToken(context: FetchTokenContext): Promise<TokenResponse>
  /** The API: 200 for a live token in the Authorization header, 401 otherwise. */
  api(url: string, init?: { headers?: Headers }): Promise<SimResponse>
  revokeAll(): void
  /** Every access token issued so far (for tests: none may appear in the page). */
  readonly issued: readonly string[]
  readonly tokenCalls: number
}

const API_LATENCY_MS = 20

export function createSimServer(clock: VirtualClock, knobs: () => Knobs): SimServer {
  const issued: string[] = []
  const live = new Map<string, number>()
  let tokenCalls = 0

  const after = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms))

  return {
    fetchToken({ signal }) {
      tokenCalls++
      const { latencyMs, failureRate, tooManyRate, ttlMs } = knobs()
      return new Promise<TokenResponse>((resolve, reject) => {
        const timer = clock.setTimeout(() => {
          const roll = Math.random()
          if (roll < failureRate) return reject(endpointError('HTTP_500'))
          if (roll < failureRate + tooManyRate) return reject(Object.assign(endpointError('HTTP_429'), { retryAfterMs: 1000 }))
          const token = randomToken()
          issued.push(token)
          const expiresAt = clock.now() + ttlMs
          live.set(token, expiresAt)
          resolve({ access_token: token, expiresAt })
        }, latencyMs)
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer)
          reject(endpointError('ABORTED'))
        })
      })
    },
    async api(_url, init) {
      await after(API_LATENCY_MS)
      const token = /^Bearer (.+)$/.exec(init?.headers?.get('Authorization') ?? '')?.[1]
      const expiresAt = token === undefined ? undefined : live.get(token)
      return response(expiresAt !== undefined && expiresAt > clock.now() ? 200 : 401)
    },
    revokeAll() {
      live.clear()
    },
    get issued() {
      return issued
    },
    get tokenCalls() {
      return tokenCalls
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

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}
