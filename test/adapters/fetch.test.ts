// withTokens beyond the shared scenarios, on Node's own fetch: what a replay resends, what the real fetch sees.
import { describe, expect, it, vi } from 'vitest'
import { withTokens } from '../../src/entries/fetch.ts'
import { useAdapterFixture } from './fixture.ts'

const { setup, onCleanup } = useAdapterFixture()

async function warmedUp() {
  const scenario = await setup()
  const api = withTokens(fetch, scenario.tokens)
  await api(scenario.server.url + '/api/warm-up')
  scenario.server.revokeAll()
  return { ...scenario, api }
}

describe('withTokens', () => {
  it('replays a POST with the same string body', async () => {
    const { server, api } = await warmedUp()

    const response = await api(server.url + '/api/orders', { method: 'POST', body: JSON.stringify({ sku: 'A-1' }) })

    expect(await response.json()).toMatchObject({ data: { method: 'POST', body: { sku: 'A-1' } } })
    expect(server.calls('/api/orders')).toBe(2)
  })

  it('replays a Request by sending clones: same body, its own headers kept beside the token', async () => {
    const { server, api } = await warmedUp()
    const request = new Request(server.url + '/api/orders', { method: 'POST', body: '{"qty":3}', headers: { 'x-trace': 't-1' } })

    const response = await api(request)

    expect(await response.json()).toMatchObject({ data: { body: { qty: 3 } } })
    expect(server.calls('/api/orders')).toBe(2)
    expect(server.lastHeaders('/api/orders')).toMatchObject({ 'x-trace': 't-1', authorization: expect.stringMatching(/^Bearer /) })
  })

  it('sends a ReadableStream body once and returns its 401 as it is, refreshing nothing', async () => {
    const { server, api } = await warmedUp()
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('{"qty":1}')), c.close()) })

    const response = await api(server.url + '/api/upload', { method: 'POST', body, duplex: 'half' } as RequestInit)

    expect(response.status).toBe(401)
    expect(server.calls('/api/upload')).toBe(1)
    expect(server.calls('/token')).toBe(1)
  })

  it('never shows `auth` to the real fetch, and adds no token for auth: false', async () => {
    const { server, tokens } = await setup()
    const spy = vi.fn(fetch)
    const api = withTokens(spy, tokens)

    await api(server.url + '/api/public', { auth: false, headers: { 'x-app': '1' } } as RequestInit)

    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy.mock.calls[0]?.[1]).toEqual({ headers: { 'x-app': '1' } })
  })

  it('accepts a URL object as the input', async () => {
    const { server, tokens } = await setup()
    const response = await withTokens(fetch, tokens)(new URL('/api/echo', server.url))
    expect(response.status).toBe(200)
  })

  it('refuses to wrap where the platform has no Headers class, naming it', async () => {
    const { tokens } = await setup()
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'Headers') as PropertyDescriptor
    delete (globalThis as { Headers?: unknown }).Headers
    onCleanup(() => Object.defineProperty(globalThis, 'Headers', saved))

    expect(() => withTokens(fetch, tokens)).toThrow(/withTokens: this platform has no Headers/)
  })
})
