// installUniInterceptor beyond the shared scenarios, on a uni that runs interceptors as uni-app's runtime does
// (test/adapters/uni-interceptor-host.ts): what uni.request returns, the callbacks' order, failures, removal.
import { describe, expect, it } from 'vitest'
import { installUniInterceptor, type UniInterceptorOptions } from '../../src/entries/uni.ts'
import { createInterceptingUni } from './uni-interceptor-host.ts'
import type { UniRequestOptions } from '../helpers/uni-shim.ts'
import { setup } from './fixture.ts'
import { watchProcessErrors } from '../helpers/process-errors.ts'

async function installed(server?: Parameters<typeof setup>[0], tokens?: Parameters<typeof setup>[1], options: UniInterceptorOptions = {}) {
  const scenario = await setup(server, tokens)
  const sent: Array<Record<string, unknown>> = []
  const uni = createInterceptingUni((options) => (sent.push(options), scenario.shim.request(options as UniRequestOptions)))
  const remove = installUniInterceptor(scenario.tokens, { ...options, uni })
  return { ...scenario, uni, sent, remove }
}

const callbacks = (seen: string[], done: () => void) => ({
  success: (r: { statusCode: number }) => seen.push(`success ${r.statusCode}`),
  fail: (e: { code?: string }) => seen.push(`fail ${e.code}`),
  complete: (r: { statusCode?: number; code?: string }) => (seen.push(`complete ${r.statusCode ?? r.code}`), done()),
})

/** Sends a callback-style request and resolves, once complete ran, with what each callback was handed. */
function callbacksSeen(uni: Awaited<ReturnType<typeof installed>>['uni'], url: string): Promise<string[]> {
  const seen: string[] = []
  return new Promise((resolve) =>
    uni.request({
      url,
      success: () => seen.push('success'),
      fail: (e: Error) => seen.push(`fail ${e.message}`),
      complete: (e: Error) => (seen.push(`complete ${e.message}`), resolve(seen)),
    }),
  )
}

