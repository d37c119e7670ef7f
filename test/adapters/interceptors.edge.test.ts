// The luch-request, axios and fetch adapters' edges, on stand-in instances whose interceptors the test calls
// by hand: a config without headers, an abort that beats a fresh token, an asynchronous isUnauthorized, a
// use() that returns no id, and option checks.
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { attachToAxios } from '../../src/entries/axios.ts'
import { withTokens } from '../../src/entries/fetch.ts'
import { attachTokenController, createTokenController, type LuchResponse, type TokenController } from '../../src/index.ts'
import { fakeFetch } from '../helpers/fake-fetch.ts'

/** A controller holding a fresh `fresh-token`, ready for the fast path; each later fetch answers `token-2`, `token-3`, … */
async function freshTokens(): Promise<TokenController> {
  let fetches = 0
  const tokens = createTokenController({
    fetchToken: fakeFetch((call) => call.grant(++fetches === 1 ? 'fresh-token' : `token-${fetches}`, 3600)).fetchToken,
  })
  onTestFinished(() => tokens.stop())
  await tokens.getToken()
  return tokens
}

/** An interceptor list that keeps the handlers and returns `id` from use(). */
function interceptorList<Id>(id: Id) {
  const handlers: Array<{ fulfilled: (value: any) => any; rejected?: (error: any) => any }> = []
  const use = vi.fn((fulfilled: (value: any) => any, rejected?: (error: any) => any): Id => (handlers.push({ fulfilled, rejected }), id))
  return { handlers, use, eject: vi.fn() }
}

function luchInstance(id: unknown) {
  const request = interceptorList(id)
  const response = interceptorList(id)
  const middleware = vi.fn(async (config: unknown) => ({ statusCode: 200, config }))
  return { interceptors: { request, response }, middleware }
}

describe('luch-request adapter edges', () => {
  it('hands back the config itself, not a promise, when a fresh token is at hand; an ordinary answer passes the same way', async () => {
    const http = luchInstance(0)
    attachTokenController(http, await freshTokens())

    const config = http.interceptors.request.handlers[0]!.fulfilled({ url: 'https://api.example.com/orders' })
    const answer = { statusCode: 200, config }

    expect(config).toMatchObject({ header: { Authorization: 'Bearer fresh-token' } })
    expect(typeof config.then).toBe('undefined')
    expect(http.interceptors.response.handlers[0]!.fulfilled(answer)).toBe(answer)
  })

  it('gives a config without a header object one holding the token', async () => {
    const http = luchInstance(0)
    attachTokenController(http, await freshTokens())

    const config = await http.interceptors.request.handlers[0]!.fulfilled({ url: 'https://api.example.com/orders' })

    expect(config.header).toEqual({ Authorization: 'Bearer fresh-token' })
  })

  it('replaces a token header the caller spelled in another case, so one Authorization goes out', async () => {
    const http = luchInstance(0)
    attachTokenController(http, await freshTokens())

    const config = await http.interceptors.request.handlers[0]!.fulfilled({
      url: 'https://api.example.com/orders',
      header: { authorization: 'Basic abc', 'X-App': '1' },
    })

    expect(config.header).toEqual({ Authorization: 'Bearer fresh-token', 'X-App': '1' })
  })

  it('refuses with ABORTED a request whose signal aborted, even with a fresh token at hand', async () => {
    const http = luchInstance(0)
    attachTokenController(http, await freshTokens())
    const controller = new AbortController()
    controller.abort()

    const config = { url: 'https://api.example.com/orders', custom: { signal: controller.signal } }

    await expect(http.interceptors.request.handlers[0]!.fulfilled(config)).rejects.toMatchObject({ code: 'ABORTED' })
  })

  it('waits for an asynchronous isUnauthorized, then replays the refused answer through the chain', async () => {
    const http = luchInstance(0)
    const tokens = await freshTokens()
    attachTokenController(http, tokens, { isUnauthorized: async (answer: LuchResponse) => answer.statusCode === 401 })
    const sent = await http.interceptors.request.handlers[0]!.fulfilled({ url: 'https://api.example.com/orders' })

    const passed = http.interceptors.response.handlers[0]!.fulfilled({ statusCode: 200, config: sent })
    const replayed = http.interceptors.response.handlers[0]!.fulfilled({ statusCode: 401, config: sent })

    expect(passed).toBeInstanceOf(Promise)
    await expect(passed).resolves.toMatchObject({ statusCode: 200 })
    await expect(replayed).resolves.toMatchObject({ statusCode: 200 })
    expect(http.middleware).toHaveBeenCalledTimes(1)
    // The refused token was invalidated: the replay goes out with its replacement.
    expect(await tokens.getToken()).toBe('token-2')
  })

  it('detaches without eject when use() returned no id, as luch-request typings allow', async () => {
    const http = luchInstance(undefined)
    const detach = attachTokenController(http, await freshTokens())

    detach()

    expect(http.interceptors.request.eject).not.toHaveBeenCalled()
    expect(http.interceptors.response.eject).not.toHaveBeenCalled()
  })

  it('detaches by the ids use() returned', async () => {
    const http = luchInstance(7)
    attachTokenController(http, await freshTokens())()

    expect(http.interceptors.request.eject).toHaveBeenCalledWith(7)
    expect(http.interceptors.response.eject).toHaveBeenCalledWith(7)
  })
})

describe('axios adapter edges', () => {
  it('sets the token on plain-object headers that another interceptor put in place of AxiosHeaders', async () => {
    const request = interceptorList(0)
    const instance = { interceptors: { request, response: interceptorList(1) }, request: vi.fn() }
    attachToAxios(instance, await freshTokens())

    const config = await request.handlers[0]!.fulfilled({ url: 'https://api.example.com/orders', headers: { Accept: 'text/plain' } })

    expect(config.headers).toEqual({ Accept: 'text/plain', Authorization: 'Bearer fresh-token' })
  })
})

describe('fetch adapter edges', () => {
  it('throws a TypeError naming fetch when it is not a function', async () => {
    const tokens = await freshTokens()
    expect(() => withTokens('fetch' as never, tokens)).toThrow(/fetch must be a function/)
  })
})
