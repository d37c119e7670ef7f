// Scenario client on real axios (its Node http adapter) + attachToAxios (painless-token/axios).
import axios, { type AxiosResponse } from 'axios'
import { attachToAxios } from '../../../src/entries/axios.ts'
import {
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  rejectsNon2xx,
  type ClientConfig,
  type ScenarioClient,
  scenarioSigner,
} from '../harness.ts'

declare module 'axios' {
  interface AxiosRequestConfig {
    tokenAuth?: boolean
  }
}

export function startAxios(config: ClientConfig): ScenarioClient {
  const api = axios.create({ baseURL: config.serverUrl })
  const harness = createHarness(config, async () => (await api.post('/token', 'grant_type=client_credentials', { tokenAuth: false })).data)
  attachToAxios(api, harness.tokens, {
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? (r) => r.status === 401 || codeSays401(r.data) : undefined,
  })
  return {
    send(path, options = {}) {
      const controller = new AbortController()
      const tokenAuth = options.auth === false ? false : undefined
      const outcome = api.request({ url: path, method: options.method ?? 'GET', tokenAuth, signal: controller.signal }).then(
        (r: AxiosResponse) => answerOutcome('resolved', r.status, r.data, r as { retryAfterMs?: number }),
        (error: { response?: AxiosResponse; retryAfterMs?: number }) =>
          error?.response ? answerOutcome('rejected', error.response.status, error.response.data, error) : errorOutcome(error),
      )
      return { outcome, abort: () => controller.abort() }
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
