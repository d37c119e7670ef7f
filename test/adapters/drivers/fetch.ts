// Scenario client on Node's own fetch + withTokens (painless-token/fetch). A business code is read from a clone.
import { withTokens } from '../../../src/entries/fetch.ts'
import {
  adapterOptions,
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  resolvesAll,
  TOKEN_FORM,
  type ClientConfig,
  type ScenarioClient,
} from '../harness.ts'

const bodyOf = (response: Response) => response.json().catch(() => undefined)

export function startFetch(config: ClientConfig): ScenarioClient {
  let api!: typeof fetch
  const harness = createHarness(config, async () => {
    const init = { method: 'POST', headers: TOKEN_FORM.contentType, body: TOKEN_FORM.body, auth: false }
    const response = await api(config.serverUrl + '/token', init as RequestInit)
    if (!response.ok) throw response
    return response.json()
  })
  api = withTokens(
    fetch,
    harness.tokens,
    adapterOptions(config, async (r) => r.status === 401 || codeSays401(await bodyOf(r.clone() as Response))),
  )
  return harness.client((path, options = {}) => {
    const controller = new AbortController()
    const init = { method: options.method ?? 'GET', signal: controller.signal, auth: options.auth }
    const outcome = api(config.serverUrl + path, init as RequestInit).then(
      async (r) => answerOutcome('resolved', r.status, await bodyOf(r), r as unknown as { retryAfterMs?: number }),
      errorOutcome,
    )
    return { outcome, abort: () => controller.abort() }
  }, resolvesAll)
}
