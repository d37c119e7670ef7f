// uploadFile / downloadFile on uni, wx and Alipay beyond the transfer scenarios: the task's listeners given while
// the call waits, a platform without the call, and Alipay's shapes (headers, status, HTTP errors through fail).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createAlipayRequest } from '../../src/entries/alipay.ts'
import { createUniRequest } from '../../src/entries/uni.ts'
import { createWxRequest } from '../../src/entries/wx.ts'
import { createTokenController } from '../../src/index.ts'
import { manualPlatform, setup } from './fixture.ts'

function tempFile(): string {
  const filePath = join(mkdtempSync(join(tmpdir(), 'painless-token-unit-')), 'photo.jpg')
  writeFileSync(filePath, Buffer.from([1, 2, 3, 255]))
  return filePath
}

describe('uploads and downloads on the mini-program adapters', () => {
  it('attaches onProgressUpdate given while the upload waits for its token, once wx.uploadFile goes out', async () => {
    const { server, tokens, shim } = await setup()
    const request = createWxRequest(tokens, { wx: shim })
    const progress: number[] = []

    const done = new Promise<{ statusCode: number; data: string }>((resolve, reject) => {
      const task = request.uploadFile({
        url: server.url + '/upload/avatar',
        filePath: tempFile(),
        name: 'file',
        success: resolve,
        fail: reject,
      })
      task.onProgressUpdate(({ progress: percent }) => void progress.push(percent))
    })

    expect(await done).toMatchObject({ statusCode: 200 })
    expect(JSON.parse((await done).data)).toMatchObject({ code: 200, data: { files: [{ field: 'file', filename: 'photo.jpg', size: 4 }] } })
    expect(progress).toEqual([100])
  })

  it("keeps the task's methods on uni's promise, and off… calls reach the task too", async () => {
    const { server, tokens, shim } = await setup()
    const request = createUniRequest(tokens, { uni: shim })
    const heard: string[] = []
    const listener = () => void heard.push('progress')

    const download = request.downloadFile({ url: server.url + '/download/a.bin' })
    download.onProgressUpdate(listener)
    download.offProgressUpdate(listener)
    download.onHeadersReceived(() => void heard.push('headers'))

    expect(await download).toMatchObject({ statusCode: 200 })
    expect(heard).toEqual(['headers'])
  })

  it('throws a TypeError naming the missing call when the platform has no uploadFile', () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const { request } = manualPlatform()

    expect(() => createWxRequest(tokens, { wx: { request } }).uploadFile({ url: 'https://a.example/u', filePath: 'x' })).toThrow(
      new TypeError('createWxRequest: no wx.uploadFile here; pass options.wx'),
    )
    expect(() => createAlipayRequest(tokens).downloadFile({ url: 'https://a.example/d' })).toThrow(
      new TypeError('createAlipayRequest: no my.downloadFile here; pass options.my'),
    )
    tokens.stop()
  })

  it('throws a TypeError, calling nothing, when a call gets no options object', () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const platform = manualPlatform()
    expect(() => (createWxRequest(tokens, { wx: platform }) as unknown as () => unknown)()).toThrow(
      new TypeError('createWxRequest: request needs an options object'),
    )
    expect(() => (createUniRequest(tokens, { uni: platform }).uploadFile as unknown as (o: unknown) => unknown)(null)).toThrow(
      new TypeError('createUniRequest: uploadFile needs an options object'),
    )
    expect(() => (createAlipayRequest(tokens, { my: platform }).downloadFile as unknown as (o: unknown) => unknown)('x')).toThrow(
      new TypeError('createAlipayRequest: downloadFile needs an options object'),
    )
    expect(platform.calls).toEqual([])
    tokens.stop()
  })
})

