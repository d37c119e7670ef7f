// Douyin (tt), QQ (qq), Kuaishou (ks), Baidu (swan) and JD (jd) mini-programs: their request and storage APIs are
// wx-shaped, so createWxRequest(tokens, { wx: tt }) and wxStorage(tt) serve them. Proved once with a `tt`-named
// runtime (the Node shim that stands in for wx in the wx scenarios, here under another name) and no `wx` global.
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createWxRequest, type MiniRequestSuccess } from '../../src/entries/wx.ts'
import { createTokenController, wxStorage, type TokenResponse } from '../../src/index.ts'
import { startTokenServer } from '../helpers/token-server.ts'
import { createUniShim, type UniShim } from '../helpers/uni-shim.ts'
import { startWx } from './drivers/wx.ts'
import type { Driver } from './harness.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { scenarios } from './scenarios.ts'

const runScenario = useScenarioRunner()

const noWxGlobal = () => expect(typeof (globalThis as { wx?: unknown }).wx).toBe('undefined')

const ttDriver: Driver = (config) => {
  const tt = createUniShim()
  const client = startWx(config, tt)
  const stop = client.stop.bind(client)
  return Object.assign(client, { stop: () => (stop(), tt.close()) })
}

describe('createWxRequest(tokens, { wx: tt }) on a tt runtime, with no wx global', () => {
  beforeEach(noWxGlobal)
  afterEach(noWxGlobal)

  for (const scenario of scenarios) it(scenario.name, () => runScenario(ttDriver, scenario))
})

describe('wxStorage(tt)', () => {
  /** A controller whose token lives in tt's storage and whose token call goes through tt.request. */
  function controllerOver(tt: UniShim, serverUrl: string) {
    const tokens = createTokenController({
      storage: wxStorage(tt),
      fetchToken: () =>
        new Promise<TokenResponse>((resolve, reject) =>
          request({
            url: serverUrl + '/token',
            method: 'POST',
            header: { 'content-type': 'application/x-www-form-urlencoded' },
            data: 'grant_type=client_credentials',
            dataType: 'json',
            auth: false,
            success: (res: MiniRequestSuccess) => (res.statusCode === 200 ? resolve(res.data as TokenResponse) : reject(res)),
            fail: reject,
          }),
        ),
    })
    const request = createWxRequest(tokens, { wx: tt })
    onTestFinished(() => tokens.stop())
    return { tokens, request }
  }

  it('keeps the token in tt storage, so the next launch sends requests without a token call', async () => {
    noWxGlobal()
    const server = await startTokenServer()
    onTestFinished(() => server.close())
    const tt = createUniShim()
    onTestFinished(() => tt.close())
    const send = (request: ReturnType<typeof createWxRequest>, path: string) =>
      new Promise<MiniRequestSuccess>((resolve, reject) => request({ url: server.url + path, success: resolve, fail: reject }))

    const first = controllerOver(tt, server.url)
    expect((await send(first.request, '/api/first')).statusCode).toBe(200)
    first.tokens.stop()
    const second = controllerOver(tt, server.url)
    const answer = await send(second.request, '/api/second')

    expect(answer.statusCode).toBe(200)
    expect(server.calls('/token')).toBe(1)
    expect(JSON.parse(String(tt.storage.get('painless-token')))).toMatchObject({ accessToken: expect.any(String) })
    noWxGlobal()
  })
})

describe('on a tt runtime, the wx defaults', () => {
  it('look for the global wx only, so tt must be passed: a clear TypeError says so', () => {
    const tt = createUniShim()
    onTestFinished(() => tt.close())
    vi.stubGlobal('tt', tt)
    onTestFinished(() => void vi.unstubAllGlobals())
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 'tk', expires_in: 60 }) })
    onTestFinished(() => tokens.stop())

    expect(() => createWxRequest(tokens)({ url: 'https://api.example.com/a' })).toThrow('pass options.wx')
    expect(() => wxStorage().get('k')).toThrow(TypeError)
    expect(tt.calls()).toBe(0)
  })
})
