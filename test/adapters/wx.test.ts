// createWxRequest beyond the shared scenarios: wx's callbacks, its RequestTask before and after the request goes
// out, and what reaches wx.request.
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { createWxRequest } from '../../src/entries/wx.ts'
import { fakeFetch } from '../helpers/fake-fetch.ts'
import { createTokenController } from '../../src/index.ts'
import { manualPlatform, setup } from './fixture.ts'

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('createWxRequest', () => {
  it('calls success, then complete, with the answer, as wx.request does', async () => {
    const { server, tokens, shim } = await setup()
    const request = createWxRequest(tokens, { wx: shim })
    const seen: string[] = []

    await new Promise<void>((resolve) =>
      request({
        url: server.url + '/api/echo',
        dataType: 'json',
        success: (r) => seen.push(`success ${r.statusCode}`),
        complete: (r) => (seen.push(`complete ${r.statusCode}`), resolve()),
      }),
    )

    expect(seen).toEqual(['success 200', 'complete 200'])
    expect(server.lastHeaders('/api/echo')).toHaveProperty('authorization')
  })

  it('hands fail, then complete, the TokenError with an errMsg when no token can be had', async () => {
    const { server, tokens, shim } = await setup({ tokenStatus: 500 }, { retry: { attempts: 1 } })
    const request = createWxRequest(tokens, { wx: shim })
    const seen: unknown[] = []

    await new Promise<void>((resolve) =>
      request({ url: server.url + '/api/echo', fail: (e) => seen.push(e), complete: (e) => (seen.push(e), resolve()) }),
    )

    expect(seen[0]).toMatchObject({ code: 'REFRESH_FAILED', errMsg: 'request:fail REFRESH_FAILED' })
    expect(seen[1]).toBe(seen[0])
    expect(server.calls('/api/echo')).toBe(0)
  })

  it('attaches task listeners given while the request waits to the real task, and to the replay’s', async () => {
    const fetch = fakeFetch()
    const tokens = createTokenController({ fetchToken: fetch.fetchToken, retry: { baseDelayMs: 0 } })
    onTestFinished(() => tokens.stop())
    const platform = manualPlatform()
    const request = createWxRequest(tokens, { wx: platform })
    const onHeaders = () => undefined

    const task = request({ url: 'https://api.example.com/orders', success: () => undefined })
    task.onHeadersReceived(onHeaders)
    expect(platform.calls).toHaveLength(0)
    fetch.last().grant('first')
    await flush()
    platform.answer(0, 401)
    await flush()
    fetch.last().grant('second')
    await flush()

    expect(platform.calls).toHaveLength(2)
    for (const call of platform.calls) expect(call.listeners).toEqual([['onHeadersReceived', onHeaders]])
    expect(platform.calls.map((c) => c.options.header.Authorization)).toEqual(['Bearer first', 'Bearer second'])
  })

  it('aborts a request in flight through the platform task: fail gets wx’s own abort result', async () => {
    const { server, tokens, shim } = await setup()
    await tokens.getToken()
    let sent!: () => void
    const reached = new Promise<void>((resolve) => (sent = resolve))
    const request = createWxRequest(tokens, { wx: { request: (options: any) => (sent(), shim.request(options)) } })

    const failed = new Promise((resolve) => {
      const task = request({ url: server.url + '/api/echo', fail: resolve })
      void reached.then(() => task.abort())
    })

    expect(await failed).toEqual({ errMsg: 'request:fail abort' })
  })

  it('passes wx.request the options without `auth`, and no token for auth: false', async () => {
    const { tokens } = await setup()
    const platform = manualPlatform()
    const request = createWxRequest(tokens, { wx: platform })

    request({ url: 'https://api.example.com/public', auth: false, header: { 'x-app': '1' }, success: () => undefined })
    await flush()

    expect(platform.calls[0]?.options).not.toHaveProperty('auth')
    expect(platform.calls[0]?.options.header).toEqual({ 'x-app': '1' })
    expect(tokens.state).not.toBe('refreshing')
  })

  it('throws a TypeError when there is no wx.request to call', async () => {
    const { tokens } = await setup()
    expect(() => createWxRequest(tokens)({ url: 'https://api.example.com/x' })).toThrow(/createWxRequest: no wx\.request/)
  })
})

describe('createWxRequest failures', () => {
  it('gives each of two parked requests that fail together its own error, each with errMsg', async () => {
    const { server, tokens, shim } = await setup({ tokenStatus: 500 }, { retry: { attempts: 1 } })
    const request = createWxRequest(tokens, { wx: shim })
    const failed = (path: string) => new Promise<any>((resolve) => request({ url: server.url + path, fail: resolve }))

    const [first, second] = await Promise.all([failed('/api/a'), failed('/api/b')])

    expect(first).not.toBe(second)
    for (const error of [first, second]) {
      expect(error).toMatchObject({ name: 'TokenRefreshError', code: 'REFRESH_FAILED', errMsg: 'request:fail REFRESH_FAILED' })
      expect(error).toBeInstanceOf(Error)
    }
    first.errMsg = 'changed by the first caller'
    first.seen = true
    expect(second.errMsg).toBe('request:fail REFRESH_FAILED')
    expect(second).not.toHaveProperty('seen')
  })

  it.each([
    ['success', 200],
    ['fail', undefined],
  ] as const)('still calls complete when %s throws, rejects nothing unhandled, and throws the error from a timer', async (name, status) => {
    const fetch = fakeFetch((call) => call.grant('t1', 3600))
    const tokens = createTokenController({ fetchToken: fetch.fetchToken })
    onTestFinished(() => tokens.stop())
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    onTestFinished(() => {
      process.off('unhandledRejection', unhandled)
    })
    const platform = manualPlatform()
    const complete = vi.fn()
    const thrower = () => {
      throw new Error(`thrown by ${name}`)
    }

    createWxRequest(tokens, { wx: platform })({ url: 'https://api.example.com/a', [name]: thrower, complete })
    await flush()
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    onTestFinished(() => {
      vi.useRealTimers()
    })
    if (status === undefined) platform.calls[0]?.options.fail({ errMsg: 'request:fail timeout' })
    else platform.answer(0, status)
    await flush()

    expect(complete).toHaveBeenCalledTimes(1)
    expect(() => vi.runOnlyPendingTimers()).toThrow(`thrown by ${name}`)
    await flush()
    expect(unhandled).not.toHaveBeenCalled()
  })
})
