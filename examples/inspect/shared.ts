// The controller both inspect examples watch: a fake in-process token endpoint (short-lived tokens, one
// failure in three) so a few seconds show refreshes, a retry and parking. No network besides the inspector.
import { createTokenController, type TokenController, type TokenControllerOptions } from '../../src/index.ts'

export function createWatchedController(inspect: TokenControllerOptions['inspect']): TokenController {
  let calls = 0
  return createTokenController({
    fetchToken: async () => {
      await new Promise((resolve) => setTimeout(resolve, 200))
      if (++calls % 3 === 0) throw Object.assign(new Error('token endpoint answered 500'), { code: 'HTTP_500' })
      return { access_token: `demo-${calls}-${Math.random().toString(36).slice(2)}`, expires_in: 3 }
    },
    leewayMs: 1_000,
    retry: { attempts: 3, baseDelayMs: 300 },
    inspect,
  })
}

/** A request every 100 ms for `ms`, then stop. */
export async function drive(tokens: TokenController, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    void tokens.getToken().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  tokens.stop()
}
