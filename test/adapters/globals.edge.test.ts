// The mini-program adapters find the platform's global (wx, uni) when no option names it, and say which
// option to pass when there is none. The globals are stubbed for one test each and removed after.
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createUniRequest, installUniInterceptor } from '../../src/entries/uni.ts'
import { createWxRequest } from '../../src/entries/wx.ts'
import { createTokenController, type TokenController } from '../../src/index.ts'
import { fakeFetch } from '../helpers/fake-fetch.ts'

afterEach(() => {
  vi.unstubAllGlobals()
})

function tokensWithGrant(): TokenController {
  const tokens = createTokenController({ fetchToken: fakeFetch((call) => call.grant('global-token', 3600)).fetchToken })
  onTestFinished(() => tokens.stop())
  return tokens
}

/** A platform request that answers 200 and records the header it was sent with. */
function platform() {
  const sent: Array<Record<string, unknown> | undefined> = []
  const request = vi.fn((options: { header?: Record<string, unknown>; success(result: unknown): void }) => {
    sent.push(options.header)
    options.success({ statusCode: 200, data: 'ok', header: {} })
    return { abort() {} }
  })
  return { request, sent }
}

describe('global platform objects', () => {
  it('createWxRequest sends through the global wx when options.wx is absent', async () => {
    const wx = platform()
    vi.stubGlobal('wx', wx)
    const request = createWxRequest(tokensWithGrant())

    await new Promise((resolve) => request({ url: 'https://api.example.com/orders', complete: resolve }))

    expect(wx.request).toHaveBeenCalledTimes(1)
    expect(wx.sent[0]).toEqual({ Authorization: 'Bearer global-token' })
  })

  it('createUniRequest throws a TypeError naming options.uni when there is no global uni', () => {
    vi.stubGlobal('uni', undefined)
    const request = createUniRequest(tokensWithGrant())

    expect(() => request({ url: 'https://api.example.com/orders' })).toThrow(/options\.uni/)
  })

  it('createUniRequest sends through the global uni when options.uni is absent', async () => {
    const uni = platform()
    vi.stubGlobal('uni', uni)

    const answer = await createUniRequest(tokensWithGrant())({ url: 'https://api.example.com/orders' })

    expect(answer).toMatchObject({ statusCode: 200, data: 'ok' })
    expect(uni.sent[0]).toEqual({ Authorization: 'Bearer global-token' })
  })

  it('installUniInterceptor throws a TypeError naming options.uni when there is no global uni', () => {
    vi.stubGlobal('uni', undefined)
    expect(() => installUniInterceptor(tokensWithGrant())).toThrow(/options\.uni/)
  })

  it('installUniInterceptor throws a TypeError when the host has no addInterceptor', () => {
    expect(() => installUniInterceptor(tokensWithGrant(), { uni: {} as never })).toThrow(/addInterceptor/)
  })

  it('installUniInterceptor installs on the global uni when options.uni is absent, and removes itself', () => {
    const addInterceptor = vi.fn()
    const removeInterceptor = vi.fn()
    vi.stubGlobal('uni', { addInterceptor, removeInterceptor, request: vi.fn() })

    const uninstall = installUniInterceptor(tokensWithGrant())
    uninstall()

    expect(addInterceptor).toHaveBeenCalledWith('request', expect.objectContaining({ invoke: expect.any(Function) }))
    expect(removeInterceptor).toHaveBeenCalledWith('request', addInterceptor.mock.calls[0]?.[1])
  })
})
