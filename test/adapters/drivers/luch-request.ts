// Scenario client on luch-request + attachTokenController. luch-request calls the global `uni`: the caller
// provides it (the Node uni shim, or the sandbox's uni built on wx). Rejections that carry an answer are answers.
import Request from 'luch-request'
import { attachTokenController } from '../../../src/entries/luch-request.ts'
import {
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  rejectsNon2xx,
  signalLike,
  type ClientConfig,
  type ScenarioClient,
  scenarioSigner,
} from '../harness.ts'

type Answer = { statusCode: number; data: unknown; retryAfterMs?: number }
const isAnswer = (value: unknown): value is Answer => typeof (value as Answer | null)?.statusCode === 'number'

export function startLuchRequest(config: ClientConfig): ScenarioClient {
  const http = new Request({ baseURL: config.serverUrl })
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const harness = createHarness(config, async () => {
    const response = await http.post('/token', { grant_type: 'client_credentials' }, { header: form, custom: { auth: false } })
    return response.data
  })
  attachTokenController(http, harness.tokens, {
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? (r) => r.statusCode === 401 || codeSays401(r.data) : undefined,
  })
  return {
    send(path, options = {}) {
      const { signal, abort } = signalLike()
      const custom = options.auth === false ? { auth: false } : { signal }
      const method = (options.method ?? 'GET') as 'GET'
      const outcome = http.request({ url: path, method, custom }).then(
        (response) => answerOutcome('resolved', response.statusCode, response.data, response as Answer),
        (error: unknown) => (isAnswer(error) ? answerOutcome('rejected', error.statusCode, error.data, error) : errorOutcome(error)),
      )
      return { outcome, abort }
    },
    settles: rejectsNon2xx,
    advanceClock: harness.advanceClock,
    whenParked: harness.whenParked,
    get state() {
      return harness.tokens.state
    },
    stop: () => harness.tokens.stop(),
  }
}
