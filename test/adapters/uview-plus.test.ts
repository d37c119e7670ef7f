// attachTokenController on uview-plus's `uni.$u.http` (uview-plus 3.8.112's bundled luch-request 3.0.7, the real
// files), over the loopback server: the shared scenarios, then the README recipe with the app's own interceptors.
import { describe, expect, it, onTestFinished } from 'vitest'
import { attachTokenController } from '../../src/entries/luch-request.ts'
import { createTokenController, uniStorage } from '../../src/index.ts'
import { startTokenServer } from '../helpers/token-server.ts'
import { createUniShim, installUniShim } from '../helpers/uni-shim.ts'
import { startUviewPlus, uviewHttp } from './drivers/uview-plus.ts'
import type { Driver } from './harness.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { scenarios } from './scenarios.ts'

const runScenario = useScenarioRunner()

const uviewDriver: Driver = (config) => {
  const shim = createUniShim()
  const uninstall = installUniShim(shim)
  const client = startUviewPlus(config)
  const stop = client.stop.bind(client)
  return Object.assign(client, { stop: () => (stop(), uninstall(), shim.close()) })
}

describe('attachTokenController(uni.$u.http) on uview-plus 3.8.112 (luch-request 3.0.7 inside)', () => {
  it('runs on the copy uview-plus bundles, not on the luch-request package', async () => {
    const bundled = (await import('uview-plus/libs/luch-request')).default
    const standalone = (await import('luch-request')).default
    expect(uviewHttp).toBeInstanceOf(bundled)
    expect(bundled).not.toBe(standalone)
  })

  for (const scenario of scenarios) it(scenario.name, () => runScenario(uviewDriver, scenario))
})

describe('the uview-plus recipe (README)', () => {
  it('sets the header after the app’s own interceptors, shares one refresh in a burst, and replays an HTTP 401 and a business 401 through them', async () => {
    const server = await startTokenServer()
    onTestFinished(() => server.close())
    const shim = createUniShim()
    onTestFinished(() => shim.close())
    onTestFinished(installUniShim(shim))
    const uni = { $u: { http: uviewHttp } }
    const seen: string[] = []

    // From here to attachTokenController: the README's recipe, with the app's interceptors in uview-plus's style.
    uni.$u.http.setConfig((config) => {
      config.baseURL = server.url
      return config
    })
    const appRequest = uni.$u.http.interceptors.request.use((config) => {
      config.header = { ...config.header, 'X-App': 'shop' }
      return config
    })
    const appResponse = uni.$u.http.interceptors.response.use(
      (response) => {
        seen.push(`${response.statusCode} ${response.config.url}`)
        const { data } = response
        if (response.config.custom?.auth === false) return response // the token call: read as it is
        if (data.code === 401) return response // a business 401: painless-token refreshes and replays it
        if (data.code !== 200) return Promise.reject(data)
        return data.data
      },
      (response) => {
        seen.push(`${response.statusCode} ${response.config.url}`)
        return Promise.reject(response) // keep the response: an HTTP 401 is replayed from it
      },
    )
    const tokens = createTokenController({
      storage: uniStorage(),
      fetchToken: async () => {
        const form = { header: { 'content-type': 'application/x-www-form-urlencoded' }, custom: { auth: false } }
        return (await uni.$u.http.post('/token', { grant_type: 'client_credentials' }, form)).data
      },
    })
    const detach = attachTokenController(uni.$u.http, tokens, {
      isUnauthorized: (response) => response.statusCode === 401 || (response.data as { code?: number })?.code === 401,
    })
    onTestFinished(() => {
      detach()
      uni.$u.http.interceptors.request.eject(appRequest as unknown as number)
      uni.$u.http.interceptors.response.eject(appResponse as unknown as number)
      tokens.stop()
    })

    const burst = await Promise.all([1, 2, 3].map((i) => uni.$u.http.get(`/api/item/${i}`)))
    expect(burst).toEqual([1, 2, 3].map((i) => expect.objectContaining({ path: `/api/item/${i}` })))
    expect(server.calls('/token')).toBe(1)
    expect(server.lastHeaders('/api/item/3')).toMatchObject({ authorization: expect.stringMatching(/^Bearer \S+$/), 'x-app': 'shop' })
    expect(shim.storage.get('painless-token')).toBeTruthy()

    server.revokeAll()
    seen.length = 0
    expect(await uni.$u.http.get('/api/orders')).toMatchObject({ path: '/api/orders' })
    // The app's response interceptor saw the 401, the token call and the replay's 200, each once.
    expect(seen).toEqual(['401 /api/orders', '200 /token', '200 /api/orders'])
    expect(server.lastHeaders('/api/orders')).toMatchObject({ 'x-app': 'shop' })

    server.revokeAll()
    expect(await uni.$u.http.get('/biz/orders')).toMatchObject({ path: '/biz/orders' })
    expect(server.calls('/biz/orders')).toBe(2)
    expect(server.calls('/token')).toBe(3)
  })
})
