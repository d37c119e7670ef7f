// examples/node-axios: the backend client in this process (burst, revocation, refusal), and its script as a
// user runs it, in a child process against the loopback token server.
import { execFile } from 'node:child_process'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createUpstreamClient } from '../../examples/node-axios/backend.ts'
import { startTokenServer, type TokenServerOptions } from '../helpers/token-server.ts'

async function started(options: TokenServerOptions = {}) {
  const server = await startTokenServer(options)
  onTestFinished(() => server.close())
  const upstream = createUpstreamClient({ baseURL: server.url, clientId: 'backend', clientSecret: 'secret' })
  onTestFinished(() => upstream.close())
  return { server, upstream }
}

describe('examples/node-axios', () => {
  it('serves 20 concurrent upstream calls with one token', async () => {
    const { server, upstream } = await started()

    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => upstream.http.get(`/api/users/${i}`).then((r) => r.status)))

    expect(statuses).toEqual(Array(20).fill(200))
    expect(server.calls('/token')).toBe(1)
  })

  it('replaces a token the upstream revoked and replays the call', async () => {
    const { server, upstream } = await started()
    await upstream.http.get('/api/users/me')

    server.revokeAll()
    const response = await upstream.http.get('/api/users/me')

    expect(response.status).toBe(200)
    expect(server.calls('/token')).toBe(2)
    expect(server.calls('/api/users/me')).toBe(3)
  })

  it('rejects with REFRESH_FAILED, sending nothing upstream, when the token endpoint refuses the client', async () => {
    const { server, upstream } = await started({ tokenStatus: 401 })

    await expect(upstream.http.get('/api/users/me')).rejects.toMatchObject({ code: 'REFRESH_FAILED', attempts: 3 })
    expect(server.calls('/api/users/me')).toBe(0)
  })

  it('runs as a script: prints the statuses and one refresh for the burst, and no token', async () => {
    const server = await startTokenServer()
    onTestFinished(() => server.close())

    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['scripts/run-ts.mjs', 'examples/node-axios/main.ts'],
        { env: { ...process.env, API_BASE: server.url }, timeout: 30_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    )

    expect(JSON.parse(stdout.trim())).toEqual({ burst: Array(20).fill(200), later: 200, refreshes: 1 })
    expect(stdout).not.toMatch(/[A-Za-z0-9_-]{32,}/)
  })
})
