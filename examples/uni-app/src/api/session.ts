// The login page's call: POST /login with the person's credentials over the real uni.request (around the
// luch-request instance: signing in must not wait for a token), then the answer goes to tokens.setGrant. The
// answer holds the tokens; only an error code leaves this file.
import { base, tokens } from './client'
import { isTokenError, type TokenResponse } from './painless-token'

/** The demo account the test server accepts; the login page starts filled with it. */
export const DEMO_ACCOUNT = { username: 'demo', password: 'demo-password' }

/** How often the login page was opened since the app started (the e2e suites check that a lost session opens it once). */
export const loginPage = { opened: 0 }

/** Signs in: '' once the grant is handed over, else why not ('invalid_credentials', 'HTTP 503', 'NETWORK_ERROR' …). */
export function signIn(username: string, password: string): Promise<string> {
  return new Promise((resolve) => {
    uni.request({
      url: `${base}/login`,
      method: 'POST',
      data: { username, password },
      success: (answer) => {
        if (answer.statusCode !== 200) {
          const error = (answer.data as { error?: unknown } | null)?.error
          return resolve(typeof error === 'string' ? error : `HTTP ${answer.statusCode}`)
        }
        try {
          tokens.setGrant(answer.data as TokenResponse) // stored, and any parked request goes out with it
          resolve('')
        } catch (error) {
          resolve(isTokenError(error) ? error.code : 'INVALID_TOKEN_RESPONSE')
        }
      },
      fail: () => resolve('NETWORK_ERROR'),
    })
  })
}
