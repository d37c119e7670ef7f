// The client-credential grant over the real uni.request: POST /token, answered with access_token and expires_in.
// It goes around the luch-request instance on purpose: the token call must not wait for a token.
import type { FetchTokenContext, TokenResponse } from './painless-token'

export function clientCredentialFetcher(base: string, clientId: string) {
  return ({ signal }: FetchTokenContext): Promise<TokenResponse> =>
    new Promise((resolve, reject) => {
      const task = uni.request({
        url: `${base}/token`,
        method: 'POST',
        header: { 'content-type': 'application/x-www-form-urlencoded' },
        data: `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}`,
        success: (answer) => {
          // The controller checks the body's shape; here only the status decides.
          if (answer.statusCode === 200) resolve(answer.data as TokenResponse)
          else reject(new Error(`token endpoint answered HTTP ${answer.statusCode}`))
        },
        fail: (failure) => reject(new Error(`token request failed: ${failure.errMsg}`)),
      })
      // The controller aborts an attempt on stop() and after fetchTimeoutMs.
      signal.addEventListener('abort', () => task.abort())
    })
}
