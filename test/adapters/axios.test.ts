// attachToAxios beyond the shared scenarios, on real axios over its Node http adapter.
import axios from 'axios'
import { describe, expect, it } from 'vitest'
import { attachToAxios } from '../../src/entries/axios.ts'
import { codeSays401 } from './harness.ts'
import { setup } from './fixture.ts'

async function attached(options: Parameters<typeof attachToAxios>[2] = {}) {
  const scenario = await setup()
  const api = axios.create({ baseURL: scenario.server.url })
  const detach = attachToAxios(api, scenario.tokens, options)
  return { ...scenario, api, detach }
}

describe('attachToAxios', () => {
  it('replays a POST with its JSON body', async () => {
    const { server, api } = await attached()
    await api.get('/api/warm-up')
    server.revokeAll()

    const response = await api.post('/api/orders', { sku: 'A-1', qty: 3 })

    expect(response.data).toMatchObject({ data: { method: 'POST', body: { sku: 'A-1', qty: 3 } } })
    expect(server.calls('/api/orders')).toBe(2)
  })

  it('resolves a 200 refused by business code once its replays are spent: axios has no error for it', async () => {
    // The token goes in a header the server does not read, so every answer under /biz/ says code 401.
    const { server, api } = await attached({ header: 'X-Token', isUnauthorized: (r) => codeSays401(r.data) })

    const response = await api.get('/biz/orders')

    expect(response).toMatchObject({ status: 200, data: { code: 401 } })
    expect(server.calls('/biz/orders')).toBe(2)
    expect(server.calls('/token')).toBe(2)
  })

  it('rejects with INSECURE_URL, a TokenError, before sending over http to another host', async () => {
    const { api, server } = await attached()

    await expect(api.get('http://example.com/orders')).rejects.toMatchObject({ code: 'INSECURE_URL', name: 'InsecureUrlError' })
    expect(server.calls()).toBe(0)
  })

  it('stops carrying the token once detached', async () => {
    const { server, api, detach } = await attached()
    await api.get('/api/echo')

    detach()

    await expect(api.get('/api/echo')).rejects.toMatchObject({ response: { status: 401 } })
    expect(server.lastHeaders('/api/echo')).not.toHaveProperty('authorization')
  })
})
