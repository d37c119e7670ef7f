// Real luch-request over the uni shim: the https rule (INSECURE_URL before anything is sent), the
// `auth: false` opt-out of it, and a controller stopped while an unauthorized answer is on its way.
import type { HttpResponse } from 'luch-request'
import { describe, expect, it } from 'vitest'
import { isTokenError, TokenError, type TokenController } from '../../src/index.ts'
import { useLuchFixture, type LuchSetupOptions } from '../helpers/luch-fixture.ts'
import type { TokenServer } from '../helpers/token-server.ts'

const fixture = useLuchFixture()

/**
 * Every URL the app asks uni for, in order; each is then sent to the loopback server whatever its host
 * and scheme, so a test can use example hosts and https:// and nothing ever leaves the machine.
 */
function routeEverythingTo(server: TokenServer): string[] {
  const asked: string[] = []
  fixture.wrapUniRequest((options, send) => {
    asked.push(options.url)
    const url = new URL(options.url)
    return send({ ...options, url: server.url + url.pathname + url.search })
  })
  return asked
}

async function setup(options: Omit<LuchSetupOptions, 'server'> = {}) {
  const scenario = await fixture.setup(options)
  return { ...scenario, asked: routeEverythingTo(scenario.server) }
}

const port = (server: TokenServer) => new URL(server.url).port

describe('luch-request: the https rule', () => {
  it('rejects an http:// URL to another host with INSECURE_URL, before anything is sent', async () => {
    const { server, http, asked, tokens } = await setup()

    const error = await http.get('http://example.com/x').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TokenError)
    expect(error).toMatchObject({ code: 'INSECURE_URL', name: 'InsecureUrlError' })
    expect(isTokenError(error)).toBe(true)
    expect(asked).toEqual([])
    expect(server.calls()).toBe(0)
    expect(tokens.state).toBe('idle')
  })

  it('names the origin, not the path, in the message', async () => {
    const { http } = await setup()

    const error = (await http.get('http://example.com/login?password=hunter2').catch((e: unknown) => e)) as Error

    expect(error.message).toContain('http://example.com')
    expect(error.message).not.toContain('hunter2')
  })

  it('checks the URL joined with baseURL, in any letter case', async () => {
    const { http, asked } = await setup({ baseURL: 'http://api.example.com/v1' })

    const outcomes = await Promise.allSettled([http.get('/orders'), http.get('HTTP://EXAMPLE.COM/x')])

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'INSECURE_URL' } })
    expect(asked).toEqual([])
  })

  it('does not break the chain: the same instance serves the next request', async () => {
    const { http } = await setup()
    const outcomes = await Promise.allSettled([http.get('http://example.com/x'), http.get('/api/echo')])

    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: 'INSECURE_URL' } })
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled', value: { statusCode: 200 } })
  })

  it.each([
    ['127.0.0.1', (s: TokenServer) => `http://127.0.0.1:${port(s)}/api/echo`],
    ['localhost', (s: TokenServer) => `http://localhost:${port(s)}/api/echo`],
    ['[::1]', (s: TokenServer) => `http://[::1]:${port(s)}/api/echo`],
  ])('allows http to %s by default, for development', async (_host, urlOf) => {
    const { server, http } = await setup()

    const response = await http.get(urlOf(server))

    expect(response).toMatchObject({ statusCode: 200 })
    expect(server.lastHeaders('/api/echo')).toHaveProperty('authorization')
  })

  it('allows https:// to any host', async () => {
    const { http, asked } = await setup({ adapter: { requireHttps: true } })

    const response = await http.get('https://api.example.com/api/echo')

    expect(response).toMatchObject({ statusCode: 200 })
    expect(asked).toEqual(['https://api.example.com/api/echo'])
  })

  it('refuses 127.0.0.1 too with requireHttps true', async () => {
    const { server, http, asked } = await setup({ adapter: { requireHttps: true } })

    await expect(http.get('/api/echo')).rejects.toMatchObject({ code: 'INSECURE_URL' })
    expect(asked).toEqual([])
    expect(server.calls()).toBe(0)
  })

  it('allows http to any host with requireHttps false', async () => {
    const { server, http, asked } = await setup({ adapter: { requireHttps: false } })

    const response = await http.get('http://api.example.com/api/echo')

    expect(response).toMatchObject({ statusCode: 200 })
    expect(asked).toEqual(['http://api.example.com/api/echo'])
    expect(server.lastHeaders('/api/echo')).toHaveProperty('authorization')
  })

  it('skips the check for custom.auth false: no token, so nothing to protect', async () => {
    const { server, http, asked } = await setup({ adapter: { requireHttps: true } })

    const response = await http.post('http://auth.example.com/token', {}, { custom: { auth: false } })

    expect(response).toMatchObject({ statusCode: 200, data: { token_type: 'Bearer' } })
    expect(asked).toEqual(['http://auth.example.com/token'])
    expect(server.lastHeaders('/token')).not.toHaveProperty('authorization')
  })
})

describe('luch-request: stopping the controller', () => {
  /** Stops the controller when an answer to `path` reaches uni, before luch-request sees it. */
  function stopOnAnswer(tokens: TokenController, path: string) {
    fixture.wrapUniRequest((options, send) =>
      send({
        ...options,
        complete: (result) => {
          if (new URL(options.url).pathname === path) tokens.stop()
          options.complete?.(result)
        },
      }),
    )
  }

  /** Attached and warmed up, with one token fetched; no routing, so only the loopback server is asked. */
  async function started() {
    const scenario = await fixture.setup()
    await scenario.http.get('/api/warm-up')
    return scenario
  }

  it('rejects with STOPPED a request whose 401 arrives after stop, and starts no fetch', async () => {
    const { server, tokens, http, fetches } = await started()
    server.revokeAll()
    stopOnAnswer(tokens, '/api/late')

    const [outcome] = await Promise.allSettled([http.get('/api/late')])

    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    expect(fetches()).toBe(1)
    expect(server.calls('/token')).toBe(1)
    expect(server.calls('/api/late')).toBe(1)
  })

  it('rejects every in-flight request of a burst with STOPPED', async () => {
    const { server, tokens, http, fetches } = await started()
    server.revokeAll()
    stopOnAnswer(tokens, '/api/late')

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => http.get('/api/late')))

    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    expect(fetches()).toBe(1)
    expect(server.calls('/api/late')).toBe(5)
  })

  it('still hands a successful answer that arrives after stop to the caller', async () => {
    const { tokens, http } = await started()
    stopOnAnswer(tokens, '/api/late')

    const response: HttpResponse = await http.get('/api/late')

    expect(response).toMatchObject({ statusCode: 200 })
    expect(tokens.state).not.toBe('refreshing')
  })

  it('rejects later requests with STOPPED without sending them', async () => {
    const { server, tokens, http } = await started()

    tokens.stop()
    const [outcome] = await Promise.allSettled([http.get('/api/echo')])

    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'STOPPED' } })
    expect(server.calls('/api/echo')).toBe(0)
    expect(server.calls('/token')).toBe(1)
  })
})
