// What `inspect` and `onEvent` see when fetchToken fails with an error that holds secrets: an AxiosError
// keeps the request it sent (`config.data`: the refresh token, the client secret). Over real loopback HTTP,
// with a real axios error, nothing of it may reach an inspection event or an onEvent event at any depth.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import axios from 'axios'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createTokenController, type TokenControllerEvent } from '../src/index.ts'

const REFRESH = 'SECRET-refresh-5f2c'
const CLIENT_SECRET = 'SECRET-client-9d1e'
const PASSWORD = 'SECRET-password-77a0'

/** A token endpoint on 127.0.0.1 that answers every POST with a 500. */
async function failingTokenEndpoint(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end('{"error":"server_error"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, server }
}

describe('a fetchToken that fails with an AxiosError', () => {
  it('shows inspect and onEvent no refresh token, client secret or password, at any depth', async () => {
    const { url } = await failingTokenEndpoint()
    const inspected: unknown[] = []
    const events: TokenControllerEvent[] = []
    const tokens = createTokenController({
      fetchToken: async () => {
        const body = `grant_type=refresh_token&refresh_token=${REFRESH}&client_secret=${CLIENT_SECRET}&password=${PASSWORD}`
        const response = await axios.post(url, body, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
        return response.data as never
      },
      retry: { attempts: 2, baseDelayMs: 0, jitter: false },
      inspect: (event) => {
        inspected.push(event)
        // An actor ref is read when the event comes: its getSnapshot() is what a live inspector sees.
        if ('actorRef' in event) inspected.push(event.actorRef.getSnapshot())
      },
      onEvent: (event) => events.push(event),
    })
    onTestFinished(() => tokens.stop())

    const outcome = await tokens.getToken().then(
      () => undefined,
      (error: unknown) => error,
    )

    // The run did fail on the server's 500, through axios, twice.
    expect(outcome).toMatchObject({ code: 'REFRESH_FAILED', attempts: 2 })
    expect((outcome as Error).message).not.toMatch(/SECRET/)
    // The app's own error stays reachable to the app that made it.
    expect((outcome as { cause?: unknown }).cause).toBeInstanceOf(axios.AxiosError)
    const seen = JSON.stringify(inspected) + JSON.stringify(events)
    expect(seen).toContain('refresh.failed')
    expect(seen).toContain('AxiosError')
    expect(seen).toContain('500')
    for (const secret of [REFRESH, CLIENT_SECRET, PASSWORD]) expect(seen.includes(secret), secret).toBe(false)
  })
})
