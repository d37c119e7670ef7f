// examples/web-fetch's API client on Node's own fetch, with a Map standing in for localStorage.
import { describe, expect, it, onTestFinished } from 'vitest'
import { createApi } from '../../examples/web-fetch/api.ts'
import { startTokenServer, type TokenServerOptions } from '../helpers/token-server.ts'

function memoryLocalStorage() {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  }
}

async function started(options: TokenServerOptions = {}) {
  const server = await startTokenServer(options)
  onTestFinished(() => server.close())
  const storage = memoryLocalStorage()
  let prompts = 0
  const api = createApi({ baseUrl: server.url, storage, credentials: async () => (prompts++, { username: 'ada', password: 'pw' }) })
  onTestFinished(() => api.tokens.stop())
  return { server, storage, api, prompts: () => prompts }
}

describe('examples/web-fetch', () => {
  it('asks for credentials once for concurrent calls, and keeps the token in localStorage', async () => {
    const { server, storage, api, prompts } = await started()

    const results = await Promise.all([api.orders(), api.orders(), api.orders()])

    for (const result of results) expect(result).toMatchObject({ orders: { code: 200 } })
    expect(prompts()).toBe(1)
    expect(server.calls('/token')).toBe(1)
    expect(storage.items.size).toBe(1)
  })

  it('saves an order across a revocation: the same body goes again with the new token', async () => {
    const { server, api } = await started()
    await api.orders()

    server.revokeAll()
    const saved = await api.saveOrder({ sku: 'A-1' })

    expect(saved).toMatchObject({ data: { method: 'POST', body: { sku: 'A-1' } } })
    expect(server.calls('/api/orders')).toBe(3)
  })

  it('shows the error code when no token can be had, and forgets the token on logout', async () => {
    const { storage, api } = await started({ tokenStatus: 400, failTimes: 3 })

    expect(await api.orders()).toEqual({ error: 'REFRESH_FAILED' })
    expect(await api.orders()).toMatchObject({ orders: { code: 200 } })
    api.logout()
    expect(storage.items.size).toBe(0)
  })
})
