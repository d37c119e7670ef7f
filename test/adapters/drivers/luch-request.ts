// Scenario client on luch-request + attachTokenController. luch-request calls the global `uni`: the caller
// provides it (the Node uni shim, or the sandbox's uni built on wx). Rejections that carry an answer are answers.
import Request from 'luch-request'
import { attachTokenController } from '../../../src/entries/luch-request.ts'
import {
  adapterOptions,
  answerOutcome,
  createHarness,
  errorOutcome,
  miniRefused,
  rejectsNon2xx,
  signalLike,
  TOKEN_FORM,
  type ClientConfig,
  type ScenarioClient,
} from '../harness.ts'

type Answer = { statusCode: number; data: unknown; retryAfterMs?: number }
const isAnswer = (value: unknown): value is Answer => typeof (value as Answer | null)?.statusCode === 'number'

export function startLuchRequest(config: ClientConfig): ScenarioClient {
  return startOnLuchInstance(new Request({ baseURL: config.serverUrl }), config)
}

/**
 * The scenario client on a luch-request instance the caller made (the package's, or uview-plus's bundled copy),
 * with `attachTokenController`; `onStop` runs after the controller stops (a shared instance detaches there).
 */
export function startOnLuchInstance(http: Request, config: ClientConfig, onStop?: (detach: () => void) => void): ScenarioClient {
  const harness = createHarness(config, async () => {
    const response = await http.post(
      '/token',
      { grant_type: 'client_credentials' },
      { header: TOKEN_FORM.contentType, custom: { auth: false } },
    )
    return response.data
  })
  const detach = attachTokenController(
    http,
    harness.tokens,
    adapterOptions(config, (r) => miniRefused(r as Answer)),
  )
  return harness.client(
    (path, options = {}) => {
      const { signal, abort } = signalLike()
      const custom = options.auth === false ? { auth: false } : { signal }
      const method = (options.method ?? 'GET') as 'GET'
      const outcome = http.request({ url: path, method, custom }).then(
        (response) => answerOutcome('resolved', response.statusCode, response.data, response as Answer),
        (error: unknown) => (isAnswer(error) ? answerOutcome('rejected', error.statusCode, error.data, error) : errorOutcome(error)),
      )
      return { outcome, abort }
    },
    rejectsNon2xx,
    onStop &&
      (() => {
        onStop(detach)
        harness.tokens.stop()
      }),
  )
}
