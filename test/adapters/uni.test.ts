// createUniRequest beyond the shared scenarios: the promise with abort(), callbacks, the global uni, signing.
import { describe, expect, it, onTestFinished } from 'vitest'
import { createUniRequest } from '../../src/entries/uni.ts'
import { createSigner } from '../../src/index.ts'
import { installUniShim } from '../helpers/uni-shim.ts'
import { setup } from './fixture.ts'

describe('createUniRequest', () => {
  it('resolves with the success result, and calls success and complete too when given', async () => {
    const { server, tokens, shim } = await setup()
    const request = createUniRequest(tokens, { uni: shim })
    const seen: string[] = []

    const result = await request({
      url: server.url + '/api/echo',
      dataType: 'json',
      success: (r) => seen.push(`success ${r.statusCode}`),
      complete: (r) => seen.push(`complete ${r.statusCode}`),
    })

    expect(result).toMatchObject({ statusCode: 200, data: { code: 200 } })
    expect(seen).toEqual(['success 200', 'complete 200'])
  })

  it('keeps the task’s abort(): in flight, the promise rejects with uni’s abort result', async () => {
    const { server, tokens, shim } = await setup()
    await tokens.getToken()
    let sent!: () => void
    const reached = new Promise<void>((resolve) => (sent = resolve))
    const request = createUniRequest(tokens, { uni: { request: (options: any) => (sent(), shim.request(options)) } })

    const pending = request({ url: server.url + '/api/echo' })
    await reached
    pending.abort()

    await expect(pending).rejects.toEqual({ errMsg: 'request:fail abort' })
  })

  it('finds the global uni when none is given', async () => {
    const { server, tokens, shim } = await setup()
    onTestFinished(installUniShim(shim))

    const result = await createUniRequest(tokens)({ url: server.url + '/api/echo' })

    expect(result.statusCode).toBe(200)
  })

  it('signs every send, so the replay goes out with the new token and a fresh nonce', async () => {
    const secret = 'shared-secret'
    const { server, tokens, shim } = await setup({ signatureSecret: secret, rejectReusedNonce: true })
    const request = createUniRequest(tokens, { uni: shim, sign: createSigner({ secret }) })
    await request({ url: server.url + '/api/warm-up', method: 'GET' })

    server.revokeAll()
    const result = await request({ url: server.url + '/api/orders', method: 'POST', data: { sku: 'A-1' }, dataType: 'json' })

    expect(result).toMatchObject({ statusCode: 200, data: { data: { body: { sku: 'A-1' } } } })
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })
})
