// Contender 5a: painless-token on luch-request (attachTokenController), the way the README wires it:
// fetchToken goes through the same instance with `auth: false`. The token starts in memory storage.
import Request from 'luch-request'
import { attachTokenController, createTokenController, memoryStorage, type TokenController } from '../../src/index.ts'
import { serializeGrant } from '../../src/grant.ts'
import { useTransport } from '../runtime/uni-global.ts'
import { FAR_FUTURE_MS, STALE_TOKEN, type ContenderSetup, type Contender } from './types.ts'

/** A controller whose storage already holds the start token, valid or expired. */
export function controllerFor({ start, maxQueue }: ContenderSetup, fetchToken: () => Promise<unknown>): TokenController {
  const storage = memoryStorage()
  const stored =
    start.kind === 'valid'
      ? { accessToken: start.token, expiresAt: Date.now() + FAR_FUTURE_MS }
      : { accessToken: STALE_TOKEN, expiresAt: Date.now() - 1 }
  storage.set('painless-token', serializeGrant({ ...stored, refreshToken: null }))
  return createTokenController({ fetchToken: fetchToken as never, storage, ...(maxQueue === undefined ? {} : { maxQueue }) })
}

export const painlessToken: Contender = {
  id: 'painless-token',
  label: 'painless-token on luch-request',
  strict: true,
  create(setup) {
    const { transport } = setup
    useTransport(transport.request)
    const http = new Request({ baseURL: transport.baseURL })
    const tokens = controllerFor(setup, async () => (await http.post('/token', {}, { custom: { auth: false } })).data)
    attachTokenController(http, tokens)
    return {
      send: (path = '/api/data') => http.get(path).then((response) => response.statusCode),
      close: () => tokens.stop(),
    }
  },
}
