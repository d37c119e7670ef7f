// Contender 5b: `tokens.getToken()` alone, the controller without an HTTP client: what every request
// pays painless-token itself. Its token call goes straight to the transport.
import { sendOver } from '../transports/types.ts'
import { controllerFor } from './painless-token.ts'
import type { Contender } from './types.ts'

export const getTokenAlone: Contender = {
  id: 'get-token',
  label: 'painless-token getToken() alone',
  strict: true,
  noHttp: true,
  create(setup) {
    const { transport } = setup
    const tokens = controllerFor(setup, async () => {
      const answer = await sendOver(transport, { url: transport.baseURL + '/token', method: 'POST', data: {}, dataType: 'json' })
      if (answer.statusCode !== 200)
        throw Object.assign(new Error(`token endpoint answered ${answer.statusCode}`), { status: answer.statusCode })
      return answer.data
    })
    return {
      // No request goes out: a token in hand counts as a 200.
      send: () => tokens.getToken().then(() => 200),
      waitForToken: () => tokens.getToken(),
      close: () => tokens.stop(),
    }
  },
}
