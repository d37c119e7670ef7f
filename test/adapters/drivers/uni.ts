// Scenario client on createUniRequest (painless-token/uni). `uni` is the runtime's, or the global one when omitted.
import { createUniRequest, type MiniRequestFunction, type UniRequest } from '../../../src/entries/uni.ts'
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

export function startUni(config: ClientConfig, uni?: { request: MiniRequestFunction }): ScenarioClient {
  let request!: UniRequest
  const harness = createHarness(config, async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const result = await request({
      url: config.serverUrl + '/token',
      method: 'POST',
      header: form,
      data: 'grant_type=client_credentials',
      dataType: 'json',
      auth: false,
    })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  request = createUniRequest(harness.tokens, {
    uni,
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? (r) => r.statusCode === 401 || codeSays401(r.data) : undefined,
  })
  return {
    send(path, options = {}) {
      const sent = request({ url: config.serverUrl + path, method: options.method ?? 'GET', dataType: 'json', auth: options.auth })
      return { outcome: sent.then((r) => answerOutcome('resolved', r.statusCode, r.data, r), errorOutcome), abort: () => sent.abort() }
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
