// The baseline: bare luch-request with a static Authorization header. No refresh at all, so it only
// runs with a valid token; every other contender's time is reported as a ratio to this one's.
import Request from 'luch-request'
import { useTransport } from '../runtime/uni-global.ts'
import type { Contender } from './types.ts'

export function baselineContender(id = 'baseline', label = 'bare luch-request (baseline)'): Contender {
  return {
    id,
    label,
    strict: true,
    create({ transport, start }) {
      if (start.kind !== 'valid') throw new Error('the baseline has no refresh: start it with a valid token')
      useTransport(transport.request)
      const http = new Request({ baseURL: transport.baseURL, header: { Authorization: 'Bearer ' + start.token } })
      return {
        send: (path = '/api/data') => http.get(path).then((response) => response.statusCode),
        close: () => {},
      }
    },
  }
}
