// Scenario client on real axios (its Node http adapter) + attachToAxios (painless-token/axios).
import axios, { type AxiosResponse } from 'axios'
import { attachToAxios } from '../../../src/entries/axios.ts'
import {
  adapterOptions,
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  rejectsNon2xx,
  TOKEN_FORM,
  type ClientConfig,
  type ScenarioClient,
} from '../harness.ts'

declare module 'axios' {
  interface AxiosRequestConfig {
    tokenAuth?: boolean
  }
}

export function startAxios(config: ClientConfig): ScenarioClient {
  const api = axios.create({ baseURL: config.serverUrl })
  const harness = createHarness(config, async () => (await api.post('/token', TOKEN_FORM.body, { tokenAuth: false })).data)
  attachToAxios(
    api,
    harness.tokens,
    adapterOptions(config, (r: { status: number; data?: unknown }) => r.status === 401 || codeSays401(r.data)),
  )
  return harness.client((path, options = {}) => {
    const controller = new AbortController()
    const tokenAuth = options.auth === false ? false : undefined
    const outcome = api.request({ url: path, method: options.method ?? 'GET', tokenAuth, signal: controller.signal }).then(
      (r: AxiosResponse) => answerOutcome('resolved', r.status, r.data, r as { retryAfterMs?: number }),
      (error: { response?: AxiosResponse; retryAfterMs?: number }) =>
        error?.response ? answerOutcome('rejected', error.response.status, error.response.data, error) : errorOutcome(error),
    )
    return { outcome, abort: () => controller.abort() }
  }, rejectsNon2xx)
}
