// Contender 4: alova 3 with createClientTokenAuthentication (alova/client) at its defaults, through a
// custom request adapter onto the bench transport. The token call is an alova method with the
// `refreshToken` role, as alova's docs show. Caching and request sharing are off: every request is real.
import { createAlova, type AlovaRequestAdapter } from 'alova'
import { createClientTokenAuthentication } from 'alova/client'
import type { UniRequestSuccess } from '../../test/helpers/uni-shim.ts'
import { sendOver, type Transport } from '../transports/types.ts'
import { FAR_FUTURE_MS, type Contender } from './types.ts'

type Answer = UniRequestSuccess

function uniRequestAdapter(transport: Transport): AlovaRequestAdapter<unknown, Answer, Answer['header']> {
  return (elements) => {
    const answer = sendOver(transport, {
      url: elements.url,
      method: elements.type.toUpperCase(),
      header: elements.headers as Record<string, unknown>,
      data: elements.data,
      dataType: 'json',
    })
    return { response: () => answer, headers: () => answer.then((a) => a.header), abort: () => {} }
  }
}

/** A non-2xx answer, as alova's own fetch adapter users reject it in `responded`. */
class HttpStatusError extends Error {
  constructor(readonly statusCode: number) {
    super(`HTTP ${statusCode}`)
  }
}

export const alovaTokenAuth: Contender = {
  id: 'alova',
  label: 'alova + createClientTokenAuthentication',
  strict: false,
  create({ transport, start }) {
    let token = start.kind === 'valid' ? start.token : ''
    let expiresAt = start.kind === 'valid' ? Date.now() + FAR_FUTURE_MS : Date.now() - 1

    const { onAuthRequired, onResponseRefreshToken } = createClientTokenAuthentication<any>({
      refreshToken: {
        isExpired: () => expiresAt <= Date.now(),
        handler: async () => {
          const body = (await alova.Post('/token', {}, { meta: { authRole: 'refreshToken' } })) as {
            access_token: string
            expires_in: number
          }
          token = body.access_token
          expiresAt = Date.now() + body.expires_in * 1000
        },
      },
      assignToken: (method) => {
        method.config.headers.Authorization = 'Bearer ' + token
      },
    })

    // alova's typings tie every hook to its fetch adapter's types; ours answers with uni results, so loosen them.
    const options: any = {
      baseURL: transport.baseURL,
      requestAdapter: uniRequestAdapter(transport),
      cacheFor: null,
      shareRequest: false,
      beforeRequest: onAuthRequired(),
      responded: onResponseRefreshToken(((answer: Answer) => {
        if (answer.statusCode < 200 || answer.statusCode > 299) throw new HttpStatusError(answer.statusCode)
        return answer.data
      }) as never),
    }
    const alova = createAlova(options)

    return {
      send: (path = '/api/data') =>
        alova
          .Get(path)
          .send()
          .then(() => 200),
      close: () => {},
    }
  },
}
