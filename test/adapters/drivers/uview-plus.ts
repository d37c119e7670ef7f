// Scenario client on uview-plus's `uni.$u.http`: the real instance from uview-plus 3.8.112 (libs/function/http.js,
// a `new Request()` of the luch-request 3.0.7 copy it bundles), set up as the README's recipe does it:
// `setConfig` for the baseURL, then attachTokenController (painless-token/luch-request). That instance is one per
// app, so each client detaches itself on stop. Like luch-request, it calls the global `uni` (the caller's).
import http from 'uview-plus/libs/function/http.js'
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

/** `uni.$u.http` as uview-plus's install() puts it there. */
export const uviewHttp = http

export function startUviewPlus(config: ClientConfig): ScenarioClient {
  http.setConfig((defaults) => Object.assign(defaults, { baseURL: config.serverUrl }))
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
    () => {
      detach()
      harness.tokens.stop()
    },
  )
}
