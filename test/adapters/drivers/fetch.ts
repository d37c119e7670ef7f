// Scenario client on Node's own fetch + withTokens (painless-token/fetch). A business code is read from a clone.
import { withTokens } from '../../../src/entries/fetch.ts'
import {
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  resolvesAll,
  type ClientConfig,
  type ScenarioClient,
  scenarioSigner,
} from '../harness.ts'

const bodyOf = (response: Response) => response.json().catch(() => undefined)

export function startFetch(config: ClientConfig): ScenarioClient {
  let api!: typeof fetch
  const harness = createHarness(config, async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const response = await api(config.serverUrl + '/token', {
      method: 'POST',
      headers: form,
      body: 'grant_type=client_credentials',
      auth: false,
    } as RequestInit)
    if (!response.ok) throw response
    return response.json()
  })
  api = withTokens(fetch, harness.tokens, {
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? async (r) => r.status === 401 || codeSays401(await bodyOf(r.clone() as Response)) : undefined,
  })
  return {
    send(path, options = {}) {
      const controller = new AbortController()
      const init = { method: options.method ?? 'GET', signal: controller.signal, auth: options.auth }
      const outcome = api(config.serverUrl + path, init as RequestInit).then(
        async (r) => answerOutcome('resolved', r.status, await bodyOf(r), r as unknown as { retryAfterMs?: number }),
        errorOutcome,
      )
      return { outcome, abort: () => controller.abort() }
    },
    settles: resolvesAll,
    advanceClock: harness.advanceClock,
    whenParked: harness.whenParked,
    get state() {
      return harness.tokens.state
    },
    stop: () => harness.tokens.stop(),
  }
}
