// createTaroInterceptor (painless-token/taro) on the real @tarojs/taro 4.2.1 interceptor chain: the shared
// scenarios, then what is Taro's own: the onion order, Taro.request's abort(), H5's signal, and the types.
import type TaroTypes from '@tarojs/taro'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTaroInterceptor, type TaroChain } from '../../src/entries/taro.ts'
import { createTokenController, wxStorage, type TokenController, type TokenResponse } from '../../src/index.ts'
import { fakeFetch } from '../helpers/fake-fetch.ts'
import { startTokenServer } from '../helpers/token-server.ts'
import { createUniShim } from '../helpers/uni-shim.ts'
import { ABORT_WHILE_PARKED } from './drivers/node.ts'
import { createTaro, startTaro } from './drivers/taro.ts'
import { manualPlatform, setup } from './fixture.ts'
import type { Driver } from './harness.ts'
import { useScenarioRunner } from './run-scenario.ts'
import { scenarios } from './scenarios.ts'

const runScenario = useScenarioRunner()

const taroDriver: Driver = async (config) => {
  const shim = createUniShim()
  const client = await startTaro(config, shim)
  const stop = client.stop.bind(client)
  return Object.assign(client, { stop: () => (stop(), shim.close()) })
}

describe('the taro adapter (Taro.addInterceptor on @tarojs/taro 4.2.1)', () => {
  for (const scenario of scenarios) it(scenario.name, () => runScenario(taroDriver, scenario))

  it('runs the abort-while-parked scenario through Taro.request(...).abort(), which Taro copies from the interceptor', () => {
    expect(scenarios.map((s) => s.name)).toContain(ABORT_WHILE_PARKED)
  })
})

describe('the Taro recipe (README)', () => {
  it('keeps the token in Taro storage with wxStorage(Taro) and fetches it through Taro.request with auth: false', async () => {
    const server = await startTokenServer()
    onTestFinished(() => server.close())
    const shim = createUniShim()
    onTestFinished(() => shim.close())
    const launch = async () => {
      const Taro = await createTaro(shim)
      // From here to Taro.request: the README's recipe (plus dataType, which wx defaults to 'json' and the Node shim does not).
      const tokens = createTokenController({
        storage: wxStorage(Taro),
        fetchToken: async () => {
          const form = { 'content-type': 'application/x-www-form-urlencoded' }
          const res = await Taro.request({
            url: server.url + '/token',
            method: 'POST',
            header: form,
            data: 'grant_type=client_credentials',
            auth: false,
            dataType: 'json',
          })
          if (res.statusCode !== 200) throw res
          return res.data as TokenResponse
        },
      })
      onTestFinished(() => tokens.stop())
      Taro.addInterceptor(createTaroInterceptor(tokens))
      return { Taro, tokens }
    }

    const first = await launch()
    expect((await first.Taro.request({ url: server.url + '/api/orders' })).statusCode).toBe(200)
    first.tokens.stop()
    const second = await launch()
    const res = await second.Taro.request({ url: server.url + '/api/orders' })

    expect(res.statusCode).toBe(200)
    expect(server.calls('/token')).toBe(1)
    expect(server.calls('/api/orders')).toBe(2)
    expect(shim.storage.get('painless-token')).toBeTruthy()
  })
})

