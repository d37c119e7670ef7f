// A web app's API client on fetch: the user's token is fetched once for any number of concurrent calls, kept in
// localStorage, sent as a Bearer header, and a call refused with 401 is replayed once with a fresh token.
// In your app, import from 'painless-token' and 'painless-token/fetch'.
import { createTokenController, isTokenError, webStorage, type WebStorageLike } from '../../src/index.ts'
import { withTokens } from '../../src/entries/fetch.ts'

export interface ApiOptions {
  baseUrl: string
  /** `localStorage` in a page. */
  storage: WebStorageLike
  /** Asks the user (or a password manager) for credentials when a token is needed. */
  credentials: () => Promise<{ username: string; password: string }>
  /** The fetch to wrap. Default: the page's fetch. */
  fetch?: typeof fetch
}

export function createApi(options: ApiOptions) {
  const baseFetch = options.fetch ?? fetch
  let api!: typeof fetch
  const tokens = createTokenController({
    storage: webStorage(options.storage),
    fetchToken: async () => {
      const { username, password } = await options.credentials()
      const body = new URLSearchParams({ grant_type: 'password', username, password })
      // `auth: false`: the login call is how the token is made.
      const response = await api(options.baseUrl + '/token', { method: 'POST', body, auth: false } as RequestInit)
      if (!response.ok) throw response // a 429 carries retryAfterMs: the next attempt waits as long as asked
      return response.json()
    },
  })
  api = withTokens(baseFetch, tokens)

  return {
    tokens,
    /** The orders, or a message saying why not. */
    async orders(): Promise<{ orders?: unknown; error?: string }> {
      try {
        const response = await api(options.baseUrl + '/api/orders')
        return response.ok ? { orders: await response.json() } : { error: `HTTP ${response.status}` }
      } catch (error) {
        return { error: isTokenError(error) ? error.code : String(error) }
      }
    },
    /** Saves an order; the body goes again, unchanged, if the first send meets a 401. */
    async saveOrder(order: unknown): Promise<unknown> {
      const response = await api(options.baseUrl + '/api/orders', {
        method: 'POST',
        body: JSON.stringify(order),
        headers: { 'content-type': 'application/json' },
      })
      return response.json()
    },
    /** Forgets the token, in storage too. */
    logout: () => tokens.clear(),
  }
}
