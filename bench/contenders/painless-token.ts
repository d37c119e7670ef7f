// Contender 5a: painless-token on luch-request (attachTokenController), the way the README wires it:
// fetchToken goes through the same instance with `auth: false`. The token starts in memory storage. At its
// defaults (refreshAheadMs 5 minutes) everywhere; E also runs it with refreshAheadMs 0, the behaviour before issue 17.
import Request from 'luch-request'
import { attachTokenController, createTokenController, memoryStorage, type TokenController } from '../../src/index.ts'
import { serializeGrant } from '../../src/grant.ts'
import { useTransport } from '../runtime/uni-global.ts'
import { FAR_FUTURE_MS, STALE_TOKEN, type ContenderSetup, type Contender } from './types.ts'

/** A controller whose storage already holds the start token, valid or expired. */
export function controllerFor(
  { start, maxQueue, leewayMs, onEvent }: ContenderSetup,
  fetchToken: () => Promise<unknown>,
  refreshAheadMs?: number,
): TokenController {
  const storage = memoryStorage()
  const stored =
    start.kind === 'valid'
      ? { accessToken: start.token, expiresAt: Date.now() + FAR_FUTURE_MS }
      : { accessToken: STALE_TOKEN, expiresAt: Date.now() - 1 }
  storage.set('painless-token', serializeGrant({ ...stored, refreshToken: null }))
  return createTokenController({
    fetchToken: fetchToken as never,
    storage,
    ...(maxQueue === undefined ? {} : { maxQueue }),
    ...(leewayMs === undefined ? {} : { leewayMs }),
    ...(onEvent === undefined ? {} : { onEvent }),
    ...(refreshAheadMs === undefined ? {} : { refreshAheadMs }),
  })
}

function painlessTokenContender(id: string, label: string, refreshAheadMs?: number): Contender {
  return {
    id,
    label,
    strict: true,
    create(setup) {
      const { transport } = setup
      useTransport(transport.request)
      const http = new Request({ baseURL: transport.baseURL })
      const tokens = controllerFor(setup, async () => (await http.post('/token', {}, { custom: { auth: false } })).data, refreshAheadMs)
      attachTokenController(http, tokens)
      return {
        send: (path = '/api/data') => http.get(path).then((response) => response.statusCode),
        close: () => tokens.stop(),
      }
    },
  }
}

export const painlessToken = painlessTokenContender('painless-token', 'painless-token on luch-request')
/** The same with refresh-ahead off: requests wait at every expiry, as before issue 17. E only. */
export const painlessTokenNoAhead = painlessTokenContender('painless-token-ahead0', 'painless-token, refreshAheadMs 0', 0)
