// Contender 2a: the seed's interceptor on luch-request as published (seed-port.ts). It keeps its token
// in uni storage under 'token' with the expiry as epoch ms: the bench writes that entry directly.
import { resetUniStorage, useTransport, type BenchUni } from '../runtime/uni-global.ts'
import { createSeedServices, type SeedApiAction } from './seed-port.ts'
import { FAR_FUTURE_MS, STALE_TOKEN, type Contender } from './types.ts'

declare const uni: BenchUni

export function seedContender(
  id: string,
  label: string,
  build: (apiAction: SeedApiAction) => { get(url: string): Promise<unknown> },
): Contender {
  return {
    id,
    label,
    strict: false,
    create({ transport, start }) {
      useTransport(transport.request)
      resetUniStorage()
      const stored =
        start.kind === 'valid'
          ? { access_token: start.token, expires_in: Date.now() + FAR_FUTURE_MS }
          : { access_token: STALE_TOKEN, expires_in: Date.now() - 1 }
      uni.setStorageSync('token', JSON.stringify(stored))
      const services = build({
        BASE_URL: transport.baseURL,
        API_PORT: '',
        TOKEN_URL: transport.baseURL + '/token',
        USER_NAME: 'bench',
        PASS_WORD: '',
      })
      return {
        // Its response interceptor hands back the body: `code` stands in for the status.
        send: (path = '/api/data') => services.get(path).then((body) => ((body as { code?: number } | undefined)?.code === 200 ? 200 : -1)),
        close: () => {},
      }
    },
  }
}

export const seedAsPublished = seedContender('seed', 'seed interceptor (as published)', createSeedServices as never)
