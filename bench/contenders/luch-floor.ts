// A reference line, not a library: the least any token interceptor on luch-request can cost. A known token goes
// on synchronously; otherwise every request waits on one shared promise for one token call. No failure
// handling, no 401 replay, so it runs in A and B only: it is the floor under painless-token's own adapter.
import Request from 'luch-request'
import { useTransport } from '../runtime/uni-global.ts'
import { sendOver } from '../transports/types.ts'
import type { Contender } from './types.ts'

export const luchFloor: Contender = {
  id: 'luch-floor',
  label: 'floor: luch-request + minimal interceptors',
  strict: false,
  create({ transport, start }) {
    useTransport(transport.request)
    const http = new Request({ baseURL: transport.baseURL })
    let token = start.kind === 'valid' ? start.token : undefined
    let fetching: Promise<string> | undefined
    const fetchToken = () =>
      (fetching ??= sendOver(transport, { url: transport.baseURL + '/token', method: 'POST', data: {}, dataType: 'json' }).then(
        (answer) => (token = (answer.data as { access_token: string }).access_token),
      ))
    http.interceptors.request.use((config) => {
      if (token !== undefined) {
        config.header!.Authorization = 'Bearer ' + token
        return config
      }
      return fetchToken().then((fresh) => {
        config.header!.Authorization = 'Bearer ' + fresh
        return config
      })
    })
    http.interceptors.response.use(
      (response) => response,
      (error: unknown) => Promise.reject(error),
    )
    return {
      send: (path = '/api/data') => http.get(path).then((response) => response.statusCode),
      close: () => {},
    }
  },
}
