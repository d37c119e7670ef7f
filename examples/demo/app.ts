// The app side, written the way a uni-app page would be: one luch-request instance, a token controller
// whose fetchToken calls the token endpoint through that same instance (`auth: false`, so no deadlock),
// and the token kept in uni storage. Nothing here knows it runs in a demo.
import Request from 'luch-request'
import {
  attachTokenController,
  createTokenController,
  uniStorage,
  type TokenController,
  type TokenControllerEvent,
  type TokenResponse,
} from '../../src/index.ts'

export interface AppOptions {
  baseURL: string
  leewayMs: number
  retry: { attempts: number; baseDelayMs: number }
  onEvent: (event: TokenControllerEvent) => void
  /** Every access token the endpoint hands out, so the demo can prove none was printed. */
  onTokenIssued: (accessToken: string) => void
  /** Every answer's HTTP status, seen by the app's own interceptor before the token adapter's. */
  onAnswer: (statusCode: number | undefined) => void
}

export interface App {
  http: Request
  tokens: TokenController
}

/** What the token endpoint's failure becomes: a code for `refresh.retrying`, no body, no token. */
export interface TokenEndpointError extends Error {
  code: string
}

export function createApp(options: AppOptions): App {
  const http = new Request({ baseURL: options.baseURL, timeout: 5_000 })

  // The app's own interceptor (logging, metrics). Registered first, so it sees a 401 before the adapter
  // replays it, and sees the replay's answer too.
  http.interceptors.response.use(
    (response) => {
      options.onAnswer(response.statusCode)
      return response
    },
    (failure: { statusCode?: number }) => {
      options.onAnswer(failure?.statusCode)
      return Promise.reject(failure)
    },
  )

  const tokens = createTokenController({
    async fetchToken({ signal }) {
      const response = await http
        .post(
          '/token',
          { grant_type: 'client_credentials' },
          // The controller aborts a fetch on stop(), clear() or fetchTimeoutMs: abort the uni task with it.
          { custom: { auth: false }, getTask: (task) => signal.addEventListener('abort', () => task.abort()) },
        )
        .catch((failure: { statusCode?: number }) => {
          throw endpointError(failure)
        })
      const body = response.data as TokenResponse
      if (typeof body.access_token === 'string') options.onTokenIssued(body.access_token)
      return body
    },
    storage: uniStorage(),
    leewayMs: options.leewayMs,
    retry: options.retry,
    fetchTimeoutMs: 2_000,
    onEvent: options.onEvent,
  })

  attachTokenController(http, tokens)
  return { http, tokens }
}

function endpointError(failure: { statusCode?: number }): TokenEndpointError {
  const status = failure?.statusCode
  const error = new Error(status === undefined ? 'token endpoint unreachable' : `token endpoint answered ${status}`) as TokenEndpointError
  error.code = status === undefined ? 'NETWORK_ERROR' : `HTTP_${status}`
  return error
}
