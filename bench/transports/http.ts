// Real HTTP over 127.0.0.1: the test token server, and uni.request over node:http with at most 10
// sockets (wx.request allows 10 in flight), so requests beyond 10 queue in the client as on a device.
import { startTokenServer } from '../../test/helpers/token-server.ts'
import { createUniShim } from '../../test/helpers/uni-shim.ts'
import type { Transport } from './types.ts'

export async function createHttpTransport(): Promise<Transport> {
  const server = await startTokenServer()
  const shim = createUniShim()
  let issuedOutOfBand = 0

  return {
    name: 'http',
    baseURL: server.url,
    server: {
      calls: (path) => server.calls(path) - (path === '/token' ? issuedOutOfBand : 0),
      async issue() {
        issuedOutOfBand++
        return (await server.fetchToken()).access_token
      },
      revokeAll: () => server.revokeAll(),
      setTokenBehaviour: (behaviour) =>
        server.setTokenBehaviour({
          tokenStatus: behaviour.tokenStatus,
          tokenFault: behaviour.tokenFault,
          ttlSeconds: behaviour.ttlMs === undefined ? undefined : behaviour.ttlMs / 1000,
          delayMs: behaviour.delayMs,
        }),
    },
    request: (options) => shim.request(options),
    async close() {
      shim.close()
      await server.close()
    },
  }
}
