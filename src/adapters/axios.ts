// axios interceptors mapped onto the request path: the request interceptor authorizes and applies the token, the
// response interceptor replays a refused answer through the instance. Opt out with `tokenAuth: false` (`auth` is basic auth).
import type { TokenController } from '../controller.ts'
import type { AxiosAdapterOptions, AxiosConfigLike, AxiosInstanceLike, AxiosResponseLike } from './axios.types.ts'
import { joinUrl } from './http.ts'
import { applyAndRemember, createRequestPath, sentToken } from './request-path.ts'

export type { AxiosAdapterOptions, AxiosConfigLike, AxiosInstanceLike, AxiosResponseLike } from './axios.types.ts'

/**
 * Wires a controller into an axios instance. Returns a function that detaches it.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.example.com' })
 * attachToAxios(api, tokens)
 * await api.get('/orders')
 * await api.post('/token', form, { tokenAuth: false }) // no token
 */
export function attachToAxios(instance: AxiosInstanceLike, tokens: TokenController, options: AxiosAdapterOptions = {}): () => void {
  const path = createRequestPath(tokens, options, (response: AxiosResponseLike) => response.status)
  const requestId = instance.interceptors.request.use(async (config: AxiosConfigLike) => {
    if (config.tokenAuth === false) return config
    const token = await path.authorize(joinUrl(config.baseURL, config.url), config.signal)
    // AxiosHeaders inside interceptors; a plain object (copied: it may be the caller's) if another interceptor replaced it.
    const headers = typeof config.headers?.set === 'function' ? config.headers : (config.headers = Object.assign({}, config.headers))
    return applyAndRemember(path, config, headers, token)
  })

  // The replay's answer, or the answer as axios settled it: an error stays one, a 2xx resolves.
  async function judge(response: AxiosResponseLike, error?: unknown): Promise<unknown> {
    const { config } = response
    // The count rides on the config itself: axios copies its string keys into the replay's.
    if (await path.afterAnswer(response, sentToken(config), config)) return instance.request(path.countReplay(config))
    if (error !== undefined) throw error
    return response
  }

  const responseId = instance.interceptors.response.use(
    (response: AxiosResponseLike) => judge(response),
    (error: { response?: AxiosResponseLike } | null) => {
      const response = error?.response
      if (!response?.config) return Promise.reject(error)
      // A 429 from the token endpoint (fetchToken through this instance) tells the machine how long to wait.
      path.noteRetryAfter(error, response.status, response.headers)
      return judge(response, error)
    },
  )
  return () => {
    instance.interceptors.request.eject(requestId)
    instance.interceptors.response.eject(responseId)
  }
}
