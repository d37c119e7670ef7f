// Scenario client on createWxRequest (painless-token/wx), callback style as wx.request is used. `wx` is the
// runtime's, or the global one when omitted (the mini-program sandbox).
import {
  createWxRequest,
  type MiniRequestFunction,
  type MiniRequestOptions,
  type MiniRequestSuccess,
  type WxRequest,
} from '../../../src/entries/wx.ts'
import {
  answerOutcome,
  codeSays401,
  createHarness,
  errorOutcome,
  resolvesAll,
  type ClientConfig,
  type Outcome,
  type ScenarioClient,
  scenarioSigner,
} from '../harness.ts'

export function startWx(config: ClientConfig, wx?: { request: MiniRequestFunction }): ScenarioClient {
  let request!: WxRequest
  const call = (options: MiniRequestOptions) =>
    new Promise<MiniRequestSuccess>((resolve, reject) => void request({ ...options, success: resolve, fail: reject }))
  const harness = createHarness(config, async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const result = await call({
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
  request = createWxRequest(harness.tokens, {
    wx,
    maxReplays: config.maxReplays,
    sign: scenarioSigner(config.sign),
    isUnauthorized: config.businessCodes ? (r) => r.statusCode === 401 || codeSays401(r.data) : undefined,
  })
  return {
    send(path, options = {}) {
      let task!: { abort(): void }
      const outcome = new Promise<Outcome>((resolve) => {
        task = request({
          url: config.serverUrl + path,
          method: options.method ?? 'GET',
          dataType: 'json',
          auth: options.auth,
          success: (r) => resolve(answerOutcome('resolved', r.statusCode, r.data, r)),
          fail: (error) => resolve(errorOutcome(error)),
        })
      })
      return { outcome, abort: () => task.abort() }
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