describe('installUniInterceptor', () => {
  it('makes callback-style uni.request return a promise of the task; an opted-out one returns the task itself', async () => {
    const { server, uni } = await installed()

    const authorized = uni.request({ url: server.url + '/api/a', success: () => undefined }) as Promise<{ abort(): void }>
    const optedOut = uni.request({ url: server.url + '/api/b', auth: false, success: () => undefined }) as { abort(): void }

    expect(typeof authorized.then).toBe('function')
    expect(typeof (await authorized).abort).toBe('function')
    expect(typeof optedOut.abort).toBe('function')
  })

  it('calls success, then complete, with the replay’s answer, never with the 401', async () => {
    const { server, uni } = await installed()
    await uni.request({ url: server.url + '/api/warm-up' })
    server.revokeAll()
    const seen: string[] = []

    await new Promise<void>((resolve) => uni.request({ url: server.url + '/api/orders', ...callbacks(seen, resolve) }))

    expect(seen).toEqual(['success 200', 'complete 200'])
    expect(server.calls('/api/orders')).toBe(2)
  })

  it('calls fail, then complete, with the TokenError and sends nothing when no token can be had', async () => {
    const { server, uni, sent } = await installed({ tokenStatus: 500 }, { retry: { attempts: 1 } })
    const seen: string[] = []

    await new Promise<void>((resolve) => uni.request({ url: server.url + '/api/orders', ...callbacks(seen, resolve) }))

    expect(seen).toEqual(['fail REFRESH_FAILED', 'complete REFRESH_FAILED'])
    expect(sent.filter((options) => String(options.url).endsWith('/api/orders'))).toEqual([])
  })

  // uni-app drops a rejected invoke without a word: the request would hang with no callback at all.
  it.each([
    [
      'sign',
      {
        sign: () => {
          throw new TypeError('cannot sign this body')
        },
      },
    ],
    [
      'format',
      {
        format: () => {
          throw new TypeError('cannot format this token')
        },
      },
    ],
  ])('calls fail, then complete, with what %s throws, and sends nothing', async (_name, options) => {
    const { server, uni, sent } = await installed(undefined, undefined, options)
    const seen = await callbacksSeen(uni, server.url + '/api/orders')

    expect(seen).toEqual([expect.stringMatching(/^fail cannot/), expect.stringMatching(/^complete cannot/)])
    expect(sent.filter((options) => String(options.url).endsWith('/api/orders'))).toEqual([])
  })

  it('calls fail, then complete, with what isUnauthorized throws', async () => {
    const isUnauthorized = () => {
      throw new TypeError('cannot read this answer')
    }
    const { server, uni } = await installed(undefined, undefined, { isUnauthorized })
    const seen = await callbacksSeen(uni, server.url + '/api/orders')

    expect(seen).toEqual(['fail cannot read this answer', 'complete cannot read this answer'])
  })

  it('rejects a promise-style call with the TokenError', async () => {
    const { uni } = await installed()
    await expect(uni.request({ url: 'http://example.com/orders' })).rejects.toMatchObject({ code: 'INSECURE_URL' })
  })

  it('strips auth: false before the request goes out, and sets no token', async () => {
    const { server, uni, sent } = await installed()

    await uni.request({ url: server.url + '/api/public', auth: false })

    expect(sent[0]).not.toHaveProperty('auth')
    expect(server.lastHeaders('/api/public')).not.toHaveProperty('authorization')
  })

  it('removes only its own interceptor', async () => {
    const { server, uni, remove } = await installed()
    uni.addInterceptor('request', { invoke: (args: any) => void (args.header = { ...args.header, 'x-app': '1' }) })

    remove()
    await uni.request({ url: server.url + '/api/echo' })

    expect(server.lastHeaders('/api/echo')).toMatchObject({ 'x-app': '1' })
    expect(server.lastHeaders('/api/echo')).not.toHaveProperty('authorization')
  })

  it('still calls complete when fail throws for a request that got no token, and rejects nothing unhandled', async () => {
    const { server, uni } = await installed({ tokenStatus: 500 }, { retry: { attempts: 1 } })
    const { unhandled, thrown } = watchProcessErrors()
    const fail = () => {
      throw new Error('thrown by fail')
    }

    const completed = await new Promise((resolve) => uni.request({ url: server.url + '/api/a', fail, complete: resolve }))
    await new Promise((resolve) => setTimeout(resolve, 0))

    expect(completed).toMatchObject({ code: 'REFRESH_FAILED', errMsg: 'request:fail REFRESH_FAILED' })
    expect(thrown).toHaveBeenCalledWith(expect.objectContaining({ message: 'thrown by fail' }), expect.anything())
    expect(unhandled).not.toHaveBeenCalled()
  })

  it.each([
    ['success', 'a fresh token'],
    ['complete', 'a fresh token'],
    ['success', 'a replay after a 401'],
    ['complete', 'a replay after a 401'],
  ] as const)(
    'still runs the other callbacks when %s throws on %s, rejects nothing unhandled, and throws it from a timer',
    async (name, path) => {
      const { server, uni } = await installed()
      await uni.request({ url: server.url + '/api/warm-up' })
      if (path === 'a replay after a 401') server.revokeAll()
      const { unhandled, thrown } = watchProcessErrors()
      const seen: string[] = []

      await new Promise<void>((resolve) => {
        const record = (callback: string, done?: () => void) => (answer: { statusCode?: number }) => {
          seen.push(`${callback} ${answer.statusCode}`)
          if (done) done()
          if (callback === name) throw new Error(`thrown by ${name}`)
        }
        uni.request({
          url: server.url + '/api/orders',
          success: record('success'),
          fail: record('fail'),
          complete: record('complete', resolve),
        })
      })
      await new Promise((resolve) => setTimeout(resolve, 10))

      expect(seen).toEqual(['success 200', 'complete 200'])
      expect(thrown).toHaveBeenCalledTimes(1)
      expect(thrown).toHaveBeenCalledWith(expect.objectContaining({ message: `thrown by ${name}` }), expect.anything())
      expect(unhandled).not.toHaveBeenCalled()
    },
  )
})
