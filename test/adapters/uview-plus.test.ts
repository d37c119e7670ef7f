// attachTokenController on uview-plus's `uni.$u.http` (uview-plus 3.8.112's bundled luch-request 3.0.7, the real
// files), over the loopback server: the shared scenarios, then the README recipe with the app's own interceptors.
import { describe, expect, it, onTestFinished } from 'vitest'
import { attachTokenController } from '../../src/entries/luch-request.ts'
import { createTokenController } from '../../src/index.ts'
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

describe('the uview-plus recipe', () => {
  it('sets the header after the app’s own interceptors, shares one refresh in a burst and replays a 401 through them', async () => {
    const server = await startTokenServer()
    onTestFinished(() => server.close())
    const shim = createUniShim()
    onTestFinished(() => shim.close())
    onTestFinished(installUniShim(shim))
    const http = uviewHttp
    const seen: string[] = []

    // The recipe, as an app's request setup writes it (config/request.js in uview-plus's docs).
    http.setConfig((config) => {
      config.baseURL = server.url
      return config
    })
    const appRequest = http.interceptors.request.use((config) => {
      config.header = { ...config.header, 'X-App': 'shop' }
      return config
    })
    const appResponse = http.interceptors.response.use(
      (response) => (seen.push(`${response.statusCode} ${response.config.url}`), response),
      (response) => (seen.push(`${response.statusCode} ${response.config.url}`), Promise.reject(response)),
    )
    const tokens = createTokenController({
      fetchToken: async () =>
        (
          await http.post(
            '/token',
            { grant_type: 'client_credentials' },
            { header: { 'content-type': 'application/x-www-form-urlencoded' }, custom: { auth: false } },
          )
        ).data,
    })
    const detach = attachTokenController(http, tokens)
    onTestFinished(() => {
      detach()
      http.interceptors.request.eject(appRequest as unknown as number)
      http.interceptors.response.eject(appResponse as unknown as number)
      tokens.stop()
    })

    const burst = await Promise.all([1, 2, 3].map((i) => http.get(`/api/item/${i}`)))
    expect(burst.map((r) => r.statusCode)).toEqual([200, 200, 200])
    expect(server.calls('/token')).toBe(1)
    expect(server.lastHeaders('/api/item/3')).toMatchObject({ authorization: expect.stringMatching(/^Bearer \S+$/), 'x-app': 'shop' })

    server.revokeAll()
    seen.length = 0
    const replayed = await http.get('/api/orders')

    expect(replayed.statusCode).toBe(200)
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
    expect(server.lastHeaders('/api/orders')).toMatchObject({ 'x-app': 'shop' })
    // The app's response interceptor saw the 401, the token call and the replay's 200, each once.
    expect(seen).toEqual(['401 /api/orders', '200 /token', '200 /api/orders'])
  })
})
