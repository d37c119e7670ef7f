// The app's one HTTP client: a luch-request instance whose requests carry a token from one painless-token
// controller, kept in uni storage. The session starts on the login page (tokens.setGrant, src/api/session.ts),
// refreshes with its refresh token, and ends on logout or when the server refuses the refresh token: then the
// controller opens the login page, once. `sendBatch` is what the page's buttons call: it reports statuses and
// typed error codes, never a token.
import Request from 'luch-request'
import { apiBase } from './base'
import { refreshGrantFetcher, refreshTokenRevoker } from './fetch-token'
import { attachTokenController, createTokenController, isTokenError, uniStorage } from './painless-token'

export const base = apiBase()

export const tokens = createTokenController({
  fetchToken: refreshGrantFetcher(base),
  storage: uniStorage(),
  // Once per lost session (refresh token refused, or logout), however many requests were waiting.
  onLoginRequired: () => uni.reLaunch({ url: '/pages/login/login' }),
  revokeToken: refreshTokenRevoker(base),
  // Short backoff, so a failing token endpoint shows its error within a second.
  retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
})

export const http = new Request({ baseURL: base })
attachTokenController(http, tokens)

/** What one request ended as: its HTTP status, or the TokenError code that stopped it. */
export type Outcome = string

export async function sendBatch(path: string, count: number): Promise<Outcome[]> {
  const sent = Array.from({ length: count }, () => http.get(path))
  const settled = await Promise.allSettled(sent)
  return settled.map((result) => (result.status === 'fulfilled' ? String(result.value.statusCode) : outcomeOf(result.reason)))
}

function outcomeOf(reason: unknown): Outcome {
  if (isTokenError(reason)) return reason.code
  // luch-request rejects a non-2xx answer with the answer itself, and a network failure with one without a status.
  const status = (reason as { statusCode?: unknown } | null)?.statusCode
  return typeof status === 'number' ? String(status) : 'NETWORK_ERROR'
}
