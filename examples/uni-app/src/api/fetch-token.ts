// The refresh_token grant over the real uni.request: POST /token with the refresh token the login page's grant
// (tokens.setGrant) or the last refresh left, answered with a new access token and a rotated refresh token.
// It goes around the luch-request instance on purpose: the token call must not wait for a token.
import { LoginRequiredError, type FetchTokenContext, type RevokeTokenContext, type TokenResponse } from './painless-token'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

export function refreshGrantFetcher(base: string) {
  return ({ refreshToken, signal }: FetchTokenContext): Promise<TokenResponse> =>
    new Promise((resolve, reject) => {
      // Nobody signed in (or the session was dropped): only the login page can go on.
      if (!refreshToken) return reject(new LoginRequiredError())
      const task = uni.request({
        url: `${base}/token`,
        method: 'POST',
        header: FORM,
        data: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
        success: (answer) => {
          // The controller checks the body's shape. A refusal rejects with the answer itself: the default
          // isLoginRequired reads `{ statusCode: 400, data: { error: 'invalid_grant' } }` as LOGIN_REQUIRED (no retry);
          // any other status (a 503) is retried, then REFRESH_FAILED.
          if (answer.statusCode === 200) resolve(answer.data as TokenResponse)
          else reject(answer)
        },
        fail: (failure) => reject(new Error(`token request failed: ${failure.errMsg}`)),
      })
      // The controller aborts an attempt on stop() and after fetchTimeoutMs.
      signal.addEventListener('abort', () => task.abort())
    })
}

/** logout()'s revokeToken: POST /revoke (RFC 7009) with the refresh token. Best effort: logout() never waits on a failure. */
export function refreshTokenRevoker(base: string) {
  return ({ refreshToken, signal }: RevokeTokenContext): Promise<void> =>
    new Promise((resolve, reject) => {
      if (!refreshToken) return resolve()
      const task = uni.request({
        url: `${base}/revoke`,
        method: 'POST',
        header: FORM,
        data: `token=${encodeURIComponent(refreshToken)}&token_type_hint=refresh_token`,
        success: (answer) => (answer.statusCode === 200 ? resolve() : reject(new Error(`revoke answered HTTP ${answer.statusCode}`))),
        fail: (failure) => reject(new Error(`revoke request failed: ${failure.errMsg}`)),
      })
      signal.addEventListener('abort', () => task.abort())
    })
}
