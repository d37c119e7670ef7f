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
  adapterOptions,
  answerOutcome,
  createHarness,
  errorOutcome,
  miniRefused,
  resolvesAll,
  TOKEN_FORM,
  type ClientConfig,
  type Outcome,
  type ScenarioClient,
} from '../harness.ts'

export function startWx(config: ClientConfig, wx?: { request: MiniRequestFunction }): ScenarioClient {
  let request!: WxRequest
  const call = (options: MiniRequestOptions) =>
    new Promise<MiniRequestSuccess>((resolve, reject) => {
      request({ ...options, success: resolve, fail: reject })
    })
  const harness = createHarness(config, async () => {
    const token = { url: config.serverUrl + '/token', method: 'POST', header: TOKEN_FORM.contentType, data: TOKEN_FORM.body }
    const result = await call({ ...token, dataType: 'json', auth: false })
    if (result.statusCode !== 200) throw result
    return result.data
  })
  request = createWxRequest(harness.tokens, { wx, ...adapterOptions(config, miniRefused) })
  return harness.client((path, options = {}) => {
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
  }, resolvesAll)
}
