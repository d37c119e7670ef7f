// Real luch-request over the uni shim, signed with createSigner: the token server checks X-Timestamp,
// X-Nonce and X-Signature itself (test/helpers/signature-check.ts, written apart from src/signer.ts).
import { describe, expect, it } from 'vitest'
import { createSigner, type SignerOptions } from '../../src/index.ts'
import { burst, carried, useLuchFixture, type LuchSetupOptions } from '../helpers/luch-fixture.ts'

const secret = 'scenario-signing-secret'

const fixture = useLuchFixture()

async function setup({ signer, ...options }: Omit<LuchSetupOptions, 'tokens'> & { signer?: Partial<SignerOptions> } = {}) {
  return fixture.setup({
    ...options,
    // Every nonce must be new: a replay that reused its first send's signature would be refused.
    server: { signatureSecret: secret, rejectReusedNonce: true, ...options.server },
    adapter: { sign: createSigner({ secret, ...signer }), ...options.adapter },
  })
}

describe('luch-request: signed requests', () => {
  it('sends X-Timestamp, X-Nonce and X-Signature that the server verifies', async () => {
    const { server, http } = await setup({ signer: { now: () => 1_700_000_000_000 } })

    const response = await http.get('/api/echo')

    expect(response).toMatchObject({ statusCode: 200, data: { code: 200 } })
    expect(server.lastHeaders('/api/echo')).toMatchObject({
      'x-timestamp': '1700000000000',
      'x-nonce': expect.stringMatching(/^[0-9a-f]{32}$/),
      'x-signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    })
  })

  it('signs a GET with params merged into the URL’s own query', async () => {
    const { http } = await setup()

    const response = await http.get('/api/items?z=9&a=1', { params: { page: 2, q: 'shoes', empty: '' } })

    expect(response).toMatchObject({
      statusCode: 200,
      data: { data: { query: { z: '9', a: '1', page: '2', q: 'shoes', empty: '' } } },
    })
  })

  it('signs a POST with a JSON body', async () => {
    const { http } = await setup()

    const response = await http.post('/api/orders', { sku: 'A-1', qty: 3, note: '中文 ok' })

    expect(response).toMatchObject({ statusCode: 200, data: { data: { method: 'POST', body: { sku: 'A-1', qty: 3, note: '中文 ok' } } } })
  })

  it('signs PUT and DELETE with their method', async () => {
    const { http } = await setup()

    const outcomes = await Promise.allSettled([http.put('/api/orders/1', { qty: 4 }), http.delete('/api/orders/1')])

    expect(outcomes).toMatchObject([
      { status: 'fulfilled', value: { statusCode: 200, data: { data: { method: 'PUT' } } } },
      { status: 'fulfilled', value: { statusCode: 200, data: { data: { method: 'DELETE' } } } },
    ])
  })

  it('signs the path with baseURL’s own path joined', async () => {
    const { http } = await setup({ baseURL: (url) => `${url}/v1/` })

    const response = await http.get('/orders', { params: { page: 1 } })

    expect(response).toMatchObject({ statusCode: 200, data: { data: { path: '/v1/orders', query: { page: '1' } } } })
  })

  it('re-signs a replay after a revocation, with the new token and a new nonce', async () => {
    const { server, http, issued } = await setup()
    await http.get('/api/warm-up')
    server.revokeAll()

    const response = await http.post('/api/orders', { sku: 'A-1' }, { params: { shop: 7 } })

    expect(response).toMatchObject({ statusCode: 200, data: { data: { body: { sku: 'A-1' }, query: { shop: '7' } } } })
    expect(carried(response, issued[1])).toBe(true)
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })

  it('re-signs every replay of a burst refused for the same token, with one refresh', async () => {
    const { server, http, issued } = await setup()
    await http.get('/api/warm-up')
    server.revokeAll()

    const outcomes = await burst(20, (i) => (i % 2 ? http.post(`/api/item/${i}`, { i }) : http.get(`/api/item/${i}`, { params: { i } })))

    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.statusCode === 200 && carried(o.value, issued[1]))).toHaveLength(20)
    expect(server.calls('/token')).toBe(2)
  })

  it('re-signs a business-code 401 replay', async () => {
    const isUnauthorized = (r: { data?: unknown }) => (r.data as { code?: number } | undefined)?.code === 401
    const { server, http } = await setup({ adapter: { isUnauthorized } })
    await http.get('/biz/warm-up')
    server.revokeAll()

    const response = await http.get('/biz/orders', { params: { page: 3 } })

    expect(response).toMatchObject({ statusCode: 200, data: { code: 200, data: { query: { page: '3' } } } })
    expect(server.calls('/biz/orders')).toBe(2)
  })

  it('leaves a custom.auth false request unsigned', async () => {
    const { server, http } = await setup()

    await http.post('/token', {}, { custom: { auth: false } })

    expect(server.lastHeaders('/token')).not.toHaveProperty('x-signature')
    expect(server.lastHeaders('/token')).not.toHaveProperty('authorization')
  })

  it('is refused by a server with another secret: the signature really is checked', async () => {
    const { server, http } = await setup({ signer: { secret: 'not-the-server-secret' } })

    await expect(http.get('/api/echo')).rejects.toMatchObject({ statusCode: 400, data: { message: 'bad signature' } })
    expect(server.calls('/api/echo')).toBe(1)
  })
})
