// A backend calling an upstream API with one app-wide client-credential token (the classic case: a WeChat
// access_token shared by every request the server makes). axios carries it; one refresh however many requests
// need it; a revoked token is replaced and the request replayed once. In your app: 'painless-token/axios'.
import axios from 'axios'
import { attachToAxios } from '../../src/entries/axios.ts'
import { createTokenController, type TokenControllerEvent } from '../../src/index.ts'

declare module 'axios' {
  interface AxiosRequestConfig {
    /** false: send without the token (painless-token/axios). */
    tokenAuth?: boolean
  }
}

export interface BackendOptions {
  baseURL: string
  clientId: string
  clientSecret: string
  onEvent?: (event: TokenControllerEvent) => void
}

export function createUpstreamClient(options: BackendOptions) {
  const http = axios.create({ baseURL: options.baseURL, timeout: 10_000 })
  const tokens = createTokenController({
    fetchToken: async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      })
      // tokenAuth false: this is the call that makes the token. A 429's Retry-After reaches the controller.
      return (await http.post('/token', form, { tokenAuth: false })).data
    },
    onEvent: options.onEvent,
  })
  const detach = attachToAxios(http, tokens)
  return { http, tokens, close: () => (detach(), tokens.stop()) }
}