describe('createTaroInterceptor in the onion', () => {
  it('lets interceptors added before it see each request once, with its final answer, and those after it see the replay', async () => {
    const { server, tokens, shim } = await setup()
    const taro = await createTaro(shim)
    const seen: string[] = []
    taro.addInterceptor((chain: TaroChain) => {
      seen.push('outer ' + (chain.requestParams.header?.Authorization === undefined ? 'no token' : 'token'))
      return chain.proceed(chain.requestParams).then((res) => (seen.push(`outer ${res.statusCode}`), res))
    })
    taro.addInterceptor(createTaroInterceptor(tokens))
    taro.addInterceptor((chain: TaroChain) => {
      seen.push('inner ' + String(chain.requestParams.header?.Authorization).slice(0, 7))
      return chain.proceed(chain.requestParams).then((res) => (seen.push(`inner ${res.statusCode}`), res))
    })
    await taro.request({ url: server.url + '/api/warm-up' })
    seen.length = 0

    server.revokeAll()
    const res = await taro.request({ url: server.url + '/api/orders', header: { 'X-Trace': 'abc' } })

    expect(res.statusCode).toBe(200)
    expect(seen).toEqual(['outer no token', 'inner Bearer ', 'inner 401', 'inner Bearer ', 'inner 200', 'outer 200'])
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.lastHeaders('/api/orders')).toMatchObject({ 'x-trace': 'abc' })
  })

  it("keeps abort() through Taro's own timeoutInterceptor added before it, while the request waits for its token", async () => {
    const { server, tokens, shim } = await setup({ tokenFault: 'hang' })
    const taro = await createTaro(shim)
    taro.addInterceptor(taro.interceptors.timeoutInterceptor)
    taro.addInterceptor(createTaroInterceptor(tokens))

    const pending = taro.request({ url: server.url + '/api/parked', timeout: 60_000 })
    // The request parks, then starts the refresh: once /token is called, it waits.
    await server.whenCalled('/token', 1)
    pending.abort?.()

    await expect(pending).rejects.toMatchObject({ code: 'ABORTED', errMsg: 'request:fail ABORTED' })
    expect(server.calls('/api/parked')).toBe(0)
  })

  it('aborts the request in flight through the platform task once it is sent', async () => {
    const { tokens } = await setup()
    const platform = manualPlatform()
    const taro = await createTaro(platform)
    taro.addInterceptor(createTaroInterceptor(tokens))
    await tokens.getToken()

    const pending = taro.request({ url: 'https://api.example.com/slow' })
    await new Promise((resolve) => setImmediate(resolve))
    expect(platform.calls).toHaveLength(1)
    pending.abort?.()

    await expect(pending).rejects.toEqual({ errMsg: 'request:fail abort' })
  })

  it("ends a token wait with ABORTED when H5's signal aborts, and at once for a signal already aborted", async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    onTestFinished(() => tokens.stop())
    const proceeded: unknown[] = []
    const chain = (params: Record<string, unknown>): TaroChain => ({
      requestParams: params as TaroChain['requestParams'],
      proceed: (p) => (proceeded.push(p), Promise.resolve({ statusCode: 200, data: {}, header: {} })),
    })
    const interceptor = createTaroInterceptor(tokens)

    const controller = new AbortController()
    const waiting = interceptor(chain({ url: 'https://api.example.com/a', signal: controller.signal }))
    controller.abort()
    const already = interceptor(chain({ url: 'https://api.example.com/b', signal: AbortSignal.abort() }))

    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' })
    await expect(already).rejects.toMatchObject({ code: 'ABORTED' })
    expect(proceeded).toEqual([])
  })

  it("lets go of H5's signal once the request settles, so one signal can serve many requests", async () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 'tk', expires_in: 3600 }) })
    onTestFinished(() => tokens.stop())
    const listeners = new Set<() => void>()
    const signal = {
      aborted: false,
      addEventListener: (_: 'abort', listener: () => void) => void listeners.add(listener),
      removeEventListener: (_: 'abort', listener: () => void) => void listeners.delete(listener),
    }
    const interceptor = createTaroInterceptor(tokens)
    const answered = (status: number): TaroChain => ({
      requestParams: { url: 'https://api.example.com/a', signal },
      proceed: () =>
        status === 0 ? Promise.reject({ errMsg: 'request:fail' }) : Promise.resolve({ statusCode: status, data: {}, header: {} }),
    })

    const pending = [interceptor(answered(200)), interceptor(answered(0))]
    expect(listeners.size).toBe(2)
    await Promise.allSettled(pending)

    expect(listeners.size).toBe(0)
  })

  it("leaves the caller's params and header untouched, and passes an opted-out request on as it came", async () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 'tk', expires_in: 3600 }) })
    onTestFinished(() => tokens.stop())
    const proceeded: Array<Record<string, unknown>> = []
    const interceptor = createTaroInterceptor(tokens)
    const chainFor = (requestParams: TaroChain['requestParams']): TaroChain => ({
      requestParams,
      proceed: (p) => (proceeded.push(p), Promise.resolve({ statusCode: 200, data: {}, header: {} })),
    })
    const header = { 'X-Trace': 'abc' }
    const params = { url: 'https://api.example.com/a', header }
    const publicParams = { url: 'https://api.example.com/b', auth: false }

    await interceptor(chainFor(params))
    await interceptor(chainFor(publicParams))

    expect(header).toEqual({ 'X-Trace': 'abc' })
    expect(proceeded[0]).toEqual({ url: 'https://api.example.com/a', header: { 'X-Trace': 'abc', Authorization: 'Bearer tk' } })
    expect(proceeded[1]).toBe(publicParams)
  })

  it('passes on a rejection from inside the chain as it is, and gives a TokenError an errMsg', async () => {
    const { server, tokens, shim } = await setup({ tokenStatus: 500 }, { retry: { attempts: 1, baseDelayMs: 0 } })
    const taro = await createTaro(shim)
    taro.addInterceptor(createTaroInterceptor(tokens))

    await expect(taro.request({ url: server.url + '/api/orders' })).rejects.toMatchObject({
      code: 'REFRESH_FAILED',
      errMsg: 'request:fail REFRESH_FAILED',
    })
    const failing = createTaroInterceptor(tokens)({
      requestParams: { url: 'https://api.example.com/a', auth: false },
      proceed: () => Promise.reject({ errMsg: 'request:fail timeout' }),
    })
    await expect(failing).rejects.toEqual({ errMsg: 'request:fail timeout' })
  })

  it('calls success and complete once, with the final answer, for a callback-style request replayed after a 401', async () => {
    const platform = manualPlatform()
    const taro = await createTaro(platform)
    let issued = 0
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: `t${++issued}`, expires_in: 60 }) })
    onTestFinished(() => tokens.stop())
    taro.addInterceptor(createTaroInterceptor(tokens))
    const heard: unknown[] = []

    const pending = taro.request({
      url: 'https://api.example.com/me',
      success: (res: { statusCode: number }) => heard.push(['success', res.statusCode]),
      fail: (error: unknown) => heard.push(['fail', error]),
      complete: (res: { statusCode: number }) => heard.push(['complete', res.statusCode]),
    })
    await expect.poll(() => platform.calls.length).toBe(1)
    platform.answer(0, 401)
    await expect.poll(() => platform.calls.length).toBe(2)
    platform.answer(1, 200)

    expect((await pending).statusCode).toBe(200)
    expect(heard).toEqual([
      ['success', 200],
      ['complete', 200],
    ])
  })

  it('calls fail and complete once with the TokenError when no token can be had; an opted-out request keeps Taro’s own', async () => {
    const { server, tokens, shim } = await setup({ tokenStatus: 500 }, { retry: { attempts: 1, baseDelayMs: 0 } })
    const taro = await createTaro(shim)
    taro.addInterceptor(createTaroInterceptor(tokens))
    const heard: unknown[] = []
    const callbacks = (name: string) => ({
      success: (res: { statusCode: number }) => heard.push([name, 'success', res.statusCode]),
      fail: (error: { code?: string }) => heard.push([name, 'fail', error.code]),
      complete: () => heard.push([name, 'complete']),
    })

    await expect(taro.request({ url: server.url + '/api/orders', ...callbacks('tokened') })).rejects.toMatchObject({
      code: 'REFRESH_FAILED',
    })
    await taro.request({ url: server.url + '/api/public', auth: false, ...callbacks('public') })

    expect(heard).toEqual([
      ['tokened', 'fail', 'REFRESH_FAILED'],
      ['tokened', 'complete'],
      ['public', 'success', expect.any(Number)],
      ['public', 'complete'],
    ])
  })

  it('refuses a plain-http URL with INSECURE_URL before anything is sent', async () => {
    const { tokens, shim } = await setup()
    const taro = await createTaro(shim)
    taro.addInterceptor(createTaroInterceptor(tokens))

    await expect(taro.request({ url: 'http://api.example.com/orders' })).rejects.toMatchObject({ code: 'INSECURE_URL' })
    expect(shim.calls()).toBe(0)
  })

  it('throws a TypeError naming a bad option or a missing controller', () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 'tk', expires_in: 60 }) })
    onTestFinished(() => tokens.stop())
    expect(() => createTaroInterceptor(tokens, { maxReplays: -1 })).toThrow(TypeError)
    expect(() => createTaroInterceptor({} as TokenController)).toThrow('tokens must be a token controller')
  })

  it("fits Taro's own types: Taro.addInterceptor takes it, Taro.request takes auth: false once declared", () => {
    // Compile-time only (tsconfig.test.json type-checks this): the declaration is in drivers/taro.ts, as the README shows.
    const wire = (Taro: typeof TaroTypes, tokens: TokenController) => {
      wxStorage(Taro)
      Taro.addInterceptor(createTaroInterceptor(tokens))
      return Taro.request({ url: 'https://api.example.com/token', method: 'POST', auth: false })
    }
    expect(typeof wire).toBe('function')
  })
})