describe('errMsg on the failures the adapters make', () => {
  it("words it as the platform words the call's own failures: uploadFile:fail, downloadFile:fail, request:fail", async () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const platform = Object.assign(manualPlatform(), { uploadFile: () => ({}), downloadFile: () => ({}) })
    const request = createUniRequest(tokens, { uni: platform })

    await expect(request.uploadFile({ url: 'http://a.example/u', filePath: 'x', name: 'file' })).rejects.toMatchObject({
      code: 'INSECURE_URL',
      errMsg: 'uploadFile:fail INSECURE_URL',
    })
    await expect(request.downloadFile({ url: 'http://a.example/d' })).rejects.toMatchObject({ errMsg: 'downloadFile:fail INSECURE_URL' })
    await expect(request({ url: 'http://a.example/r' })).rejects.toMatchObject({ errMsg: 'request:fail INSECURE_URL' })
    tokens.stop()
  })

  it("gives an error of the app's own (a sign that throws) an errMsg with its message, and sends nothing", async () => {
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const platform = manualPlatform()
    const sign = () => {
      throw new TypeError('no signing key')
    }
    const failure = await new Promise((resolve) =>
      createWxRequest(tokens, { wx: platform, sign })({ url: 'https://a.example/r', fail: resolve }),
    )

    expect(failure).toBeInstanceOf(TypeError)
    expect(failure).toMatchObject({ message: 'no signing key', errMsg: 'request:fail no signing key' })
    expect(platform.calls).toEqual([])
    tokens.stop()
  })
})

describe('createAlipayRequest', () => {
  it('finds the global `my` at call time when no `my` option is given', async () => {
    const platform = manualPlatform()
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const request = createAlipayRequest(tokens)
    const global = globalThis as { my?: unknown }
    global.my = platform
    onTestFinished(() => void delete global.my)

    request({ url: 'https://api.example.com/me' })

    await expect.poll(() => platform.calls.length).toBe(1)
    tokens.stop()
  })

  it("writes the token into my.request's `headers` and reads `status`: a 401 replays with the new token", async () => {
    const platform = manualPlatform()
    let issued = 0
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: `t${++issued}`, expires_in: 60 }) })
    const answers: unknown[] = []

    createAlipayRequest(tokens, { my: platform })({
      url: 'https://api.example.com/me',
      headers: { 'X-Trace': '1' },
      success: (r) => answers.push(r),
    })
    await expect.poll(() => platform.calls.length).toBe(1)
    expect(platform.calls[0]?.options).toMatchObject({ headers: { 'X-Trace': '1', Authorization: 'Bearer t1' } })
    expect(platform.calls[0]?.options).not.toHaveProperty('header')
    platform.calls[0]?.options.success({ status: 401, headers: {}, data: {} })
    await expect.poll(() => platform.calls.length).toBe(2)
    expect(platform.calls[1]?.options.headers).toMatchObject({ Authorization: 'Bearer t2' })
    platform.calls[1]?.options.success({ status: 200, headers: {}, data: { ok: true } })

    await expect.poll(() => answers).toEqual([{ status: 200, headers: {}, data: { ok: true } }])
    tokens.stop()
  })

  it('judges an HTTP error delivered through fail (error 19) as an answer, and fails with it when no replay is left', async () => {
    const platform = manualPlatform()
    const tokens = createTokenController({ fetchToken: async () => ({ access_token: 't', expires_in: 60 }) })
    const failures: unknown[] = []
    const failure = { error: 19, errorMessage: 'http status error', status: 401, data: {}, headers: {} }

    createAlipayRequest(tokens, { my: platform })({ url: 'https://api.example.com/me', fail: (e) => failures.push(e) })
    await expect.poll(() => platform.calls.length).toBe(1)
    platform.calls[0]?.options.fail(failure)
    await expect.poll(() => platform.calls.length).toBe(2)
    platform.calls[1]?.options.fail(failure)
    // A network failure (no HTTP answer) is not judged: it fails as it came.
    createAlipayRequest(tokens, { my: platform })({ url: 'https://api.example.com/other', fail: (e) => failures.push(e) })
    await expect.poll(() => platform.calls.length).toBe(3)
    platform.calls[2]?.options.fail(null)

    await expect.poll(() => failures).toEqual([failure, null])
    tokens.stop()
  })
})
