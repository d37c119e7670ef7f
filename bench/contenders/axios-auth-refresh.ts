// Contender 3: axios 1.x with axios-auth-refresh 5.x at its defaults, through a custom axios adapter onto
// the bench transport. It only learns of an expiry from a 401, so it starts with the stale token and the
// token call goes through a second instance (through the first, the refresh would wait for itself).
import axios, { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse } from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
import type { Transport } from '../transports/types.ts'
import { STALE_TOKEN, type Contender } from './types.ts'

/** axios' adapter contract over a uni-style request: resolve per validateStatus, AxiosError otherwise. */
export function uniAdapter(transport: Transport): AxiosAdapter {
  return (config) =>
    new Promise((resolve, reject) => {
      const request = { status: 0 } // what axios-auth-refresh inspects on an XHR
      transport.request({
        url: axios.getUri(config),
        method: (config.method ?? 'get').toUpperCase(),
        header: AxiosHeaders.from(config.headers).toJSON() as Record<string, unknown>,
        data: config.data,
        dataType: 'json',
        success: (answer) => {
          const response: AxiosResponse = {
            data: answer.data,
            status: answer.statusCode,
            statusText: '',
            headers: answer.header,
            config,
            request,
          }
          if (!config.validateStatus || config.validateStatus(answer.statusCode)) return resolve(response)
          const code = answer.statusCode >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST
          reject(new AxiosError(`Request failed with status code ${answer.statusCode}`, code, config, request, response))
        },
        fail: () => reject(new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, request)),
      })
    })
}

export const axiosAuthRefresh: Contender = {
  id: 'axios-auth-refresh',
  label: 'axios + axios-auth-refresh',
  strict: false,
  create({ transport, start }) {
    const adapter = uniAdapter(transport)
    const api = axios.create({ baseURL: transport.baseURL, adapter })
    const auth = axios.create({ baseURL: transport.baseURL, adapter })
    let token = start.kind === 'valid' ? start.token : STALE_TOKEN
    let onRefreshStarted: (() => void) | undefined

    api.interceptors.request.use((config) => {
      config.headers.Authorization = 'Bearer ' + token
      return config
    })
    // The README's pattern: fetch a token, keep it, and fix the header of the request that failed.
    createAuthRefreshInterceptor(api, async (failedRequest: { response: AxiosResponse }) => {
      onRefreshStarted?.()
      const response = await auth.post('/token')
      token = (response.data as { access_token: string }).access_token
      failedRequest.response.config.headers.Authorization = 'Bearer ' + token
    })

    const send = (path = '/api/data') => api.get(path).then((response) => response.status)
    return {
      send,
      startRefresh: () =>
        new Promise((resolve) => {
          onRefreshStarted = () => {
            onRefreshStarted = undefined
            // Resolves a tick later, after axios-auth-refresh has installed its queueing interceptor.
            resolve({ first })
          }
          const first = send()
        }),
      close: () => {},
    }
  },
}
