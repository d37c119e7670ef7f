// Scenario client on createUniRequest (painless-token/uni). `uni` is the runtime's, or the global one when omitted.
import { createUniRequest, type MiniRequestFunction, type UniRequest } from '../../../src/entries/uni.ts'
import {
  adapterOptions,
  answerOutcome,
  createHarness,
  errorOutcome,
  miniRefused,
  resolvesAll,
  TOKEN_FORM,
  type ClientConfig,
  type ScenarioClient,
} from '../harness.ts'

export function startUni(config: ClientConfig, uni?: { request: MiniRequestFunction }): ScenarioClient {
  let request!: UniRequest
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await request({ ...token, dataType: 'json', auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  request = createUniRequest(harness.tokens, { uni, ...adapterOptions(config, miniRefused) })
  return harness.client((path, options = {}) => {
    const sent = request({ url: config.serverUrl + path, method: options.method ?? 'GET', dataType: 'json', auth: options.auth })
    return { outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome), abort: () => sent.abort() }
  }, resolvesAll)
}
