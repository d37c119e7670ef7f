// The seed's interceptor with its three obvious fixes and nothing else (diff it against seed-port.ts):
// FIX 1 the flag resets when a refresh ends, FIX 2 the queue empties once released, FIX 3 a failed
// refresh (no answer, a non-200 status, no access_token) rejects the parked requests instead of
// forgetting them. Still seconds added to milliseconds, still a storage read and JSON.parse per request.
/* eslint-disable */
import Request from 'luch-request'
import { md5Upper } from '../../src/signer.ts'
import type { BenchUni } from '../runtime/uni-global.ts'
import type { SeedApiAction } from './seed-port.ts'

declare const uni: BenchUni

const console = { log: (..._args: unknown[]) => {}, error: globalThis.console.error }

export function createFixedSeedServices(apiAction: SeedApiAction): Request {
  const services = new Request()

  services.setConfig((config: any) => {
    config.baseURL = apiAction.BASE_URL + apiAction.API_PORT
    config.header = {
      'Content-Type': 'application/json',
      'X-Requested-With': 'XMLHttpRequest',
      Authorization: '',
      'X-Token': '',
    }
    return config
  })
  let isRefreshing = false
  let requests: any[] = []
  function setToken(obj: any) {
    try {
      ;(services.config.header as any)['X-Token'] = obj.access_token
      uni.setStorage({
        key: 'token',
        data: JSON.stringify(obj),
        success: function () {
          console.log('token本地存储成功')
        },
      })
    } catch (e) {
      console.log('token本地存储失败', e)
    }
  }
  function getToken() {
    let tokenObj: any = {}
    const value = uni.getStorageSync('token') as string
    if (value) tokenObj = JSON.parse(value)
    return tokenObj
  }
  function subscribeTokenRefresh(cb: any) {
    requests.push(cb)
  }
  function onRrefreshed(token: any, error?: unknown) {
    // FIX 2: release each parked request once, then forget them.
    const parked = requests
    requests = []
    parked.map((cb) => cb(token, error))
  }
  services.interceptors.request.use((config: any) => {
    if (config.url.slice(0, 4) === 'http' && config.url.slice(0, 5) !== 'https') return console.error('请求地址不能为http，请修改为https')
    if (config.url.slice(0, 4) !== 'http' && config.url.slice(0, 5) !== 'https' && config.url.slice(0, 1) !== '/')
      return console.error(config.url, '请求地址不合法')
    if (config.url.slice(0, 5) === 'https') config.baseURL = ''

    const tokenObj = getToken()
    const now = Date.now()
    if (Object.keys(tokenObj).length != 0 && now < tokenObj.expires_in) {
      config.header['Authorization'] = 'Bearer ' + tokenObj.access_token
      return config
    } else {
      if (!isRefreshing) {
        isRefreshing = true
        apiAction.PASS_WORD = md5Upper('gsw')
        ;(uni.request as any)({
          url: apiAction.TOKEN_URL,
          data: {
            username: apiAction.USER_NAME,
            password: apiAction.PASS_WORD,
          },
          method: 'GET',
          success: (res: any) => {
            // FIX 1: the next expiry may refresh again.
            isRefreshing = false
            if (res.statusCode === 200 && res.data && res.data.access_token) {
              setToken({
                access_token: res.data.access_token,
                expires_in: res.data.expires_in + Date.now(),
              })
              config.header['Authorization'] = 'Bearer ' + res.data.access_token
              onRrefreshed(res.data.access_token)
            } else {
              // FIX 3: a refused refresh rejects the parked requests.
              onRrefreshed(undefined, new Error(`token refresh failed with status ${res.statusCode}`))
            }
          },
          // FIX 3 (and 1): so does a refresh that got no answer at all.
          fail: (failure: any) => {
            isRefreshing = false
            onRrefreshed(undefined, new Error(`token refresh failed: ${failure && failure.errMsg}`))
          },
        })
      }
      let retry = new Promise((resolve, reject) => {
        subscribeTokenRefresh((access_token: any, error?: unknown) => {
          if (error) return reject(error)
          config.header['Authorization'] = 'Bearer ' + access_token
          console.log('service.defaults.url', config)
          resolve(config)
        })
      })
      return retry
    }
  })
  services.interceptors.response.use(
    (response: any) => {
      if (response.code == 200 || response.data.code == 200) {
        return response.data
      } else {
        uni.showToast({
          // @ts-expect-error the seed reads an undeclared `res` here: a ReferenceError at run time, kept
          title: res.data.msg,
          icon: 'none',
          duration: 3000,
        })
        return Promise.reject(response)
      }
    },
    (err: any) => {
      return Promise.reject(err)
    },
  )
  return services
}
